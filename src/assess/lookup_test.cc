#include "assess/lookup.h"

#include <gtest/gtest.h>

namespace anshin::assess {
namespace {

const Assessor& A() {
  static std::shared_ptr<const kb::KnowledgeBase> kb = [] {
    kb::Diagnostics d;
    return *kb::KnowledgeBase::load_embedded(d);
  }();
  static Assessor* a = [] {
    kb::Diagnostics d;
    auto r = Assessor::load(*kb, d);
    return new Assessor(std::move(*r));
  }();
  return *a;
}

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

const LookupCve* FindCve(const LookupResult& r, std::string_view id) {
  for (const auto& c : r.cves)
    if (c.id == id) return &c;
  return nullptr;
}

// A record naming one build: that build is "= X", every other build is marked approximate in the query's language.
TEST(AssessLookup, SingleNamedBuildAndApproximateRangesInBothLanguages) {
  AssessOptions en, ja;
  ja.lang = "ja";
  auto r = lookup(A(), "Reolink RLC-410W", en);
  const LookupCve* c = FindCve(r, "CVE-2021-40407");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->kev_added, "2024-12-18");
  EXPECT_NE(c->affected.find("= 3.0.0.136"), std::string::npos) << c->affected;
  EXPECT_NE(c->affected.find("(approximate)"), std::string::npos) << c->affected;
  auto j = lookup(A(), "Reolink RLC-410W", ja);
  const LookupCve* cj = FindCve(j, "CVE-2021-40407");
  ASSERT_NE(cj, nullptr);
  EXPECT_NE(cj->affected.find("（境界は不確か）"), std::string::npos) << cj->affected;
  EXPECT_EQ(cj->affected.find("approximate"), std::string::npos) << cj->affected;
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
  EXPECT_NE(lorex.relation.find("relation dated 2018-02-06 to 2022-11-23"), std::string::npos) << lorex.relation;
  // A Lorex line with no Dahua evidence: the maker stays unknown and no Dahua-only rule names it.
  auto other = lookup(A(), "Lorex W881AA", {});
  ASSERT_TRUE(other.known);
  EXPECT_EQ(other.manufacturer, "");
  EXPECT_FALSE(HasPolicy(other, "policy.us.ndaa-805-1260h"));
  EXPECT_EQ(other.relation.find("Dahua"), std::string::npos) << other.relation;
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
