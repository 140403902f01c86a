#include "model/top_actions.h"

#include <gtest/gtest.h>

namespace anshin {
namespace {

Finding F(std::string id, Severity s, std::string title = "", std::string remediation = "") {
  Finding f;
  f.id = std::move(id);
  f.severity = s;
  f.title = std::move(title);
  f.remediation = std::move(remediation);
  return f;
}

Device D(const char* address, const char* maker, Category category, std::vector<Finding> findings) {
  Device d;
  d.address = *IpAddr::parse(address);
  if (*maker) d.verdict.manufacturer = maker;
  d.verdict.category = category;
  d.findings = std::move(findings);
  return d;
}

std::vector<std::string> addresses(const TopAction& a) {
  std::vector<std::string> out;
  for (const Device* d : a.devices) out.push_back(d->address.to_string());
  return out;
}

const std::set<std::string> kKev = {"cve.CVE-2021-36260", "cve.CVE-2017-7921"};

TEST(TopActions, CveFindingsBecomeOneFirmwareUpdatePerMakerAndCategory) {
  const std::vector<Device> fleet = {
      D("10.0.0.1", "Hikvision", Category::kCamera, {F("cve.CVE-2021-36260", Severity::kCritical)}),
      D("10.0.0.2", "Hikvision", Category::kCamera,
        {F("cve.CVE-2021-36260", Severity::kCritical), F("cve.CVE-2017-7923", Severity::kHigh)}),
      D("10.0.0.3", "Hikvision", Category::kNvr, {F("cve.CVE-2017-7923", Severity::kHigh)}),
      D("10.0.0.4", "Dahua", Category::kCamera, {F("cve.CVE-2021-33044", Severity::kCritical)}),
  };
  const auto actions = top_actions(fleet, kKev);
  ASSERT_EQ(actions.size(), 3u);
  // Critical and exploited first, then critical, then high.
  EXPECT_EQ(actions[0].kind, ActionKind::kUpdateFirmware);
  EXPECT_EQ(actions[0].manufacturer, "Hikvision");
  EXPECT_EQ(actions[0].category, Category::kCamera);
  EXPECT_EQ(actions[0].severity, Severity::kCritical);
  EXPECT_TRUE(actions[0].exploited);
  EXPECT_EQ(addresses(actions[0]), (std::vector<std::string>{"10.0.0.1", "10.0.0.2"}));
  ASSERT_EQ(actions[0].findings.size(), 2u);
  EXPECT_EQ(actions[0].findings[0].finding_id, "cve.CVE-2021-36260");  // exploited first
  EXPECT_TRUE(actions[0].findings[0].exploited);
  EXPECT_EQ(actions[0].findings[0].devices, 2u);
  EXPECT_EQ(actions[0].findings[1].finding_id, "cve.CVE-2017-7923");
  EXPECT_EQ(actions[0].findings[1].devices, 1u);
  EXPECT_EQ(actions[1].manufacturer, "Dahua");
  EXPECT_FALSE(actions[1].exploited);
  EXPECT_EQ(actions[2].manufacturer, "Hikvision");
  EXPECT_EQ(actions[2].category, Category::kNvr);
}

TEST(TopActions, RankedBySeverityThenExploitedThenDeviceCount) {
  const std::vector<Device> fleet = {
      // Three devices with telnet (high), one exploited high CVE, two cameras with a critical CVE.
      D("10.0.0.1", "Bosch", Category::kCamera, {F("exposure.telnet", Severity::kHigh, "Telnet is open", "Disable")}),
      D("10.0.0.2", "", Category::kOther, {F("exposure.telnet", Severity::kHigh)}),
      D("10.0.0.3", "Axis", Category::kCamera, {F("exposure.telnet", Severity::kHigh)}),
      D("10.0.0.4", "Hikvision", Category::kDvr, {F("cve.CVE-2017-7921", Severity::kHigh)}),
      D("10.0.0.5", "Dahua", Category::kCamera, {F("cve.CVE-2021-33044", Severity::kCritical)}),
      D("10.0.0.6", "Dahua", Category::kCamera, {F("cve.CVE-2021-33044", Severity::kCritical)}),
  };
  const auto actions = top_actions(fleet, kKev);
  ASSERT_EQ(actions.size(), 3u);
  EXPECT_EQ(actions[0].manufacturer, "Dahua");           // critical beats everything
  EXPECT_EQ(actions[1].manufacturer, "Hikvision");       // high and exploited beats high on 3 devices
  EXPECT_TRUE(actions[1].exploited);
  EXPECT_EQ(actions[2].kind, ActionKind::kFixFinding);   // high, not exploited, 3 devices
  EXPECT_EQ(actions[2].findings[0].finding_id, "exposure.telnet");
  EXPECT_EQ(actions[2].title, "Telnet is open");         // the first device's wording
  EXPECT_EQ(actions[2].remediation, "Disable");
  EXPECT_EQ(actions[2].devices.size(), 3u);              // across makers
  // The same fleet without KEV data: the telnet action (3 devices) now outranks the single DVR.
  const auto plain = top_actions(fleet, {});
  EXPECT_EQ(plain[1].kind, ActionKind::kFixFinding);
  EXPECT_EQ(plain[2].manufacturer, "Hikvision");
}

TEST(TopActions, MoreDevicesFirstAtEqualSeverity) {
  const std::vector<Device> fleet = {
      D("10.0.0.1", "", Category::kOther, {F("exposure.ftp", Severity::kMedium)}),
      D("10.0.0.2", "", Category::kOther, {F("tls.weak", Severity::kMedium)}),
      D("10.0.0.3", "", Category::kOther, {F("tls.weak", Severity::kMedium)}),
  };
  const auto actions = top_actions(fleet, {});
  ASSERT_EQ(actions.size(), 2u);
  EXPECT_EQ(actions[0].findings[0].finding_id, "tls.weak");
  EXPECT_EQ(actions[1].findings[0].finding_id, "exposure.ftp");
}

TEST(TopActions, ProcurementAndIdentificationFindingsAreNoAction) {
  const std::vector<Device> fleet = {
      D("10.0.0.1", "Hikvision", Category::kCamera,
        {F("policy.us.fcc-covered", Severity::kHigh), F("identity.weak-evidence", Severity::kInfo)}),
  };
  EXPECT_TRUE(top_actions(fleet, {}).empty());
  EXPECT_TRUE(top_actions({}, kKev).empty());
}

TEST(TopActions, ADeviceCountsOncePerActionAndTheHighestSeverityWins) {
  // The same CVE twice on one device (two ports), once as "possibly affected" (medium).
  const std::vector<Device> fleet = {
      D("10.0.0.1", "Hikvision", Category::kCamera,
        {F("cve.CVE-2021-36260", Severity::kMedium), F("cve.CVE-2021-36260", Severity::kCritical)}),
      D("10.0.0.2", "Hikvision", Category::kCamera, {F("cve.CVE-2021-36260", Severity::kMedium)}),
  };
  const auto actions = top_actions(fleet, kKev);
  ASSERT_EQ(actions.size(), 1u);
  EXPECT_EQ(actions[0].devices.size(), 2u);
  ASSERT_EQ(actions[0].findings.size(), 1u);
  EXPECT_EQ(actions[0].findings[0].devices, 2u);
  EXPECT_EQ(actions[0].findings[0].severity, Severity::kCritical);
  EXPECT_EQ(actions[0].severity, Severity::kCritical);
}

}  // namespace
}  // namespace anshin
