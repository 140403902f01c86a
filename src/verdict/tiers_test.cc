// Evidence tiers and the maker's proof (docs/verdict.md "Evidence tiers"): a tiny knowledge base for the
// rules themselves, and the shipped one on strings recorded from real units (the examples docs/verdict.md
// cites, corpus ../shared/corpora/real-devices).
#include <gtest/gtest.h>

#include "support/verdict_hosts.h"
#include "verdict/verdict.h"

namespace anshin::verdict {
namespace {

using testing::HostBuilder;

std::shared_ptr<const kb::KnowledgeBase> load(const std::string& title_rules) {
  std::vector<kb::SourceFile> files;
  for (auto& f : kb::KnowledgeBase::embedded_sources())
    if (f.role.rfind("fingerprints/", 0) != 0 && f.role.rfind("oui/", 0) != 0) files.push_back(f);
  files.push_back({"tiny/http_title.yaml", "fingerprints/http_title.yaml", title_rules});
  kb::Diagnostics d;
  auto r = kb::KnowledgeBase::load_sources(files, d);
  for (const auto& x : d.all())
    if (x.error) ADD_FAILURE() << kb::Diagnostics::format(x);
  return r ? *r : nullptr;
}

// Four rules naming Hikvision, one per tier (two medium ones), plus a clone rule for Axis.
const char* kTiny = R"(matches: http.title
fingerprints:
  - id: t-strong
    description: test
    pattern: '^STRONG'
    set: { hw.vendor: hikvision }
    tier: strong
    source: test
    examples: [ { value: 'STRONG' } ]
  - id: t-medium-a
    description: test
    pattern: '^REALM (\S+)$'
    set: { hw.vendor: hikvision }
    source: test
    examples: [ { value: 'REALM X' } ]
  - id: t-medium-b
    description: test
    pattern: '^PATH'
    set: { hw.vendor: hikvision }
    source: test
    examples: [ { value: 'PATH' } ]
  - id: t-clone
    description: test
    pattern: '^NAMESPACE'
    set: { hw.vendor: hikvision, hw.device: camera }
    weight: 0.9
    tier: clone
    source: test
    examples: [ { value: 'NAMESPACE' } ]
  - id: t-clone-axis
    description: test
    pattern: '^AXISNS'
    set: { hw.vendor: axis }
    weight: 0.9
    tier: clone
    source: test
    examples: [ { value: 'AXISNS' } ]
  - id: t-build
    description: test
    pattern: '^(build \d{6})$'
    set: { hw.firmware_build: '$1' }
    source: test
    examples: [ { value: 'build 140721' } ]
  - id: t-firmware
    description: test
    pattern: '^FW (\S+)$'
    set: { hw.firmware: '$1' }
    source: test
    examples: [ { value: 'FW V5.2.0' } ]
)";

Device titles(const kb::KnowledgeBase& k, std::vector<std::string> values) {
  HostBuilder b;
  uint16_t port = 80;
  for (auto& v : values) b.svc("http", port++, "http", {{"http.title", v}});
  return decide(b.build(), k);
}

TEST(VerdictTiers, CloneTellsAloneSuggestButNeverNameAMaker) {
  auto k = load(kTiny);
  ASSERT_TRUE(k);
  Device d = titles(*k, {"NAMESPACE"});
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kPossible);
  EXPECT_FALSE(d.verdict.manufacturer.has_value());
  EXPECT_FALSE(d.verdict.brand.has_value());
  EXPECT_EQ(d.verdict.possible_manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.confidence, 0.0);
  EXPECT_EQ(d.verdict.category, Category::kCamera);
}

TEST(VerdictTiers, OneMediumTellIndicatesTwoIndependentOnesProve) {
  auto k = load(kTiny);
  ASSERT_TRUE(k);
  Device one = titles(*k, {"REALM X"});
  EXPECT_EQ(one.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(one.verdict.maker_proof, MakerProof::kIndicated);
  Device two = titles(*k, {"REALM X", "PATH"});
  EXPECT_EQ(two.verdict.maker_proof, MakerProof::kProven);
  // the same realm quoted twice (one value contains the other) is one tell, not two
  Device quoted = titles(*k, {"REALM X", "REALM X"});
  EXPECT_EQ(quoted.verdict.maker_proof, MakerProof::kIndicated);
  // a clone tell does not make a second medium one
  Device mixed = titles(*k, {"REALM X", "NAMESPACE"});
  EXPECT_EQ(mixed.verdict.maker_proof, MakerProof::kIndicated);
}

TEST(VerdictTiers, OneStrongTellProves) {
  auto k = load(kTiny);
  ASSERT_TRUE(k);
  Device d = titles(*k, {"STRONG"});
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kProven);
}

TEST(VerdictTiers, ProofRanksBeforeScore) {
  auto k = load(kTiny);
  ASSERT_TRUE(k);
  // Axis only through a clone tell of weight 0.9, Hikvision through one medium tell of weight 0.5
  Device d = titles(*k, {"AXISNS", "REALM X"});
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kIndicated);
}

