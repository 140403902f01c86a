#include "store/schema.h"

#include <string>

#include "store/serve_tables.h"
#include "store/sensor_tables.h"
#include "store/site_tables.h"
#include "store/sqlite_util.h"

namespace anshin::store::schema {

// Device-provided strings (mac, serial, manufacturer, ...) are stored as TEXT when they are clean
// UTF-8 and as BLOB otherwise (see sql::Stmt::bind_bytes); the columns are declared TEXT for
// readability, SQLite keeps BLOB values as they are. JSON columns use the store's JSON encoding
// (store/codec.h): a string that is not clean UTF-8 becomes {"hex": "..."}.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, "scans, devices (identity) and observations (one row per device per scan)", R"sql(
CREATE TABLE scans (
  number        INTEGER PRIMARY KEY,          -- ascending in the order scans were begun
  id            TEXT NOT NULL UNIQUE,         -- ScanInfo.id, e.g. 2026-11-27T10:00:00Z-3f2a
  started       TEXT NOT NULL,                -- RFC 3339 UTC
  finished      TEXT,                         -- NULL while running, or when the process died
  targets       TEXT NOT NULL,                -- JSON array of the targets as given
  addresses     INTEGER NOT NULL DEFAULT 0,   -- addresses in scope after excludes
  tool_version  TEXT NOT NULL,
  kb_version    TEXT NOT NULL,
  interrupted   INTEGER NOT NULL DEFAULT 0,   -- stopped by the user (Ctrl-C)
  completed     INTEGER NOT NULL DEFAULT 0    -- every target was probed
);

CREATE TABLE devices (
  id            INTEGER PRIMARY KEY,          -- stable identity across scans
  mac           TEXT,                         -- lower case; NULL until learned
  serial        TEXT,                         -- as reported; NULL until learned
  first_scan    INTEGER NOT NULL REFERENCES scans(number),
  last_scan     INTEGER NOT NULL REFERENCES scans(number),
  last_address  TEXT NOT NULL
);
CREATE INDEX devices_mac ON devices(mac);

CREATE TABLE observations (
  scan             INTEGER NOT NULL REFERENCES scans(number) ON DELETE CASCADE,
  device           INTEGER NOT NULL REFERENCES devices(id),
  address          TEXT NOT NULL,             -- canonical text form (IpAddr::to_string)
  mac              TEXT,
  category         TEXT NOT NULL,             -- category_name()
  manufacturer     TEXT,
  brand            TEXT,
  manufacturer_id  TEXT,
  brand_id         TEXT,
  model            TEXT,
  firmware         TEXT,
  serial           TEXT,
  confidence       REAL NOT NULL DEFAULT 0,
  evidence         TEXT NOT NULL DEFAULT '[]',  -- JSON: [Evidence]
  conflicts        TEXT NOT NULL DEFAULT '[]',  -- JSON: [string]
  services         TEXT NOT NULL DEFAULT '[]',  -- JSON: [ServiceSummary]
  findings         TEXT NOT NULL DEFAULT '[]',  -- JSON: [Finding] with their evidence
  PRIMARY KEY (scan, address)
);
CREATE INDEX observations_device ON observations(device, scan);
CREATE INDEX observations_address ON observations(address, scan);
)sql"},
      {2, "resume state of a scan (plan options, permutation seed, hosts done); serial index", R"sql(
CREATE TABLE scan_resume (
  scan        INTEGER PRIMARY KEY REFERENCES scans(number) ON DELETE CASCADE,
  plan        TEXT NOT NULL DEFAULT '{}',   -- JSON: the options the plan was built from
  seed        INTEGER NOT NULL DEFAULT 0,   -- permutation seed
  hosts_done  INTEGER NOT NULL DEFAULT 0    -- every host before this permutation index is stored
);
CREATE INDEX devices_serial ON devices(serial);
)sql"},
      {3, "what the probes saw of each host (bounded), so `anshin reassess` can judge a scan again; reassessed_from", R"sql(
CREATE TABLE host_records (
  scan     INTEGER NOT NULL REFERENCES scans(number) ON DELETE CASCADE,
  address  TEXT NOT NULL,                      -- canonical text form, as observations.address
  record   TEXT NOT NULL,                      -- JSON: codec::encode_host_record (ports, services, observations)
  PRIMARY KEY (scan, address)
);
ALTER TABLE scans ADD COLUMN reassessed_from INTEGER REFERENCES scans(number);
)sql"},
      {4, "how well each maker is proven, the maker clone-prone tells suggest, the clues of unidentified devices", R"sql(
ALTER TABLE observations ADD COLUMN maker_proof TEXT NOT NULL DEFAULT 'none';  -- none|possible|indicated|proven
ALTER TABLE observations ADD COLUMN possible_manufacturer TEXT;               -- display name, when possible
ALTER TABLE observations ADD COLUMN possible_manufacturer_id TEXT;
ALTER TABLE observations ADD COLUMN clues TEXT NOT NULL DEFAULT '[]';         -- JSON: [Evidence] without implies
)sql"},
      {5, "the site a scan belongs to (`scan --site`): reports, `diff` and `scans` group by it", R"sql(
ALTER TABLE scans ADD COLUMN site TEXT;                                        -- NULL = no site given
CREATE INDEX scans_site ON scans(site, number);
)sql"},
      {6, "users, audit log and alerts of `anshin serve` (serve_users, serve_audit; store/serve_tables.cc)", kServeTablesSql},
      {7, "sites (targets, scan settings, schedule, runner) and the scan-job queue (store/site_tables.cc)", kSiteTablesSql},
      {8, "site sensors (token hashes, one site each) and the ledger of uploaded result chunks (store/sensor_tables.cc)", kSensorTablesSql},
  };
  return kMigrations;
}

int latest_version() { return migrations().back().version; }

namespace {

Result<int> user_version(sqlite3* db) {
  sql::Stmt st(db, "PRAGMA user_version");
  const int rc = st.step();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading the schema version");
  return static_cast<int>(st.col_int(0));
}

}  // namespace

Result<void> migrate(sqlite3* db, int target) {
  if (target < 0 || target > latest_version()) {
    return Error{Errc::kInvalidInput, "no schema version " + std::to_string(target)};
  }
  int rc = sql::exec(db, "BEGIN IMMEDIATE");
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "upgrading the inventory schema");
  auto fail = [db](int code, const std::string& what) -> Result<void> {
    Error e = sql::error_from(db, code, what);
    sql::exec(db, "ROLLBACK");
    return e;
  };
  auto current = user_version(db);
  if (!current) {
    Error e = current.error();
    sql::exec(db, "ROLLBACK");
    return e;
  }
  for (const auto& m : migrations()) {
    if (m.version <= *current || m.version > target) continue;
    rc = sql::exec(db, m.sql);
    if (rc != SQLITE_OK) return fail(rc, "schema migration to version " + std::to_string(m.version));
  }
  if (*current < target) {
    // PRAGMA takes no parameters; both values are integers of ours, never outside input.
    const std::string set = "PRAGMA user_version = " + std::to_string(target) +
                            "; PRAGMA application_id = " + std::to_string(kApplicationId);
    rc = sql::exec(db, set.c_str());
    if (rc != SQLITE_OK) return fail(rc, "recording the schema version");
  }
  rc = sql::exec(db, "COMMIT");
  if (rc != SQLITE_OK) return fail(rc, "upgrading the inventory schema");
  return {};
}

}  // namespace anshin::store::schema
