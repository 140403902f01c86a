#include "store/diff.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "store/test_util.h"

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
                           "\"V5.5.0\" -> \"V5.7.3\"", "added cve.CVE-2021-36260; removed exposure.telnet"}) {
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
                        device("10.0.0.9", "aa:00:00:00:00:99")};   // same address, other MAC: gone + new
  const auto d = diff_scans(a, b);
  ASSERT_EQ(d.moved.size(), 2u);
  EXPECT_EQ(d.moved[0].from, ip("10.0.0.1"));
  EXPECT_EQ(d.moved[1].from, ip("10.0.0.2"));
  ASSERT_EQ(d.added.size(), 1u);
  EXPECT_EQ(d.added[0].mac, "aa:00:00:00:00:99");
  ASSERT_EQ(d.gone.size(), 1u);
  EXPECT_EQ(d.gone[0].mac, "aa:00:00:00:00:09");
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

}  // namespace
}  // namespace anshin::store
