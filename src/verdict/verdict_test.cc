#include "verdict/verdict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <iostream>
#include <optional>

#include "support/verdict_hosts.h"

namespace anshin::verdict {
namespace {

using testing::DahuaVars;
using testing::HikVars;
using testing::HostBuilder;
using testing::KV;

std::shared_ptr<const kb::KnowledgeBase> shipped() {
  static std::shared_ptr<const kb::KnowledgeBase> kb = [] {
    kb::Diagnostics d;
    auto r = kb::KnowledgeBase::load_embedded(d);
    for (const auto& x : d.all())
      if (x.error) ADD_FAILURE() << kb::Diagnostics::format(x);
    return r ? *r : nullptr;
  }();
  return kb;
}

std::string dump(const Device& d) {
  const auto& v = d.verdict;
  std::string s = std::string("category=") + category_name(v.category) + " manufacturer=" + v.manufacturer.value_or("-") +
                  " brand=" + v.brand.value_or("-") + " model=" + v.model.value_or("-") +
                  " firmware=" + v.firmware.value_or("-") + " serial=" + v.serial.value_or("-") +
                  " confidence=" + std::to_string(v.confidence) + "\n";
  for (const auto& e : v.evidence) {
    s += "  " + e.source + ":" + std::to_string(e.port) + " '" + e.value + "' {";
    for (const auto& [k, x] : e.implies) s += k + "=" + x + " ";
    s += "} " + e.rule + "\n";
  }
  for (const auto& c : v.conflicts) s += "  conflict: " + c + "\n";
  for (const auto& x : d.services)
    s += "  svc " + std::to_string(x.port) + "/" + transport_name(x.transport) + " " + x.protocol +
         (x.tls ? " tls" : "") + " " + x.product.value_or("-") + "\n";
  return s;
}


struct Expect {
  Category category;
  std::optional<std::string> manufacturer, brand, model, firmware, serial;
};

void expect_verdict(const Device& d, const Expect& e) {
  const auto& v = d.verdict;
  SCOPED_TRACE(dump(d));
  EXPECT_EQ(category_name(v.category), std::string(category_name(e.category)));
  EXPECT_EQ(v.manufacturer, e.manufacturer);
  EXPECT_EQ(v.brand, e.brand);
  EXPECT_EQ(v.model, e.model);
  EXPECT_EQ(v.firmware, e.firmware);
  EXPECT_EQ(v.serial, e.serial);
  if (v.manufacturer) {
    EXPECT_GT(v.confidence, 0.0);
    EXPECT_LE(v.confidence, 1.0);
  } else {
    EXPECT_EQ(v.confidence, 0.0);
  }
  EXPECT_LE(v.evidence.size(), kMaxEvidence);
}

bool has_evidence(const Device& d, const std::string& key, const std::string& value) {
  for (const auto& e : d.verdict.evidence) {
    auto it = e.implies.find(key);
    if (it != e.implies.end() && it->second == value) return true;
  }
  return false;
}

const Evidence* find_source(const Device& d, const std::string& source) {
  for (const auto& e : d.verdict.evidence)
    if (e.source == source) return &e;
  return nullptr;
}

const ServiceSummary* find_service(const Device& d, uint16_t port, Transport t = Transport::kTcp) {
  for (const auto& s : d.services)
    if (s.port == port && s.transport == t) return &s;
  return nullptr;
}

class VerdictLab : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(shipped()); }
  const kb::KnowledgeBase& kb() { return *shipped(); }
};

// ------------------------------------------------------------------------------ building blocks
TEST(VerdictNoisyOr, CombinesAndClamps) {
  EXPECT_DOUBLE_EQ(noisy_or({}), 0.0);
  EXPECT_DOUBLE_EQ(noisy_or({0.5}), 0.5);
  EXPECT_NEAR(noisy_or({0.5, 0.5}), 0.75, 1e-12);
  EXPECT_NEAR(noisy_or({0.9, 0.8}), 0.98, 1e-12);
  EXPECT_DOUBLE_EQ(noisy_or({1.5, -3.0}), 1.0);
  EXPECT_DOUBLE_EQ(noisy_or({std::nan("")}), 0.0);
}

