#include "store/serve_tables.h"

#include <algorithm>

#include "i18n/catalog.h"
#include "store/codec.h"
#include "store/sqlite_util.h"
#include "store/store_impl.h"

namespace anshin::store {

namespace {

Error corrupt_row(const std::string& what) {
  return i18n::error(Errc::kProtocol, "error.store.corrupt_row", {{"what", what}});
}

}  // namespace

Result<std::vector<Sighting>> ServeTables::device_history(Store& store, DeviceId device) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db,
               "SELECT o.scan, s.id, s.started, o.address, o.category, o.manufacturer, o.model, o.firmware, "
               "o.findings FROM observations o JOIN scans s ON s.number = o.scan WHERE o.device = ? "
               "ORDER BY o.scan");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading a device's history");
  st.bind_int(1, device);
  std::vector<Sighting> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    Sighting s;
    s.scan = st.col_int(0);
    s.scan_id = st.col_string(1);
    s.started = st.col_string(2);
    auto ip = IpAddr::parse(st.col_string(3));
    auto category = parse_category(st.col_string(4));
    auto findings = codec::decode_findings(st.col_string(8));
    if (!ip || !category || !findings) return corrupt_row("history of device " + std::to_string(device));
    s.address = *ip;
    s.category = *category;
    s.manufacturer = st.col_opt_string(5);
    s.model = st.col_opt_string(6);
    s.firmware = st.col_opt_string(7);
    for (const auto& f : *findings) s.findings.emplace_back(f.id, f.severity);
    std::sort(s.findings.begin(), s.findings.end());
    out.push_back(std::move(s));
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading a device's history");
  return out;
}

const char* const kServeTablesSql = R"sql(
CREATE TABLE serve_users (
  name           TEXT PRIMARY KEY,            -- [A-Za-z0-9._@-]{1,64}
  role           TEXT NOT NULL,               -- viewer | admin
  password_hash  TEXT NOT NULL,               -- Argon2id (libsodium crypto_pwhash_str)
  updated        TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE serve_audit (
  id      INTEGER PRIMARY KEY,
  at      TEXT NOT NULL,                      -- RFC 3339 UTC
  user    TEXT NOT NULL,
  action  TEXT NOT NULL,                      -- login, login.failed, logout, user.put, user.delete
  detail  TEXT NOT NULL,
  peer    TEXT NOT NULL
);
CREATE TABLE serve_alert_scans (
  scan    INTEGER PRIMARY KEY                 -- a finished scan whose changes were turned into alerts
);
CREATE TABLE serve_alerts (
  key           TEXT PRIMARY KEY,             -- one row per change: each alert is sent once
  scan          INTEGER NOT NULL,
  kind          TEXT NOT NULL,
  severity      TEXT NOT NULL,
  body          TEXT NOT NULL,                -- the webhook body (anshin.alert/1)
  syslog        TEXT NOT NULL,                -- the RFC 5424 line
  created       TEXT NOT NULL,
  webhook_state INTEGER NOT NULL DEFAULT 0,   -- 0 pending, 1 delivered, 2 given up, 3 no webhook configured
  syslog_state  INTEGER NOT NULL DEFAULT 0,
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt  INTEGER NOT NULL DEFAULT 0    -- unix seconds
);
)sql";

Result<std::optional<ServeUser>> ServeTables::find_user(Store& store, const std::string& name) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "SELECT name, role, password_hash FROM serve_users WHERE name = ?");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading users");
  st.bind_bytes(1, name);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<ServeUser>();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading users");
  return std::optional<ServeUser>(ServeUser{st.col_string(0), st.col_string(1), st.col_string(2)});
}

Result<std::vector<ServeUser>> ServeTables::list_users(Store& store) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "SELECT name, role, password_hash FROM serve_users ORDER BY name");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading users");
  std::vector<ServeUser> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(ServeUser{st.col_string(0), st.col_string(1), st.col_string(2)});
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading users");
  return out;
}

Result<void> ServeTables::put_user(Store& store, const ServeUser& user) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "INSERT INTO serve_users (name, role, password_hash) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT(name) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash, "
                   "updated = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "writing a user");
  st.bind_bytes(1, user.name);
  st.bind_text(2, user.role);
  st.bind_text(3, user.password_hash);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "writing a user");
  return {};
}