TEST(VerdictTiers, EvidenceCarriesTheTier) {
  auto k = load(kTiny);
  ASSERT_TRUE(k);
  Device d = titles(*k, {"STRONG", "NAMESPACE"});
  bool strong = false, clone = false;
  for (const auto& e : d.verdict.evidence) {
    if (e.rule == "t-strong") strong = e.implies.at("tier") == "strong";
    if (e.rule == "t-clone") clone = e.implies.at("tier") == "clone";
  }
  EXPECT_TRUE(strong);
  EXPECT_TRUE(clone);
}

TEST(VerdictTiers, FirmwareBuildIsAppendedOnce) {
  auto k = load(kTiny);
  ASSERT_TRUE(k);
  // (a maker tell too: a host with no maker and no surveillance category reports no hardware attributes)
  EXPECT_EQ(titles(*k, {"REALM X", "FW V5.2.0", "build 140721"}).verdict.firmware, "V5.2.0 build 140721");
  EXPECT_EQ(titles(*k, {"REALM X", "FW V5.2.0build140721", "build 140721"}).verdict.firmware, "V5.2.0build140721");
  EXPECT_FALSE(titles(*k, {"REALM X", "build 140721"}).verdict.firmware.has_value());  // a build alone is no firmware
}

// ---- the shipped knowledge base on strings recorded from real units (docs/verdict.md table)
std::shared_ptr<const kb::KnowledgeBase> shipped() {
  static auto k = [] {
    kb::Diagnostics d;
    auto r = kb::KnowledgeBase::load_embedded(d);
    return r ? *r : nullptr;
  }();
  return k;
}

