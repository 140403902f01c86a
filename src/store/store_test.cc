#include "store/store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <thread>
#include <map>
#include <mutex>
#include <set>

#include "store/codec.h"
#include "store/schema.h"
#include "store/sql.h"
#include "support/pg_cluster.h"
#include "support/store.h"
#include "support/store_backends.h"

namespace anshin::store {
namespace {

using namespace testutil;
using anshin::testutil::PgCluster;
using namespace std::string_literals;

// Raw SQLite access for the tests that look under the API.
struct RawDb {
  explicit RawDb(const std::string& path) {
    sqlite3_open(path.c_str(), &db);
    conn = sql::wrap_sqlite(db);  // owns and closes db
  }
  std::string one(const char* sql) {
    sqlite3_stmt* st = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK) {
      const int rc = sqlite3_step(st);
      if (rc == SQLITE_ROW) {
        const unsigned char* t = sqlite3_column_text(st, 0);
        out = t ? reinterpret_cast<const char*>(t) : "<null>";
      } else if (rc == SQLITE_DONE) {
        out = "<none>";
      }
    }
    sqlite3_finalize(st);
    return out;
  }
  int exec(const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }
  sqlite3* db = nullptr;
  std::unique_ptr<sql::Conn> conn;
};

// The store suite runs on both backends: the tests below that take `db(name)` get an SQLite file of
// their temporary directory or an empty PostgreSQL database of the test cluster (the same one for the
// same name within a test).

const std::vector<std::string>& hostile() {
  static const std::vector<std::string> kHostile = {
      "<script>alert(1)</script>",
      "\x1b]0;owned\x07\x1b[2J\x1b[31mred",
      "bad utf8 \xff\xfe\xc0\x80 \xed\xa0\x80 end",
      "quotes ' \" `; DROP TABLE devices; --",
      "nul\0inside"s,
      "\0"s,
      "",
      "日本語のカメラ",
      std::string(5000, 'A'),
  };
  return kHostile;
}

Device hostile_device(const char* address, size_t k) {
  const auto& h = hostile();
  auto pick = [&](size_t i) { return h[(k + i) % h.size()]; };
  Device d;
  d.address = ip(address);
  d.mac = pick(0);
  auto& v = d.verdict;
  v.category = Category::kNvr;
  v.manufacturer = pick(1);
  v.brand = pick(2);
  v.manufacturer_id = pick(3);
  v.brand_id = pick(4);
  v.model = pick(5);
  v.firmware = pick(6);
  v.serial = pick(7);
  v.confidence = 0.93;
  Evidence e;
  e.source = pick(8);
  e.port = 8000;
  e.value = pick(0);
  e.implies = {{pick(1), pick(2)}, {"manufacturer", pick(3)}};
  e.rule = pick(4);
  v.evidence = {e, Evidence{"http.header.server", 80, "App-webs/", {{"manufacturer", "Hikvision"}}, "hik"}};
  v.conflicts = {pick(5), pick(6)};
  d.services = {ServiceSummary{554, Transport::kTcp, pick(7), false, pick(8)},
                ServiceSummary{3702, Transport::kUdp, "wsd", false, std::nullopt},
                ServiceSummary{443, Transport::kTcp, "https", true, "web"}};
  Finding f;
  f.id = pick(0);
  f.severity = Severity::kCritical;
  f.title = pick(1);
  f.detail = pick(2);
  f.remediation = pick(3);
  f.references = {pick(4), "https://www.fcc.gov/supplychain/coveredlist"};
  f.evidence = {e};
  d.findings = {f, finding("exposure.telnet", Severity::kMedium)};
  return d;
}

using StoreSuite = OnBothBackends;
using StoreCrash = OnBothBackends;

TEST_P(StoreSuite, RoundTripEveryFieldWithHostileStrings) {
  auto store = Store::open(db("anshin.db"));
  ASSERT_TRUE(store) << store.error().message;
  ScanInfo info = scan_info("2026-11-27T10:00:00Z-3f2a");
  info.targets = hostile();
  auto scan = store->begin_scan(info, ResumeState{"{\"ports\":[80]}", 42, 0});
  ASSERT_TRUE(scan) << scan.error().message;

  // Put out of address order; v6 and v4 mixed.
  std::vector<Device> in;
  const char* addrs[] = {"192.0.2.200", "10.0.0.9", "fd00::1", "10.0.0.10", "192.0.2.3", "::1",
                         "10.0.0.1",    "127.0.0.1", "192.0.2.4"};
  for (size_t k = 0; k < std::size(addrs); ++k) in.push_back(hostile_device(addrs[k], k));
  for (const auto& d : in) {
    auto id = store->put_device(*scan, d);
    ASSERT_TRUE(id) << id.error().message;
  }
  Device plain;  // all-defaults device: every optional empty
  plain.address = ip("10.0.0.2");
  in.push_back(plain);
  ASSERT_TRUE(store->put_device(*scan, plain));
  ASSERT_TRUE(store->finish_scan(*scan, "2026-11-27T10:00:09Z", false));

  // Reopen: nothing is cached.
  store = Store::open(db("anshin.db"));
  ASSERT_TRUE(store) << store.error().message;
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap) << snap.error().message;
  EXPECT_EQ(snap->scan.id, info.id);
  EXPECT_EQ(snap->scan.started, info.started);
  EXPECT_EQ(snap->scan.finished, "2026-11-27T10:00:09Z");
  EXPECT_EQ(snap->scan.targets, info.targets);
  EXPECT_EQ(snap->scan.addresses, info.addresses);
  EXPECT_EQ(snap->scan.tool_version, info.tool_version);
  EXPECT_EQ(snap->scan.kb_version, info.kb_version);
  EXPECT_FALSE(snap->scan.interrupted);

  std::sort(in.begin(), in.end(), [](const Device& a, const Device& b) { return a.address < b.address; });
  ASSERT_EQ(snap->devices.size(), in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    SCOPED_TRACE(in[i].address.to_string());
    expect_same(snap->devices[i], in[i]);
  }
  EXPECT_TRUE(store->check_integrity());
}