TEST(VerdictSameValue, CaseWhitespacePrefixSuffix) {
  EXPECT_TRUE(same_reported_value("DS-2CD2043G0-I", "HIKVISION DS-2CD2043G0-I"));
  EXPECT_TRUE(same_reported_value("V5.5.0", "V5.5.0 build 170725"));
  EXPECT_TRUE(same_reported_value("V3.5.38build 191215", "V3.5.38 build 191215"));
  EXPECT_TRUE(same_reported_value("ipc-b140h", " IPC-B140H "));
  EXPECT_FALSE(same_reported_value("DS-2CD2043G0-I", "DS-2CD2386G2-IU"));
  EXPECT_FALSE(same_reported_value("", "x"));
}

// ------------------------------------------------------------------------------ lab personalities
TEST_F(VerdictLab, HikvisionCamera) {
  Device d = decide(testing::hikvision_host({}), kb());
  expect_verdict(d, {Category::kCamera, "Hikvision", "Hikvision", "DS-2CD2043G0-I", "V5.5.0 build 170725",
                     "DS-2CD2043G0-I20170725AAWRC4419B6000010"});
  EXPECT_EQ(d.verdict.manufacturer_id, "hikvision");
  EXPECT_EQ(d.verdict.brand_id, "hikvision");
  EXPECT_GE(d.verdict.confidence, 0.9);
  EXPECT_TRUE(d.verdict.conflicts.empty()) << dump(d);
  // strongest first; each entry names its rule, key, port and value
  ASSERT_FALSE(d.verdict.evidence.empty());
  const Evidence& first = d.verdict.evidence.front();
  EXPECT_FALSE(first.rule.empty());
  EXPECT_EQ(first.source.rfind("sadp.", 0), 0u) << dump(d);
  const Evidence* server = find_source(d, "http.header.server");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->value, "App-webs/");
  EXPECT_EQ(server->port, 80);
  EXPECT_EQ(server->implies.at("manufacturer"), "Hikvision");
  EXPECT_EQ(server->rule, "hikvision-app-webs");
  // services: one per open TCP port and per answering UDP discovery service
  ASSERT_EQ(d.services.size(), 6u) << dump(d);
  ASSERT_NE(find_service(d, 554), nullptr);
  EXPECT_EQ(find_service(d, 554)->protocol, "rtsp");
  EXPECT_EQ(find_service(d, 554)->product, "Hikvision RTSP");
  EXPECT_TRUE(find_service(d, 443)->tls);
  EXPECT_FALSE(find_service(d, 80)->tls);
  EXPECT_EQ(find_service(d, 8000)->protocol, "unknown");
  EXPECT_FALSE(find_service(d, 8000)->product.has_value());
  ASSERT_NE(find_service(d, 37020, Transport::kUdp), nullptr);
  EXPECT_EQ(find_service(d, 37020, Transport::kUdp)->protocol, "sadp");
}

TEST_F(VerdictLab, HikvisionNvrAndDvr) {
  HikVars nvr;
  nvr.server = "DNVRS-Webs";
  nvr.model = "DS-7608NI-K2";
  nvr.firmware = "V4.22.005 build 191126";
  nvr.sn = "DS-7608NI-K20820191126CCRRDC056E3000011";
  nvr.mac = "c0-56-e3-00-00-11";
  nvr.sadp_type = "262150";
  nvr.scope_name = "HIKVISION DS-7608NI-K2";
  nvr.wsd_types = "tds:Device";
  nvr.tls = false;
  nvr.namespace_uri = "";
  expect_verdict(decide(testing::hikvision_host(nvr), kb()),
                 {Category::kNvr, "Hikvision", "Hikvision", nvr.model, nvr.firmware, nvr.sn});

  HikVars dvr;
  dvr.server = "DVRDVS-Webs";
  dvr.model = "DS-7204HGHI-F1";
  dvr.firmware = "V3.5.38 build 191215";
  dvr.sn = "DS-7204HGHI-F10420191215CCWRBCAD28000013";
  dvr.mac = "bc-ad-28-00-00-13";
  dvr.sadp_type = "139";
  dvr.tls = false;
  dvr.wsd = false;
  expect_verdict(decide(testing::hikvision_host(dvr), kb()),
                 {Category::kDvr, "Hikvision", "Hikvision", dvr.model, dvr.firmware, dvr.sn});
}