TEST(VerdictTiersReal, OnvifIpncCloneWithHikvisionNamespacesIsOnlyPossiblyHikvision) {
  // corpus .32 (easy_onvif IPG-8150PSS): manufacturer "ONVIF_IPNC", Hikvision event namespaces
  HostRecord h = HostBuilder()
                     .tcp({80})
                     .svc("onvif", 80, "http",
                          {{"onvif.namespace", "http://www.hikvision.com/2011/event/topics"},
                           {"onvif.namespace", "http://www.onvifext.com/onvif/ext/ver10/wsdl"},
                           {"onvif.device_info.auth", "open"},
                           {"onvif.device.manufacturer", "ONVIF_IPNC"},
                           {"onvif.device.model", "IPG-8150PSS"},
                           {"onvif.device.firmware", "1.3.0-20210203CN-PT"},
                           {"onvif.service", "http://www.onvif.org/ver10/media/wsdl"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kPossible);
  EXPECT_FALSE(d.verdict.manufacturer.has_value());
  EXPECT_EQ(d.verdict.possible_manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.category, Category::kCamera);
  EXPECT_EQ(d.verdict.model, "IPG-8150PSS");  // reported although no maker is decided
  EXPECT_EQ(d.verdict.firmware, "1.3.0-20210203CN-PT");
}

TEST(VerdictTiersReal, RtspRealmAloneIndicatesHikvision) {
  // corpus .19 (google/ExoPlayer#9800): realm "IP Camera(C1214)" only
  HostRecord h = HostBuilder()
                     .tcp({554})
                     .svc("rtsp", 554, "rtsp",
                          {{"rtsp.describe.status", "401"},
                           {"rtsp.header.www_authenticate", "Digest realm=\"IP Camera(C1214)\", nonce=\"0191a41d\""},
                           {"rtsp.auth.realm", "IP Camera(C1214)"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kIndicated);  // the realm in two headers is one tell
  EXPECT_EQ(d.verdict.category, Category::kCamera);
}

TEST(VerdictTiersReal, DahuaStreamPathAndSdpTagProveDahua) {
  // corpus .45 (scottlamb/retina dahua_describe_h264_aac_onvif.txt)
  HostRecord h = HostBuilder()
                     .tcp({554})
                     .svc("rtsp", 554, "rtsp",
                          {{"rtsp.describe.status", "200"},
                           {"rtsp.content_base.path", "/cam/realmonitor?channel=1&subtype=1&unicast=true&proto=Onvif/"},
                           {"rtsp.sdp.session_name", "Media Server"},
                           {"rtsp.sdp.attribute", "packetization-supported:DH"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.verdict.manufacturer, "Dahua");
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kProven);
}

TEST(VerdictTiersReal, OemSerialGrammarProvesHikvisionOnAUnitCallingItselfOnvif) {
  // corpus .20 (easy_onvif ENP1A14-IR_25X): manufacturer "ONVIF", Hikvision serial and firmware grammars
  HostRecord h = HostBuilder()
                     .tcp({80})
                     .svc("onvif", 80, "http",
                          {{"onvif.device_info.auth", "open"},
                           {"onvif.device.manufacturer", "ONVIF"},
                           {"onvif.device.model", "ENP1A14-IR/25X"},
                           {"onvif.device.firmware", "V5.5.3 build 180822"},
                           {"onvif.device.serial", "ENP1A14-IR/25X20190430AAWRD14878498W"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.verdict.manufacturer, "Hikvision");
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kProven);
  EXPECT_EQ(d.verdict.category, Category::kCamera);
}

TEST(VerdictTiersReal, AccessTerminalStatedByDhipIsOther) {
  // corpus .48 (Intelbras SS 3530 MF FACE W): DHIP DeviceClass BSC, Dahua-built, not a camera
  HostRecord h = HostBuilder()
                     .udp("dhip", 37810,
                          {{"dhip.device_class", "BSC"},
                           {"dhip.device_type", "SS 3530 MF FACE W"},
                           {"dhip.vendor", "Intelbras"},
                           {"dhip.version", "2.000.00IB004.0.R"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.verdict.manufacturer, "Dahua");
  EXPECT_EQ(d.verdict.brand, "Intelbras");
  EXPECT_EQ(d.verdict.category, Category::kOther);
  EXPECT_EQ(d.verdict.maker_proof, MakerProof::kProven);
}

TEST(VerdictTiersReal, SoftwareRtspServerStaysOther) {
  // gst-rtsp-server (tests/integration/real_peers.py): a video track and DESCRIBE, but a software product
  HostRecord h = HostBuilder()
                     .tcp({8554})
                     .svc("rtsp", 8554, "rtsp",
                          {{"rtsp.header.server", "GStreamer RTSP server"},
                           {"rtsp.header.public", "OPTIONS, DESCRIBE, ANNOUNCE, GET_PARAMETER, PAUSE, PLAY, RECORD, SETUP"},
                           {"rtsp.describe.status", "200"},
                           {"rtsp.sdp.session_name", "Session streamed with GStreamer"},
                           {"rtsp.sdp.media", "video 0 RTP/AVP 96"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.verdict.category, Category::kOther);
  EXPECT_FALSE(d.verdict.manufacturer.has_value());
}

}  // namespace
}  // namespace anshin::verdict

namespace anshin::verdict {
namespace {

TEST(VerdictClues, UnidentifiedSurveillanceDeviceShowsItsStrongestStrings) {
  // corpus .64 (retina ipcam_describe.txt): SDP only, "RTSP Session", Hikvision's IMKH header (clone tell)
  HostRecord h = HostBuilder()
                     .tcp({554})
                     .svc("rtsp", 554, "rtsp",
                          {{"rtsp.describe.status", "200"},
                           {"rtsp.sdp.session_name", "RTSP Session"},
                           {"rtsp.auth.realm", "Camera Login"},
                           {"rtsp.sdp.attribute", "Media_header:MEDIAINFO=494D4B48010100000400010000000000;"}})
                     .build();
  Device d = decide(h, *shipped());
  EXPECT_FALSE(d.verdict.manufacturer.has_value());
  ASSERT_EQ(d.verdict.clues.size(), 2u);
  EXPECT_EQ(d.verdict.clues[0].source, "rtsp.auth.realm");  // rank 2 before the session name's rank 3
  EXPECT_EQ(d.verdict.clues[1].value, "RTSP Session");
  // an identified device carries no clues
  HostRecord hik = HostBuilder().svc("rtsp", 554, "rtsp", {{"rtsp.auth.realm", "IP Camera(C1214)"}}).build();
  EXPECT_TRUE(decide(hik, *shipped()).verdict.clues.empty());
}

}  // namespace
}  // namespace anshin::verdict

namespace anshin::verdict {
namespace {

TEST(VerdictReportedMac, AMacStatedInAReplyIsReportedWhenTheNeighbourTableHasNone) {
  // corpus .47 (DHIP reply of an Intelbras MHDX 1016): the reply states the MAC
  HostRecord h = HostBuilder().udp("dhip", 37810, {{"dhip.device_class", "MHDX"}, {"dhip.mac", "58:10:8C:4D:3B:FA"}}).build();
  Device d = decide(h, *shipped());
  EXPECT_EQ(d.mac, "58:10:8c:4d:3b:fa");
  // the neighbour table's MAC wins; a group address is never reported
  HostRecord n = HostBuilder().mac("44:19:b6:01:02:03").udp("dhip", 37810, {{"dhip.mac", "58:10:8c:4d:3b:fa"}}).build();
  EXPECT_EQ(decide(n, *shipped()).mac, "44:19:b6:01:02:03");
  HostRecord g = HostBuilder().udp("dhip", 37810, {{"dhip.device_class", "IPC"}, {"dhip.mac", "e5:58:62:82:ed:41"}}).build();
  EXPECT_FALSE(decide(g, *shipped()).mac.has_value());
}

}  // namespace
}  // namespace anshin::verdict
