#include "store/diff.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "support/store.h"

namespace anshin::store {
namespace {

using namespace testutil;

// Two scans written through the store, so identities come from the real rules.
struct DiffThroughStore : ::testing::Test {
  TempDir dir;
  std::optional<Store> store;
  ScanNumber s1 = 0, s2 = 0;

  void SetUp() override {
    auto s = Store::open(dir.file("diff.db"));
    ASSERT_TRUE(s) << s.error().message;
    store.emplace(std::move(*s));
    s1 = *store->begin_scan(scan_info("old"));
    s2 = *store->begin_scan(scan_info("new"));
  }
  void put(ScanNumber s, const Device& d) { ASSERT_TRUE(store->put_device(s, d)); }
  ScanDiff run() {
    auto a = store->identified_snapshot(s1);
    auto b = store->identified_snapshot(s2);
    EXPECT_TRUE(a && b);
    return diff_scans(*a, *b);
  }
};

TEST_F(DiffThroughStore, NoChanges) {
  put(s1, device("10.0.0.1", "aa:00:00:00:00:01"));
  put(s2, device("10.0.0.1", "aa:00:00:00:00:01"));
  const auto d = run();
  EXPECT_TRUE(d.empty());
  EXPECT_NE(diff_to_text(d).find("no changes"), std::string::npos);
}

TEST_F(DiffThroughStore, NewGoneMovedFirmwareFindings) {
  Device stays = device("10.0.0.1", "aa:00:00:00:00:01", std::nullopt, "V5.5.0");
  stays.findings = {finding("exposure.telnet"), finding("auth.rtsp-open")};
  put(s1, stays);
  put(s1, device("10.0.0.2", "aa:00:00:00:00:02"));                         // gone
  put(s1, device("10.0.0.3", std::nullopt, "SERIAL-3", "V1"));              // moves, serial match

  Device stays2 = stays;
  stays2.verdict.firmware = "V5.7.3";                                       // firmware changed
  stays2.findings = {finding("auth.rtsp-open"), finding("cve.CVE-2021-36260")};  // one added, one removed
  put(s2, stays2);
  put(s2, device("10.0.0.33", std::nullopt, "SERIAL-3", "V1"));             // moved
  put(s2, device("10.0.0.4", "aa:00:00:00:00:04"));                         // new

  const auto d = run();
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0].address, ip("10.0.0.4"));
  ASSERT_EQ(d.gone.size(), 1u);
  EXPECT_EQ(d.gone[0].address, ip("10.0.0.2"));
  ASSERT_EQ(d.moved.size(), 1u);
  EXPECT_EQ(d.moved[0].from, ip("10.0.0.3"));
  EXPECT_EQ(d.moved[0].device.address, ip("10.0.0.33"));
  ASSERT_EQ(d.firmware_changed.size(), 1u);
  EXPECT_EQ(d.firmware_changed[0].from, "V5.5.0");
  EXPECT_EQ(d.firmware_changed[0].to, "V5.7.3");
  ASSERT_EQ(d.findings_changed.size(), 1u);
  EXPECT_EQ(d.findings_changed[0].added, std::vector<std::string>{"cve.CVE-2021-36260"});
  EXPECT_EQ(d.findings_changed[0].removed, std::vector<std::string>{"exposure.telnet"});

  const auto j = nlohmann::json::parse(diff_to_json(d));
  EXPECT_EQ(j["schema"], "anshin.diff/1");
  EXPECT_EQ(j["old"]["id"], "old");
  EXPECT_EQ(j["new_devices"].size(), 1u);
  EXPECT_EQ(j["gone"][0]["address"], "10.0.0.2");
  EXPECT_EQ(j["moved"][0]["from"], "10.0.0.3");
  EXPECT_EQ(j["moved"][0]["to"], "10.0.0.33");
  EXPECT_EQ(j["firmware_changed"][0]["firmware_to"], "V5.7.3");
  EXPECT_EQ(j["findings_changed"][0]["added"][0], "cve.CVE-2021-36260");

  const auto t = diff_to_text(d);
  for (const char* want : {"new (1)", "gone (1)", "moved (1)", "10.0.0.3 -> 10.0.0.33", "firmware changed (1)",
                           "\"V5.5.0\" -> \"V5.7.3\"",
                           "added title of cve.CVE-2021-36260 [High]; removed title of exposure.telnet [High]"}) {
    EXPECT_NE(t.find(want), std::string::npos) << want << "\n" << t;
  }
}