TEST_P(StoreSuite, SiteFindingCountsAndTextsInEveryLanguage) {
  auto s = Store::open(db("inv.db"));
  ASSERT_TRUE(s) << s.error().message;
  ScanInfo info = scan_info("sited");
  info.site = "東京 store 01";
  const auto scan = s->begin_scan(info);
  ASSERT_TRUE(scan);
  Device d = device("10.0.0.1", "aa:00:00:00:00:01");
  Finding telnet = finding("exposure.telnet", Severity::kHigh);
  telnet.texts["en"] = {"title of exposure.telnet", "", ""};  // the same as the finding's own: not stored twice
  telnet.texts["ja"] = {"Telnet が開いています", "詳細 \xff", "対策"};
  d.findings = {telnet, finding("cve.CVE-2021-36260", Severity::kCritical), finding("exposure.upnp", Severity::kHigh)};
  ASSERT_TRUE(s->put_device(*scan, d));
  ASSERT_TRUE(s->put_device(*scan, device("10.0.0.2")));
  ASSERT_TRUE(s->finish_scan(*scan, "2026-11-27T10:00:09Z", false));

  const auto listed = s->list_scans();
  ASSERT_TRUE(listed && listed->size() == 1u);
  EXPECT_EQ(listed->front().info.site, "東京 store 01");
  const auto counts = s->finding_counts(*scan);
  ASSERT_TRUE(counts);
  EXPECT_EQ((*counts)[static_cast<size_t>(Severity::kCritical)], 1u);
  EXPECT_EQ((*counts)[static_cast<size_t>(Severity::kHigh)], 2u);
  EXPECT_EQ((*counts)[static_cast<size_t>(Severity::kLow)], 0u);

  const auto snap = s->snapshot(*scan);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->scan.site, "東京 store 01");
  const Finding& back = snap->devices[0].findings[0];  // stored in the order given
  ASSERT_EQ(back.id, "exposure.telnet");
  EXPECT_EQ(back.texts.count("en"), 0u);
  ASSERT_EQ(back.texts.count("ja"), 1u);
  EXPECT_EQ(back.texts.at("ja").detail, "詳細 \xff");  // bytes kept
  EXPECT_EQ(localized(back, "ja").title, "Telnet が開いています");
  EXPECT_EQ(localized(back, "en").title, "title of exposure.telnet");
  ScanSnapshot copy = *snap;
  localize(copy, "ja");
  EXPECT_EQ(copy.devices[0].findings[0].remediation, "対策");
  EXPECT_EQ(copy.devices[0].findings[1].title, "title of cve.CVE-2021-36260");  // no texts: unchanged
}

TEST_P(StoreSuite, PutSameAddressTwiceReplaces) {
  auto store = Store::open(db("a.db"));
  ASSERT_TRUE(store);
  auto scan = store->begin_scan(scan_info("s1"));
  ASSERT_TRUE(scan);
  auto a = store->put_device(*scan, device("10.0.0.5", "aa:bb:cc:00:00:01", std::nullopt, "V1"));
  auto b = store->put_device(*scan, device("10.0.0.5", "aa:bb:cc:00:00:01", std::nullopt, "V2"));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap);
  ASSERT_EQ(snap->devices.size(), 1u);
  EXPECT_EQ(snap->devices[0].verdict.firmware, "V2");
}

TEST_P(StoreSuite, ScanListingLatestUnfinishedFind) {
  auto store = Store::open(db("a.db"));
  ASSERT_TRUE(store);
  auto none = store->latest_scan();
  ASSERT_TRUE(none);
  EXPECT_FALSE(*none);

  auto s1 = store->begin_scan(scan_info("first"));
  ASSERT_TRUE(s1);
  ASSERT_TRUE(store->finish_scan(*s1, "2026-11-27T10:00:09Z", false));
  auto s2 = store->begin_scan(scan_info(""), ResumeState{"{\"targets\":[\"10.0.0.0/24\"]}", 7, 0});
  ASSERT_TRUE(s2);
  EXPECT_GT(*s2, *s1);
  ASSERT_TRUE(store->put_device(*s2, device("10.0.0.7")));
  ASSERT_TRUE(store->put_device(*s2, device("10.0.0.3")));
  ASSERT_TRUE(store->set_hosts_done(*s2, 12));

  auto latest = store->latest_scan();  // s2 has not ended
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->number, *s1);
  EXPECT_TRUE((*latest)->completed);

  auto open = store->unfinished_scan();
  ASSERT_TRUE(open && *open);
  EXPECT_EQ((*open)->scan.number, *s2);
  EXPECT_EQ((*open)->scan.resume.seed, 7u);
  EXPECT_EQ((*open)->scan.resume.hosts_done, 12u);
  EXPECT_EQ((*open)->scan.resume.plan_json, "{\"targets\":[\"10.0.0.0/24\"]}");
  EXPECT_EQ((*open)->done_addresses, (std::vector<IpAddr>{ip("10.0.0.3"), ip("10.0.0.7")}));
  EXPECT_EQ((*open)->scan.info.id.rfind("2026-11-27T10:00:00Z-", 0), 0u) << (*open)->scan.info.id;

  ASSERT_TRUE(store->finish_scan(*s2, "2026-11-27T10:05:00Z", true));
  open = store->unfinished_scan();  // interrupted: still resumable
  ASSERT_TRUE(open && *open);
  EXPECT_TRUE((*open)->scan.info.interrupted);
  latest = store->latest_scan();
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->number, *s2);
  EXPECT_EQ((*latest)->devices, 2u);

  ASSERT_TRUE(store->finish_scan(*s2, "2026-11-27T10:06:00Z", false));
  open = store->unfinished_scan();
  ASSERT_TRUE(open);
  EXPECT_FALSE(*open);

  auto all = store->list_scans();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].info.id, "first");

  auto by_number = store->find_scan(std::to_string(*s1));
  ASSERT_TRUE(by_number);
  EXPECT_EQ(by_number->info.id, "first");
  auto by_id = store->find_scan("first");
  ASSERT_TRUE(by_id);
  EXPECT_EQ(by_id->number, *s1);
  auto missing = store->find_scan("nope\x1b[2J");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
  EXPECT_EQ(missing.error().message.find('\x1b'), std::string::npos);
  EXPECT_EQ(exit_status_for(missing.error()), 1);

  EXPECT_FALSE(store->begin_scan(scan_info("first")));  // ids are unique
  EXPECT_FALSE(store->put_device(999, device("10.0.0.1")));
  EXPECT_FALSE(store->finish_scan(999, "x", false));
  EXPECT_FALSE(store->snapshot(999));
}

