// Policy findings need a proven maker; otherwise identity.weak-evidence says what the tells suggest
// (docs/verdict.md "Evidence tiers").
#include <gtest/gtest.h>

#include <algorithm>

#include "assess/assess.h"

namespace anshin::assess {
namespace {

const kb::KnowledgeBase& Kb() {
  static std::shared_ptr<const kb::KnowledgeBase> kb = [] {
    kb::Diagnostics d;
    auto r = kb::KnowledgeBase::load_embedded(d);
    return r ? *r : nullptr;
  }();
  return *kb;
}

const Assessor& A() {
  static Assessor* a = [] {
    kb::Diagnostics d;
    auto r = Assessor::load(Kb(), d);
    return new Assessor(std::move(*r));
  }();
  return *a;
}

Device Hikvision(MakerProof proof) {
  Device d;
  d.verdict.category = Category::kCamera;
  d.verdict.maker_proof = proof;
  if (proof == MakerProof::kPossible) {
    d.verdict.possible_manufacturer_id = "hikvision";
    d.verdict.possible_manufacturer = "Hikvision";
  } else {
    d.verdict.manufacturer_id = d.verdict.brand_id = "hikvision";
    d.verdict.manufacturer = d.verdict.brand = "Hikvision";
  }
  return d;
}

std::vector<std::string> ids(const std::vector<Finding>& fs) {
  std::vector<std::string> out;
  for (const auto& f : fs) out.push_back(f.id);
  return out;
}

bool has_prefix(const std::vector<std::string>& v, const std::string& p) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.rfind(p, 0) == 0; });
}

TEST(WeakIdentity, ProvenMakerGetsPolicyFindings) {
  AssessOptions o;
  auto f = ids(A().assess(Hikvision(MakerProof::kProven), HostRecord{}, o));
  EXPECT_TRUE(has_prefix(f, "policy.us.fcc-covered"));
  EXPECT_FALSE(has_prefix(f, "identity.weak-evidence"));
}

TEST(WeakIdentity, IndicatedMakerGetsNoPolicyFindingButAnExplanation) {
  AssessOptions o;
  auto fs = A().assess(Hikvision(MakerProof::kIndicated), HostRecord{}, o);
  auto f = ids(fs);
  EXPECT_FALSE(has_prefix(f, "policy.")) << testing::PrintToString(f);
  ASSERT_TRUE(has_prefix(f, "identity.weak-evidence"));
  const auto& w = *std::find_if(fs.begin(), fs.end(), [](const Finding& x) { return x.id == "identity.weak-evidence"; });
  EXPECT_EQ(w.severity, Severity::kMedium);
  EXPECT_NE(w.title.find("single tell"), std::string::npos) << w.title;
  EXPECT_NE(w.detail.find("FCC"), std::string::npos) << w.detail;  // names the rules that would apply
}

TEST(WeakIdentity, PossibleMakerIsShownAsPossiblyNeverAsAPolicyFinding) {
  AssessOptions o;
  auto fs = A().assess(Hikvision(MakerProof::kPossible), HostRecord{}, o);
  auto f = ids(fs);
  EXPECT_FALSE(has_prefix(f, "policy."));
  ASSERT_TRUE(has_prefix(f, "identity.weak-evidence"));
  EXPECT_NE(fs.front().title.find("Possibly Hikvision"), std::string::npos) << fs.front().title;
  o.lang = "ja";
  auto ja = A().assess(Hikvision(MakerProof::kPossible), HostRecord{}, o);
  EXPECT_NE(ja.front().title.find("Hikvision 製の可能性"), std::string::npos) << ja.front().title;
}

TEST(WeakIdentity, IndicatedMakerNoRuleNamesSaysNothing) {
  AssessOptions o;
  Device d = Hikvision(MakerProof::kIndicated);
  d.verdict.manufacturer_id = d.verdict.brand_id = "axis";
  d.verdict.manufacturer = d.verdict.brand = "Axis";
  EXPECT_FALSE(has_prefix(ids(A().assess(d, HostRecord{}, o)), "identity."));
}

}  // namespace
}  // namespace anshin::assess