TEST_F(VerdictLab, HikvisionOlderAndNewerFirmware) {
  HikVars g5;
  g5.model = "DS-2CD2386G2-IU";
  g5.firmware = "V5.7.3 build 220112";
  g5.sn = "DS-2CD2386G2-IU20220301AAWRJ44A642000014";
  g5.mac = "44-a6-42-00-00-14";
  g5.scope_name = "HIKVISION DS-2CD2386G2-IU";
  expect_verdict(decide(testing::hikvision_host(g5), kb()),
                 {Category::kCamera, "Hikvision", "Hikvision", g5.model, g5.firmware, g5.sn});
  HikVars old;
  old.server = "Hikvision-Webs";
  old.model = "DS-2CD2032-I";
  old.firmware = "V5.2.5 build 141201";
  old.sn = "DS-2CD2032-I20141201CCWR2857BE000015";
  old.mac = "28-57-be-00-00-15";
  old.scope_name = "HIKVISION DS-2CD2032-I";
  old.namespace_uri = "";
  expect_verdict(decide(testing::hikvision_host(old), kb()),
                 {Category::kCamera, "Hikvision", "Hikvision", old.model, old.firmware, old.sn});
}

TEST_F(VerdictLab, AnnkeRelabel) {
  HikVars v;
  v.server = "MWS 0.01";
  v.sn = "DS-2CD2043G0-I20170725AAWRD244845000012";
  v.mac = "24-48-45-00-00-12";
  v.oem = "ANNKE";
  v.scope_name = "ANNKE";
  HostRecord h = testing::hikvision_host(v, "127.77.0.12");
  Device d = decide(h, kb());
  expect_verdict(d, {Category::kCamera, "Hikvision", "Annke", "DS-2CD2043G0-I", "V5.5.0 build 170725", v.sn});
  EXPECT_EQ(d.verdict.brand_id, "annke");
  EXPECT_TRUE(has_evidence(d, "manufacturer", "Hikvision"));
  EXPECT_TRUE(has_evidence(d, "brand", "Annke"));
  EXPECT_TRUE(d.verdict.conflicts.empty()) << dump(d);  // a consistent relabel
  EXPECT_NE(find_source(d, "kb.oem_of"), nullptr) << dump(d);

  // GetDeviceInformation naming ANNKE too (an OEM firmware answering anonymously)
  h.services.push_back({});
  h.services.back().probe = "onvif";
  h.services.back().port = 80;
  h.services.back().status = ProbeStatus::kSuccess;
  h.services.back().protocol = "http";
  h.services.back().observations = {{"onvif.device.manufacturer", "ANNKE", 80, "onvif"}};
  Device d2 = decide(h, kb());
  EXPECT_EQ(d2.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d2.verdict.brand, "Annke");
  EXPECT_NE(find_source(d2, "onvif.device.manufacturer"), nullptr);
}

TEST_F(VerdictLab, AnnkeBrandOnlyFollowsOemOf) {
  HostRecord h = HostBuilder("127.77.0.99")
                     .tcp({80})
                     .svc("onvif", 80, "http", {{"onvif.device.manufacturer", "ANNKE"}, {"onvif.device.model", "C500"}})
                     .build();
  Device d = decide(h, kb());
  SCOPED_TRACE(dump(d));
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.brand, "Annke");
  EXPECT_EQ(d.verdict.model, "C500");
  const Evidence* oem = find_source(d, "kb.oem_of");
  ASSERT_NE(oem, nullptr);
  EXPECT_EQ(oem->value, "annke\u2192hikvision (M)");
  EXPECT_EQ(oem->implies.at("manufacturer"), "Hikvision");
  EXPECT_FALSE(oem->implies.at("sources").empty());
  EXPECT_GT(d.verdict.confidence, 0.0);
  EXPECT_LT(d.verdict.confidence, 0.7);  // brand score 0.7 x M factor
}

TEST_F(VerdictLab, WeakOemEdgeGivesNoManufacturer) {
  // Swann -> Hikvision is W in the vocabulary: brand shown, manufacturer unknown.
  HostRecord h = HostBuilder().tcp({80}).svc("onvif", 80, "http", {{"onvif.device.manufacturer", "Swann"}}).build();
  Device d = decide(h, kb());
  SCOPED_TRACE(dump(d));
  EXPECT_EQ(d.verdict.brand, "Swann");
  EXPECT_FALSE(d.verdict.manufacturer.has_value());
  EXPECT_EQ(d.verdict.confidence, 0.0);
  EXPECT_EQ(find_source(d, "kb.oem_of"), nullptr);
  EXPECT_EQ(d.verdict.category, Category::kUnknown);
}