TEST_P(StoreSuite, UnfinishedScanByNumberWhileANewerOneExists) {
  auto store = Store::open(db("a.db"));
  ASSERT_TRUE(store);
  auto done = store->begin_scan(scan_info("done"));
  ASSERT_TRUE(done && store->finish_scan(*done, "2026-11-27T10:00:09Z", false));
  auto stopped = store->begin_scan(scan_info("stopped"), ResumeState{"{}", 9, 4});
  ASSERT_TRUE(stopped && store->put_device(*stopped, device("10.0.0.7")));
  ASSERT_TRUE(store->finish_scan(*stopped, "2026-11-27T10:01:00Z", true));
  auto newer = store->begin_scan(scan_info("newer"));  // another site's scan, still running
  ASSERT_TRUE(newer);

  auto open = store->unfinished_scan(*stopped);
  ASSERT_TRUE(open && *open);
  EXPECT_EQ((*open)->scan.number, *stopped);
  EXPECT_EQ((*open)->scan.resume.seed, 9u);
  EXPECT_EQ((*open)->done_addresses, std::vector<IpAddr>{ip("10.0.0.7")});
  auto newest = store->unfinished_scan();
  ASSERT_TRUE(newest && *newest);
  EXPECT_EQ((*newest)->scan.number, *newer) << "plain --resume still takes the newest";
  auto completed = store->unfinished_scan(*done);
  ASSERT_TRUE(completed);
  EXPECT_FALSE(*completed);
  auto unknown = store->unfinished_scan(*newer + 100);
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kNotFound);
}

TEST_P(StoreSuite, ConcurrentPutsFromThreads) {
  auto store = Store::open(db("threads.db"));
  ASSERT_TRUE(store);
  auto scan = store->begin_scan(scan_info("t"));
  ASSERT_TRUE(scan);
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (uint32_t t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (uint32_t i = 0; i < 50; ++i) {
        Device d = device("10.0.0.1", "02:00:00:00:0" + std::to_string(t) + ":" + std::to_string(i));
        d.address = IpAddr::v4(0x0A000000u + t * 256 + i);
        if (!store->put_device(*scan, d)) ++failures;
        if (i % 10 == 0 && !store->set_hosts_done(*scan, i)) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->devices.size(), 200u);
  EXPECT_TRUE(std::is_sorted(snap->devices.begin(), snap->devices.end(),
                             [](const Device& a, const Device& b) { return a.address < b.address; }));
}

// Several processes writing one inventory (a server and its sensors): each writer its own connection and
// scan, all seeing the same 40 devices at once. The identity rules read, then insert; writers taking turns
// (BEGIN IMMEDIATE; on PostgreSQL the advisory lock) keep one identity per device.
TEST_P(StoreSuite, ConcurrentWritersKeepOneIdentityPerDevice) {
  const std::string path = db("writers.db");
  ASSERT_TRUE(Store::open(path));
  constexpr int kWriters = 4;
  constexpr uint32_t kDevices = 40;
  std::vector<ScanNumber> scans(kWriters);
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      auto store = Store::open(path, OpenOptions{.create = true, .busy_timeout_ms = 20000});
      if (!store) return void(++failures);
      auto scan = store->begin_scan(scan_info("writer-" + std::to_string(w)));
      if (!scan) return void(++failures);
      scans[static_cast<size_t>(w)] = *scan;
      for (uint32_t i = 0; i < kDevices; ++i) {
        Device d = device("10.0.0.1", "02:00:00:00:00:" + std::to_string(i), "SER-" + std::to_string(i));
        d.address = IpAddr::v4(0x0A000000u + i);
        if (!store->put_device(*scan, d)) ++failures;
      }
    });
  }
  for (auto& t : writers) t.join();
  ASSERT_EQ(failures.load(), 0);
  auto store = Store::open(path);
  ASSERT_TRUE(store);
  std::vector<DeviceId> first;
  for (ScanNumber scan : scans) {
    auto snap = store->identified_snapshot(scan);
    ASSERT_TRUE(snap) << snap.error().message;
    ASSERT_EQ(snap->ids.size(), kDevices);
    if (first.empty()) first = snap->ids;
    EXPECT_EQ(snap->ids, first) << "scan " << scan << " has identities of its own";
  }
  EXPECT_EQ(std::set<DeviceId>(first.begin(), first.end()).size(), kDevices);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite, ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Backends, StoreCrash, ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

// ---- identity ----

struct StoreIdentity : OnBothBackends {
  std::optional<Store> store;
  void SetUp() override {
    OnBothBackends::SetUp();
    if (IsSkipped()) return;
    auto s = Store::open(db("id.db"));
    ASSERT_TRUE(s) << s.error().message;
    store.emplace(std::move(*s));
  }
  ScanNumber scan(const std::string& id) {
    auto n = store->begin_scan(scan_info(id));
    EXPECT_TRUE(n);
    return *n;
  }
  DeviceId put(ScanNumber s, const Device& d) {
    auto id = store->put_device(s, d);
    EXPECT_TRUE(id) << id.error().message;
    return id ? *id : -1;
  }
};

TEST_P(StoreIdentity, MacMatchKeepsIdWhenAddressChanges) {
  const auto a = put(scan("1"), device("10.0.0.5", "AA:BB:CC:00:00:01"));
  const auto b = put(scan("2"), device("10.0.0.99", "aa:bb:cc:00:00:01"));  // case differs
  EXPECT_EQ(a, b);
}

TEST_P(StoreIdentity, SerialMatchWithoutMac) {
  const auto a = put(scan("1"), device("10.0.0.5", std::nullopt, "DS-123456"));
  const auto b = put(scan("2"), device("10.0.0.6", std::nullopt, " DS-123456 "));
  EXPECT_EQ(a, b);
  // A serial match is refused when both MACs are known and differ.
  const auto c = put(scan("3"), device("10.0.0.5", "aa:00:00:00:00:01", "S-1"));
  const auto d = put(scan("4"), device("10.0.0.8", "aa:00:00:00:00:02", "S-1"));
  EXPECT_NE(c, d);
}

