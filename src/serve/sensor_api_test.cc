// The sensors' side of the server as request -> response over a real (temporary) inventory: tokens,
// ownership of jobs, idempotent chunks (also after a chunk cut short), scope, revocation.
#include "serve/sensor_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/app.h"
#include "serve/sensor_client.h"
#include "store/codec.h"
#include "support/store.h"

namespace anshin::serve {
namespace {

using nlohmann::json;
using store::testutil::device;

store::Store open_db(const std::string& path) {
  auto db = store::Store::open(path);
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

struct Fixture {
  store::testutil::TempDir dir;
  store::Store db = open_db(dir.file("inv.db"));
  SensorApi api{db, [] { return std::string("2026-12-06T10:00:00Z"); }};
  std::string token = new_sensor_token();
  std::string other_token = new_sensor_token();

  Fixture() {
    for (const auto& [name, net] : {std::pair{"shop-01", "10.1.0.0/24"}, std::pair{"shop-02", "10.2.0.0/24"}}) {
      store::SiteConfig site;
      site.name = name;
      site.targets = {net, "10.9.0.1-10.9.0.5"};
      site.runner = "sensor";
      EXPECT_TRUE(store::SiteTables::put_site(db, site, "2026-12-06T09:00:00Z"));
    }
    EXPECT_TRUE(store::SensorTables::put_sensor(db, {"s1", "shop-01", sensor_token_hash(token), "t", {}, {}}));
    EXPECT_TRUE(store::SensorTables::put_sensor(db, {"s2", "shop-02", sensor_token_hash(other_token), "t", {}, {}}));
  }

  std::pair<int, json> post(const std::string& path, const json& body, const std::string& bearer) {
    Request r;
    r.method = "POST";
    r.target = path;
    r.body = body.dump();
    r.headers["authorization"] = "Bearer " + bearer;
    const Response res = api.handle(r, *parse_target(path));
    return {res.status, json::parse(res.body, nullptr, false)};
  }

  // A queued job of shop-01, claimed and begun by s1.
  store::JobId running_job() {
    auto job = store::SiteTables::enqueue_job(db, "shop-01", "manual", "2026-12-06T09:59:00Z", "2026-12-06T09:59:00Z");
    EXPECT_TRUE(job && *job);
    auto [status, claimed] = post("/api/v1/sensor/claim", json::object(), token);
    EXPECT_EQ(status, 200);
    EXPECT_EQ(claimed["job"]["id"], **job);
    auto [begun, scan] = post(path(**job, "begin"), {{"scan", {{"id", "s"}, {"started", "2026-12-06T10:00:00Z"}}}}, token);
    EXPECT_EQ(begun, 200) << scan.dump();
    return **job;
  }
  static std::string path(store::JobId job, const std::string& what) {
    return "/api/v1/sensor/jobs/" + std::to_string(job) + "/" + what;
  }
};

json entry(const char* address) {
  const Device d = device(address);
  HostRecord h;
  h.address = d.address;
  h.open_tcp_ports = {80};
  return {{"device", json::parse(store::codec::encode_device(d))},
          {"host", json::parse(store::codec::encode_host_record(h))}};
}

TEST(SensorToken, HashIsSha256HexAndTokensAreRandom) {
  EXPECT_EQ(sensor_token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string a = new_sensor_token(), b = new_sensor_token();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(valid_sensor_name("shop-01.cam_room"));
  EXPECT_FALSE(valid_sensor_name(""));
  EXPECT_FALSE(valid_sensor_name("a/b"));
}

TEST(SensorScope, NumericTargetsOnlyAndWholeSpansWithin) {
  auto scope = numeric_scope({"10.0.0.0/25", "10.0.0.128-10.0.0.200", "192.168.1.7"});
  ASSERT_TRUE(scope);
  auto span = [](const char* t) { return numeric_scope({t})->front(); };
  EXPECT_TRUE(span_within(*scope, span("10.0.0.0-10.0.0.200")));
  EXPECT_TRUE(span_within(*scope, span("10.0.0.100-10.0.0.150")));  // across two pieces
  EXPECT_FALSE(span_within(*scope, span("10.0.0.0/24")));            // .201-.255 outside
  EXPECT_TRUE(span_within(*scope, span("192.168.1.7")));
  EXPECT_FALSE(span_within(*scope, span("192.168.1.8")));
  EXPECT_FALSE(span_within(*scope, span("::ffff:10.0.0.1")));
  EXPECT_FALSE(span_within({}, span("10.0.0.1")));
  EXPECT_FALSE(numeric_scope({"cam.example.lan"}));
  EXPECT_FALSE(numeric_scope({"@targets.txt"}));
}

TEST(SensorUrl, HttpsAnywhereHttpOnlyToLoopback) {
  auto a = parse_server_url("https://anshin.example:8741/base/");
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->tls);
  EXPECT_EQ(a->host, "anshin.example");
  EXPECT_EQ(a->port, "8741");
  EXPECT_EQ(a->base, "/base");
  EXPECT_EQ(parse_server_url("https://[fd00::1]")->host, "fd00::1");
  EXPECT_EQ(parse_server_url("https://[fd00::1]")->port, "443");
  EXPECT_TRUE(parse_server_url("http://127.0.0.1:8741"));
  EXPECT_TRUE(parse_server_url("http://[::1]:8741"));
  EXPECT_TRUE(parse_server_url("http://localhost:8741"));
  EXPECT_FALSE(parse_server_url("http://10.0.0.1:8741"));
  EXPECT_FALSE(parse_server_url("http://anshin.example"));
  EXPECT_FALSE(parse_server_url("ftp://127.0.0.1"));
  EXPECT_FALSE(parse_server_url("https://host:port"));
  EXPECT_FALSE(parse_server_url("https://user@host"));
}

TEST(SensorApi, UnknownAndRevokedTokensAreRefusedAtOnce) {
  Fixture f;
  EXPECT_EQ(f.post("/api/v1/sensor/claim", json::object(), new_sensor_token()).first, 401);
  EXPECT_EQ(f.post("/api/v1/sensor/claim", json::object(), "short").first, 401);
  EXPECT_EQ(f.post("/api/v1/sensor/claim", json::object(), f.token).first, 200);
  ASSERT_TRUE(store::SensorTables::revoke_sensor(f.db, "s1", "2026-12-06T10:00:00Z"));
  EXPECT_EQ(f.post("/api/v1/sensor/claim", json::object(), f.token).first, 401);
}

TEST(SensorApi, ASensorTakesOnlyItsSiteJobsAndTouchesOnlyItsOwn) {
  Fixture f;
  EXPECT_EQ(f.post("/api/v1/sensor/claim", {{"site", "shop-02"}}, f.token).first, 403) << "a claim naming another site";
  const auto job = f.running_job();
  auto [status, none] = f.post("/api/v1/sensor/claim", json::object(), f.other_token);
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(none["job"].is_null()) << "shop-02's sensor gets nothing of shop-01";
  EXPECT_EQ(f.post(Fixture::path(job, "heartbeat"), json::object(), f.other_token).first, 404);
  EXPECT_EQ(f.post(Fixture::path(job, "chunks/0"), {{"devices", json::array({entry("10.1.0.5")})}}, f.other_token).first, 404);
  EXPECT_EQ(f.post(Fixture::path(job, "finish"), {{"chunks", 0}, {"devices", 0}}, f.other_token).first, 404);
  EXPECT_EQ(f.post(Fixture::path(job, "heartbeat"), json::object(), f.token).first, 200);
  // A sensor that restarted gets its running job back rather than nothing.
  auto [again, claimed] = f.post("/api/v1/sensor/claim", json::object(), f.token);
  EXPECT_EQ(claimed["job"]["id"], job);
}

TEST(SensorApi, ChunksApplyOnceEvenWhenCutShortAndFinishNeedsThemAll) {
  Fixture f;
  const auto job = f.running_job();
  const auto scan = *(*store::SiteTables::find_job(f.db, job))->scan;
  const json chunk0 = {{"devices", json::array({entry("10.1.0.5"), entry("10.1.0.6"), entry("10.9.0.3")})}};
  // A copy of chunk 0 cut short by a crash: its first device is stored, the ledger has nothing.
  HostRecord h;
  h.address = *IpAddr::parse("10.1.0.5");
  ASSERT_TRUE(f.db.put_device(scan, device("10.1.0.5"), h));
  auto [s1, a1] = f.post(Fixture::path(job, "chunks/0"), chunk0, f.token);
  EXPECT_EQ(s1, 200) << a1.dump();
  EXPECT_EQ(a1["applied"], 2);
  auto [s2, a2] = f.post(Fixture::path(job, "chunks/0"), chunk0, f.token);
  EXPECT_EQ(s2, 200);
  EXPECT_EQ(a2["duplicate"], true);
  EXPECT_EQ(a2["applied"], 0);
  EXPECT_EQ(f.post(Fixture::path(job, "chunks/0"), {{"devices", json::array()}}, f.token).first, 409);
  EXPECT_EQ(f.db.snapshot(scan)->devices.size(), 3u);
  EXPECT_EQ(f.db.list_scans()->back().devices, 3u);

  auto [missing, why] = f.post(Fixture::path(job, "finish"), {{"chunks", 2}, {"devices", 4}}, f.token);
  EXPECT_EQ(missing, 409) << "chunk 1 never arrived";
  EXPECT_EQ(f.post(Fixture::path(job, "chunks/1"), {{"devices", json::array({entry("10.1.0.7")})}}, f.token).first, 200);
  EXPECT_EQ(f.post(Fixture::path(job, "finish"), {{"chunks", 2}, {"devices", 4}, {"finished", "2026-12-06T10:05:00Z"}}, f.token).first, 200);
  EXPECT_EQ((*store::SiteTables::find_job(f.db, job))->state, store::JobState::kDone);
  const auto stored = f.db.find_scan(std::to_string(scan));
  EXPECT_TRUE(stored->completed);
  EXPECT_EQ(stored->info.site, "shop-01");
  EXPECT_EQ(f.post(Fixture::path(job, "finish"), {{"chunks", 2}, {"devices", 4}}, f.token).first, 200) << "repeatable";
  EXPECT_EQ(f.post(Fixture::path(job, "chunks/2"), {{"devices", json::array()}}, f.token).first, 409) << "job ended";
}

TEST(SensorApi, AChunkWithAnAddressOutsideTheSiteIsRefusedWhole) {
  Fixture f;
  const auto job = f.running_job();
  const auto scan = *(*store::SiteTables::find_job(f.db, job))->scan;
  auto [status, body] = f.post(Fixture::path(job, "chunks/0"),
                               {{"devices", json::array({entry("10.1.0.5"), entry("10.2.0.5")})}}, f.token);
  EXPECT_EQ(status, 403) << body.dump();
  EXPECT_TRUE(f.db.snapshot(scan)->devices.empty());
  EXPECT_FALSE(*store::SensorTables::find_chunk(f.db, job, 0)) << "a refused chunk is not recorded";
  EXPECT_EQ(f.post(Fixture::path(job, "chunks/0"), {{"devices", json::array({entry("10.9.0.6")})}}, f.token).first, 403);
  json mismatch = entry("10.1.0.5");
  mismatch["host"]["address"] = "10.1.0.6";
  EXPECT_EQ(f.post(Fixture::path(job, "chunks/0"), {{"devices", json::array({mismatch})}}, f.token).first, 400);
}

TEST(SensorApi, AFailedScanEndsTheJobFailed) {
  Fixture f;
  const auto job = f.running_job();
  EXPECT_EQ(f.post(Fixture::path(job, "finish"), {{"error", "outside --allow"}}, f.token).first, 200);
  const auto ended = *store::SiteTables::find_job(f.db, job);
  EXPECT_EQ(ended->state, store::JobState::kFailed);
  EXPECT_EQ(ended->error, "outside --allow");
}

TEST(SensorApi, AdministratorsIssueListAndRevokeTokensThroughTheApp) {
  Fixture f;
  MemoryUsers users;
  App app(f.db, users, AppOptions{});
  auto call = [&app](const std::string& method, const std::string& target, const std::string& body,
                     std::map<std::string, std::string> headers) {
    Request r;
    r.method = method;
    r.target = target;
    r.body = body;
    r.headers = std::move(headers);
    r.headers["content-type"] = "application/json";
    const Response res = app.handle(r);
    return std::pair{res.status, json::parse(res.body, nullptr, false)};
  };
  const std::string csrf = call("GET", "/api/v1/session", "", {}).second["csrf"];
  EXPECT_EQ(call("POST", "/api/v1/sensors", R"({"name":"s3","site":"shop-02"})", {}).first, 403) << "CSRF needed";
  auto [made, issued] = call("POST", "/api/v1/sensors", R"({"name":"s3","site":"shop-02"})", {{"x-csrf-token", csrf}});
  ASSERT_EQ(made, 201) << issued.dump();
  const std::string token = issued["token"];
  EXPECT_EQ(call("POST", "/api/v1/sensors", R"({"name":"s4","site":"nowhere"})", {{"x-csrf-token", csrf}}).first, 404);
  EXPECT_EQ(call("POST", "/api/v1/sensor/claim", "{}", {{"authorization", "Bearer " + token}}).first, 200);
  auto [listed, list] = call("GET", "/api/v1/sensors", "", {});
  EXPECT_EQ(list["sensors"].size(), 3u);
  EXPECT_EQ(list.dump().find(token), std::string::npos) << "a token is never listed";
  EXPECT_EQ(call("DELETE", "/api/v1/sensors/s3", "", {{"x-csrf-token", csrf}}).first, 200);
  EXPECT_EQ(call("POST", "/api/v1/sensor/claim", "{}", {{"authorization", "Bearer " + token}}).first, 401);
  EXPECT_EQ(users.audit_log(10)->front().action, "sensor.revoke");
}

}  // namespace
}  // namespace anshin::serve
