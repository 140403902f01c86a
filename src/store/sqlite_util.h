// Internal to the store module: a thin RAII layer over the SQLite C API. Every value reaches SQL
// through bind(); nothing is ever interpolated into statement text.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::store::sql {

// Maps an SQLite result code to an Error: BUSY/LOCKED -> "locked" (Errc::kIo), NOTADB ->
// Errc::kInvalidInput, everything else Errc::kIo with sqlite3_errmsg.
Error error_from(sqlite3* db, int rc, std::string_view what);

class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return stmt_ != nullptr; }
  int prepare_rc() const { return prepare_rc_; }

  // 1-based parameter index.
  void bind_null(int i);
  void bind_int(int i, int64_t v);
  void bind_double(int i, double v);
  // Plain text (valid UTF-8 we produced: JSON, timestamps, addresses).
  void bind_text(int i, std::string_view v);
  // A string a device (or user) supplied: stored as TEXT when it is valid UTF-8 without NUL, else
  // as a BLOB of the exact bytes, so anything round-trips. Equality between two values bound this
  // way is byte equality.
  void bind_bytes(int i, std::string_view v);
  void bind_opt_bytes(int i, const std::optional<std::string>& v);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  void reset();

  bool is_null(int col) const;
  int64_t col_int(int col) const;
  double col_double(int col) const;
  std::string col_string(int col) const;  // exact bytes, TEXT or BLOB
  std::optional<std::string> col_opt_string(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  int prepare_rc_ = SQLITE_OK;
};

// Runs statements without results (schema, pragmas, BEGIN/COMMIT).
int exec(sqlite3* db, const char* sql);

// BEGIN IMMEDIATE ... COMMIT, rolled back when not committed. The writer's lock is taken at BEGIN,
// so a read and the writes that depend on it are one step for every other connection.
class WriteTx {
 public:
  explicit WriteTx(sqlite3* db) : db_(db) { rc_ = exec(db_, "BEGIN IMMEDIATE"); }
  ~WriteTx() {
    if (rc_ == SQLITE_OK && !done_) exec(db_, "ROLLBACK");
  }
  WriteTx(const WriteTx&) = delete;
  WriteTx& operator=(const WriteTx&) = delete;
  int begin_rc() const { return rc_; }
  int commit() {
    const int rc = exec(db_, "COMMIT");
    if (rc == SQLITE_OK) done_ = true;
    return rc;
  }

 private:
  sqlite3* db_;
  int rc_;
  bool done_ = false;
};

// True when `s` is valid UTF-8 and contains no NUL byte.
bool is_clean_text(std::string_view s);

}  // namespace anshin::store::sql