TEST_P(StoreIdentity, SerialLearnedLaterStillMatches) {
  const auto a = put(scan("1"), device("10.0.0.5"));                              // nothing but the address
  const auto b = put(scan("2"), device("10.0.0.5", std::nullopt, "SER-9"));       // address fallback, learns serial
  const auto c = put(scan("3"), device("10.0.0.77", std::nullopt, "SER-9"));      // moved, matched by serial
  EXPECT_EQ(a, b);
  EXPECT_EQ(b, c);
}

TEST_P(StoreIdentity, AddressFallbackAndConflicts) {
  const auto a = put(scan("1"), device("10.0.0.5"));
  const auto b = put(scan("2"), device("10.0.0.5"));
  EXPECT_EQ(a, b);
  // Same address, but a known MAC that differs from the one recorded: another device.
  const auto c = put(scan("3"), device("10.0.0.20", "aa:aa:aa:aa:aa:01"));
  const auto d = put(scan("4"), device("10.0.0.20", "aa:aa:aa:aa:aa:02"));
  EXPECT_NE(c, d);
  // Same address, different serials: another device.
  const auto e = put(scan("5"), device("10.0.0.30", std::nullopt, "X1"));
  const auto f = put(scan("6"), device("10.0.0.30", std::nullopt, "X2"));
  EXPECT_NE(e, f);
}

TEST_P(StoreIdentity, OneIdentityPerScan) {
  // Two addresses reporting the same serial in one scan stay two devices.
  const auto s = scan("1");
  const auto a = put(s, device("10.0.0.5", std::nullopt, "DUP"));
  const auto b = put(s, device("10.0.0.6", std::nullopt, "DUP"));
  EXPECT_NE(a, b);
}

TEST_P(StoreIdentity, SwappedAddressesFollowMacs) {
  const auto s1 = scan("1");
  const auto a = put(s1, device("10.0.0.1", "aa:00:00:00:00:0a"));
  const auto b = put(s1, device("10.0.0.2", "aa:00:00:00:00:0b"));
  const auto s2 = scan("2");
  EXPECT_EQ(put(s2, device("10.0.0.1", "aa:00:00:00:00:0b")), b);
  EXPECT_EQ(put(s2, device("10.0.0.2", "aa:00:00:00:00:0a")), a);
  auto snap = store->identified_snapshot(s2);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->ids, (std::vector<DeviceId>{b, a}));
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreIdentity, ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

// ---- opening: migrations, WAL, errors ----

TEST(StoreOpen, FromEmptyFileToLatest) {
  TempDir dir;
  const auto path = dir.file("empty.db");
  { std::ofstream(path, std::ios::binary); }  // zero bytes
  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->schema_version(), schema::latest_version());
  RawDb raw(path);
  EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(schema::latest_version()));
  EXPECT_EQ(raw.one("PRAGMA application_id"), std::to_string(schema::kApplicationId));
  EXPECT_EQ(raw.one("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.one("SELECT name FROM sqlite_master WHERE name = 'scan_resume'"), "scan_resume");
}

TEST(StoreOpen, MigratesFromVersion1) {
  TempDir dir;
  const auto path = dir.file("v1.db");
  {
    RawDb raw(path);
    ASSERT_TRUE(schema::migrate(raw.conn.get(), 1));
    EXPECT_EQ(raw.one("PRAGMA user_version"), "1");
    EXPECT_EQ(raw.one("SELECT name FROM sqlite_master WHERE name = 'scan_resume'"), "<none>");
    // A scan written by a v1 anshin.
    ASSERT_EQ(raw.exec("INSERT INTO scans (number, id, started, finished, targets, addresses, tool_version, "
                       "kb_version, interrupted, completed) VALUES (1, 'old', '2026-01-01T00:00:00Z', "
                       "'2026-01-01T00:01:00Z', '[\"10.0.0.0/24\"]', 256, '0.0.9', 'kb1', 0, 1);"
                       "INSERT INTO devices (id, mac, serial, first_scan, last_scan, last_address) "
                       "VALUES (1, 'aa:bb:cc:dd:ee:ff', NULL, 1, 1, '10.0.0.4');"
                       "INSERT INTO observations (scan, device, address, mac, category, manufacturer, model, "
                       "firmware, confidence, evidence, conflicts, services, findings) VALUES (1, 1, '10.0.0.4', "
                       "'aa:bb:cc:dd:ee:ff', 'camera', 'Dahua', 'IPC-HDW', 'V2.8', 0.9, '[]', '[]', "
                       "'[{\"port\":80,\"transport\":\"tcp\",\"protocol\":\"http\",\"tls\":false,\"product\":null}]',"
                       "'[{\"id\":\"exposure.telnet\",\"severity\":\"medium\",\"title\":\"t\",\"detail\":\"\","
                       "\"remediation\":\"\",\"references\":[]}]')"),
              SQLITE_OK)
        << sqlite3_errmsg(raw.db);
  }
  auto store = Store::open(path);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->schema_version(), schema::latest_version());
  {
    RawDb raw(path);
    EXPECT_EQ(raw.one("PRAGMA user_version"), std::to_string(schema::latest_version()));
    EXPECT_EQ(raw.one("SELECT name FROM sqlite_master WHERE name = 'scan_resume'"), "scan_resume");
  }
  auto snap = store->snapshot(1);
  ASSERT_TRUE(snap) << snap.error().message;
  ASSERT_EQ(snap->devices.size(), 1u);
  EXPECT_EQ(snap->devices[0].verdict.manufacturer, "Dahua");
  ASSERT_EQ(snap->devices[0].findings.size(), 1u);
  EXPECT_EQ(snap->devices[0].findings[0].id, "exposure.telnet");
  auto scans = store->list_scans();
  ASSERT_TRUE(scans);
  EXPECT_EQ((*scans)[0].resume.hosts_done, 0u);  // no resume row: defaults
  // The old device keeps its identity in a new scan.
  auto s2 = store->begin_scan(scan_info("new"));
  ASSERT_TRUE(s2);
  auto id = store->put_device(*s2, device("10.0.0.50", "AA:BB:CC:DD:EE:FF"));
  ASSERT_TRUE(id);
  EXPECT_EQ(*id, 1);
  EXPECT_TRUE(store->check_integrity());
}

