// anshin serve: the dashboard and JSON API over the inventory (src/serve). `--add-user NAME --role R` adds
// (or replaces) a user instead, the password read from stdin, and exits.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <unistd.h>

#include "cli/commands.h"
#include "core/clock.h"
#include "cli/common.h"
#include "serve/alert_watch.h"
#include "core/text.h"
#include "serve/app.h"
#include "serve/schedule.h"
#include "serve/sensor_api.h"
#include "serve/server.h"
#include "serve/store_users.h"
#include "store/sensor_tables.h"
#include "store/site_tables.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

int store_failure(const Error& e) { return fail(store::exit_status_for(e), e); }

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0 || !buf[0]) return "-";
  std::string name(buf);
  for (char& c : name)
    if (static_cast<unsigned char>(c) <= 32 || static_cast<unsigned char>(c) >= 127) c = '-';
  return name;
}

int add_user(const ServeOptions& o, store::Store& db) {
  const auto role = serve::parse_role(o.role);
  if (!role) return usage_error("cli.serve.bad_role", {{"value", quote_value(o.role)}});
  if (!serve::valid_user_name(o.add_user)) return usage_error("cli.serve.bad_user", {{"value", quote_value(o.add_user)}});
  std::string password;
  std::getline(std::cin, password);
  if (!password.empty() && password.back() == '\r') password.pop_back();
  auto hash = serve::hash_password(password);
  if (!hash) return usage_error("cli.serve.bad_password");
  serve::StoreUsers users(db);
  if (auto put = users.put_user({o.add_user, *role, *hash}); !put) return store_failure(put.error());
  (void)users.append_audit({now_rfc3339_utc(), "cli", "user.put", o.add_user + " " + serve::role_name(*role), "local"});
  note("cli.serve.user_added", {{"user", o.add_user}, {"role", serve::role_name(*role)}});
  return 0;
}

// The running binary (scheduled scans run it as `anshin scan`).
std::string own_binary() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "anshin";
  std::string path(buf, static_cast<size_t>(n));
  constexpr std::string_view kDeleted = " (deleted)";  // replaced by an upgrade: run the new binary at that path
  if (path.ends_with(kDeleted)) path.resize(path.size() - kDeleted.size());
  return path;
}

// --add-sensor NAME --site SITE: a new token, printed once on stdout (only its hash is kept).
int add_sensor(const ServeOptions& o, store::Store& db) {
  if (!serve::valid_sensor_name(o.add_sensor))
    return usage_error("cli.serve.bad_sensor", {{"value", quote_value(o.add_sensor)}});
  if (o.sensor_site.empty()) return usage_error("cli.serve.sensor_needs_site");
  auto site = store::SiteTables::find_site(db, o.sensor_site);
  if (!site) return store_failure(site.error());
  if (!*site) return usage_error("cli.serve.no_such_site", {{"value", quote_value(o.sensor_site)}});
  if (auto scope = serve::numeric_scope((*site)->targets); !scope) return usage_error(scope.error());
  const std::string token = serve::new_sensor_token();
  const std::string now = now_rfc3339_utc();
  auto put = store::SensorTables::put_sensor(db, {o.add_sensor, o.sensor_site, serve::sensor_token_hash(token), now, {}, {}});
  if (!put) return store_failure(put.error());
  serve::StoreUsers users(db);
  (void)users.append_audit({now, "cli", "sensor.put", o.add_sensor + " " + o.sensor_site, "local"});
  std::printf("%s\n", token.c_str());
  std::fflush(stdout);
  note("cli.serve.sensor_added", {{"sensor", o.add_sensor}, {"site", text::escape_for_terminal(o.sensor_site)}});
  if ((*site)->runner != "sensor") note("cli.serve.site_not_sensor_run", {{"site", text::escape_for_terminal(o.sensor_site)}});
  return 0;
}

int revoke_sensor(const ServeOptions& o, store::Store& db) {
  const std::string now = now_rfc3339_utc();
  auto revoked = store::SensorTables::revoke_sensor(db, o.revoke_sensor, now);
  if (!revoked) return store_failure(revoked.error());
  if (!*revoked) return usage_error("cli.serve.no_such_sensor", {{"value", quote_value(o.revoke_sensor)}});
  serve::StoreUsers users(db);
  (void)users.append_audit({now, "cli", "sensor.revoke", o.revoke_sensor, "local"});
  note("cli.serve.sensor_revoked", {{"sensor", o.revoke_sensor}});
  return 0;
}

