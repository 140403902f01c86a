#include "serve/alerts.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace anshin::serve {
namespace {

Device device(const char* address, const char* mac, const char* firmware) {
  Device d;
  d.address = *IpAddr::parse(address);
  d.mac = mac;
  d.verdict.manufacturer = "Hikvision";
  d.verdict.model = "DS-2CD2043G0-I";
  d.verdict.firmware = firmware;
  return d;
}

Finding finding(const char* id, Severity s) {
  Finding f;
  f.id = id;
  f.severity = s;
  return f;
}

store::ScanDiff sample() {
  store::ScanDiff diff;
  diff.new_scan.id = "scan-2";
  auto fresh = device("192.0.2.20", "00:00:00:00:00:20", "V1");
  fresh.findings = {finding("policy.us.ndaa-889", Severity::kHigh)};
  diff.added = {fresh, device("192.0.2.21", "00:00:00:00:00:21", "V1")};
  diff.gone = {device("192.0.2.30", "00:00:00:00:00:30", "V1")};
  store::FindingsChange fc;
  fc.device = device("192.0.2.40", "00:00:00:00:00:40", "V1");
  fc.device.findings = {finding("cve.CVE-2017-7921", Severity::kCritical), finding("exposure.upnp", Severity::kLow),
                        finding("policy.us.fcc-covered", Severity::kHigh)};
  fc.added = {"cve.CVE-2017-7921", "exposure.upnp", "policy.us.fcc-covered"};
  diff.findings_changed = {fc};
  diff.firmware_changed = {{0, "V5.5.0 build 170725", "V5.4.5 build 170123", device("192.0.2.50", "00:00:00:00:00:50", "")},
                           {0, "V5.4.5 build 170123", "V5.5.0 build 170725", device("192.0.2.51", "00:00:00:00:00:51", "")}};
  diff.firmware_changed[0].downgrade = true;  // as the knowledge base's firmware order says
  return diff;
}

TEST(ServeAlerts, EachKindOfChangeRaisesItsAlert) {
  const auto alerts = alerts_for(sample());
  std::vector<std::string> kinds;
  for (const auto& a : alerts) kinds.push_back(a.kind + " " + a.address);
  EXPECT_EQ(kinds, (std::vector<std::string>{"device.new 192.0.2.20", "policy.maker_appeared 192.0.2.20",
                                             "device.new 192.0.2.21", "device.gone 192.0.2.30",
                                             "finding.new 192.0.2.40", "firmware.downgraded 192.0.2.50",
                                             "firmware.changed 192.0.2.51"}));
  EXPECT_EQ(alerts[4].detail, "cve.CVE-2017-7921");  // low and policy findings raise none
  EXPECT_EQ(alerts[4].severity, Severity::kCritical);
  EXPECT_EQ(alerts[1].detail, "policy.us.ndaa-889");
  // The same change gives the same key; another scan another one.
  auto again = sample();
  EXPECT_EQ(alerts_for(again)[4].key, alerts[4].key);
  again.new_scan.id = "scan-3";
  EXPECT_NE(alerts_for(again)[4].key, alerts[4].key);
}

TEST(ServeAlerts, AReplacedUnitIsOneGoneAndOneNew) {
  store::ScanDiff diff;
  diff.new_scan.id = "scan-2";
  diff.replaced = {{device("192.0.2.60", "00:00:00:00:00:60", "V1"), device("192.0.2.60", "00:00:00:00:00:61", "V1")}};
  const auto alerts = alerts_for(diff);
  std::vector<std::string> kinds;
  for (const auto& a : alerts) kinds.push_back(a.kind + " " + a.address);
  EXPECT_EQ(kinds, (std::vector<std::string>{"device.new 192.0.2.60", "device.gone 192.0.2.60"}));
  EXPECT_NE(alerts[0].key, alerts[1].key);
}

// The alerts and the diff cannot disagree: a downgrade alert is the diff's firmware order's downgrade, whatever
// the digits look like ("build 190101" after "10.12.153" is not a downgrade the order can tell).
TEST(ServeAlerts, ADowngradeIsWhatTheDiffsFirmwareOrderSays) {
  const Device cam = device("192.0.2.70", "00:00:00:00:00:70", "");
  store::IdentifiedSnapshot older, newer;
  older.snapshot.scan.id = "scan-1";
  newer.snapshot.scan.id = "scan-2";
  older.snapshot.devices = {cam, device("192.0.2.71", "00:00:00:00:00:71", "")};
  newer.snapshot.devices = older.snapshot.devices;
  older.snapshot.devices[0].verdict.firmware = "10.12.153";
  newer.snapshot.devices[0].verdict.firmware = "9.80.1";
  older.snapshot.devices[1].verdict.firmware = "2.0";
  newer.snapshot.devices[1].verdict.firmware = "build 190101";
  const auto kinds = [&](const store::FirmwareOrder& order) {
    std::vector<std::string> out;
    for (const auto& a : alerts_for(store::diff_scans(older, newer, order))) out.push_back(a.kind + " " + a.address);
    return out;
  };
  EXPECT_EQ(kinds({}), (std::vector<std::string>{"firmware.changed 192.0.2.70", "firmware.changed 192.0.2.71"}))
      << "no order: no downgrade claimed, as /api/v1/diff";
  std::vector<std::string> asked;
  const store::FirmwareOrder order = [&](const Device& d, const std::string& from, const std::string& to) {
    asked.push_back(d.address.to_string() + " " + from + " " + to);
    return d.address.to_string() == "192.0.2.71" ? std::optional<int>(1) : std::optional<int>();
  };
  EXPECT_EQ(kinds(order), (std::vector<std::string>{"firmware.changed 192.0.2.70", "firmware.downgraded 192.0.2.71"}));
  EXPECT_EQ(asked, (std::vector<std::string>{"192.0.2.70 10.12.153 9.80.1", "192.0.2.71 2.0 build 190101"}));
}

TEST(ServeAlerts, WebhookBodyIsSignedWithHmacSha256) {
  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  EXPECT_EQ(webhook_signature("Jefe", "what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  Alert a = alerts_for(sample())[0];
  a.model = "<script>\"x\xff";
  const auto body = nlohmann::json::parse(webhook_body(a));
  EXPECT_EQ(body["schema"], "anshin.alert/1");
  EXPECT_EQ(body["kind"], "device.new");
  EXPECT_EQ(body["device"]["model"], "<script>\"x\xEF\xBF\xBD");
}

TEST(ServeAlerts, SyslogLineIsRfc5424WithEscapedDeviceStrings) {
  Alert a = alerts_for(sample())[4];
  a.model = "evil\x1b]0;x\x07\"]";
  const auto line = syslog_line(a, "2026-12-06T13:00:00Z", "host1");
  EXPECT_EQ(line.rfind("<130>1 2026-12-06T13:00:00Z host1 anshin - finding.new [anshin@32473 key=\"", 0), 0u) << line;
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_EQ(line.find('\x07'), std::string::npos);
  EXPECT_NE(line.find("\xEF\xBB\xBF" "finding.new 192.0.2.40 Hikvision evil\\x1b]0;x\\x07\"]: cve.CVE-2017-7921"),
            std::string::npos) << line;
}

}  // namespace
}  // namespace anshin::serve