TEST(StoreOpen, NewerSchemaIsRefused) {
  TempDir dir;
  const auto path = dir.file("newer.db");
  ASSERT_TRUE(Store::open(path));
  { RawDb(path).exec("PRAGMA user_version = 99"); }
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kInvalidInput);
  EXPECT_NE(store.error().message.find("newer anshin"), std::string::npos) << store.error().message;
}

TEST(StoreOpen, NonAnshinSqliteFile) {
  TempDir dir;
  const auto path = dir.file("other.db");
  { RawDb(path).exec("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)"); }
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kInvalidInput);
  EXPECT_NE(store.error().message.find("not an anshin inventory"), std::string::npos) << store.error().message;
  EXPECT_EQ(exit_status_for(store.error()), 1);
  RawDb raw(path);  // and it was left alone
  EXPECT_EQ(raw.one("PRAGMA user_version"), "0");
  EXPECT_EQ(raw.one("PRAGMA journal_mode"), "delete");
}

TEST(StoreOpen, NonSqliteFile) {
  TempDir dir;
  const auto path = dir.file("notes.txt");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 200; ++i) out << "this is not a database, just some text\n";
  }
  auto store = Store::open(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kInvalidInput);
  EXPECT_NE(store.error().message.find("not an SQLite database"), std::string::npos) << store.error().message;
}

TEST(StoreOpen, MissingFileWithoutCreate) {
  TempDir dir;
  auto store = Store::open(dir.file("missing.db"), OpenOptions{.create = false});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir.file("missing.db")));
  auto d = Store::open(dir.file(""));  // the directory itself
  EXPECT_FALSE(d);
}

TEST(StoreOpen, LockedDatabaseGivesCleanError) {
  TempDir dir;
  // Another process holds an exclusive lock on a rollback-journal database.
  const auto path = dir.file("locked.db");
  RawDb other(path);
  ASSERT_EQ(other.exec("CREATE TABLE t (x); BEGIN EXCLUSIVE; INSERT INTO t VALUES (1)"), SQLITE_OK);
  auto store = Store::open(path, OpenOptions{.create = true, .busy_timeout_ms = 100});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kIo);
  EXPECT_NE(store.error().message.find("locked"), std::string::npos) << store.error().message;
  EXPECT_EQ(exit_status_for(store.error()), 2);
  other.exec("ROLLBACK");
}

TEST(StoreOpen, WriterBlockedByAnotherWriter) {
  TempDir dir;
  const auto path = dir.file("busy.db");
  auto store = Store::open(path, OpenOptions{.create = true, .busy_timeout_ms = 100});
  ASSERT_TRUE(store);
  auto scan = store->begin_scan(scan_info("s"));
  ASSERT_TRUE(scan);
  ASSERT_TRUE(store->put_device(*scan, device("10.0.0.1")));
  RawDb other(path);
  ASSERT_EQ(other.exec("BEGIN IMMEDIATE"), SQLITE_OK);
  auto put = store->put_device(*scan, device("10.0.0.2"));
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find("locked"), std::string::npos) << put.error().message;
  // Readers are not blocked by a writer (WAL).
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap) << snap.error().message;
  EXPECT_EQ(snap->devices.size(), 1u);
  other.exec("ROLLBACK");
  EXPECT_TRUE(store->put_device(*scan, device("10.0.0.2")));
}

// ---- opening a PostgreSQL inventory: schema, errors, locks ----

struct PgOpen : ::testing::Test {
  void SetUp() override {
    if (!PgCluster::get()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
    uri = PgCluster::get()->fresh_database();
    ASSERT_FALSE(uri.empty());
  }
  // A connection under the API, as another process would hold it.
  std::unique_ptr<sql::Conn> raw(int lock_timeout_ms = 5000) {
    auto c = sql::connect_postgres(uri, lock_timeout_ms);
    EXPECT_TRUE(c) << c.error().message;
    return c ? std::move(*c) : nullptr;
  }
  static std::string one(sql::Conn* c, const char* query) {
    sql::Stmt st(c, query);
    const int rc = st.step();
    if (rc == SQLITE_DONE) return "<none>";
    if (rc != SQLITE_ROW) return "<error> " + c->last_error();
    return st.is_null(0) ? "<null>" : st.col_string(0);
  }
  std::string uri;
};

TEST_F(PgOpen, FromEmptyDatabaseToLatestAndNotTwice) {
  auto store = Store::open(uri);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->schema_version(), schema::latest_version());
  EXPECT_EQ(store->path().find("***"), store->path().find(':', 14) + 1) << store->path();
  auto c = raw();
  EXPECT_EQ(one(c.get(), "SELECT version FROM anshin_schema"), std::to_string(schema::latest_version()));
  EXPECT_EQ(one(c.get(), "SELECT count(*) FROM anshin_schema"), "1");
  EXPECT_EQ(one(c.get(), "SELECT to_regclass('serve_alerts') IS NOT NULL"), "t");
  // Two more processes opening at once: the version row stays one, the migrations ran once.
  std::thread other([&] { EXPECT_TRUE(Store::open(uri)); });
  EXPECT_TRUE(Store::open(uri));
  other.join();
  EXPECT_EQ(one(c.get(), "SELECT count(*) FROM anshin_schema"), "1");
  EXPECT_TRUE(store->check_integrity());
}

TEST_F(PgOpen, ConcurrentFirstOpensMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  std::mutex mu;
  std::string why;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      // Each waits for the one that migrates; a loaded test machine may take longer than the default 5 s.
      auto s = Store::open(uri, OpenOptions{.busy_timeout_ms = 60000});
      if (!s) {
        ++failed;
        std::lock_guard lock(mu);
        why = s.error().message;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0) << why;
  auto c = raw();
  EXPECT_EQ(one(c.get(), "SELECT count(*) FROM anshin_schema"), "1");
}

TEST_F(PgOpen, EmptyDatabaseWithoutCreateIsMissingInventory) {
  auto store = Store::open(uri, OpenOptions{.create = false});
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kNotFound);
  EXPECT_EQ(exit_status_for(store.error()), 1);
  auto c = raw();
  EXPECT_EQ(one(c.get(), "SELECT to_regclass('anshin_schema') IS NOT NULL"), "f");  // nothing created
}

