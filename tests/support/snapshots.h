// Canonical scan snapshots shared by the report tests (golden files, HTML structure, Chromium artifacts).
// Header-only on purpose: only *_test.cc files include it.
#pragma once
#include <string>

#include "model/device.h"

namespace anshin::report::testing {

inline IpAddr v4(const char* text) { return *IpAddr::parse(text); }

inline Finding finding(std::string id, Severity sev, std::string title, std::string detail, std::string remediation,
                       std::vector<std::string> refs) {
  Finding f;
  f.id = std::move(id);
  f.severity = sev;
  f.title = std::move(title);
  f.detail = std::move(detail);
  f.remediation = std::move(remediation);
  f.references = std::move(refs);
  return f;
}

inline std::vector<Finding> policy_findings(const std::string& maker) {
  return {
      finding("policy.us.fcc-covered", Severity::kHigh, maker + " is on the FCC Covered List",
              maker + " video surveillance equipment is on the FCC Covered List; new equipment authorisations are prohibited.",
              "Plan replacement with equipment from a manufacturer not on the Covered List.",
              {"https://www.fcc.gov/supplychain/coveredlist"}),
      finding("policy.us.ndaa-889", Severity::kHigh, maker + " is a covered entity of NDAA section 889",
              "US federal agencies and their contractors may not procure or use this equipment.",
              "If you hold US federal contracts, remove the device or obtain a waiver.",
              {"https://www.acquisition.gov/far/52.204-25"}),
      finding("policy.uk.sensitive-sites", Severity::kMedium, maker + " is named for UK sensitive sites",
              "The UK government stopped deploying such equipment on sensitive sites (Cabinet Office, 24 Nov 2022).",
              "Do not connect the device to networks of sensitive sites; plan replacement.",
              {"https://www.gov.uk/government/news/government-to-remove-surveillance-equipment-from-sensitive-sites"}),
      finding("policy.au.government-removal", Severity::kMedium, maker + " equipment removed from Australian government sites",
              "The Australian Department of Defence ordered this manufacturer's cameras removed in 2023.",
              "Review whether the site falls under Australian government requirements.", {}),
  };
}

// The policy rows a report gets from the knowledge base (assess::policy_infos), fixed here so report tests do
// not depend on data/policies: four rules that name vendors and one context record.
inline std::vector<PolicyInfo> report_policies(const std::string& lang) {
  const bool ja = lang.rfind("ja", 0) == 0;
  return {
      {"policy.us.fcc-covered", ja ? "米国 FCC カバードリスト（Covered List）" : "US: FCC Covered List", "2021-03-12", "FCC",
       "no new equipment authorisations", false},
      {"policy.us.ndaa-889", ja ? "米国 国防権限法（NDAA）2019 年度 第 889 条" : "US: NDAA FY2019 section 889",
       "2019-08-13", "US Congress", "federal procurement", false},
      {"policy.uk.sensitive-sites",
       ja ? "英国 政府の機微な施設からの排除（内閣府、2022 年 11 月）" : "UK: sensitive government sites (Cabinet Office, Nov 2022)",
       "2022-11-24", "Cabinet Office", "sensitive sites", false},
      {"policy.au.government-removal",
       ja ? "豪州 政府施設からの撤去（2023 年）" : "Australia: removal from government sites (2023)", "2023-02-09",
       "Australian Government", "Commonwealth sites", false},
      {"policy.jp.it-procurement-2018", ja ? "日本 IT 調達に係る関係省庁申合せ" : "Japan: IT procurement agreement <2018>",
       "2018-12-10", "Government of Japan", "names no company", true},
  };
}

inline ScanSnapshot canonical_snapshot() {
  ScanSnapshot s;
  s.scan.id = "2026-11-27T10:00:00Z-3f2a";
  s.scan.started = "2026-11-27T10:00:00Z";
  s.scan.finished = "2026-11-27T10:00:09Z";
  s.scan.targets = {"10.20.0.0/24"};
  s.scan.site = "Tokyo store 01";
  s.scan.addresses = 256;
  s.scan.tool_version = "0.1.0";
  s.scan.kb_version = "2026.11.27";

  Device annke;  // a Hikvision camera sold under the Annke brand
  annke.address = v4("10.20.0.21");
  annke.mac = "44:19:b6:12:34:56";
  annke.verdict.category = Category::kCamera;
  annke.verdict.manufacturer = "Hikvision";
  annke.verdict.brand = "Annke";
  annke.verdict.manufacturer_id = "hikvision";
  annke.verdict.brand_id = "annke";
  annke.verdict.model = "I91BM";
  annke.verdict.firmware = "V5.5.0 build 170725";
  annke.verdict.serial = "I91BM20190101AAWRD12345678";
  annke.verdict.confidence = 0.93;
  annke.verdict.evidence = {
      {"http.header.server", 80, "App-webs/", {{"manufacturer", "Hikvision"}}, "hikvision-app-webs"},
      {"onvif.device.manufacturer", 80, "ANNKE", {{"brand", "Annke"}}, "annke-onvif-manufacturer"},
      {"mac.oui", 0, "44:19:B6", {{"manufacturer", "Hikvision"}}, "oui-hikvision"},
  };
  annke.services = {{80, Transport::kTcp, "http", false, "Hikvision web admin"},
                    {554, Transport::kTcp, "rtsp", false, "Hikvision RTSP"},
                    {8000, Transport::kTcp, "hikvision-sdk", false, std::nullopt}};
  annke.findings = policy_findings("Hikvision");
  annke.findings.push_back(finding(
      "cve.CVE-2017-7921", Severity::kCritical, "Improper authentication (CVE-2017-7921)",
      "Firmware V5.5.0 build 170725 is in the vulnerable range: an attacker may be able to read the configuration, "
      "including passwords, without logging in.",
      "Update the firmware to the latest release from the vendor.", {"https://nvd.nist.gov/vuln/detail/CVE-2017-7921"}));
  annke.findings.push_back(finding("auth.rtsp-open", Severity::kHigh, "Video stream without authentication",
                                   "The RTSP stream description is served without a password.",
                                   "Enable RTSP authentication.", {}));
  annke.findings.push_back(finding("exposure.http-cleartext", Severity::kMedium, "Web admin without TLS",
                                   "The web administration page is served over plain HTTP.",
                                   "Enable HTTPS and disable HTTP.", {}));
  s.devices.push_back(annke);

  Device dahua;
  dahua.address = v4("10.20.0.30");
  dahua.mac = "3c:ef:8c:aa:bb:cc";
  dahua.verdict.category = Category::kNvr;
  dahua.verdict.manufacturer = "Dahua";
  dahua.verdict.brand = "Dahua";
  dahua.verdict.manufacturer_id = "dahua";
  dahua.verdict.brand_id = "dahua";
  dahua.verdict.model = "DHI-NVR4108HS-8P-4KS2";
  dahua.verdict.firmware = "V4.001.0000000.1.R build 2020-01-10";
  dahua.verdict.confidence = 0.97;
  dahua.verdict.evidence = {
      {"dhip.device.type", 37777, "DHI-NVR4108HS-8P-4KS2", {{"manufacturer", "Dahua"}, {"category", "nvr"}}, "dahua-dhip"},
  };
  dahua.services = {{80, Transport::kTcp, "http", false, std::nullopt},
                    {23, Transport::kTcp, "telnet", false, std::nullopt},
                    {37777, Transport::kTcp, "dahua-dvrip", false, "Dahua DVRIP"}};
  dahua.findings = policy_findings("Dahua");
  dahua.findings.push_back(finding("cve.CVE-2021-33044", Severity::kCritical, "Authentication bypass (CVE-2021-33044)",
                                   "The firmware build date is in the vulnerable range.",
                                   "Update the firmware.", {"https://nvd.nist.gov/vuln/detail/CVE-2021-33044"}));
  dahua.findings.push_back(finding("exposure.telnet", Severity::kHigh, "Telnet is open",
                                   "A cleartext remote shell is reachable on port 23.", "Disable Telnet.", {}));
  s.devices.push_back(dahua);

  Device axis;
  axis.address = v4("10.20.0.40");
  axis.mac = "00:40:8c:01:02:03";
  axis.verdict.category = Category::kCamera;
  axis.verdict.manufacturer = "Axis";
  axis.verdict.brand = "Axis";
  axis.verdict.model = "P3245-LVE";
  axis.verdict.firmware = "10.12.165";
  axis.verdict.serial = "ACCC8E012345";
  axis.verdict.confidence = 0.99;
  axis.verdict.evidence = {{"http.header.server", 443, "axis", {{"manufacturer", "Axis"}}, "axis-server"}};
  axis.services = {{443, Transport::kTcp, "https", true, "AXIS web admin"}};
  s.devices.push_back(axis);

  Device host;  // answered, not surveillance equipment
  host.address = v4("10.20.0.5");
  host.verdict.category = Category::kOther;
  host.services = {{22, Transport::kTcp, "ssh", false, std::nullopt}, {445, Transport::kTcp, "smb", false, std::nullopt}};
  s.devices.push_back(host);
  return s;
}

// Every string a device controls, hostile: markup, attribute breakouts, terminal escapes, invalid UTF-8,
// spreadsheet formulas.
// Security versus procurement exposure: .50 carries only policy findings (four, two of them high), .60 one
// high CVE, .70 only an identification note. Riskiest first is .60, .50, .70.
inline ScanSnapshot policy_versus_security_snapshot() {
  ScanSnapshot snap;
  snap.scan.addresses = 256;
  Device listed;
  listed.address = v4("10.20.0.50");
  listed.verdict.category = Category::kCamera;
  listed.verdict.manufacturer = "Hikvision";
  listed.findings = policy_findings("Hikvision");
  Device vulnerable;
  vulnerable.address = v4("10.20.0.60");
  vulnerable.verdict.category = Category::kCamera;
  vulnerable.findings = {finding("cve.CVE-2017-7921", Severity::kHigh, "Improper authentication (CVE-2017-7921)",
                                 "d", "r", {})};
  Device unsure;
  unsure.address = v4("10.20.0.70");
  unsure.verdict.category = Category::kCamera;
  unsure.findings = {finding("identity.weak-evidence", Severity::kInfo, "Weak identification", "d", "r", {})};
  snap.devices = {listed, vulnerable, unsure};
  return snap;
}

inline constexpr const char* kScriptModel = "<script>alert(1)</script>";
inline constexpr const char* kImgBrand = "\"><img src=x onerror=alert(1)>";
inline constexpr const char* kEscFirmware = "\x1b[31m\x1b]0;pwned\x07";
inline constexpr const char* kFormulaSerial = "=HYPERLINK(\"http://x\")";
inline constexpr const char* kInvalidUtf8 = "bad\xff\xfe\xc3(utf8";

inline Device hostile_device() {
  Device d;
  d.address = v4("10.20.0.66");
  d.mac = "+cmd|' /C calc'!A0";
  d.verdict.category = Category::kCamera;
  d.verdict.manufacturer = kInvalidUtf8;
  d.verdict.brand = kImgBrand;
  d.verdict.model = kScriptModel;
  d.verdict.firmware = kEscFirmware;
  d.verdict.serial = kFormulaSerial;
  d.verdict.confidence = 0.5;
  d.verdict.evidence = {{"http.title", 80, "</script><script>alert(2)</script>\xe2\x80\xa8",
                         {{"model", "<svg onload=alert(3)>"}}, "rule'\"<x>"}};
  d.verdict.conflicts = {"<iframe src=javascript:alert(4)>"};
  d.services = {{80, Transport::kTcp, "@SUM(1+1)", false, "-2+3"}};
  d.findings = {finding("exposure.http-cleartext", Severity::kMedium, "<b>title</b>", "detail <i>x</i> & \"q\"",
                        "fix 'it' </script>",
                        {"javascript:alert(5)", "https://example.com/a?b=1&c=\"onmouseover=alert(6)",
                         "data:text/html,<script>alert(7)</script>"})};
  return d;
}

inline ScanSnapshot hostile_snapshot() {
  ScanSnapshot s = canonical_snapshot();
  s.devices.push_back(hostile_device());
  return s;
}

}  // namespace anshin::report::testing
