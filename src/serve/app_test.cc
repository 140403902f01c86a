// Who may call what: login, roles, CSRF, session fixation, rate limits, hosts, traversal, headers.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

#include "i18n/catalog.h"
#include "serve/app.h"
#include "serve/store_users.h"
#include "support/store.h"

namespace anshin::serve {
namespace {

store::Store open_db(const std::string& path) {
  auto db = store::Store::open(path);
  if (!db) throw std::runtime_error(db.error().message);
  return std::move(*db);
}

using nlohmann::json;

struct Env {
  store::testutil::TempDir dir;
  store::Store db = open_db(dir.file("inv.db"));
  MemoryUsers users;
  std::unique_ptr<App> app;
  Clock::time_point now = Clock::now();

  explicit Env(bool login_required, std::vector<std::string> hosts = {}) {
    app = std::make_unique<App>(db, users, AppOptions{.login_required = login_required, .tls = false,
                                                      .allowed_hosts = std::move(hosts),
                                                      .now_rfc3339 = [] { return std::string("2026-12-06T00:00:00Z"); }});
  }
  void add(const std::string& name, Role role, const std::string& password) {
    ASSERT_TRUE(users.put_user({name, role, *hash_password(password)}));
  }
  Response call(const std::string& method, const std::string& target, const std::string& cookie = "",
                const std::string& csrf = "", const std::string& body = "", const std::string& host = "127.0.0.1:8741") {
    Request r;
    r.method = method;
    r.target = target;
    r.peer = "127.0.0.1";
    r.headers["host"] = host;
    if (!cookie.empty()) r.headers["cookie"] = "anshin_session=" + cookie;
    if (!csrf.empty()) r.headers["x-csrf-token"] = csrf;
    if (!body.empty()) {
      r.body = body;
      r.headers["content-type"] = "application/json";
    }
    return app->handle(r, now);
  }
  // Logs in; returns (session token, csrf token), both empty on failure.
  std::pair<std::string, std::string> login(const std::string& user, const std::string& password,
                                            const std::string& old_cookie = "") {
    const auto r = call("POST", "/api/v1/login", old_cookie, "", json{{"user", user}, {"password", password}}.dump());
    if (r.status != 200) return {};
    std::string token;
    for (const auto& [k, v] : r.headers)
      if (k == "Set-Cookie") token = v.substr(v.find('=') + 1, 64);
    return {token, json::parse(r.body)["csrf"].get<std::string>()};
  }
};

std::string header(const Response& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return "";
}

TEST(ServeApp, LoopbackWithoutUsersIsTheLocalAdminButStillNeedsCsrf) {
  Env env(false);
  auto s = env.call("GET", "/api/v1/session");
  ASSERT_EQ(s.status, 200);
  const auto session = json::parse(s.body);
  EXPECT_EQ(session["authenticated"], true);
  EXPECT_EQ(session["role"], "admin");
  const std::string csrf = session["csrf"];
  EXPECT_EQ(csrf.size(), 64u);
  const std::string user = json{{"name", "alice"}, {"role", "viewer"}, {"password", "correct horse battery"}}.dump();
  EXPECT_EQ(env.call("POST", "/api/v1/users", "", "", user).status, 403);           // no CSRF token
  EXPECT_EQ(env.call("POST", "/api/v1/users", "", std::string(64, 'a'), user).status, 403);  // wrong one
  EXPECT_EQ(env.call("POST", "/api/v1/users", "", csrf, user).status, 201);
  // Now a user exists: login is required even on loopback.
  EXPECT_EQ(env.call("GET", "/api/v1/scans").status, 401);
}

TEST(ServeApp, UnauthenticatedWrongRoleAndCsrfLessRequestsAreRefused) {
  Env env(true);
  env.add("admin", Role::kAdmin, "admin password 1");
  env.add("viewer", Role::kViewer, "viewer password 1");
  EXPECT_EQ(env.call("GET", "/api/v1/scans").status, 401);
  EXPECT_EQ(env.call("GET", "/api/v1/devices").status, 401);
  EXPECT_EQ(env.call("GET", "/api/v1/audit").status, 401);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", std::string(64, 'f')).status, 401);  // invented token
  EXPECT_EQ(env.login("viewer", "wrong password").first, "");

  auto [vtoken, vcsrf] = env.login("viewer", "viewer password 1");
  ASSERT_EQ(vtoken.size(), 64u);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", vtoken).status, 200);
  EXPECT_EQ(env.call("GET", "/api/v1/users", vtoken).status, 403);
  EXPECT_EQ(env.call("GET", "/api/v1/audit", vtoken).status, 403);
  const std::string user = json{{"name", "bob"}, {"role", "admin"}, {"password", "bob password 1"}}.dump();
  EXPECT_EQ(env.call("POST", "/api/v1/users", vtoken, vcsrf, user).status, 403);

  auto [atoken, acsrf] = env.login("admin", "admin password 1");
  EXPECT_EQ(env.call("POST", "/api/v1/users", atoken, "", user).status, 403);      // CSRF-less
  EXPECT_EQ(env.call("POST", "/api/v1/users", atoken, vcsrf, user).status, 403);   // another session's token
  EXPECT_EQ(env.call("POST", "/api/v1/users", atoken, acsrf, user).status, 201);
  EXPECT_EQ(env.call("DELETE", "/api/v1/users/viewer", atoken, acsrf).status, 200);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", vtoken).status, 401);  // a deleted user's session ends
  const auto audit = json::parse(env.call("GET", "/api/v1/audit", atoken).body)["entries"];
  std::vector<std::string> actions;
  for (const auto& e : audit) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"user.delete", "user.put", "login", "login", "login.failed"}));
  EXPECT_EQ(audit[1]["user"], "admin");
  EXPECT_EQ(audit[1]["detail"], "bob admin");
  // Logging out needs the token too, and ends the session.
  EXPECT_EQ(env.call("POST", "/api/v1/logout", atoken).status, 403);
  EXPECT_EQ(env.call("POST", "/api/v1/logout", atoken, acsrf).status, 200);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", atoken).status, 401);
}