TEST_F(PgOpen, NewerSchemaIsRefused) {
  ASSERT_TRUE(Store::open(uri));
  auto c = raw();
  ASSERT_EQ(sql::exec(c.get(), "UPDATE anshin_schema SET version = 99"), SQLITE_OK) << c->last_error();
  auto store = Store::open(uri);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kInvalidInput);
  EXPECT_NE(store.error().message.find("newer anshin"), std::string::npos) << store.error().message;
}

TEST_F(PgOpen, DatabaseOfAnotherApplicationIsLeftAlone) {
  auto c = raw();
  ASSERT_EQ(sql::exec(c.get(), "CREATE TABLE photos (id BIGINT PRIMARY KEY, name TEXT)"), SQLITE_OK);
  auto store = Store::open(uri);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, Errc::kInvalidInput);
  EXPECT_NE(store.error().message.find("not an anshin inventory"), std::string::npos) << store.error().message;
  EXPECT_EQ(exit_status_for(store.error()), 1);
  EXPECT_EQ(one(c.get(), "SELECT to_regclass('anshin_schema') IS NOT NULL"), "f");
}

// Unreachable server, wrong password, missing database: one line each, the contract's exit status, and
// never the password of the URI.
TEST_F(PgOpen, ConnectionErrorsAreOneLineWithoutThePassword) {
  const std::string password = uri.substr(uri.find(':', 14) + 1, uri.find('@') - uri.find(':', 14) - 1);
  ASSERT_EQ(password.size(), 32u) << uri;
  auto expect_clean = [&](const Error& e) {
    EXPECT_EQ(e.message.find('\n'), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find(password), std::string::npos) << e.message;
    EXPECT_EQ(e.message.find("s3cret-pw"), std::string::npos) << e.message;
  };
  // Port 1: nothing listens there.
  const std::string closed = "postgresql://anshin:s3cret-pw@127.0.0.1:1/anshin";
  auto refused = Store::open(closed);
  ASSERT_FALSE(refused);
  expect_clean(refused.error());
  EXPECT_NE(refused.error().message.find("postgresql://anshin:***@127.0.0.1:1/anshin"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(exit_status_for(refused.error()), 2);

  std::string wrong = uri;
  wrong.replace(wrong.find(password), password.size(), "s3cret-pw");
  auto denied = Store::open(wrong);
  ASSERT_FALSE(denied);
  expect_clean(denied.error());
  EXPECT_NE(denied.error().message.find("password authentication failed"), std::string::npos) << denied.error().message;
  EXPECT_EQ(exit_status_for(denied.error()), 2);

  const std::string missing = uri.substr(0, uri.rfind('/')) + "/no_such_inventory?password=" + password;
  auto absent = Store::open(missing, OpenOptions{.create = false});
  ASSERT_FALSE(absent);
  expect_clean(absent.error());
  EXPECT_EQ(absent.error().code, Errc::kNotFound);
  EXPECT_NE(absent.error().message.find("does not exist"), std::string::npos) << absent.error().message;
  EXPECT_EQ(exit_status_for(absent.error()), 1);
}

TEST_F(PgOpen, MigratesFromVersion1) {
  {
    auto c = raw();
    ASSERT_TRUE(schema::migrate(c.get(), 1));
    EXPECT_EQ(one(c.get(), "SELECT version FROM anshin_schema"), "1");
    EXPECT_EQ(one(c.get(), "SELECT to_regclass('scan_resume') IS NOT NULL"), "f");
    ASSERT_EQ(sql::exec(c.get(),
                        "INSERT INTO scans (id, started, finished, targets, addresses, tool_version, kb_version, "
                        "interrupted, completed) VALUES ('old', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', "
                        "'[\"10.0.0.0/24\"]', 256, '0.0.9', 'kb1', 0, 1);"
                        "INSERT INTO devices (mac, serial, first_scan, last_scan, last_address) "
                        "VALUES ('aa:bb:cc:dd:ee:ff', NULL, 1, 1, '10.0.0.4');"
                        "INSERT INTO observations (scan, device, address, mac, category, manufacturer, model, "
                        "firmware, confidence, evidence, conflicts, services, findings) VALUES (1, 1, '10.0.0.4', "
                        "'aa:bb:cc:dd:ee:ff', 'camera', 'Dahua', 'IPC-HDW', 'V2.8', 0.9, '[]', '[]', '[]',"
                        "'[{\"id\":\"exposure.telnet\",\"severity\":\"medium\",\"title\":\"t\",\"detail\":\"\","
                        "\"remediation\":\"\",\"references\":[]}]')"),
              SQLITE_OK)
        << c->last_error();
  }
  auto store = Store::open(uri);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->schema_version(), schema::latest_version());
  auto snap = store->snapshot(1);
  ASSERT_TRUE(snap) << snap.error().message;
  ASSERT_EQ(snap->devices.size(), 1u);
  EXPECT_EQ(snap->devices[0].verdict.manufacturer, "Dahua");
  EXPECT_DOUBLE_EQ(snap->devices[0].verdict.confidence, 0.9);
  auto counts = store->finding_counts(1);
  ASSERT_TRUE(counts) << counts.error().message;
  EXPECT_EQ((*counts)[static_cast<size_t>(Severity::kMedium)], 1u);
  auto s2 = store->begin_scan(scan_info("new"));
  ASSERT_TRUE(s2) << s2.error().message;
  EXPECT_EQ(*s2, 2);
  auto id = store->put_device(*s2, device("10.0.0.50", "AA:BB:CC:DD:EE:FF"));
  ASSERT_TRUE(id) << id.error().message;
  EXPECT_EQ(*id, 1);
}

// Another process in a write transaction: a writer waits up to busy_timeout_ms, then fails with "locked"
// (exit 2); readers are not blocked.
TEST_F(PgOpen, WriterBlockedByAnotherWriter) {
  auto store = Store::open(uri, OpenOptions{.create = true, .busy_timeout_ms = 200});
  ASSERT_TRUE(store) << store.error().message;
  auto scan = store->begin_scan(scan_info("s"));
  ASSERT_TRUE(scan);
  ASSERT_TRUE(store->put_device(*scan, device("10.0.0.1")));
  auto other = raw();
  sql::Tx holding(other.get(), sql::Tx::kWrite);
  ASSERT_EQ(holding.begin_rc(), SQLITE_OK) << other->last_error();
  auto put = store->put_device(*scan, device("10.0.0.2"));
  ASSERT_FALSE(put);
  EXPECT_NE(put.error().message.find("locked"), std::string::npos) << put.error().message;
  EXPECT_EQ(exit_status_for(put.error()), 2);
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap) << snap.error().message;
  EXPECT_EQ(snap->devices.size(), 1u);
  ASSERT_EQ(holding.commit(), SQLITE_OK);
  EXPECT_TRUE(store->put_device(*scan, device("10.0.0.2")));
}