TEST_F(VerdictLab, EzvizAndHilook) {
  HikVars ez;
  ez.model = "CS-C6N-A0-1C2WFR";
  ez.firmware = "V5.2.7 build 200723";
  ez.sn = "CS-C6N-A0-1C2WFR0120200723CCCHBCAD28000016";
  ez.mac = "bc-ad-28-00-00-16";
  ez.oem = "EZVIZ";
  ez.scope_name = "EZVIZ";
  ez.web = false;
  expect_verdict(decide(testing::hikvision_host(ez), kb()),
                 {Category::kCamera, "Hikvision", "EZVIZ", ez.model, ez.firmware, ez.sn});
  HikVars hl;
  hl.model = "IPC-B140H";
  hl.firmware = "V5.5.800 build 210628";
  hl.sn = "IPC-B140H20210628AAWRGC056E3000017";
  hl.mac = "c0-56-e3-00-00-17";
  hl.oem = "HiLook";
  hl.scope_name = "HiLook IPC-B140H";
  hl.namespace_uri = "";
  expect_verdict(decide(testing::hikvision_host(hl), kb()),
                 {Category::kCamera, "Hikvision", "HiLook", hl.model, hl.firmware, hl.sn});
}

TEST_F(VerdictLab, DahuaCamera) {
  DahuaVars v;
  v.magicbox = true;
  Device d = decide(testing::dahua_host(v), kb());
  // magicBox reports "2.622.0000000.31.R,build:2017-08-29"; DHIP "2.622.0000000.31.R": one value, no conflict
  EXPECT_EQ(d.verdict.manufacturer, "Dahua");
  EXPECT_EQ(d.verdict.brand, "Dahua");
  EXPECT_EQ(d.verdict.model, "IPC-HFW4431R-Z");
  EXPECT_EQ(d.verdict.serial, v.serial);
  ASSERT_TRUE(d.verdict.firmware.has_value());
  EXPECT_EQ(d.verdict.firmware->rfind("2.622.0000000.31.R", 0), 0u);
  EXPECT_EQ(d.verdict.category, Category::kCamera);
  EXPECT_TRUE(d.verdict.conflicts.empty()) << dump(d);
  EXPECT_EQ(find_service(d, 554)->product, "Dahua RTSP");
}

TEST_F(VerdictLab, AmcrestImouLorexAndDahuaNvr) {
  DahuaVars am;
  am.model = "IP4M-1041B";
  am.firmware = "2.800.0000016.0.R";
  am.serial = "AMC09C8ECD000021";
  am.vendor = "Amcrest";
  am.onvif_manufacturer = "Amcrest";
  am.scope_name = "Amcrest";
  am.title = "Amcrest";
  am.mac = "9c:8e:cd:00:00:21";
  Device d = decide(testing::dahua_host(am), kb());
  expect_verdict(d, {Category::kCamera, "Dahua", "Amcrest", am.model, am.firmware, am.serial});
  EXPECT_TRUE(has_evidence(d, "manufacturer", "Dahua"));
  EXPECT_TRUE(has_evidence(d, "brand", "Amcrest"));
  EXPECT_TRUE(d.verdict.conflicts.empty()) << dump(d);

  DahuaVars im;
  im.model = "IPC-F22P";
  im.firmware = "2.680.0000000.16.R";
  im.serial = "5F03CEF8C000024";
  im.vendor = "Imou";
  im.scope_name = "IMOU";
  im.onvif_manufacturer = "IMOU";
  expect_verdict(decide(testing::dahua_host(im), kb()), {Category::kCamera, "Dahua", "Imou", im.model, im.firmware, im.serial});

  DahuaVars lx;
  lx.model = "N910";
  lx.firmware = "4.000.0000001.1.R";
  lx.serial = "ND02101817000";
  lx.dh_class = "NVR";
  lx.scope_name = "Lorex";
  lx.title = "Lorex";
  lx.mac = "00:1f:54:00:00:23";
  lx.wsd_types = "tds:Device";
  expect_verdict(decide(testing::dahua_host(lx), kb()), {Category::kNvr, "Dahua", "Lorex", lx.model, lx.firmware, lx.serial});

  DahuaVars nvr;
  nvr.model = "NVR4108HS-4KS2";
  nvr.firmware = "4.001.0000000.3.R";
  nvr.serial = "6J0E0508B000022";
  nvr.dh_class = "NVR";
  nvr.mac = "e0:50:8b:00:00:22";
  nvr.wsd_types = "tds:Device";
  expect_verdict(decide(testing::dahua_host(nvr), kb()),
                 {Category::kNvr, "Dahua", "Dahua", nvr.model, nvr.firmware, nvr.serial});
}

