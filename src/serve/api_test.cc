// The JSON API as pure request -> response functions over a real (temporary) inventory.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/api.h"
#include "support/store.h"

namespace anshin::serve {
namespace {

store::Store open_db(const std::string& path) {
  auto db = store::Store::open(path);
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

using nlohmann::json;
using store::testutil::device;
using store::testutil::finding;
using store::testutil::scan_info;

struct Fixture {
  store::testutil::TempDir dir;
  store::Store db = open_db(dir.file("inv.db"));

  // Scan 1: two cameras; scan 2: the first with new firmware and a new critical finding, the second gone,
  // a third (relabelled, hostile model string) new.
  Fixture() {
    auto a = device("192.0.2.10", "00:11:22:33:44:55", "SN1", "V5.4.0");
    a.findings = {finding("policy.us.ndaa-889", Severity::kHigh)};
    auto b = device("192.0.2.11", "00:11:22:33:44:66", "SN2", "V1");
    b.verdict.category = Category::kNvr;
    b.verdict.manufacturer = "Dahua";
    auto s1 = *db.begin_scan(scan_info("scan-one"));
    EXPECT_TRUE(db.put_devices(s1, {a, b}));
    EXPECT_TRUE(db.finish_scan(s1, "2026-11-27T10:01:00Z", false));

    a.verdict.firmware = "V5.5.0";
    a.findings.push_back(finding("cve.CVE-2017-7921", Severity::kCritical));
    auto c = device("192.0.2.12", "00:11:22:33:44:77", "SN3", "V2");
    c.verdict.brand = "Annke";
    c.verdict.model = "<script>alert(1)</script>";
    auto info = scan_info("scan-two");
    info.started = "2026-11-28T10:00:00Z";
    auto s2 = *db.begin_scan(info);
    EXPECT_TRUE(db.put_devices(s2, {a, c}));
    EXPECT_TRUE(db.finish_scan(s2, "2026-11-28T10:01:00Z", false));
  }
};

json get(Api& api, const std::string& target, int expected_status = 200) {
  Request r;
  r.method = "GET";
  r.target = target;
  const auto t = parse_target(target);
  EXPECT_TRUE(t) << target;
  const Response res = api.handle(r, *t);
  EXPECT_EQ(res.status, expected_status) << target << ": " << res.body;
  return json::parse(res.body);
}

TEST(ServeApi, ScansListsEveryScanOldestFirst) {
  Fixture f;
  Api api(f.db);
  const auto body = get(api, "/api/v1/scans");
  ASSERT_EQ(body["scans"].size(), 2u);
  EXPECT_EQ(body["scans"][0]["id"], "scan-one");
  EXPECT_EQ(body["scans"][1]["devices"], 2);
}

TEST(ServeApi, DevicesOfTheNewestScanFilteredSortedAndPaged) {
  Fixture f;
  Api api(f.db);
  auto all = get(api, "/api/v1/devices");
  EXPECT_EQ(all["scan"]["id"], "scan-two");
  EXPECT_EQ(all["total"], 2);
  EXPECT_EQ(get(api, "/api/v1/devices?scan=1")["total"], 2);
  EXPECT_EQ(get(api, "/api/v1/devices?scan=1&category=nvr")["devices"][0]["manufacturer"], "Dahua");
  EXPECT_EQ(get(api, "/api/v1/devices?severity=critical")["total"], 1);
  EXPECT_EQ(get(api, "/api/v1/devices?severity=high")["total"], 1);
  EXPECT_EQ(get(api, "/api/v1/devices?policy=policy.us.ndaa-889")["devices"][0]["address"], "192.0.2.10");
  EXPECT_EQ(get(api, "/api/v1/devices?policy=any")["total"], 1);
  EXPECT_EQ(get(api, "/api/v1/devices?maker=annke")["devices"][0]["address"], "192.0.2.12");
  EXPECT_EQ(get(api, "/api/v1/devices?q=V5.5")["total"], 1);
  EXPECT_EQ(get(api, "/api/v1/devices?q=nothing-like-this")["total"], 0);
  auto desc = get(api, "/api/v1/devices?sort=address&order=desc");
  EXPECT_EQ(desc["devices"][0]["address"], "192.0.2.12");
  auto by_sev = get(api, "/api/v1/devices?sort=severity");
  EXPECT_EQ(by_sev["devices"][0]["severity"], "critical");
  auto page = get(api, "/api/v1/devices?limit=1&offset=1");
  EXPECT_EQ(page["total"], 2);
  ASSERT_EQ(page["devices"].size(), 1u);
  EXPECT_EQ(page["devices"][0]["address"], "192.0.2.12");
  // The hostile model string is data, returned as it is (the dashboard escapes it).
  EXPECT_EQ(page["devices"][0]["model"], "<script>alert(1)</script>");
}

TEST(ServeApi, BadParametersAre400AndUnknownThings404) {
  Fixture f;
  Api api(f.db);
  get(api, "/api/v1/devices?limit=0", 400);
  get(api, "/api/v1/devices?limit=100000", 400);
  get(api, "/api/v1/devices?offset=-1", 400);
  get(api, "/api/v1/devices?severity=dreadful", 400);
  get(api, "/api/v1/devices?category=toaster", 400);
  get(api, "/api/v1/devices?sort=password", 400);
  get(api, "/api/v1/devices?scan=99", 404);
  get(api, "/api/v1/devices/99999", 404);
  get(api, "/api/v1/devices/abc", 404);
  get(api, "/api/v1/nothing", 404);
  Request post;
  post.method = "POST";
  post.target = "/api/v1/scans";
  EXPECT_EQ(api.handle(post, *parse_target(post.target)).status, 405);
}

TEST(ServeApi, OneDeviceWithEvidenceHistoryAndTimeline) {
  Fixture f;
  Api api(f.db);
  const auto list = get(api, "/api/v1/devices?q=192.0.2.10");
  const auto id = list["devices"][0]["id"].get<int64_t>();
  const auto body = get(api, "/api/v1/devices/" + std::to_string(id));
  EXPECT_EQ(body["device"]["firmware"], "V5.5.0");
  EXPECT_EQ(body["device"]["findings"].size(), 2u);
  ASSERT_EQ(body["history"].size(), 2u);
  EXPECT_EQ(body["history"][0]["firmware"], "V5.4.0");
  std::vector<std::string> events;
  for (const auto& e : body["timeline"]) events.push_back(e["event"]);
  EXPECT_EQ(events, (std::vector<std::string>{"first_seen", "firmware_changed", "finding_appeared"}));
  EXPECT_EQ(body["timeline"][2]["finding"], "cve.CVE-2017-7921");
  // As an older scan saw it.
  EXPECT_EQ(get(api, "/api/v1/devices/" + std::to_string(id) + "?scan=1")["device"]["firmware"], "V5.4.0");
}

TEST(ServeApi, FindingsPoliciesOverviewAndDiff) {
  Fixture f;
  Api api(f.db);
  const auto findings = get(api, "/api/v1/findings");
  ASSERT_EQ(findings["findings"].size(), 2u);
  EXPECT_EQ(findings["findings"][0]["id"], "cve.CVE-2017-7921");  // most severe first
  const auto policies = get(api, "/api/v1/policies");
  EXPECT_EQ(policies["devices_named"], 1);
  EXPECT_EQ(policies["policies"][0]["id"], "policy.us.ndaa-889");
  const auto overview = get(api, "/api/v1/overview");
  EXPECT_EQ(overview["devices"], 2);
  EXPECT_EQ(overview["by_severity"]["critical"], 1);
  EXPECT_EQ(overview["by_severity"]["none"], 1);
  const auto diff = get(api, "/api/v1/diff");
  EXPECT_EQ(diff["schema"], "anshin.diff/1");
  EXPECT_EQ(diff["new_devices"].size(), 1u);
  EXPECT_EQ(diff["gone"].size(), 1u);
  EXPECT_EQ(diff["firmware_changed"].size(), 1u);
  EXPECT_EQ(get(api, "/api/v1/diff?old=2&new=1")["new_devices"].size(), 1u);
  get(api, "/api/v1/diff?old=1", 400);
}

TEST(ServeApi, DiffFlagsDowngradesWithTheFirmwareOrderGiven) {
  Fixture f;
  Api plain(f.db);
  EXPECT_FALSE(get(plain, "/api/v1/diff?old=2&new=1")["firmware_changed"][0]["downgrade"].get<bool>());
  Api ordered(f.db);
  ordered.set_firmware_order([](const Device&, const std::string& from, const std::string& to) -> std::optional<int> {
    return from < to ? -1 : (from == to ? 0 : 1);
  });
  const auto back = get(ordered, "/api/v1/diff?old=2&new=1");  // V5.5.0 -> V5.4.0
  ASSERT_EQ(back["firmware_changed"].size(), 1u);
  EXPECT_TRUE(back["firmware_changed"][0]["downgrade"].get<bool>());
  EXPECT_FALSE(get(ordered, "/api/v1/diff")["firmware_changed"][0]["downgrade"].get<bool>());  // V5.4.0 -> V5.5.0
}

TEST(ServeApi, SitesPickTheirNewestScanAndDiffStaysWithinASite) {
  Fixture f;
  auto info = scan_info("scan-b");
  info.site = "store-b";
  info.started = "2026-11-29T10:00:00Z";
  auto s3 = *f.db.begin_scan(info);
  ASSERT_TRUE(f.db.put_devices(s3, {device("198.51.100.7", "00:11:22:33:44:88", "SN9", "V1")}));
  ASSERT_TRUE(f.db.finish_scan(s3, "2026-11-29T10:01:00Z", false));
  Api api(f.db);
  const auto sites = get(api, "/api/v1/sites")["sites"];
  ASSERT_EQ(sites.size(), 2u);
  EXPECT_EQ(sites[0]["site"], nullptr);
  EXPECT_EQ(sites[0]["scans"], 2);
  EXPECT_EQ(sites[1]["site"], "store-b");
  EXPECT_EQ(get(api, "/api/v1/devices?site=store-b")["devices"][0]["address"], "198.51.100.7");
  EXPECT_EQ(get(api, "/api/v1/devices")["scan"]["site"], "store-b");  // the newest scan overall
  get(api, "/api/v1/devices?site=nowhere", 404);
  get(api, "/api/v1/diff", 404);  // the newest site has one scan: nothing to compare with
  EXPECT_EQ(get(api, "/api/v1/diff?site=")["new"]["id"], "scan-two");
}

TEST(ServeTarget, ParsesAndRefusesTraversal) {
  auto t = parse_target("/api/v1/devices?q=a%20b&maker=Hik+vision&x");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->path, "/api/v1/devices");
  EXPECT_EQ(t->params["q"], "a b");
  EXPECT_EQ(t->params["maker"], "Hik vision");
  EXPECT_FALSE(parse_target("/static/../api"));
  EXPECT_FALSE(parse_target("/static/%2e%2e/x"));
  EXPECT_FALSE(parse_target("/static/..%2fx"));  // decodes to "../x" inside a segment list
  EXPECT_FALSE(parse_target("/a\\b"));
  EXPECT_FALSE(parse_target("/a%00b"));
  EXPECT_FALSE(parse_target("/a?q=%0a"));
  EXPECT_FALSE(parse_target("/a%zz"));
  EXPECT_FALSE(parse_target("http://x/a"));
  EXPECT_FALSE(parse_target(""));
  EXPECT_EQ(cookie_value("a=1; anshin_session=abc; b=2", "anshin_session"), "abc");
  EXPECT_EQ(cookie_value("xanshin_session=abc", "anshin_session"), "");
}

}  // namespace
}  // namespace anshin::serve
