// Sites, schedules and jobs over the API: who may change them, validation, manual starts, the audit log.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "serve/app.h"
#include "support/store.h"

namespace anshin::serve {
namespace {

using nlohmann::json;

store::Store open_db(const std::string& path) {
  auto db = store::Store::open(path);
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

struct SitesEnv {
  store::testutil::TempDir dir;
  store::Store db = open_db(dir.file("inv.db"));
  MemoryUsers users;
  int wakes = 0;
  std::unique_ptr<App> app;
  std::string admin_cookie, admin_csrf, viewer_cookie, viewer_csrf;

  SitesEnv() {
    setenv("TZ", "UTC", 1);
    tzset();
    app = std::make_unique<App>(db, users, AppOptions{.login_required = true,
                                                      .now_rfc3339 = [] { return std::string("2026-12-06T10:30:00Z"); },
                                                      .wake_scheduler = [this] { ++wakes; }});
    (void)users.put_user({"ada", Role::kAdmin, *hash_password("admin password 1")});
    (void)users.put_user({"vic", Role::kViewer, *hash_password("viewer password 1")});
    std::tie(admin_cookie, admin_csrf) = login("ada", "admin password 1");
    std::tie(viewer_cookie, viewer_csrf) = login("vic", "viewer password 1");
  }
  ~SitesEnv() {
    unsetenv("TZ");
    tzset();
  }
  Response call(const std::string& method, const std::string& target, const std::string& cookie,
                const std::string& csrf, const std::string& body = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.peer = "127.0.0.1";
    r.headers["host"] = "127.0.0.1:8741";
    if (!cookie.empty()) r.headers["cookie"] = "anshin_session=" + cookie;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    if (!body.empty()) {
      r.body = body;
      r.headers["content-type"] = "application/json";
    }
    return app->handle(r, Clock::now());
  }
  std::pair<std::string, std::string> login(const std::string& user, const std::string& password) {
    const auto r = call("POST", "/api/v1/login", "", "", json{{"user", user}, {"password", password}}.dump());
    std::string token;
    for (const auto& [k, v] : r.headers)
      if (k == "Set-Cookie") token = v.substr(v.find('=') + 1, 64);
    return {token, json::parse(r.body)["csrf"].get<std::string>()};
  }
  Response admin(const std::string& method, const std::string& target, const std::string& body = "") {
    return call(method, target, admin_cookie, admin_csrf, body);
  }
};

const std::string kSite = R"({"targets":["127.0.0.0/29"],"settings":{"ports":"80,554","rate":20},
                              "schedule":"0 * * * *","runner":"server"})";

TEST(SitesApi, AdminSavesListsAndDeletesSites) {
  SitesEnv env;
  auto put = env.admin("PUT", "/api/v1/sites/tokyo%2001", kSite);
  ASSERT_EQ(put.status, 200) << put.body;
  auto saved = json::parse(put.body);
  EXPECT_EQ(saved["name"], "tokyo 01");
  EXPECT_EQ(saved["schedule"], "0 * * * *");
  EXPECT_EQ(saved["next_run"], "2026-12-06T11:00:00Z");
  EXPECT_EQ(saved["settings"]["rate"], 20);
  EXPECT_TRUE(saved["job"].is_null());

  auto list = env.call("GET", "/api/v1/sites", env.viewer_cookie, "");
  ASSERT_EQ(list.status, 200);
  auto sites = json::parse(list.body)["sites"];
  ASSERT_EQ(sites.size(), 1u);
  EXPECT_EQ(sites[0]["site"], "tokyo 01");
  EXPECT_EQ(sites[0]["scans"], 0);
  EXPECT_EQ(sites[0]["config"]["targets"], json::array({"127.0.0.0/29"}));

  EXPECT_EQ(env.call("GET", "/api/v1/sites/tokyo%2001", env.viewer_cookie, "").status, 200);
  EXPECT_EQ(env.call("GET", "/api/v1/sites/nowhere", env.viewer_cookie, "").status, 404);
  EXPECT_EQ(env.admin("DELETE", "/api/v1/sites/tokyo%2001").status, 200);
  EXPECT_EQ(env.admin("DELETE", "/api/v1/sites/tokyo%2001").status, 404);
  auto audit = json::parse(env.admin("GET", "/api/v1/audit").body)["entries"];
  std::set<std::string> actions;
  for (const auto& e : audit) actions.insert(e["action"].get<std::string>());
  EXPECT_TRUE(actions.contains("site.put") && actions.contains("site.delete"));
}

TEST(SitesApi, ViewersCsrfLessAndInvalidSitesAreRefused) {
  SitesEnv env;
  EXPECT_EQ(env.call("PUT", "/api/v1/sites/a", env.viewer_cookie, env.viewer_csrf, kSite).status, 403);
  EXPECT_EQ(env.call("PUT", "/api/v1/sites/a", env.admin_cookie, "", kSite).status, 403);
  EXPECT_EQ(env.call("GET", "/api/v1/sites/a", "", "").status, 401);
  EXPECT_EQ(env.call("GET", "/api/v1/jobs", "", "").status, 401);
  for (const char* bad : {R"({"targets":["8.8.8.8"]})", R"({"targets":["@/etc/passwd"]})", R"({"targets":[]})",
                          R"({"targets":["127.0.0.1"],"schedule":"* * *"})", R"({"targets":["127.0.0.1"],"runner":"x"})",
                          R"({"targets":["127.0.0.1"],"settings":{"rate":"fast"}})", R"({"targets":"127.0.0.1"})",
                          R"([1])", "not json"}) {
    auto r = env.admin("PUT", "/api/v1/sites/a", bad);
    EXPECT_EQ(r.status, 400) << bad << " " << r.body;
  }
  EXPECT_EQ(env.admin("PUT", "/api/v1/sites/a/b", kSite).status, 404);
  EXPECT_EQ(env.admin("POST", "/api/v1/sites/a", kSite).status, 405);
}

TEST(SitesApi, StartScanQueuesOneJobAndWakesTheScheduler) {
  SitesEnv env;
  ASSERT_EQ(env.admin("PUT", "/api/v1/sites/osaka", kSite).status, 200);
  EXPECT_EQ(env.call("POST", "/api/v1/sites/osaka/scan", env.viewer_cookie, env.viewer_csrf).status, 403);
  EXPECT_EQ(env.call("POST", "/api/v1/sites/osaka/scan", env.admin_cookie, "").status, 403);  // no CSRF token
  auto started = env.admin("POST", "/api/v1/sites/osaka/scan");
  ASSERT_EQ(started.status, 202) << started.body;
  EXPECT_EQ(env.wakes, 1);
  EXPECT_EQ(env.admin("POST", "/api/v1/sites/osaka/scan").status, 409) << "one queued or running job per site";
  EXPECT_EQ(env.admin("POST", "/api/v1/sites/nowhere/scan").status, 404);
  EXPECT_EQ(env.admin("GET", "/api/v1/sites/osaka/scan").status, 405);

  auto jobs = json::parse(env.call("GET", "/api/v1/jobs?site=osaka", env.viewer_cookie, "").body)["jobs"];
  ASSERT_EQ(jobs.size(), 1u);
  EXPECT_EQ(jobs[0]["reason"], "manual");
  EXPECT_EQ(jobs[0]["state"], "queued");
  EXPECT_EQ(jobs[0]["id"], json::parse(started.body)["job"]);
  EXPECT_EQ(json::parse(env.admin("GET", "/api/v1/sites/osaka").body)["job"]["state"], "queued");
  EXPECT_EQ(env.admin("DELETE", "/api/v1/sites/osaka").status, 200) << "a queued job goes with its site";
  EXPECT_EQ(env.call("GET", "/api/v1/jobs?limit=0", env.viewer_cookie, "").status, 400);
}

}  // namespace
}  // namespace anshin::serve
