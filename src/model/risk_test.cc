#include "model/risk.h"

#include <gtest/gtest.h>

namespace anshin {
namespace {

Finding F(std::string id, Severity s) {
  Finding f;
  f.id = std::move(id);
  f.severity = s;
  return f;
}

TEST(Risk, FindingKinds) {
  EXPECT_EQ(finding_kind("policy.us.fcc-covered"), FindingKind::kPolicy);
  EXPECT_EQ(finding_kind("identity.weak-evidence"), FindingKind::kIdentification);
  for (const char* id : {"cve.CVE-2021-36260", "auth.rtsp-open", "exposure.telnet", "tls.weak"})
    EXPECT_EQ(finding_kind(id), FindingKind::kSecurity) << id;
  EXPECT_EQ(finding_kind("policyx"), FindingKind::kSecurity);  // the prefix is "policy." with its dot
}

TEST(Risk, PolicyOnlyDeviceIsNotSecurityCriticalOrHigh) {
  const auto r = summarize({F("policy.us.fcc-covered", Severity::kHigh), F("policy.us.ndaa-889", Severity::kHigh),
                            F("policy.us.fcc-covered", Severity::kHigh), F("identity.weak-evidence", Severity::kInfo)});
  EXPECT_EQ(r.highest, Severity::kHigh);  // all kinds
  EXPECT_FALSE(r.security_highest);
  EXPECT_FALSE(r.security_critical_or_high());
  EXPECT_EQ(r.security_rank(), -1);
  EXPECT_EQ(r.security_total, 0u);
  EXPECT_EQ(r.policy_ids, (std::vector<std::string>{"policy.us.fcc-covered", "policy.us.ndaa-889"}));
  EXPECT_EQ(r.total, 4u);
}

TEST(Risk, CveDeviceIsSecurityCriticalOrHigh) {
  const auto r = summarize({F("cve.CVE-2017-7921", Severity::kHigh), F("exposure.telnet", Severity::kMedium)});
  EXPECT_EQ(r.security_highest, Severity::kHigh);
  EXPECT_TRUE(r.security_critical_or_high());
  EXPECT_EQ(r.security_counts[static_cast<size_t>(Severity::kMedium)], 1u);
  EXPECT_TRUE(r.policy_ids.empty());
}

TEST(Risk, OrderingIsSecurityFirstThenPolicy) {
  const auto cve_medium = summarize({F("cve.CVE-1", Severity::kMedium)});
  const auto listed_twice = summarize({F("policy.a", Severity::kHigh), F("policy.b", Severity::kHigh)});
  const auto cve_medium_listed = summarize({F("cve.CVE-1", Severity::kMedium), F("policy.a", Severity::kHigh)});
  const auto note_only = summarize({F("identity.weak-evidence", Severity::kInfo)});
  EXPECT_LT(compare_risk(cve_medium, listed_twice), 0);
  EXPECT_LT(compare_risk(cve_medium_listed, cve_medium), 0);
  EXPECT_LT(compare_risk(listed_twice, note_only), 0);
  EXPECT_EQ(compare_risk(note_only, summarize({})), 0);
}

TEST(Risk, FleetKeepsSecurityAndPolicyApart) {
  std::vector<Device> devs(3);
  devs[0].findings = {F("policy.us.fcc-covered", Severity::kHigh)};
  devs[1].findings = {F("cve.CVE-2021-36260", Severity::kCritical), F("policy.us.fcc-covered", Severity::kHigh)};
  devs[2].findings = {F("identity.weak-evidence", Severity::kInfo)};
  const auto fr = summarize_fleet(devs);
  EXPECT_EQ(fr.security_critical_or_high, std::vector<size_t>{1});
  EXPECT_EQ(fr.policy_exposed, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(fr.by_policy.at("policy.us.fcc-covered"), (std::vector<size_t>{0, 1}));
  EXPECT_EQ(fr.security_findings_by_severity[static_cast<size_t>(Severity::kCritical)], 1u);
  EXPECT_EQ(fr.security_findings_by_severity[static_cast<size_t>(Severity::kHigh)], 0u);
  EXPECT_EQ(fr.findings_by_severity[static_cast<size_t>(Severity::kHigh)], 2u);
}

}  // namespace
}  // namespace anshin