TEST(ServeApp, SessionFixationIsImpossible) {
  Env env(true);
  env.add("alice", Role::kViewer, "alice password");
  const std::string planted(64, 'b');  // an attacker's chosen session id in the victim's browser
  auto [token, csrf] = env.login("alice", "alice password", planted);
  ASSERT_EQ(token.size(), 64u);
  EXPECT_NE(token, planted);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", planted).status, 401);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", token).status, 200);
  // A second login gets a new session and ends the one the cookie named.
  auto [again, csrf2] = env.login("alice", "alice password", token);
  EXPECT_NE(again, token);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", token).status, 401);
  EXPECT_NE(csrf, csrf2);
}

TEST(ServeApp, CookieIsHttpOnlySameSiteStrictAndSessionsExpire) {
  Env env(true);
  env.add("alice", Role::kViewer, "alice password");
  const auto r = env.call("POST", "/api/v1/login", "", "", json{{"user", "alice"}, {"password", "alice password"}}.dump());
  const std::string cookie = header(r, "Set-Cookie");
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(cookie.find("Path=/"), std::string::npos);
  const std::string token = cookie.substr(cookie.find('=') + 1, 64);
  env.now += Sessions::kIdle + std::chrono::seconds(1);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", token).status, 401);
}

TEST(ServeApp, LoginIsRateLimitedEvenWithTheRightPassword) {
  Env env(true);
  env.add("alice", Role::kViewer, "alice password");
  for (size_t i = 0; i < LoginLimiter::kMaxFailures; ++i) EXPECT_EQ(env.login("alice", "guess " + std::to_string(i)).first, "");
  const auto r = env.call("POST", "/api/v1/login", "", "", json{{"user", "alice"}, {"password", "alice password"}}.dump());
  EXPECT_EQ(r.status, 429);
  EXPECT_FALSE(header(r, "Retry-After").empty());
  env.now += LoginLimiter::kWindow;
  EXPECT_EQ(env.login("alice", "alice password").first.size(), 64u);
}

