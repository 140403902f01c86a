// `anshin kb info` counts on the shipped knowledge base. The floors are what the data held when this
// test was written (2026-12-06): the test fails when knowledge is lost, never when it grows.
#include "assess/counts.h"

#include <gtest/gtest.h>

#include "assess/assess.h"

namespace anshin::assess {
namespace {

TEST(KnowledgeCounts, ShippedKnowledgeDoesNotFall) {
  kb::Diagnostics d;
  auto kb = kb::KnowledgeBase::load_embedded(d);
  ASSERT_TRUE(kb);
  auto as = Assessor::load(**kb, d);
  ASSERT_TRUE(as);
  const KnowledgeCounts c = count_knowledge(**kb, as->data());
  EXPECT_GE(c.cves, 11u);
  EXPECT_GE(c.cve_vendors, 4u);
  EXPECT_GE(c.kev, 3u);
  EXPECT_GE(c.policies, 4u);
  EXPECT_GE(c.vendors, 70u);
  EXPECT_GE(c.brands, 15u);
  EXPECT_GE(c.rules, 200u);
  EXPECT_EQ(c.vendors, c.brands + c.manufacturers);
  EXPECT_GT(c.examples, c.rules);  // every rule has at least one example, and the assessment data adds more
}

TEST(KnowledgeCounts, CountsWhatTheDataHolds) {
  kb::Diagnostics d;
  auto kb = kb::KnowledgeBase::load_embedded(d);
  ASSERT_TRUE(kb);
  auto as = Assessor::load(**kb, d);
  ASSERT_TRUE(as);
  AssessData data = as->data();
  const KnowledgeCounts before = count_knowledge(**kb, data);
  ASSERT_FALSE(data.cves.empty());
  Cve extra = data.cves.front();
  extra.id = "CVE-2099-0001";
  extra.vendor = "a-vendor-with-no-cve-yet";
  extra.kev_added = "2099-01-01";
  data.cves.push_back(extra);
  const KnowledgeCounts after = count_knowledge(**kb, data);
  EXPECT_EQ(after.cves, before.cves + 1);
  EXPECT_EQ(after.cve_vendors, before.cve_vendors + 1);
  EXPECT_EQ(after.kev, before.kev + 1);
  EXPECT_EQ(after.examples, before.examples + extra.examples.size());
}

}  // namespace
}  // namespace anshin::assess