TEST_F(VerdictLab, AxisViaBasicDeviceInfo) {
  Device d = decide(testing::axis_host(), kb());
  expect_verdict(d, {Category::kCamera, "Axis", "Axis", "P3245-LV", "10.12.153", "ACCC8E000030"});
  EXPECT_TRUE(d.verdict.conflicts.empty()) << dump(d);  // "AXIS P3245-LV" (UPnP) is the same model
  expect_verdict(decide(testing::axis_host("M3106-L Mk II", "9.80.3.8", "B8A44F000031"), kb()),
                 {Category::kCamera, "Axis", "Axis", "M3106-L Mk II", "9.80.3.8", "B8A44F000031"});
}

TEST_F(VerdictLab, OtherMakers) {
  expect_verdict(decide(testing::bosch_host(), kb()), {Category::kCamera, "Bosch", "Bosch", {}, {}, {}});
  expect_verdict(decide(testing::sony_host(), kb()), {Category::kCamera, "Sony", "Sony", {}, {}, {}});
  Device x = decide(testing::xiongmai_host(), kb());
  EXPECT_EQ(x.verdict.manufacturer, "Xiongmai") << dump(x);
  EXPECT_FALSE(x.verdict.brand.has_value());  // white-label boards: the label on the box is unknown
  EXPECT_EQ(x.verdict.model, "50H20L");
  EXPECT_EQ(x.verdict.firmware, "V4.02.R11.34500140.10010.140200");
  EXPECT_EQ(x.verdict.serial, "0e4f001217000050");
  Device h = decide(testing::hanwha_host(), kb());
  EXPECT_EQ(h.verdict.manufacturer_id, "hanwha") << dump(h);
  EXPECT_EQ(h.verdict.model, "XND-6080R");
  EXPECT_EQ(h.verdict.category, Category::kCamera);
  Device p = decide(testing::panasonic_host(), kb());
  EXPECT_EQ(p.verdict.manufacturer_id, "panasonic") << dump(p);
  EXPECT_EQ(p.verdict.model, "WV-NS202A");
}

TEST_F(VerdictLab, NonCameraHostsAreOther) {
  Device n = decide(testing::nginx_host(), kb());
  expect_verdict(n, {Category::kOther, {}, {}, {}, {}, {}});
  EXPECT_EQ(find_service(n, 80)->product, "nginx 1.22.1");
  EXPECT_EQ(find_service(n, 22)->protocol, "ssh");
  expect_verdict(decide(testing::printer_host(), kb()), {Category::kOther, {}, {}, {}, {}, {}});
  expect_verdict(decide(testing::router_host(), kb()), {Category::kOther, {}, {}, {}, {}, {}});
  // nothing identified at all: answered, not surveillance equipment
  expect_verdict(decide(HostBuilder().tcp({12345}).build(), kb()), {Category::kOther, {}, {}, {}, {}, {}});
}

TEST_F(VerdictLab, GStreamerRtspServerIsOther) {
  HostRecord h = HostBuilder()
                     .tcp({8554})
                     .svc("rtsp", 8554, "rtsp",
                          {{"rtsp.status", "200"}, {"rtsp.header.server", "GStreamer RTSP server"},
                           {"rtsp.sdp.tool", "GStreamer"}})
                     .build();
  Device d = decide(h, kb());
  expect_verdict(d, {Category::kOther, {}, {}, {}, {}, {}});
  ASSERT_NE(find_service(d, 8554), nullptr);
  EXPECT_EQ(find_service(d, 8554)->protocol, "rtsp");
  EXPECT_EQ(find_service(d, 8554)->product, "GStreamer RTSP server");
}