TEST_F(DiffThroughStore, HostileStringsAreEscaped) {
  Device a = device("10.0.0.1", "aa:00:00:00:00:01", std::nullopt, "\x1b]0;pwned\x07");
  a.verdict.model = "<script>alert(1)</script>\x1b[2J";
  put(s1, a);
  Device b = a;
  b.verdict.firmware = std::string("bad \xff\xfe utf8");
  put(s2, b);
  const auto d = run();
  ASSERT_EQ(d.firmware_changed.size(), 1u);
  const auto t = diff_to_text(d);
  EXPECT_EQ(t.find('\x1b'), std::string::npos) << t;
  EXPECT_EQ(t.find('\x07'), std::string::npos) << t;
  EXPECT_TRUE(nlohmann::json::accept(diff_to_json(d)));
}

TEST(Diff, WithoutIdentitiesUsesTheSameRules) {
  IdentifiedSnapshot a;
  a.snapshot.scan = scan_info("a");
  a.snapshot.devices = {device("10.0.0.1", "aa:00:00:00:00:01"), device("10.0.0.2", std::nullopt, "S2"),
                        device("10.0.0.3"), device("10.0.0.9", "aa:00:00:00:00:09")};
  IdentifiedSnapshot b;
  b.snapshot.scan = scan_info("b");
  b.snapshot.devices = {device("10.0.0.11", "AA:00:00:00:00:01"),  // moved by MAC
                        device("10.0.0.12", std::nullopt, "S2"),    // moved by serial
                        device("10.0.0.3"),                         // same address
                        device("10.0.0.9", "aa:00:00:00:00:99")};   // same address and model, other MAC: replaced
  const auto d = diff_scans(a, b);
  ASSERT_EQ(d.moved.size(), 2u);
  EXPECT_EQ(d.moved[0].from, ip("10.0.0.1"));
  EXPECT_EQ(d.moved[1].from, ip("10.0.0.2"));
  EXPECT_TRUE(d.added.empty());
  EXPECT_TRUE(d.gone.empty());
  ASSERT_EQ(d.replaced.size(), 1u);
  EXPECT_EQ(d.replaced[0].before.mac, "aa:00:00:00:00:09");
  EXPECT_EQ(d.replaced[0].after.mac, "aa:00:00:00:00:99");
  EXPECT_TRUE(d.firmware_changed.empty());
  EXPECT_TRUE(d.findings_changed.empty());
}

TEST(Diff, InterruptedNewerScanIsNoted) {
  IdentifiedSnapshot a;
  a.snapshot.scan = scan_info("a");
  a.snapshot.devices = {device("10.0.0.1")};
  IdentifiedSnapshot b;
  b.snapshot.scan = scan_info("b");
  b.snapshot.scan.interrupted = true;
  const auto d = diff_scans(a, b);
  EXPECT_EQ(d.gone.size(), 1u);
  EXPECT_NE(diff_to_text(d).find("interrupted"), std::string::npos);
}

// A diff with every kind of line, built by hand so the text can be compared whole.
ScanDiff every_kind_of_change() {
  ScanDiff d;
  d.old_scan = scan_info("20261127T100000Z-aaaa");
  d.new_scan = scan_info("20261128T100000Z-bbbb");
  d.new_scan.interrupted = true;
  d.added = {device("10.0.0.4", "aa:00:00:00:00:04")};
  Device bare = device("10.0.0.2");
  bare.verdict.manufacturer.reset();
  bare.verdict.model.reset();
  bare.verdict.category = Category::kNvr;
  d.gone = {bare};
  d.moved = {MovedDevice{3, ip("10.0.0.3"), device("10.0.0.33", std::nullopt, "SERIAL-3")}};
  d.firmware_changed = {FirmwareChange{1, "V5.5.0", "V5.7.3", device("10.0.0.1")},
                        FirmwareChange{5, std::nullopt, "V1.0", device("10.0.0.5")}};
  d.findings_changed = {FindingsChange{1, {"auth.rtsp-open", "cve.CVE-2021-36260"}, {"exposure.telnet"}, device("10.0.0.1")},
                        FindingsChange{6, {"exposure.upnp"}, {}, device("10.0.0.6")},
                        FindingsChange{7, {}, {"exposure.ftp"}, device("10.0.0.7")}};
  return d;
}

