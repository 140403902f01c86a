// Internal to the store module (and its tests): the versioned schema of the inventory database.
// The schema version is PRAGMA user_version; PRAGMA application_id marks the file as anshin's.
// Migration N takes a database from version N-1 to N; they run in order, each set inside one
// transaction, so a database is always at exactly one version. Never edit a released migration:
// append a new one. docs/inventory.md describes every version.
#pragma once
#include <sqlite3.h>

#include <string>
#include <vector>

#include "core/result.h"

namespace anshin::store::schema {

inline constexpr int kApplicationId = 0x414E5348;  // "ANSH"

struct Migration {
  int version;          // the version the database is at after this step
  const char* summary;  // one line, for docs and error messages
  const char* sql;      // one or more statements
};

const std::vector<Migration>& migrations();
int latest_version();

// Brings `db` from its current user_version to `target` (<= latest_version()), inside one
// BEGIN IMMEDIATE transaction (re-reading the version inside it, so two processes opening the same
// new file do not both migrate). Sets application_id. Tests use a lower target to build old files.
Result<void> migrate(sqlite3* db, int target);

}  // namespace anshin::store::schema