TEST_F(VerdictLab, ConflictLowersConfidenceAndIsNoted) {
  HikVars v;
  v.wsd = false;  // no ONVIF name scope: the only brand-level string is the conflicting one
  HostRecord clean = testing::hikvision_host(v);
  HostRecord h = clean;
  h.services.push_back({});
  auto& r = h.services.back();
  r.probe = "onvif";
  r.port = 80;
  r.status = ProbeStatus::kSuccess;
  r.protocol = "http";
  r.observations = {{"onvif.device.manufacturer", "Axis", 80, "onvif"}};
  Device base = decide(clean, kb());
  Device d = decide(h, kb());
  SCOPED_TRACE(dump(d));
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.brand, "Axis");  // both kept
  EXPECT_LT(d.verdict.confidence, base.verdict.confidence);
  ASSERT_FALSE(d.verdict.conflicts.empty());
  EXPECT_NE(d.verdict.conflicts.front().find("Axis"), std::string::npos);
  EXPECT_NE(d.verdict.conflicts.front().find("Hikvision"), std::string::npos);
  EXPECT_TRUE(has_evidence(d, "brand", "Axis"));
  EXPECT_TRUE(has_evidence(d, "manufacturer", "Hikvision"));
}

TEST_F(VerdictLab, TwoManufacturersConflict) {
  HostRecord h = HostBuilder()
                     .tcp({80, 554})
                     .svc("http", 80, "http", {{"http.header.server", "App-webs/"}})
                     .svc("rtsp", 554, "rtsp", {{"rtsp.header.server", "Rtsp Server/3.0"}})
                     .build();
  Device d = decide(h, kb());
  SCOPED_TRACE(dump(d));
  ASSERT_TRUE(d.verdict.manufacturer.has_value());
  EXPECT_FALSE(d.verdict.conflicts.empty());
  EXPECT_LT(d.verdict.confidence, 0.85);
  EXPECT_TRUE(has_evidence(d, "manufacturer", "Hikvision"));
  EXPECT_TRUE(has_evidence(d, "manufacturer", "Dahua"));
}

TEST_F(VerdictLab, LoneWeakTellsGiveLowConfidence) {
  Device oui = decide(HostBuilder().mac("44:19:b6:12:34:56").tcp({80}).build(), kb());
  SCOPED_TRACE(dump(oui));
  EXPECT_EQ(oui.verdict.manufacturer, "Hikvision");
  EXPECT_LT(oui.verdict.confidence, 0.5);
  EXPECT_GT(oui.verdict.confidence, 0.0);
  EXPECT_EQ(oui.verdict.category, Category::kUnknown);
  EXPECT_NE(find_source(oui, "mac.oui"), nullptr);
  EXPECT_EQ(oui.mac, "44:19:b6:12:34:56");

  // an open port only supports a vendor other evidence names: alone it names nobody
  for (uint16_t p : {37777, 8000, 9000}) {
    Device port = decide(HostBuilder().tcp({p}).build(), kb());
    SCOPED_TRACE(dump(port));
    EXPECT_FALSE(port.verdict.manufacturer.has_value());
    EXPECT_FALSE(port.verdict.brand.has_value());
    EXPECT_EQ(port.verdict.confidence, 0.0);
    EXPECT_EQ(port.verdict.category, Category::kOther);
    EXPECT_EQ(find_source(port, "tcp.open"), nullptr);  // an unsupported port tell implies nothing
  }

  // a locally administered (randomised) MAC carries no vendor
  Device local = decide(HostBuilder().mac("46:19:b6:12:34:56").tcp({80}).build(), kb());
  EXPECT_FALSE(local.verdict.manufacturer.has_value()) << dump(local);
  EXPECT_EQ(local.verdict.category, Category::kOther);
}

