// App: login, logout, users and the audit log (the state-changing half of app.cc).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "serve/app.h"
#include "serve/assets.h"

namespace anshin::serve {

using nlohmann::json;

namespace {

bool json_content(const Request& request) {
  const std::string* type = request.header("content-type");
  return type && text::to_lower(text::trim(text::split(*type, ';').front())) == "application/json";
}

// A JSON object body, or nullopt (wrong type, not JSON, not an object).
std::optional<json> object_body(const Request& request) {
  if (!json_content(request)) return std::nullopt;
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return std::nullopt;
  return body;
}

std::string string_field(const json& body, const char* name) {
  auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string();
}

const std::string& timing_dummy_hash() {
  static const std::string dummy = hash_password("timing-equaliser-not-a-password").value_or("");
  return dummy;
}

}  // namespace

void App::record(const Request& request, const std::string& user, const std::string& action,
                 const std::string& detail) {
  // The audit log is best effort: a full disk must not lock the administrator out.
  (void)users_.append_audit(AuditEntry{options_.now_rfc3339(), user, action, detail, request.peer});
}

Response App::login(const Request& request, Clock::time_point now) {
  auto body = object_body(request);
  if (!body) return api_error(400, "send_login");
  const std::string name = string_field(*body, "user");
  const std::string password = string_field(*body, "password");
  if (!valid_user_name(name) || password.empty() || password.size() > kMaxPasswordBytes)
    return api_error(400, "user_password_required");
  if (auto wait = limiter_.refused(request.peer, name, now)) {
    Response r = api_error(429, "too_many_logins");
    r.headers.emplace_back("Retry-After", std::to_string(*wait));
    return r;
  }
  auto user = users_.find_user(name);
  if (!user) return json_error(500, user.error());
  const bool ok = *user ? verify_password((*user)->password_hash, password)
                        : (verify_password(timing_dummy_hash(), password), false);
  if (!ok) {
    limiter_.failed(request.peer, name, now);
    record(request, name, "login.failed", "");
    return api_error(401, "wrong_login");
  }
  // A new token every time; whatever session cookie the client brought is ended (no fixation).
  if (const std::string* cookie = request.header("cookie")) sessions_.remove(cookie_value(*cookie, cookie_name()));
  const std::string token = sessions_.create(name, (*user)->role, now);
  const auto session = sessions_.find(token, now);
  record(request, name, "login", role_name((*user)->role));
  Response r = json_ok({{"user", name}, {"role", role_name((*user)->role)}, {"csrf", session->csrf}});
  r.headers.emplace_back("Set-Cookie", cookie_name() + "=" + token + "; Path=/; HttpOnly; SameSite=Strict" +
                                           (options_.tls ? "; Secure" : ""));
  return r;
}

Response App::logout(const Request& request, const Caller& caller) {
  if (!caller.session) return json_ok({{"logged_out", false}});
  sessions_.remove(caller.token);
  record(request, caller.user, "logout", "");
  Response r = json_ok({{"logged_out", true}});
  r.headers.emplace_back("Set-Cookie", cookie_name() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict" +
                                           std::string(options_.tls ? "; Secure" : ""));
  return r;
}

Response App::users(const Request& request, const Target& target, const Caller& caller) {
  const auto seg = path_segments(target.path);  // api v1 users [name]
  if (seg.size() == 3 && request.method == "GET") {
    auto all = users_.list_users();
    if (!all) return json_error(500, all.error());
    json list = json::array();
    for (const auto& u : *all) list.push_back({{"name", u.name}, {"role", role_name(u.role)}});
    return json_ok({{"users", list}});
  }
  if (seg.size() == 3 && request.method == "POST") {
    auto body = object_body(request);
    if (!body) return api_error(400, "send_user");
    const std::string name = string_field(*body, "name");
    const auto role = parse_role(string_field(*body, "role"));
    if (!valid_user_name(name) || !role) return api_error(400, "user_role_required");
    auto hash = hash_password(string_field(*body, "password"));
    if (!hash) return json_error(hash.error().code == Errc::kInvalidInput ? 400 : 500, hash.error());
    if (auto put = users_.put_user(User{name, *role, *hash}); !put) return json_error(500, put.error());
    sessions_.remove_user(name);  // a changed password or role ends that user's sessions
    record(request, caller.user, "user.put", name + " " + role_name(*role));
    Response r = json_ok({{"name", name}, {"role", role_name(*role)}});
    r.status = 201;
    return r;
  }
  if (seg.size() == 4 && request.method == "DELETE") {
    if (seg[3] == caller.user) return api_error(400, "not_yourself");
    auto removed = users_.remove_user(seg[3]);
    if (!removed) return json_error(500, removed.error());
    if (!*removed) return api_error(404, "no_such_user");
    sessions_.remove_user(seg[3]);
    record(request, caller.user, "user.delete", seg[3]);
    return json_ok({{"deleted", seg[3]}});
  }
  return api_error(405, "method_not_allowed");
}

Response App::audit(const Target& target) {
  size_t newest = 200;
  if (auto it = target.params.find("limit"); it != target.params.end()) {
    auto n = parse_count(it->second);
    if (!n || *n == 0 || *n > 10000) return api_error(400, "limit_range", {{"max", "10000"}});
    newest = static_cast<size_t>(*n);
  }
  auto log = users_.audit_log(newest);
  if (!log) return json_error(500, log.error());
  json list = json::array();
  for (const auto& e : *log)
    list.push_back({{"at", e.at}, {"user", e.user}, {"action", e.action}, {"detail", e.detail}, {"peer", e.peer}});
  return json_ok({{"entries", list}});
}

Response App::page(const Request& request, const Target& target) {
  if (request.method != "GET" && request.method != "HEAD") return api_error(405, "method_not_allowed");
  std::string lang = options_.default_lang == "ja" ? "ja" : "en";
  if (auto it = target.params.find("lang"); it != target.params.end()) {
    lang = it->second == "ja" ? "ja" : "en";
  } else if (const std::string* al = request.header("accept-language")) {
    const std::string first = text::to_lower(text::trim(*al));
    if (!first.empty() && first != "*") lang = first.rfind("ja", 0) == 0 ? "ja" : "en";
  }
  Response r;
  r.content_type = "text/html; charset=utf-8";
  r.body = assets::index_html(lang);
  return r;
}

Result<std::optional<User>> MemoryUsers::find_user(const std::string& name) {
  std::lock_guard lock(mu_);
  for (const auto& u : users_)
    if (u.name == name) return std::optional<User>(u);
  return std::optional<User>();
}

Result<std::vector<User>> MemoryUsers::list_users() {
  std::lock_guard lock(mu_);
  return users_;
}

Result<void> MemoryUsers::put_user(const User& user) {
  std::lock_guard lock(mu_);
  std::erase_if(users_, [&](const User& u) { return u.name == user.name; });
  users_.push_back(user);
  return {};
}

Result<bool> MemoryUsers::remove_user(const std::string& name) {
  std::lock_guard lock(mu_);
  return std::erase_if(users_, [&](const User& u) { return u.name == name; }) > 0;
}

Result<void> MemoryUsers::append_audit(const AuditEntry& entry) {
  std::lock_guard lock(mu_);
  audit_.push_back(entry);
  return {};
}

Result<std::vector<AuditEntry>> MemoryUsers::audit_log(size_t newest) {
  std::lock_guard lock(mu_);
  std::vector<AuditEntry> out(audit_.rbegin(), audit_.rbegin() + static_cast<std::ptrdiff_t>(std::min(newest, audit_.size())));
  return out;
}

}  // namespace anshin::serve
