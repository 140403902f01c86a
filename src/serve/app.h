// The whole application behind the socket: request -> response, pure apart from the inventory and the
// clock. Decides who may call what (auth.h), serves the dashboard (assets.h) and the JSON API (api.h), and
// puts the security headers on every answer.
//
// Login is required when the server listens on a non-loopback address, or as soon as the inventory
// holds a user (`anshin serve --add-user`). Without login (loopback, no users) every client is the local
// administrator, and state-changing requests still need the CSRF token of GET /api/v1/session.
// Every request must name an allowed Host (DNS-rebinding defence).
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "serve/api.h"
#include "serve/auth.h"
#include "serve/http_types.h"
#include "serve/sensor_api.h"
#include "store/store.h"

namespace anshin::serve {

struct AppOptions {
  bool login_required = false;             // non-loopback listen: login whatever the users table says
  bool tls = false;                        // cookies get Secure and the __Host- prefix
  std::vector<std::string> allowed_hosts;  // Host header values accepted, e.g. "127.0.0.1:8741"
  std::function<std::string()> now_rfc3339;  // audit timestamps (tests fix it)
  std::string default_lang = "en";         // the page's language when neither ?lang nor Accept-Language names one
  store::FirmwareOrder firmware_order;     // /api/v1/diff's downgrade flags (the knowledge base's version schemes)
  std::function<void()> wake_scheduler;    // after POST /api/v1/sites/{name}/scan queued a job (schedule.h)
};

class App {
 public:
  App(store::Store& store, UserDirectory& users, AppOptions options);

  Response handle(const Request& request);
  // Api::warm: reads the newest scan before the first request.
  void warm() { api_.warm(); }
  // Sets AppOptions::allowed_hosts once the bound port is known (before the first request).
  void allow_hosts(std::vector<std::string> hosts) { options_.allowed_hosts = std::move(hosts); }
  // handle() at a given time (tests of expiry and rate limits).
  Response handle(const Request& request, Clock::time_point now);

 private:
  struct Caller {
    std::optional<Session> session;  // nullopt without login
    std::string token;               // the session cookie's value
    std::string user;                // "" when nobody; "local" without login
    Role role = Role::kViewer;
    std::string csrf;
  };
  Result<Caller> identify(const Request& request, Clock::time_point now, bool& login_needed);
  Response route(const Request& request, const Target& target, Clock::time_point now);
  Response api_route(const Request& request, const Target& target, const Caller& caller, bool login_needed,
                     Clock::time_point now);
  Response session_info(const Caller& caller, bool login_needed);
  Response login(const Request& request, Clock::time_point now);
  Response logout(const Request& request, const Caller& caller);
  Response users(const Request& request, const Target& target, const Caller& caller);
  Response audit(const Target& target);
  Response page(const Request& request, const Target& target);
  Response jobs(const Request& request, const Target& target);                                                  // sites_api.cc
  Response site_route(const Request& request, const Target& target, const Caller& caller);  // sites_api.cc
  void record(const Request& request, const std::string& user, const std::string& action, const std::string& detail);
  std::string cookie_name() const;

  store::Store& store_;
  Api api_;
  UserDirectory& users_;
  AppOptions options_;
  SensorApi sensor_api_;  // /api/v1/sensor/...: bearer tokens, not sessions
  Sessions sessions_;
  LoginLimiter limiter_;
  const std::string local_csrf_;  // without login: the one CSRF token of the local administrator
};

// Headers on every answer: CSP, nosniff, frame denial, no referrer, no caching of API answers.
void add_security_headers(Response& response, bool api);

// An in-memory UserDirectory (tests, and `serve` without an inventory that can keep users).
class MemoryUsers : public UserDirectory {
 public:
  Result<std::optional<User>> find_user(const std::string& name) override;
  Result<std::vector<User>> list_users() override;
  Result<void> put_user(const User& user) override;
  Result<bool> remove_user(const std::string& name) override;
  Result<void> append_audit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> audit_log(size_t newest) override;

 private:
  std::mutex mu_;
  std::vector<User> users_;
  std::vector<AuditEntry> audit_;
};

}  // namespace anshin::serve