TEST(DiffText, EnglishIsUnchanged) {
  // The English text as it was before the catalogs (cli.diff.* in data/i18n/en.yaml), byte for byte.
  const std::string want =
      "from 20261127T100000Z-aaaa to 20261128T100000Z-bbbb\n"
      "note: the newer scan was interrupted; devices it did not reach are listed as gone\n"
      "\n"
      "new (1):\n"
      "  + 10.0.0.4 Hikvision DS-2CD2043G0-I\n"
      "\n"
      "gone (1):\n"
      "  - 10.0.0.2 (nvr)\n"
      "\n"
      "moved (1):\n"
      "  10.0.0.3 -> 10.0.0.33 Hikvision DS-2CD2043G0-I\n"
      "\n"
      "firmware changed (2):\n"
      "  10.0.0.1 Hikvision DS-2CD2043G0-I: \"V5.5.0\" -> \"V5.7.3\"\n"
      "  10.0.0.5 Hikvision DS-2CD2043G0-I: (unknown) -> \"V1.0\"\n"
      "\n"
      "findings changed (3):\n"
      "  10.0.0.1 Hikvision DS-2CD2043G0-I: added auth.rtsp-open, cve.CVE-2021-36260; removed exposure.telnet\n"
      "  10.0.0.6 Hikvision DS-2CD2043G0-I: added exposure.upnp\n"
      "  10.0.0.7 Hikvision DS-2CD2043G0-I: removed exposure.ftp\n";
  const ScanDiff d = every_kind_of_change();
  EXPECT_EQ(diff_to_text(d), want);
  EXPECT_EQ(diff_to_text(d, "en"), want);
  EXPECT_EQ(diff_to_text(d, "en_US.UTF-8"), want);
}

TEST(DiffText, Japanese) {
  const std::string want =
      "比較対象：スキャン 20261127T100000Z-aaaa → 20261128T100000Z-bbbb\n"
      "注意：新しいほうのスキャンは中断されています。スキャンが届かなかった機器も「見つからなくなった機器」に含まれます。\n"
      "\n"
      "新しく見つかった機器（1 台）：\n"
      "  + 10.0.0.4 Hikvision DS-2CD2043G0-I\n"
      "\n"
      "見つからなくなった機器（1 台）：\n"
      "  - 10.0.0.2 （NVR）\n"
      "\n"
      "アドレスが変わった機器（1 台）：\n"
      "  10.0.0.3 → 10.0.0.33 Hikvision DS-2CD2043G0-I\n"
      "\n"
      "ファームウェアが変わった機器（2 台）：\n"
      "  10.0.0.1 Hikvision DS-2CD2043G0-I：\"V5.5.0\" → \"V5.7.3\"\n"
      "  10.0.0.5 Hikvision DS-2CD2043G0-I：（不明） → \"V1.0\"\n"
      "\n"
      "指摘事項が変わった機器（3 台）：\n"
      "  10.0.0.1 Hikvision DS-2CD2043G0-I：追加 auth.rtsp-open, cve.CVE-2021-36260／解消 exposure.telnet\n"
      "  10.0.0.6 Hikvision DS-2CD2043G0-I：追加 exposure.upnp\n"
      "  10.0.0.7 Hikvision DS-2CD2043G0-I：解消 exposure.ftp\n";
  const ScanDiff d = every_kind_of_change();
  EXPECT_EQ(diff_to_text(d, "ja"), want);
  EXPECT_EQ(diff_to_text(d, "ja_JP.UTF-8"), want);
}

TEST(DiffText, NoChangesInBothLanguages) {
  ScanDiff d;
  d.old_scan = scan_info("a");
  d.new_scan = scan_info("b");
  EXPECT_EQ(diff_to_text(d, "en"), "from a to b\nno changes\n");
  EXPECT_EQ(diff_to_text(d, "ja"), "比較対象：スキャン a → b\n変化はありません。\n");
}

TEST(DiffText, JsonKeepsIdsNotWords) {
  // diff_to_json takes no language: categories stay ids, an unknown firmware stays null.
  const auto j = nlohmann::json::parse(diff_to_json(every_kind_of_change()));
  EXPECT_EQ(j["gone"][0]["category"], "nvr");
  EXPECT_EQ(j["firmware_changed"][1]["firmware_from"], nullptr);
}

TEST(DiffText, HostileStringsAreEscapedInJapaneseToo) {
  ScanDiff d = every_kind_of_change();
  d.new_scan.id = "b\x1b[2J";
  d.added[0].verdict.model = "\x1b]0;pwned\x07";
  d.firmware_changed[0].to = "\x1b[31mred";
  const auto t = diff_to_text(d, "ja");
  EXPECT_EQ(t.find('\x1b'), std::string::npos) << t;
  EXPECT_EQ(t.find('\x07'), std::string::npos) << t;
}

}  // namespace
}  // namespace anshin::store