// The job queue's building block: two workers each take a row no other transaction holds.
TEST_F(PgOpen, SkipLockedHandsEachRowToOneWorker) {
  auto a = raw();
  auto b = raw();
  ASSERT_EQ(sql::exec(a.get(), "CREATE TABLE jobs (id BIGINT PRIMARY KEY); INSERT INTO jobs VALUES (1), (2)"), SQLITE_OK);
  const std::string take = std::string("SELECT id FROM jobs ORDER BY id LIMIT 1") + sql::for_update_skip_locked(a.get());
  ASSERT_EQ(sql::exec(a.get(), "BEGIN"), SQLITE_OK);
  ASSERT_EQ(sql::exec(b.get(), "BEGIN"), SQLITE_OK);
  EXPECT_EQ(one(a.get(), take.c_str()), "1");
  EXPECT_EQ(one(b.get(), take.c_str()), "2");
  EXPECT_EQ(one(b.get(), take.c_str()), "2");  // its own lock does not skip
  ASSERT_EQ(sql::exec(a.get(), "COMMIT"), SQLITE_OK);
  ASSERT_EQ(sql::exec(b.get(), "COMMIT"), SQLITE_OK);
}

// The server restarts (an immediate shutdown, then crash recovery) under an open Store: what was committed
// is there, and once a call has met the broken connection the next ones work again. A cluster of its own.
TEST(PgRestart, StoreWorksAgainAfterTheServerRestarts) {
  if (!PgCluster::get()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
  const std::string script = std::string(ANSHIN_SOURCE_DIR) + "/tests/support/pg_cluster";
  std::string cluster = (std::filesystem::temp_directory_path() / "anshin-pg-XXXXXX").string();
  ASSERT_NE(mkdtemp(cluster.data()), nullptr);  // directly under /tmp: the user postgres must reach it
  std::string uri;
  {
    FILE* p = popen((script + " start " + cluster + " " + std::to_string(getpid())).c_str(), "r");
    ASSERT_NE(p, nullptr);
    char buf[512] = {};
    if (fgets(buf, sizeof buf, p)) uri = buf;
    ASSERT_EQ(pclose(p), 0);
    while (!uri.empty() && uri.back() == '\n') uri.pop_back();
  }
  struct Stop {
    std::string command;
    ~Stop() { std::system(command.c_str()); }
  } stop{script + " stop " + cluster};
  auto store = Store::open(uri);
  ASSERT_TRUE(store) << store.error().message;
  auto scan = store->begin_scan(scan_info("before"));
  ASSERT_TRUE(scan);
  ASSERT_TRUE(store->put_device(*scan, device("10.0.0.1", "aa:00:00:00:00:01")));

  ASSERT_EQ(std::system((script + " restart " + cluster).c_str()), 0);
  bool worked = false;
  for (int attempt = 0; attempt < 3 && !worked; ++attempt) {  // the first call may meet the old connection
    auto put = store->put_device(*scan, device("10.0.0.2", "aa:00:00:00:00:02"));
    if (put) {
      worked = true;
    } else {
      EXPECT_EQ(exit_status_for(put.error()), 2);
      EXPECT_EQ(put.error().message.find('\n'), std::string::npos) << put.error().message;
    }
  }
  ASSERT_TRUE(worked);
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap) << snap.error().message;
  ASSERT_EQ(snap->devices.size(), 2u);
  EXPECT_EQ(snap->devices[0].mac, "aa:00:00:00:00:01");
}

// ---- crash safety ----

// A child writes devices and reports each put_device that returned; the parent SIGKILLs it
// mid-scan, then every reported device must be there and the file must be intact.
TEST_P(StoreCrash, SigkillMidScanLosesNothingCommitted) {
  const auto path = db("crash.db");
  for (int round = 0; round < 4; ++round) {
    int fds[2];
    ASSERT_EQ(pipe(fds), 0);
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(fds[0]);
      auto store = Store::open(path);
      if (!store) _exit(10);
      auto scan = store->begin_scan(scan_info("crash-" + std::to_string(round)));
      if (!scan) _exit(11);
      int64_t number = *scan;
      if (write(fds[1], &number, sizeof number) != sizeof number) _exit(12);
      for (int32_t i = 0; i < 60000; ++i) {
        Device d = hostile_device("10.0.0.1", static_cast<size_t>(i));
        d.address = IpAddr::v4(0x0A000000u + static_cast<uint32_t>(i));
        d.mac = "02:00:00:00:" + std::to_string(round) + ":" + std::to_string(i);
        if (!store->put_device(*scan, d)) _exit(13);
        if (write(fds[1], &i, sizeof i) != sizeof i) _exit(14);
      }
      _exit(0);
    }
    close(fds[1]);
    int64_t number = 0;
    ASSERT_EQ(read(fds[0], &number, sizeof number), static_cast<ssize_t>(sizeof number));
    const int kill_after = 20 + round * 37;
    std::set<int32_t> acked;
    int32_t i = 0;
    while (static_cast<int>(acked.size()) < kill_after && read(fds[0], &i, sizeof i) == sizeof i) acked.insert(i);
    kill(pid, SIGKILL);
    while (read(fds[0], &i, sizeof i) == sizeof i) acked.insert(i);  // acks written before the kill
    close(fds[0]);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status)) << "child exited early with " << WEXITSTATUS(status);

    if (sqlite()) {
      RawDb raw(path);
      EXPECT_EQ(raw.one("PRAGMA integrity_check"), "ok");
    }
    auto store = Store::open(path);
    ASSERT_TRUE(store) << store.error().message;
    EXPECT_TRUE(store->check_integrity());
    auto snap = store->snapshot(number);
    ASSERT_TRUE(snap) << snap.error().message;
    std::set<uint32_t> stored;
    for (const auto& d : snap->devices) stored.insert(d.address.v4_value() - 0x0A000000u);
    for (int32_t a : acked) EXPECT_TRUE(stored.count(static_cast<uint32_t>(a))) << "lost device " << a;
    EXPECT_GE(stored.size(), acked.size());
    EXPECT_LE(stored.size(), acked.size() + 1);  // at most the one whose ack was not written
    auto open = store->unfinished_scan();
    ASSERT_TRUE(open && *open);
    EXPECT_EQ((*open)->scan.number, number);
    EXPECT_TRUE((*open)->scan.info.finished.empty());
  }
}

}  // namespace
}  // namespace anshin::store

