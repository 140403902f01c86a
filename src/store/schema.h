// Internal to the store module (and its tests): the versioned schema of the inventory database.
// SQLite: the schema version is PRAGMA user_version; PRAGMA application_id marks the file as anshin's.
// PostgreSQL: the one row of the table anshin_schema (version, application_id).
// Migration N takes a database from version N-1 to N; they run in order, each set inside one
// transaction, so a database is always at exactly one version. Never edit a released migration:
// append a new one. docs/inventory.md describes every version and how to write one for both dialects.
#pragma once

#include <string>
#include <vector>

#include "core/result.h"
#include "store/sql.h"

namespace anshin::store::schema {

inline constexpr int kApplicationId = 0x414E5348;  // "ANSH"

struct Migration {
  int version;          // the version the database is at after this step
  const char* summary;  // one line, for docs and error messages
  const char* sql;      // one or more statements; SQLite, and PostgreSQL too when `postgres` is null
  // The PostgreSQL text, only when `sql` is not valid there or means something else (INTEGER PRIMARY KEY
  // row ids, 64-bit INTEGER, REAL, strftime defaults, reserved words, equality-only hash indexes).
  const char* postgres = nullptr;
};

const std::vector<Migration>& migrations();
int latest_version();

// The schema version `db` is at: 0 for an empty database (PostgreSQL: no anshin_schema table).
Result<int> stored_version(sql::Conn* db);

// Brings `db` from its current version to `target` (<= latest_version()), inside one write transaction
// (sql::Tx kWrite, re-reading the version inside it, so two processes opening the same new database do
// not both migrate). Sets application_id. Tests use a lower target to build old databases.
Result<void> migrate(sql::Conn* db, int target);

}  // namespace anshin::store::schema