// Host header values a loopback server answers to (anything else may be a DNS-rebinding page).
std::vector<std::string> loopback_hosts(const std::string& bound) {
  const std::string port = bound.substr(bound.rfind(':') + 1);
  return {bound, "localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port};
}

}  // namespace

int run_serve(const ServeOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  auto listen = serve::parse_listen(o.listen);
  if (!listen) return usage_error("cli.serve.bad_listen", {{"value", quote_value(o.listen)}});
  if (o.tls_cert.empty() != o.tls_key.empty()) return usage_error("cli.serve.tls_pair");
  const bool tls = !o.tls_cert.empty();
  const bool admin_only = !o.add_user.empty() || !o.add_sensor.empty() || !o.revoke_sensor.empty();
  if (!listen->loopback && !tls && !admin_only) return usage_error("cli.serve.tls_required");

  auto db = store::Store::open(o.db, store::OpenOptions{.create = !o.add_user.empty()});
  if (!db) return store_failure(db.error());
  if (!o.add_user.empty()) return add_user(o, *db);
  if (!o.add_sensor.empty()) return add_sensor(o, *db);
  if (!o.revoke_sensor.empty()) return revoke_sensor(o, *db);

  serve::StoreUsers users(*db);
  serve::ProcessLauncher launcher(own_binary(), o.db, *lang);
  serve::Scheduler scheduler(*db, launcher, serve::SchedulerOptions{.max_concurrent = static_cast<size_t>(o.max_scans)});
  if (auto released = scheduler.recover(std::chrono::system_clock::now()); !released) return store_failure(released.error());
  else if (*released > 0) note("cli.serve.jobs_released", {{"count", std::to_string(*released)}});
  const store::FirmwareOrder firmware_order = firmware_order_of_kb();  // one order for the API's diff and the alerts
  serve::App app(*db, users, serve::AppOptions{.login_required = !listen->loopback, .tls = tls,
                                               .allowed_hosts = {}, .now_rfc3339 = now_rfc3339_utc,
                                               .default_lang = *lang, .firmware_order = firmware_order,
                                               .wake_scheduler = [&scheduler] { scheduler.wake(); }});
  std::string secret;
  if (!o.webhook.empty()) {
    if (!serve::parse_http_url(o.webhook)) return usage_error("cli.serve.bad_webhook", {{"value", quote_value(o.webhook)}});
    std::ifstream in(o.webhook_secret_file);
    if (o.webhook_secret_file.empty() || !std::getline(in, secret) || secret.size() < 16)
      return usage_error("cli.serve.webhook_secret");
  }
  serve::AlertWatcher watcher(*db, serve::AlertOptions{.webhook_url = o.webhook, .webhook_ca = o.webhook_ca,
                                                       .webhook_secret = secret,
                                                       .syslog = o.syslog,
                                                       .interval = std::chrono::seconds(o.alert_interval_s),
                                                       .hostname = host_name(), .now_rfc3339 = now_rfc3339_utc,
                                                       .firmware_order = firmware_order});
  std::jthread alerts([&watcher](std::stop_token stop) { watcher.run(stop); });
  std::jthread schedules([&scheduler, tick = std::chrono::milliseconds(o.schedule_tick_ms)](std::stop_token stop) {
    scheduler.run(stop, tick);
  });
  app.warm();
  serve::ServerOptions server;
  server.listen = *listen;
  server.tls_cert = o.tls_cert;
  server.tls_key = o.tls_key;
  server.read_timeout = std::chrono::seconds(o.request_timeout_s);
  server.on_ready = [&](const std::string& bound) {
    if (listen->loopback) app.allow_hosts(loopback_hosts(bound));
    note("cli.serve.listening", {{"url", std::string(tls ? "https://" : "http://") + bound + "/"}});
    if (!o.ready_file.empty()) std::ofstream(o.ready_file) << bound << "\n";
  };
  auto ran = serve::run_server(server, [&app](const serve::Request& r) { return app.handle(r); });
  if (!ran) return fail(ran.error().code == Errc::kInvalidInput ? 1 : 2, ran.error());
  return 0;
}

}  // namespace anshin::cli
