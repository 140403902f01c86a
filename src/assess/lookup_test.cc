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


// What a Japanese buyer types (issue 11 item 5): katakana and kanji names, full-width text and spaces,
// half-width katakana, models without hyphens; each finds the right maker.
struct Spelling {
  const char* query;
  const char* manufacturer;
  const char* model;     // as lookup keeps it ("" = no model)
  const char* category;  // "" = none
};

TEST(AssessLookup, JapaneseSpellingsFindTheMaker) {
  const Spelling cases[] = {
      {"ハイクビジョン", "Hikvision", "", ""},
      {"ﾊｲｸﾋﾞｼﾞｮﾝ", "Hikvision", "", ""},
      {"海康威视", "Hikvision", "", ""},
      {"海康威視 DS-2CD2043G0-I", "Hikvision", "DS-2CD2043G0-I", "camera"},
      {"ハイクビジョン DS2CD2043G0I", "Hikvision", "DS2CD2043G0I", "camera"},
      {"ハイクビジョンDS-2CD2043G0-I", "Hikvision", "DS-2CD2043G0-I", "camera"},
      {"ＤＳ－２ＣＤ２０４３Ｇ０－Ｉ", "Hikvision", "DS-2CD2043G0-I", "camera"},
      {"ＤＳ２ＣＤ２０４３Ｇ０Ｉ", "Hikvision", "DS2CD2043G0I", "camera"},
      {"DSー2CD2043G0ーI", "Hikvision", "DS-2CD2043G0-I", "camera"},
      {"ds2cd2043g0i", "Hikvision", "ds2cd2043g0i", "camera"},
      {"ダーファ", "Dahua", "", ""},
      {"ダーファ・テクノロジー", "Dahua", "", ""},
      {"ﾀﾞｰﾌｧ　ＩＰＣ－ＨＦＷ４４３１Ｒ－Ｚ", "Dahua", "IPC-HFW4431R-Z", "camera"},
      {"大华 IPCHFW4431RZ", "Dahua", "IPCHFW4431RZ", "camera"},
      {"大華　NVR4108HS4KS2", "Dahua", "NVR4108HS4KS2", "nvr"},
      {"パナソニック", "i-PRO (Panasonic)", "", ""},
      {"ﾊﾟﾅｿﾆｯｸ ＷＶＳ２１３６", "i-PRO (Panasonic)", "WVS2136", "camera"},
      {"アクシス", "Axis", "", ""},
      {"アクシス　Ｐ３２４５－ＬＶＥ", "Axis", "P3245-LVE", "camera"},
      {"アクシス コミュニケーションズ", "Axis", "", ""},
      {"ＡＸＩＳ P3245LVE", "Axis", "P3245LVE", "camera"},
      {"キャノン", "Canon", "", ""},
      {"ｱﾝｹ", nullptr, nullptr, nullptr},  // not a name the data holds: unknown, never a guess
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.query);
    const auto r = lookup(A(), c.query, {});
    if (c.manufacturer == nullptr) {
      EXPECT_FALSE(r.known);
      continue;
    }
    ASSERT_TRUE(r.known);
    EXPECT_EQ(r.manufacturer, c.manufacturer);
    EXPECT_EQ(r.model, c.model);
    EXPECT_EQ(r.category, c.category);
  }
}

TEST(AssessLookup, ModelWithoutHyphensKeepsItsCves) {
  const auto typed = lookup(A(), "DS-2CD2043G0-I", {});
  const auto compact = lookup(A(), "ＤＳ２ＣＤ２０４３Ｇ０Ｉ", {});
  ASSERT_TRUE(typed.known && compact.known);
  ASSERT_EQ(typed.cves.size(), compact.cves.size());
  for (size_t i = 0; i < typed.cves.size(); ++i) EXPECT_EQ(typed.cves[i].id, compact.cves[i].id);
  EXPECT_TRUE(HasCve(compact, "CVE-2021-36260"));
  EXPECT_EQ(typed.policies.size(), compact.policies.size());
}

TEST(AssessLookup, PoliciesCarryDateAndScopeChainCarriesDates) {
  const auto r = lookup(A(), "Lorex E891AB", {});
  ASSERT_TRUE(r.known);
  ASSERT_EQ(r.policies.size(), r.policy_details.size());
  ASSERT_FALSE(r.policy_details.empty());
  for (const auto& p : r.policy_details) {
    EXPECT_EQ(p.vendor, "dahua") << p.id;  // the rule names the maker, not the label
    EXPECT_EQ(p.since.size(), 10u) << p.id;
    EXPECT_FALSE(p.scope.empty()) << p.id;
  }
  ASSERT_FALSE(r.oem_chain.empty());
  EXPECT_EQ(r.oem_chain.front().from, "Lorex");
  // The chain is the vocabulary's, with its dates as the data gives them.
  const auto& vocab = A().kb().vocab();
  const auto chain = vocab.oem_chain("lorex");
  ASSERT_EQ(chain.size(), r.oem_chain.size());
  for (size_t i = 0; i < chain.size(); ++i) {
    EXPECT_EQ(r.oem_chain[i].since, chain[i].edge ? chain[i].edge->since : "");
    EXPECT_EQ(r.oem_chain[i].until, chain[i].edge ? chain[i].edge->until : "");
  }
}

TEST(LookupText, NormalizeAndKeys) {
  EXPECT_EQ(normalize_query("  ＤＳ－２ＣＤ\u3000 ｘ  "), "DS-2CD x");
  EXPECT_EQ(normalize_query("DS\u22122CD\u20102"), "DS-2CD-2");
  EXPECT_EQ(normalize_query("ダーファ"), "ダーファ");  // the long-vowel mark stays inside katakana
  EXPECT_EQ(name_key("ダーファ・テクノロジー"), name_key("ﾀﾞｰﾌｧ ﾃｸﾉﾛｼﾞｰ"));
  EXPECT_EQ(name_key("TP-LINK"), "tplink");
  EXPECT_EQ(name_key("i-PRO Co., Ltd."), "iprocoltd");
}

TEST(LookupText, HyphensOptionalOutsideClassesOnly) {
  EXPECT_EQ(hyphens_optional("^DS-2CD"), "^DS-?2CD");
  EXPECT_EQ(hyphens_optional("^[A-Z]-\\d"), "^[A-Z]-?\\d");
  EXPECT_EQ(hyphens_optional("[-x]y\\-z"), "[-x]y\\-?z");
  EXPECT_EQ(hyphens_optional("[]-]a-b"), "[]-]a-?b");
}

}  // namespace
}  // namespace anshin::assess