TEST(ServeApp, LoginWantsJsonAndCrossOriginWritesAreRefused) {
  Env env(true);
  env.add("alice", Role::kViewer, "alice password");
  Request form;
  form.method = "POST";
  form.target = "/api/v1/login";
  form.headers = {{"host", "127.0.0.1:8741"}, {"content-type", "application/x-www-form-urlencoded"}};
  form.body = "user=alice&password=alice+password";
  EXPECT_EQ(env.app->handle(form).status, 400);
  Request cross = form;
  cross.headers["content-type"] = "application/json";
  cross.headers["origin"] = "http://evil.example";
  cross.body = json{{"user", "alice"}, {"password", "alice password"}}.dump();
  EXPECT_EQ(env.app->handle(cross).status, 403);
  cross.headers["origin"] = "http://127.0.0.1:8741";
  EXPECT_EQ(env.app->handle(cross).status, 200);
}

TEST(ServeApp, UnknownHostsAndTraversalAreRefusedAndHeadersSet) {
  Env env(false, {"127.0.0.1:8741", "localhost:8741"});
  EXPECT_EQ(env.call("GET", "/api/v1/scans", "", "", "", "rebind.example:8741").status, 421);
  EXPECT_EQ(env.call("GET", "/api/v1/scans", "", "", "", "localhost:8741").status, 200);
  EXPECT_EQ(env.call("GET", "/static/../../etc/passwd").status, 400);
  EXPECT_EQ(env.call("GET", "/static/%2e%2e/%2e%2e/etc/passwd").status, 400);
  EXPECT_EQ(env.call("GET", "/static/app.js.bak").status, 404);
  const auto page = env.call("GET", "/?lang=ja");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<html lang=\"ja\">"), std::string::npos);
  const std::string csp = header(page, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_EQ(header(page, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(page, "X-Content-Type-Options"), "nosniff");
  const auto js = env.call("GET", "/static/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body.find("innerHTML"), std::string::npos);  // the dashboard never parses data as markup
  EXPECT_EQ(js.body.find("eval("), std::string::npos);
}

// Every t('...') key of the dashboard script is in both catalogs (serve.ui.*), and every serve.ui key is used.
TEST(ServeApp, DashboardTextsExistInBothLanguages) {
  std::ifstream in(std::string(ANSHIN_SOURCE_DIR) + "/src/serve/web/app.js");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string js = ss.str();
  std::set<std::string> literal, families;
  const std::regex key(R"re((?:^|[^A-Za-z0-9_.])t\('([a-z_.]+)'(\s*\+)?)re");
  for (std::sregex_iterator it(js.begin(), js.end(), key), end; it != end; ++it)
    ((*it)[2].matched ? families : literal).insert((*it)[1].str());
  EXPECT_GT(literal.size(), 80u);
  std::map<std::string, std::set<std::string>> keys;
  for (const std::string lang : {"en", "ja"})
    for (const auto& [k, v] : i18n::catalog(lang).entries())
      if (k.rfind("serve.ui.", 0) == 0) keys[lang].insert(k.substr(9));
  EXPECT_EQ(keys["en"], keys["ja"]);
  for (const auto& k : literal) EXPECT_TRUE(keys["en"].contains(k)) << "missing serve.ui." << k;
  for (const auto& k : keys["en"]) {
    const bool used = literal.contains(k) ||
                      std::any_of(families.begin(), families.end(), [&](const std::string& f) { return k.rfind(f, 0) == 0; });
    EXPECT_TRUE(used) << "serve.ui." << k << " is never shown";
  }
}

TEST(ServeApp, ErrorsFollowTheRequestsLanguageWithAStableCode) {
  Env env(true);
  env.add("ann", Role::kViewer, "a long password");
  const auto error_of = [](const Response& r) { return json::parse(r.body)["error"]; };
  auto en = env.call("GET", "/api/v1/devices?lang=en");
  auto ja = env.call("GET", "/api/v1/devices?lang=ja");
  ASSERT_EQ(en.status, 401);
  ASSERT_EQ(ja.status, 401);
  EXPECT_EQ(error_of(en)["message"], "log in first");
  EXPECT_EQ(error_of(ja)["message"], "先にログインしてください");
  EXPECT_EQ(error_of(en)["code"], "log_in_first");
  EXPECT_EQ(error_of(ja)["code"], "log_in_first") << "the code does not change with the language";
  EXPECT_EQ(error_of(ja)["status"], 401);

  Request by_header;  // no ?lang=: the browser's Accept-Language
  by_header.method = "POST";
  by_header.target = "/api/v1/login";
  by_header.peer = "127.0.0.1";
  by_header.headers = {{"host", "127.0.0.1:8741"}, {"accept-language", "ja-JP,ja;q=0.9,en;q=0.5"},
                       {"content-type", "application/json"}};
  by_header.body = json{{"user", "ann"}, {"password", "wrong password!"}}.dump();
  auto refused = env.app->handle(by_header, env.now);
  ASSERT_EQ(refused.status, 401);
  EXPECT_EQ(error_of(refused)["message"], "ユーザー名またはパスワードが違います");
  EXPECT_EQ(error_of(refused)["code"], "wrong_login");
  EXPECT_EQ(header(refused, "Content-Security-Policy").empty(), false) << "headers survive the localisation";

  // An error from the inventory with its own catalog key (an unknown scan), and one with arguments.
  auto [cookie, csrf] = env.login("ann", "a long password");
  ASSERT_FALSE(cookie.empty());
  auto no_scan_en = env.call("GET", "/api/v1/devices?scan=999&lang=en", cookie);
  auto no_scan_ja = env.call("GET", "/api/v1/devices?scan=999&lang=ja", cookie);
  ASSERT_EQ(no_scan_ja.status, 404);
  EXPECT_EQ(error_of(no_scan_en)["code"], error_of(no_scan_ja)["code"]);
  EXPECT_EQ(error_of(no_scan_ja)["code"].get<std::string>().rfind("store.no_scan", 0), 0u) << error_of(no_scan_ja);
  EXPECT_NE(error_of(no_scan_en)["message"], error_of(no_scan_ja)["message"]);
  EXPECT_NE(error_of(no_scan_ja)["message"].get<std::string>().find("999"), std::string::npos);
  auto paging = env.call("GET", "/api/v1/devices?limit=0&lang=ja", cookie);
  ASSERT_EQ(paging.status, 400);
  EXPECT_EQ(error_of(paging)["message"], "offset と limit は数値で、limit は 1〜1000 で指定してください");
  EXPECT_EQ(error_of(paging)["code"], "bad_paging");
}

TEST(ServeApp, ApiErrorTextsExistInBothLanguagesWithTheSamePlaceholders) {
  size_t count = 0;
  for (const auto& [key, en] : i18n::catalog("en").entries()) {
    if (key.rfind("serve.api_error.", 0) != 0) continue;
    ++count;
    const std::string* ja = i18n::catalog("ja").find(key);
    ASSERT_NE(ja, nullptr) << key;
    EXPECT_EQ(i18n::placeholders(en), i18n::placeholders(*ja)) << key;
  }
  EXPECT_GT(count, 25u);
}

}  // namespace
}  // namespace anshin::serve

