#include "report/cyclonedx.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/snapshots.h"

namespace anshin::report {
namespace {

using nlohmann::json;

std::string property(const json& component, const std::string& name) {
  for (const auto& p : component["properties"])
    if (p["name"] == name) return p["value"];
  return "(absent)";
}

TEST(CycloneDx, DevicesAreHardwareComponents) {
  const json bom = json::parse(render_cyclonedx(testing::canonical_snapshot()));
  EXPECT_EQ(bom["bomFormat"], "CycloneDX");
  EXPECT_EQ(bom["specVersion"], "1.6");
  ASSERT_EQ(bom["components"].size(), 4u);
  const json& annke = bom["components"][0];
  EXPECT_EQ(annke["type"], "device");
  EXPECT_EQ(annke["bom-ref"], "device:10.20.0.21");
  EXPECT_EQ(annke["manufacturer"]["name"], "Hikvision");
  EXPECT_EQ(annke["supplier"]["name"], "Annke");
  EXPECT_EQ(annke["name"], "I91BM");
  EXPECT_EQ(annke["version"], "V5.5.0 build 170725");
  EXPECT_EQ(property(annke, "anshin:serial"), "I91BM20190101AAWRD12345678");
  EXPECT_EQ(property(annke, "anshin:mac"), "44:19:b6:12:34:56");
  const json& host = bom["components"][3];  // nothing identified: a name is still required
  EXPECT_EQ(host["name"], "unknown other");
  EXPECT_FALSE(host.contains("manufacturer"));
  EXPECT_FALSE(host.contains("version"));
  EXPECT_EQ(property(host, "anshin:serial"), "(absent)");
}

TEST(CycloneDx, OnlyCveFindingsAreVulnerabilities) {
  const json bom = json::parse(render_cyclonedx(testing::canonical_snapshot()));
  ASSERT_EQ(bom["vulnerabilities"].size(), 2u);
  const json& v = bom["vulnerabilities"][0];
  EXPECT_EQ(v["id"], "CVE-2017-7921");
  EXPECT_EQ(v["source"]["url"], "https://nvd.nist.gov/vuln/detail/CVE-2017-7921");
  EXPECT_EQ(v["ratings"][0]["severity"], "critical");
  EXPECT_EQ(v["affects"], json::parse(R"([{"ref": "device:10.20.0.21"}])"));
  EXPECT_EQ(bom["vulnerabilities"][1]["id"], "CVE-2021-33044");
}

// One CVE on several devices is one vulnerability affecting each of them, rated at its worst.
TEST(CycloneDx, OneVulnerabilityPerCveWithEveryAffectedDevice) {
  ScanSnapshot snap = testing::canonical_snapshot();
  Finding cve = snap.devices[0].findings[4];
  ASSERT_EQ(cve.id, "cve.CVE-2017-7921");
  cve.severity = Severity::kHigh;
  snap.devices[1].findings.push_back(cve);
  snap.devices[0].findings.push_back(snap.devices[0].findings[4]);  // the same finding twice on one device
  const json bom = json::parse(render_cyclonedx(snap));
  ASSERT_EQ(bom["vulnerabilities"].size(), 2u);
  const json& v = bom["vulnerabilities"][0];
  EXPECT_EQ(v["ratings"][0]["severity"], "critical");
  EXPECT_EQ(v["affects"], json::parse(R"([{"ref": "device:10.20.0.21"}, {"ref": "device:10.20.0.30"}])"));
}

TEST(CycloneDx, HostileDeviceStringsAreEscapedAndValidUtf8) {
  ScanSnapshot snap;
  Device d = testing::hostile_device();
  d.findings.push_back(testing::finding("cve.CVE-2099-0001", Severity::kLow, "<b>\"x\"</b>\n", "d", "r",
                                        {"javascript:alert(1)"}));
  snap.devices.push_back(d);
  const std::string text = render_cyclonedx(snap);
  const json bom = json::parse(text);  // throws on invalid UTF-8 or broken escaping
  EXPECT_EQ(bom["components"][0]["name"], testing::kScriptModel);
  EXPECT_EQ(bom["components"][0]["version"], testing::kEscFirmware);
  EXPECT_EQ(text.find('\x1b'), std::string::npos);  // the escape byte is written as \u001b
  EXPECT_EQ(bom["vulnerabilities"][0]["description"], "<b>\"x\"</b>\n");
}

}  // namespace
}  // namespace anshin::report
