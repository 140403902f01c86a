// The inventory queries and tables of `anshin serve` (src/serve): a device's history across scans, and
// (schema 6) the server's users and audit log. Kept apart from store.cc so the scan path never
// compiles them.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "model/device.h"
#include "store/store.h"

namespace anshin::store {

// One scan in which a device was seen, oldest scan first.
struct Sighting {
  ScanNumber scan = 0;
  std::string scan_id;
  std::string started;
  IpAddr address;
  Category category = Category::kUnknown;
  std::optional<std::string> manufacturer;
  std::optional<std::string> model;
  std::optional<std::string> firmware;
  std::vector<std::pair<std::string, Severity>> findings;  // (finding id, severity), sorted by id
};

// A user of the server (the serve module gives the role its meaning).
struct ServeUser {
  std::string name;
  std::string role;           // "viewer" | "admin"
  std::string password_hash;  // Argon2id, libsodium's string form
};

struct ServeAuditEntry {
  std::string at, user, action, detail, peer;
};

struct ServeAlertRow {
  std::string key;
  ScanNumber scan = 0;
  std::string kind, severity, body, syslog, created;
  int webhook_state = 0;  // 0 pending, 1 delivered, 2 given up, 3 not configured
  int syslog_state = 0;
  int attempts = 0;
  int64_t next_attempt = 0;  // unix seconds
};

// The tables of migration 6 (serve_users, serve_audit, serve_alert_scans, serve_alerts), in SQLite and in
// PostgreSQL.
extern const char* const kServeTablesSql;
extern const char* const kServeTablesPostgres;

struct ServeTables {
  // Every scan that saw `device`, oldest first; empty for an unknown device.
  static Result<std::vector<Sighting>> device_history(Store& store, DeviceId device);

  static Result<std::optional<ServeUser>> find_user(Store& store, const std::string& name);
  static Result<std::vector<ServeUser>> list_users(Store& store);  // by name
  static Result<void> put_user(Store& store, const ServeUser& user);  // insert or replace
  static Result<bool> remove_user(Store& store, const std::string& name);
  static Result<void> append_audit(Store& store, const ServeAuditEntry& entry);
  static Result<std::vector<ServeAuditEntry>> audit_log(Store& store, size_t newest);  // newest first

  static Result<std::vector<ScanNumber>> alert_scans(Store& store);
  static Result<void> mark_alert_scan(Store& store, ScanNumber scan);
  // False when an alert with that key exists already.
  static Result<bool> add_alert(Store& store, const ServeAlertRow& row);
  static Result<void> update_alert(Store& store, const ServeAlertRow& row);  // states, attempts, next_attempt
  // pending_only: rows with a state 0 whose next_attempt <= now; else the newest `limit` rows.
  static Result<std::vector<ServeAlertRow>> alerts(Store& store, bool pending_only, int64_t now, size_t limit);
};

}  // namespace anshin::store