Result<bool> ServeTables::remove_user(Store& store, const std::string& name) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "DELETE FROM serve_users WHERE name = ?");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "removing a user");
  st.bind_bytes(1, name);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "removing a user");
  return sqlite3_changes(db) > 0;
}

Result<void> ServeTables::append_audit(Store& store, const ServeAuditEntry& e) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "INSERT INTO serve_audit (at, user, action, detail, peer) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "writing the audit log");
  st.bind_bytes(1, e.at);
  st.bind_bytes(2, e.user);
  st.bind_bytes(3, e.action);
  st.bind_bytes(4, e.detail);
  st.bind_bytes(5, e.peer);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "writing the audit log");
  return {};
}

Result<std::vector<ServeAuditEntry>> ServeTables::audit_log(Store& store, size_t newest) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "SELECT at, user, action, detail, peer FROM serve_audit ORDER BY id DESC LIMIT ?");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading the audit log");
  st.bind_int(1, static_cast<int64_t>(newest));
  std::vector<ServeAuditEntry> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back({st.col_string(0), st.col_string(1), st.col_string(2), st.col_string(3), st.col_string(4)});
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading the audit log");
  return out;
}

Result<std::vector<ScanNumber>> ServeTables::alert_scans(Store& store) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "SELECT scan FROM serve_alert_scans ORDER BY scan");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading alert state");
  std::vector<ScanNumber> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(st.col_int(0));
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading alert state");
  return out;
}

Result<void> ServeTables::mark_alert_scan(Store& store, ScanNumber scan) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "INSERT OR IGNORE INTO serve_alert_scans (scan) VALUES (?)");
  st.bind_int(1, scan);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "writing alert state");
  return {};
}

Result<bool> ServeTables::add_alert(Store& store, const ServeAlertRow& r) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "INSERT OR IGNORE INTO serve_alerts (key, scan, kind, severity, body, syslog, created, "
                   "webhook_state, syslog_state, attempts, next_attempt) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 0, 0)");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "writing an alert");
  st.bind_bytes(1, r.key);
  st.bind_int(2, r.scan);
  st.bind_text(3, r.kind);
  st.bind_text(4, r.severity);
  st.bind_bytes(5, r.body);
  st.bind_bytes(6, r.syslog);
  st.bind_text(7, r.created);
  st.bind_int(8, r.webhook_state);
  st.bind_int(9, r.syslog_state);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "writing an alert");
  return sqlite3_changes(db) > 0;
}

Result<void> ServeTables::update_alert(Store& store, const ServeAlertRow& r) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "UPDATE serve_alerts SET webhook_state = ?1, syslog_state = ?2, attempts = ?3, next_attempt = ?4 "
                   "WHERE key = ?5");
  st.bind_int(1, r.webhook_state);
  st.bind_int(2, r.syslog_state);
  st.bind_int(3, r.attempts);
  st.bind_int(4, r.next_attempt);
  st.bind_bytes(5, r.key);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "updating an alert");
  return {};
}

Result<std::vector<ServeAlertRow>> ServeTables::alerts(Store& store, bool pending_only, int64_t now, size_t limit) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  const char* columns = "SELECT key, scan, kind, severity, body, syslog, created, webhook_state, syslog_state, "
                        "attempts, next_attempt FROM serve_alerts ";
  sql::Stmt st(db, std::string(columns) +
                       (pending_only ? "WHERE (webhook_state = 0 OR syslog_state = 0) AND next_attempt <= ?1 "
                                       "ORDER BY rowid LIMIT ?2"
                                     : "WHERE ?1 = ?1 ORDER BY rowid DESC LIMIT ?2"));
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading alerts");
  st.bind_int(1, now);
  st.bind_int(2, static_cast<int64_t>(limit));
  std::vector<ServeAlertRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW)
    out.push_back({st.col_string(0), st.col_int(1), st.col_string(2), st.col_string(3), st.col_string(4),
                   st.col_string(5), st.col_string(6), static_cast<int>(st.col_int(7)), static_cast<int>(st.col_int(8)),
                   static_cast<int>(st.col_int(9)), st.col_int(10)});
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading alerts");
  return out;
}

}  // namespace anshin::store
