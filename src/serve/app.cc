#include "serve/app.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "i18n/catalog.h"
#include "serve/assets.h"

namespace anshin::serve {

using nlohmann::json;

namespace {

constexpr const char* kPageCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

bool state_changing(const std::string& method) { return method != "GET" && method != "HEAD"; }

// The Origin a browser sends on a cross-site request must be our own.
bool origin_allowed(const Request& request, bool tls) {
  const std::string* origin = request.header("origin");
  if (!origin) return true;
  const std::string* host = request.header("host");
  return host && *origin == std::string(tls ? "https://" : "http://") + *host;
}

}  // namespace

void add_security_headers(Response& response, bool api) {
  auto& h = response.headers;
  h.emplace_back("Content-Security-Policy", api ? "default-src 'none'; frame-ancestors 'none'" : kPageCsp);
  h.emplace_back("X-Content-Type-Options", "nosniff");
  h.emplace_back("X-Frame-Options", "DENY");
  h.emplace_back("Referrer-Policy", "no-referrer");
  h.emplace_back("Cross-Origin-Opener-Policy", "same-origin");
  h.emplace_back("Cross-Origin-Resource-Policy", "same-origin");
  h.emplace_back("Cache-Control", api ? "no-store" : "no-cache");
}

App::App(store::Store& store, UserDirectory& users, AppOptions options)
    : store_(store), api_(store), users_(users), options_(std::move(options)), sensor_api_(store, options_.now_rfc3339),
      local_csrf_(random_token()) {
  if (!options_.now_rfc3339) options_.now_rfc3339 = [] { return std::string(); };
  api_.set_firmware_order(options_.firmware_order);
}

std::string App::cookie_name() const { return options_.tls ? "__Host-anshin_session" : "anshin_session"; }

Response App::handle(const Request& request) { return handle(request, Clock::now()); }

Response App::handle(const Request& request, Clock::time_point now) {
  Response r;
  const auto target = parse_target(request.target);
  const std::string* host = request.header("host");
  if (!target) {
    r = api_error(400, "bad_target");
  } else if (!options_.allowed_hosts.empty() &&
             (!host || std::find(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), *host) ==
                           options_.allowed_hosts.end())) {
    r = api_error(421, "unknown_host");
  } else {
    r = route(request, *target, now);
  }
  if (r.error) localize_error(r, target ? request_lang(request, *target) : request_lang(request, Target{}));
  const bool api = !target || target->path.rfind("/api/", 0) == 0;
  add_security_headers(r, api);
  if (options_.tls) r.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
  if (request.method == "HEAD") r.body.clear();
  return r;
}

Response App::route(const Request& request, const Target& target, Clock::time_point now) {
  if (target.path == "/" || target.path == "/index.html") return page(request, target);
  if (target.path.rfind("/static/", 0) == 0) {
    if (request.method != "GET" && request.method != "HEAD") return api_error(405, "method_not_allowed");
    auto asset = assets::find(target.path);
    if (!asset) return api_error(404, "not_found");
    Response r;
    r.content_type = std::string(asset->content_type);
    r.body = std::string(asset->body);
    return r;
  }
  if (target.path.rfind("/api/v1/", 0) != 0) return api_error(404, "not_found");
  if (target.path.rfind("/api/v1/sensor/", 0) == 0) return sensor_api_.handle(request, target);
  bool login_needed = false;
  auto caller = identify(request, now, login_needed);
  if (!caller) return json_error(500, caller.error());
  return api_route(request, target, *caller, login_needed, now);
}

Result<App::Caller> App::identify(const Request& request, Clock::time_point now, bool& login_needed) {
  login_needed = options_.login_required;
  if (!login_needed) {
    auto all = users_.list_users();
    if (!all) return all.error();
    login_needed = !all->empty();
  }
  Caller c;
  if (!login_needed) {
    c.user = "local";
    c.role = Role::kAdmin;
    c.csrf = local_csrf_;
    return c;
  }
  const std::string* cookie = request.header("cookie");
  if (!cookie) return c;
  c.token = cookie_value(*cookie, cookie_name());
  c.session = sessions_.find(c.token, now);
  if (c.session) {
    c.user = c.session->user;
    c.role = c.session->role;
    c.csrf = c.session->csrf;
  }
  return c;
}

Response App::api_route(const Request& request, const Target& target, const Caller& caller, bool login_needed,
                        Clock::time_point now) {
  const std::string& path = target.path;
  if (state_changing(request.method) && !origin_allowed(request, options_.tls))
    return api_error(403, "cross_origin");
  if (path == "/api/v1/i18n") {
    json entries = json::object();
    const std::string lang = request_lang(request, target);
    for (const auto& [key, value] : i18n::catalog(lang).entries())
      if (key.rfind("serve.ui.", 0) == 0) entries[key.substr(9)] = value;
    return json_ok({{"lang", lang}, {"messages", entries}});
  }
  if (path == "/api/v1/session") {
    if (request.method != "GET") return api_error(405, "method_not_allowed");
    return session_info(caller, login_needed);
  }
  if (path == "/api/v1/login") {
    if (request.method != "POST") return api_error(405, "method_not_allowed");
    if (!login_needed) return api_error(400, "no_login_here");
    return login(request, now);
  }
  if (login_needed && !caller.session) return api_error(401, "log_in_first");
  if (state_changing(request.method)) {
    const std::string* token = request.header("x-csrf-token");
    if (!token || !tokens_equal(*token, caller.csrf)) return api_error(403, "bad_csrf");
  }
  if (path == "/api/v1/logout") {
    if (request.method != "POST") return api_error(405, "method_not_allowed");
    return logout(request, caller);
  }
  const bool sensors_path = path == "/api/v1/sensors" || path.rfind("/api/v1/sensors/", 0) == 0;
  const bool admin_path = path == "/api/v1/audit" || path == "/api/v1/users" || path.rfind("/api/v1/users/", 0) == 0 ||
                          sensors_path;
  if (admin_path && caller.role != Role::kAdmin) return api_error(403, "admins_only");
  if (sensors_path) {
    std::pair<std::string, std::string> audit;
    Response r = sensor_api_.manage(request, target, audit);
    if (!audit.first.empty()) record(request, caller.user, audit.first, audit.second);
    return r;
  }
  if (path == "/api/v1/audit") return request.method == "GET" ? audit(target) : api_error(405, "method_not_allowed");
  if (admin_path) return users(request, target, caller);
  if (path.rfind("/api/v1/sites/", 0) == 0) return site_route(request, target, caller);
  if (path == "/api/v1/jobs") return request.method == "GET" ? jobs(request, target) : api_error(405, "method_not_allowed");
  return api_.handle(request, target);
}

Response App::session_info(const Caller& caller, bool login_needed) {
  const bool in = !login_needed || caller.session;
  return json_ok({{"login_required", login_needed}, {"authenticated", in},
                  {"user", in ? json(caller.user) : json(nullptr)},
                  {"role", in ? json(role_name(caller.role)) : json(nullptr)},
                  {"csrf", in ? json(caller.csrf) : json(nullptr)}});
}

}  // namespace anshin::serve