TEST_F(VerdictLab, HostileStringsPassThrough) {
  const std::string evil = "<script>alert(1)</script>\x1b[31m\r\n\xff\xfe\"'=cmd|' /C calc'!A0";
  const std::string model = "DS-2CD2043G0-I\x1b]0;pwned\x07<img src=x onerror=alert(1)>";
  HostRecord h = HostBuilder()
                     .tcp({80})
                     .svc("http", 80, "http", {{"http.header.server", "App-webs/"}, {"http.title", evil}})
                     .udp("sadp", 37020, {{"sadp.device_description", model}, {"sadp.device_sn", evil}})
                     .udp("wsd", 3702, {{"onvif.scope.name", evil}, {"onvif.scope.hardware", std::string(5000, 'A')}})
                     .build();
  Device d = decide(h, kb());
  SCOPED_TRACE(dump(d));
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  ASSERT_TRUE(d.verdict.model.has_value());
  EXPECT_EQ(*d.verdict.model, model);  // exactly as reported (trimmed): escaping is the report's job
  const Evidence* e = find_source(d, "sadp.device_description");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->value, model);
  for (const auto& c : d.verdict.conflicts) EXPECT_LT(c.size(), 1000u);  // quoted values are cut
}

TEST_F(VerdictLab, BoundedAndDeterministic) {
  HostBuilder b;
  std::vector<uint16_t> ports;
  for (uint16_t p = 1; p <= 3000; ++p) ports.push_back(p);
  b.tcp(ports);
  KV obs;
  for (int i = 0; i < 6000; ++i) obs.push_back({"http.header.server", i % 2 ? "App-webs/" : "Rtsp Server/3.0"});
  b.svc("http", 80, "http", obs);
  HostRecord h = b.build();
  EXPECT_LE(collect_observations(h, kb()).size(), kMaxObservations);
  Device a = decide(h, kb());
  Device c = decide(h, kb());
  EXPECT_LE(a.verdict.evidence.size(), kMaxEvidence);
  EXPECT_EQ(dump(a), dump(c));
  EXPECT_EQ(a.services.size(), 3000u);
}

TEST_F(VerdictLab, ModelConflictIsNotedUnlessSameValue) {
  HostRecord h = HostBuilder()
                     .udp("sadp", 37020, {{"sadp.device_description", "DS-2CD2043G0-I"}})
                     .udp("wsd", 3702, {{"onvif.scope.name", "HIKVISION DS-2CD2043G0-I"}, {"onvif.scope.hardware", "DS-2CD2386G2-IU"}})
                     .build();
  Device d = decide(h, kb());
  SCOPED_TRACE(dump(d));
  EXPECT_EQ(d.verdict.model, "DS-2CD2043G0-I");  // SADP (0.95) beats the scope (0.5)
  ASSERT_EQ(d.verdict.conflicts.size(), 1u);
  EXPECT_NE(d.verdict.conflicts[0].find("DS-2CD2386G2-IU"), std::string::npos);
  EXPECT_EQ(d.verdict.conflicts[0].rfind("model:", 0), 0u);
}

// --------------------------------------------------------------------------- tiny knowledge base
std::shared_ptr<const kb::KnowledgeBase> tiny(const std::string& fingerprints) {
  std::vector<kb::SourceFile> files;
  for (auto& f : kb::KnowledgeBase::embedded_sources())
    if (f.role.rfind("fingerprints/", 0) != 0 && f.role.rfind("oui/", 0) != 0) files.push_back(f);
  files.push_back({"tiny/http_title.yaml", "fingerprints/http_title.yaml", fingerprints});
  kb::Diagnostics d;
  auto r = kb::KnowledgeBase::load_sources(files, d);
  for (const auto& x : d.all())
    if (x.error) ADD_FAILURE() << kb::Diagnostics::format(x);
  return r ? *r : nullptr;
}

TEST(VerdictTinyKb, RulesCountOnceAndTiesAreDeterministic) {
  auto k = tiny(R"(matches: http.title
fingerprints:
  - id: t-hik
    description: test
    pattern: '^HIK (\S+)$'
    set: { hw.vendor: hikvision, hw.model: '$1' }
    weight: 0.6
    source: test
    examples: [ { value: 'HIK A' } ]
  - id: t-axis
    description: test
    pattern: '^AX (\S+)$'
    set: { hw.vendor: axis, hw.model: '$1' }
    weight: 0.6
    source: test
    examples: [ { value: 'AX A' } ]
)");
  ASSERT_TRUE(k);
  // the same rule on three ports counts once: 0.6, not 1 - 0.4^3
  HostRecord h = HostBuilder()
                     .svc("http", 80, "http", {{"http.title", "HIK M1"}})
                     .svc("http", 81, "http", {{"http.title", "HIK M1"}})
                     .svc("http", 82, "http", {{"http.title", "HIK M1"}})
                     .build();
  Device d = decide(h, *k);
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_DOUBLE_EQ(d.verdict.confidence, 0.6);
  EXPECT_EQ(d.verdict.category, Category::kUnknown);  // vendor evidence, no category
  // equal scores: ids decide (axis < hikvision), and the conflict is noted both ways
  HostRecord tie = HostBuilder()
                       .svc("http", 80, "http", {{"http.title", "HIK M1"}})
                       .svc("http", 81, "http", {{"http.title", "AX Q1"}})
                       .build();
  Device t = decide(tie, *k);
  SCOPED_TRACE(dump(t));
  EXPECT_EQ(t.verdict.manufacturer, "Axis");
  EXPECT_EQ(t.verdict.conflicts.size(), 2u);  // manufacturers and models disagree
  EXPECT_LT(t.verdict.confidence, 0.6);
}