namespace anshin::store {
namespace {

TEST(ReassessmentChanges, SeverityAddedRemovedAndIdentity) {
  ScanSnapshot before, after;
  for (const char* a : {"10.0.0.1", "10.0.0.2", "10.0.0.3"}) {
    Device d = device(a);
    d.findings = {finding("cve.CVE-2017-7921", Severity::kHigh), finding("exposure.telnet", Severity::kMedium)};
    before.devices.push_back(d);
    d.findings = {finding("cve.CVE-2017-7921", Severity::kCritical), finding("cve.CVE-2099-0001", Severity::kLow)};
    if (std::string(a) == "10.0.0.3") d.verdict.manufacturer = "Annke";
    after.devices.push_back(d);
  }
  const ReassessChanges c = reassessment_changes(before, after);
  ASSERT_EQ(c.severity.size(), 1u);
  EXPECT_EQ(c.severity[0].finding, "cve.CVE-2017-7921");
  EXPECT_EQ(c.severity[0].from, Severity::kHigh);
  EXPECT_EQ(c.severity[0].to, Severity::kCritical);
  EXPECT_EQ(c.severity[0].devices, 3u);
  ASSERT_EQ(c.added.size(), 1u);
  EXPECT_EQ(c.added[0].finding, "cve.CVE-2099-0001");
  EXPECT_EQ(c.added[0].devices, 3u);
  ASSERT_EQ(c.removed.size(), 1u);
  EXPECT_EQ(c.removed[0].finding, "exposure.telnet");
  ASSERT_EQ(c.identity.size(), 1u);
  EXPECT_EQ(c.identity[0].what, "manufacturer");
  EXPECT_EQ(c.identity[0].from, "Hikvision");
  EXPECT_EQ(c.identity[0].to, "Annke");
  EXPECT_TRUE(reassessment_changes(before, before).empty());
}

}  // namespace

TEST(Diff, ReplacedNeedsTheSameModelAtTheSameAddress) {
  IdentifiedSnapshot a;
  a.snapshot.scan = scan_info("a");
  a.snapshot.devices = {device("10.0.0.1", "aa:00:00:00:00:01", "S1"), device("10.0.0.2", "aa:00:00:00:00:02", "S2")};
  IdentifiedSnapshot b;
  b.snapshot.scan = scan_info("b");
  Device other_model = device("10.0.0.2", "aa:00:00:00:00:22", "S22");
  other_model.verdict.model = "DS-7608NI-K2";
  b.snapshot.devices = {device("10.0.0.1", "aa:00:00:00:00:11", "S11"), other_model};
  const auto d = diff_scans(a, b);
  ASSERT_EQ(d.replaced.size(), 1u);
  EXPECT_EQ(d.replaced[0].before.verdict.serial, "S1");
  EXPECT_EQ(d.replaced[0].after.verdict.serial, "S11");
  ASSERT_EQ(d.added.size(), 1u);  // another model in .2's place: a new device, and the old one gone
  EXPECT_EQ(d.added[0].verdict.model, "DS-7608NI-K2");
  EXPECT_EQ(d.gone.size(), 1u);
  const auto t = diff_to_text(d);
  EXPECT_NE(t.find("replaced (1)"), std::string::npos) << t;
  EXPECT_NE(t.find("serial \"S1\" -> \"S11\""), std::string::npos) << t;
  EXPECT_EQ(nlohmann::json::parse(diff_to_json(d))["replaced"][0]["before"]["serial"], "S1");
}

TEST(Diff, DowngradeComesFromTheFirmwareOrder) {
  IdentifiedSnapshot a;
  a.snapshot.scan = scan_info("a");
  a.snapshot.devices = {device("10.0.0.1", "aa:00:00:00:00:01", std::nullopt, "V5.5.0"),
                        device("10.0.0.2", "aa:00:00:00:00:02", std::nullopt, "V5.5.0")};
  IdentifiedSnapshot b;
  b.snapshot.scan = scan_info("b");
  b.snapshot.devices = {device("10.0.0.1", "aa:00:00:00:00:01", std::nullopt, "V5.4.1"),
                        device("10.0.0.2", "aa:00:00:00:00:02", std::nullopt, "V5.7.3")};
  std::vector<std::string> asked;
  const FirmwareOrder order = [&](const Device&, const std::string& from, const std::string& to) -> std::optional<int> {
    asked.push_back(from + ">" + to);
    return from < to ? -1 : (from == to ? 0 : 1);
  };
  const auto d = diff_scans(a, b, order);
  ASSERT_EQ(d.firmware_changed.size(), 2u);
  EXPECT_TRUE(d.firmware_changed[0].downgrade);
  EXPECT_FALSE(d.firmware_changed[1].downgrade);
  EXPECT_EQ(asked, (std::vector<std::string>{"V5.5.0>V5.4.1", "V5.5.0>V5.7.3"}));
  EXPECT_NE(diff_to_text(d).find("\"V5.5.0\" -> \"V5.4.1\" (downgrade)"), std::string::npos) << diff_to_text(d);
  EXPECT_TRUE(nlohmann::json::parse(diff_to_json(d))["firmware_changed"][0]["downgrade"].get<bool>());
  EXPECT_FALSE(diff_scans(a, b).firmware_changed[0].downgrade);  // no order: never a downgrade claimed
}

TEST(Diff, FindingsAreNamedByTitleInTheReadersLanguage) {
  IdentifiedSnapshot a;
  a.snapshot.scan = scan_info("a");
  a.snapshot.devices = {device("10.0.0.1", "aa:00:00:00:00:01")};
  IdentifiedSnapshot b = a;
  Finding telnet = finding("exposure.telnet");
  telnet.title = "Telnet is open";
  telnet.texts["en"] = {"Telnet is open", "", ""};
  telnet.texts["ja"] = {"Telnet が開いています", "", ""};
  b.snapshot.devices[0].findings = {telnet};
  const auto d = diff_scans(a, b);
  EXPECT_NE(diff_to_text(d, "en").find("added Telnet is open [High]"), std::string::npos) << diff_to_text(d, "en");
  EXPECT_NE(diff_to_text(d, "ja").find("追加 Telnet が開いています［重要］"), std::string::npos) << diff_to_text(d, "ja");
}

}  // namespace anshin::store