namespace anshin::serve {
namespace {

TEST(ServeStoreUsers, UsersAndAuditLogLiveInTheInventory) {
  store::testutil::TempDir dir;
  {
    auto db = open_db(dir.file("inv.db"));
    StoreUsers users(db);
    ASSERT_TRUE(users.put_user({"alice", Role::kAdmin, "$argon2id$hash-a"}));
    ASSERT_TRUE(users.put_user({"bob", Role::kViewer, "$argon2id$hash-b"}));
    ASSERT_TRUE(users.put_user({"bob", Role::kAdmin, "$argon2id$hash-c"}));  // replaced
    ASSERT_TRUE(users.append_audit({"2026-12-06T00:00:00Z", "alice", "user.put", "bob admin", "127.0.0.1"}));
    ASSERT_TRUE(users.append_audit({"2026-12-06T00:00:01Z", "alice", "user.delete", "carol", "127.0.0.1"}));
  }
  auto db = open_db(dir.file("inv.db"));
  StoreUsers users(db);
  auto all = users.list_users();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[1].name, "bob");
  EXPECT_EQ((*all)[1].role, Role::kAdmin);
  EXPECT_EQ((*all)[1].password_hash, "$argon2id$hash-c");
  EXPECT_TRUE(*users.remove_user("bob"));
  EXPECT_FALSE(*users.remove_user("bob"));
  EXPECT_FALSE(users.find_user("bob")->has_value());
  auto log = users.audit_log(10);
  ASSERT_EQ(log->size(), 2u);
  EXPECT_EQ((*log)[0].action, "user.delete");
}

}  // namespace
}  // namespace anshin::serve