TEST_F(VerdictLab, PortTellsSupportOnlyANamedVendor) {
  // port 37777 adds to the Dahua an RTSP server string names (noisy-OR), and is cited
  HostRecord rtsp_only = HostBuilder().tcp({554}).svc("rtsp", 554, "rtsp", {{"rtsp.header.server", "Rtsp Server/3.0"}}).build();
  HostRecord with_port =
      HostBuilder().tcp({554, 37777}).svc("rtsp", 554, "rtsp", {{"rtsp.header.server", "Rtsp Server/3.0"}}).build();
  Device a = decide(rtsp_only, kb()), b = decide(with_port, kb());
  SCOPED_TRACE(dump(b));
  EXPECT_EQ(b.verdict.manufacturer, "Dahua");
  EXPECT_GT(b.verdict.confidence, a.verdict.confidence);
  ASSERT_NE(find_source(b, "tcp.open"), nullptr);
  EXPECT_EQ(find_source(b, "tcp.open")->rule, "port-37777-dahua");

  // a Reolink (stream path, Baichuan port 9000) with ONVIF on 8000: 8000 supports nobody named, so no
  // Hikvision anywhere in the verdict or its evidence
  HostRecord reolink = HostBuilder()
                           .tcp({80, 554, 8000, 9000})
                           .svc("rtsp", 554, "rtsp", {{"rtsp.describe.status", "401"}, {"rtsp.describe.path", "/h264Preview_01_main"}})
                           .build();
  Device r = decide(reolink, kb());
  SCOPED_TRACE(dump(r));
  EXPECT_EQ(r.verdict.manufacturer, "Reolink");
  EXPECT_EQ(r.verdict.brand, "Reolink");
  EXPECT_FALSE(has_evidence(r, "manufacturer", "Hikvision"));
  EXPECT_TRUE(r.verdict.conflicts.empty());
  const Evidence* port = find_source(r, "tcp.open");
  ASSERT_NE(port, nullptr);
  EXPECT_EQ(port->rule, "port-9000-reolink");
}

TEST(VerdictTinyKb, SupportingOnlyRuleNeverNamesAVendorAlone) {
  auto k = tiny(R"(matches: http.title
fingerprints:
  - id: t-weak
    description: test
    pattern: '^WEAK$'
    set: { hw.vendor: axis }
    weight: 0.9
    supporting_only: true
    source: test
    examples: [ { value: 'WEAK' } ]
  - id: t-ax
    description: test
    pattern: '^AX$'
    set: { hw.vendor: axis }
    weight: 0.5
    source: test
    examples: [ { value: 'AX' } ]
)");
  ASSERT_TRUE(k);
  Device alone = decide(HostBuilder().svc("http", 80, "http", {{"http.title", "WEAK"}}).build(), *k);
  EXPECT_FALSE(alone.verdict.manufacturer.has_value()) << dump(alone);
  Device both = decide(HostBuilder()
                           .svc("http", 80, "http", {{"http.title", "WEAK"}})
                           .svc("http", 81, "http", {{"http.title", "AX"}})
                           .build(),
                       *k);
  EXPECT_EQ(both.verdict.manufacturer, "Axis") << dump(both);
  EXPECT_DOUBLE_EQ(both.verdict.confidence, 0.95);  // 1 - 0.1 x 0.5
}
}  // namespace
}  // namespace anshin::verdict
