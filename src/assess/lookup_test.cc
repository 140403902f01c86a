#include "assess/lookup.h"

#include <gtest/gtest.h>

#include "support/assessor.h"

namespace anshin::assess {
namespace {

const Assessor& A() { return testing::shipped_assessor(); }

bool HasPolicy(const LookupResult& r, std::string_view id) {
  for (const auto& f : r.policies)
    if (f.id == id) return true;
  return false;
}

bool HasCve(const LookupResult& r, std::string_view id) {
  for (const auto& c : r.cves)
    if (c.id == id) return true;
  return false;
}

TEST(AssessLookup, HikvisionModelAlone) {
  auto r = lookup(A(), "DS-2CD2043G0-I", {});
  ASSERT_TRUE(r.known);
  EXPECT_EQ(r.manufacturer, "Hikvision");
  EXPECT_EQ(r.category, "camera");
  EXPECT_TRUE(HasPolicy(r, "policy.us.fcc-covered"));
  ASSERT_TRUE(HasCve(r, "CVE-2021-36260"));
  EXPECT_EQ(r.cves[0].state, "possible");
  EXPECT_FALSE(r.cves[0].fixed.empty());
}

TEST(AssessLookup, RelabelledBrands) {
  auto annke = lookup(A(), "Annke C800", {});
  ASSERT_TRUE(annke.known);
  EXPECT_EQ(annke.brand, "Annke");
  EXPECT_EQ(annke.manufacturer, "Hikvision");
  EXPECT_NE(annke.relation.find("evidence M:"), std::string::npos) << annke.relation;
  EXPECT_TRUE(HasPolicy(annke, "policy.us.ndaa-889"));
  auto lorex = lookup(A(), "Lorex E891AB", {});
  EXPECT_EQ(lorex.manufacturer, "Dahua");
  EXPECT_EQ(lorex.brand, "Lorex");
  EXPECT_TRUE(HasPolicy(lorex, "policy.us.fcc-covered"));
}

TEST(AssessLookup, AxisHasNoPolicy) {
  auto r = lookup(A(), "AXIS P3245-LVE", {});
  ASSERT_TRUE(r.known);
  EXPECT_EQ(r.manufacturer, "Axis");
  EXPECT_EQ(r.model, "P3245-LVE");
  EXPECT_TRUE(r.policies.empty());
}

TEST(AssessLookup, UnknownSaysSo) {
  auto r = lookup(A(), "Frobnicator 3000", {});
  EXPECT_FALSE(r.known);
  EXPECT_NE(r.message.find("does not guess"), std::string::npos);
  auto c = lookup(A(), "C800", {});  // short names need the brand
  EXPECT_FALSE(c.known);
}

TEST(AssessLookup, WeakBrandOnlyLowPolicy) {
  auto r = lookup(A(), "truVision TVC-M1220", {});
  ASSERT_TRUE(r.known);
  EXPECT_TRUE(r.manufacturer.empty());
  for (const auto& f : r.policies) EXPECT_LE(f.severity, Severity::kLow);
  EXPECT_TRUE(r.cves.empty());
}

}  // namespace
}  // namespace anshin::assess