namespace anshin::store {
namespace {

StoredScan stored(ScanNumber number, std::vector<std::string> targets, std::string site = "", bool finished = true) {
  StoredScan s;
  s.number = number;
  s.info.targets = std::move(targets);
  s.info.site = std::move(site);
  if (finished) s.info.finished = "2026-12-06T10:00:00Z";
  return s;
}

TEST(ScanPairs, CapturesAndActiveScansAreNeverPaired) {
  EXPECT_EQ(scan_kind(stored(1, {"pcap:a.pcap", "pcap:b.pcapng"}).info), ScanKind::kTraffic);
  EXPECT_EQ(scan_kind(stored(1, {"zeek:/var/log/zeek"}).info), ScanKind::kTraffic);
  EXPECT_EQ(scan_kind(stored(1, {"10.0.0.0/24", "pcap:x"}).info), ScanKind::kActive);
  EXPECT_EQ(scan_kind(stored(1, {}).info), ScanKind::kActive);

  // active 1, active 2, capture 3: the two active scans; the newer capture is named as left out.
  std::vector<StoredScan> scans = {stored(1, {"10.0.0.0/24"}), stored(2, {"10.0.0.0/24"}), stored(3, {"pcap:c1"})};
  auto p = newest_comparable_pair(scans, "");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->older, 1u);
  EXPECT_EQ(p->newer, 2u);
  EXPECT_EQ(p->kind, ScanKind::kActive);
  EXPECT_EQ(p->skipped, (std::vector<ScanNumber>{3}));

  // ... then capture 4: the two captures, nothing skipped.
  scans.push_back(stored(4, {"zeek:/logs"}));
  p = newest_comparable_pair(scans, "");
  ASSERT_TRUE(p);
  EXPECT_EQ(std::make_pair(p->older, p->newer), std::make_pair(ScanNumber{3}, ScanNumber{4}));
  EXPECT_EQ(p->kind, ScanKind::kTraffic);
  EXPECT_TRUE(p->skipped.empty());

  // Other sites and unfinished scans take no part; one scan of each kind makes no pair.
  std::vector<StoredScan> mixed = {stored(1, {"10.0.0.0/24"}), stored(2, {"pcap:c"}), stored(3, {"10.0.0.0/24"}, "osaka"),
                                   stored(4, {"pcap:d"}, "", false)};
  EXPECT_FALSE(newest_comparable_pair(mixed, ""));
  EXPECT_FALSE(newest_comparable_pair(mixed, "osaka"));
}

}  // namespace
}  // namespace anshin::store