namespace anshin::store {
namespace {

using StoreHostRecords = OnBothBackends;
INSTANTIATE_TEST_SUITE_P(Backends, StoreHostRecords, ::testing::Values(Backend::kSqlite, Backend::kPostgres), backend_name);

HostRecord host_record(const char* address) {
  HostRecord h;
  h.address = ip(address);
  h.open_tcp_ports = {80, 554};
  h.mac = "aa:bb:cc:00:00:01";
  ServiceRecord http{"http", 80, Transport::kTcp, ProbeStatus::kSuccess, "http", false, {}, std::nullopt};
  http.observations.push_back({"http.header.server", "App-webs/", 80, "http"});
  http.observations.push_back({"http.title", std::string("<script>\x1b[2J\xff\x00", 12), 80, "http"});
  h.services.push_back(http);
  ServiceRecord rtsp{"rtsp", 554, Transport::kTcp, ProbeStatus::kAuthRequired, "rtsp", false, {}, std::nullopt};
  h.services.push_back(rtsp);
  return h;
}

TEST_P(StoreHostRecords, RoundTripByteForByteInTheDeviceTransaction) {
  auto store = Store::open(db("inv.db"));
  ASSERT_TRUE(store);
  auto scan = store->begin_scan(scan_info("s1"));
  ASSERT_TRUE(scan);
  const HostRecord h = host_record("10.0.0.5");
  ASSERT_TRUE(store->put_device(*scan, device("10.0.0.5"), h));
  ASSERT_TRUE(store->put_device(*scan, device("10.0.0.5"), h));  // idempotent per (scan, address)
  auto addresses = store->host_record_addresses(*scan);
  ASSERT_TRUE(addresses) << addresses.error().message;
  ASSERT_EQ(*addresses, std::vector<IpAddr>{ip("10.0.0.5")});
  auto record = store->host_record(*scan, ip("10.0.0.5"));
  ASSERT_TRUE(record) << record.error().message;
  const HostRecord& got = *record;
  EXPECT_EQ(got.address, h.address);
  EXPECT_EQ(got.open_tcp_ports, h.open_tcp_ports);
  EXPECT_EQ(got.mac, h.mac);
  ASSERT_EQ(got.services.size(), 2u);
  EXPECT_EQ(got.services[0].observations.size(), 2u);
  EXPECT_EQ(got.services[0].observations[1].value, h.services[0].observations[1].value);
  EXPECT_EQ(got.services[1].status, ProbeStatus::kAuthRequired);
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap);
  EXPECT_EQ(snap->devices.size(), 1u);
}

TEST_P(StoreHostRecords, BoundedAndReassessedFromIsKept) {
  auto store = Store::open(db("inv.db"));
  ASSERT_TRUE(store);
  auto first = store->begin_scan(scan_info("s1"));
  ASSERT_TRUE(first);
  HostRecord big = host_record("10.0.0.6");
  const ServiceRecord first_service = big.services[0];
  big.services.resize(codec::kMaxRecordServices + 5, first_service);
  big.services[0].observations.resize(codec::kMaxRecordObservations + 7, {"http.title", std::string(10000, 'x'), 80, "http"});
  ASSERT_TRUE(store->put_device(*first, device("10.0.0.6"), big));
  auto record = store->host_record(*first, ip("10.0.0.6"));
  ASSERT_TRUE(record);
  ASSERT_EQ(record->services.size(), codec::kMaxRecordServices);
  size_t kept = 0, bytes = 0;
  for (const auto& s : record->services)
    for (const auto& o : s.observations) {
      ++kept;
      bytes += o.value.size();
      EXPECT_LE(o.value.size(), codec::kMaxObservationBytes);
    }
  EXPECT_LE(bytes, codec::kMaxRecordValueBytes);
  EXPECT_LE(record->services[0].observations.size(), codec::kMaxRecordObservations);
  EXPECT_GT(kept, 2u);
  EXPECT_EQ(record->services[0].observations[0].value, "App-webs/");

  auto second = store->begin_scan(scan_info("s2"));
  ASSERT_TRUE(second);
  ASSERT_TRUE(store->set_reassessed_from(*second, *first));
  auto found = store->find_scan("s2");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->reassessed_from, *first);
  EXPECT_FALSE(store->find_scan("s1")->reassessed_from);
  EXPECT_FALSE(store->set_reassessed_from(*second, 999));
  // A scan stored without records (before schema 3) has none: reassess says so.
  auto third = store->begin_scan(scan_info("s3"));
  ASSERT_TRUE(store->put_device(*third, device("10.0.0.7")));
  EXPECT_TRUE(store->host_record_addresses(*third)->empty());
  EXPECT_FALSE(store->host_record(*third, ip("10.0.0.7")));
}

TEST_P(StoreHostRecords, ResumePassesOverAReassessedCopy) {
  auto store = Store::open(db("inv.db"));
  ASSERT_TRUE(store);
  auto original = store->begin_scan(scan_info("s1"));
  ASSERT_TRUE(store->finish_scan(*original, "2026-11-27T10:01:00Z", /*interrupted=*/true));
  auto copy = store->begin_scan(scan_info("s2"));
  ASSERT_TRUE(store->set_reassessed_from(*copy, *original));
  ASSERT_TRUE(store->finish_scan(*copy, "2026-11-27T10:02:00Z", /*interrupted=*/true));
  auto open = store->unfinished_scan();
  ASSERT_TRUE(open && *open);
  EXPECT_EQ((*open)->scan.number, *original);
}

}  // namespace
}  // namespace anshin::store
