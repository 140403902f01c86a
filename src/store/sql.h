// Internal to the store module: one SQL layer over two backends, SQLite (a file) and PostgreSQL (libpq,
// `--db postgresql://...`), so the store's queries are written once. Every value reaches SQL through
// bind(); nothing is ever interpolated into statement text. libpq's types stay in sql_pg.cc.
//
// Portable SQL (what a query must look like to run on both; docs/inventory.md, "Writing SQL for both"):
//   placeholders `?` or `?N` (translated to $N for PostgreSQL); INSERT ... ON CONFLICT ... DO NOTHING/UPDATE
//   instead of INSERT OR IGNORE/REPLACE; INSERT ... RETURNING id instead of last_insert_rowid; CASE instead
//   of the two-argument MIN/MAX; "user" quoted; no PRAGMA, json_each, strftime or rowid in queries.
//   What cannot be portable branches on conn->dialect() (e.g. finding_counts' JSON, for_update_skip_locked).
//
// Result codes are SQLite's for both backends (SQLITE_OK, SQLITE_ROW, SQLITE_DONE, SQLITE_BUSY for a lock
// that could not be had, SQLITE_CONSTRAINT, SQLITE_IOERR for a lost connection, SQLITE_ERROR), so call
// sites compare with the same constants whatever the backend.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::store::sql {

enum class Dialect { kSqlite, kPostgres };

// One prepared statement of one backend (Stmt forwards to it).
class StmtBackend {
 public:
  virtual ~StmtBackend() = default;
  virtual void bind_null(int i) = 0;
  virtual void bind_int(int i, int64_t v) = 0;
  virtual void bind_double(int i, double v) = 0;
  virtual void bind_text(int i, std::string_view v) = 0;
  virtual void bind_bytes(int i, std::string_view v) = 0;
  virtual int step() = 0;
  virtual void reset() = 0;
  virtual bool is_null(int col) const = 0;
  virtual int64_t col_int(int col) const = 0;
  virtual double col_double(int col) const = 0;
  virtual std::string col_string(int col) const = 0;
};

// A connection. Not thread-safe: the Store's mutex guards it.
class Conn {
 public:
  virtual ~Conn() = default;
  virtual Dialect dialect() const = 0;
  // nullptr with *rc set when the statement cannot be prepared (SQLite prepares at once; PostgreSQL
  // reports errors at the first step()).
  virtual std::unique_ptr<StmtBackend> prepare(std::string_view sql, int* rc) = 0;
  // Statements without results; several separated by ';' are allowed.
  virtual int exec(std::string_view sql) = 0;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int64_t changes() const = 0;
  // The backend's message for the last failure, one line, never a password.
  virtual std::string last_error() const = 0;
  // A write transaction that excludes every other writer of the inventory until COMMIT or ROLLBACK
  // (SQLite: BEGIN IMMEDIATE; PostgreSQL: BEGIN plus a transaction-scoped advisory lock), and a read
  // transaction that sees one consistent snapshot.
  virtual int begin_write() = 0;
  virtual int begin_read() = 0;
};

// Takes ownership of an open SQLite handle.
std::unique_ptr<Conn> wrap_sqlite(sqlite3* db);

// True for a `--db` value naming a PostgreSQL database (postgresql:// or postgres://).
bool is_postgres_uri(std::string_view db);
// The URI with the password (user:PASSWORD@ and password=...) replaced by "***"; other values as given.
std::string redact(std::string_view db);

// Connects to PostgreSQL (libpq URI). Errors, one line each, the URI redacted: the server refused or
// cannot be reached, authentication failed (Errc::kIo: could not run), the database does not exist
// (Errc::kNotFound). lock_timeout_ms bounds every wait for a lock (then SQLITE_BUSY: "locked").
Result<std::unique_ptr<Conn>> connect_postgres(const std::string& uri, int lock_timeout_ms);

// Maps a result code to an Error: BUSY/LOCKED -> "locked" (Errc::kIo), NOTADB -> Errc::kInvalidInput,
// everything else Errc::kIo with the backend's message.
Error error_from(Conn* db, int rc, std::string_view what);

class Stmt {
 public:
  Stmt(Conn* db, std::string_view sql);
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  bool ok() const { return impl_ != nullptr; }
  int prepare_rc() const { return prepare_rc_; }

  // 1-based parameter index.
  void bind_null(int i);
  void bind_int(int i, int64_t v);
  void bind_double(int i, double v);
  // Plain text (valid UTF-8 we produced: JSON, timestamps, addresses).
  void bind_text(int i, std::string_view v);
  // A string a device (or user) supplied: kept byte for byte whatever it holds (SQLite: TEXT when it is
  // valid UTF-8 without NUL, else a BLOB; PostgreSQL: text, escaped by encode_text when not clean).
  // Equality between two values bound this way is byte equality.
  void bind_bytes(int i, std::string_view v);
  void bind_opt_bytes(int i, const std::optional<std::string>& v);

  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  void reset();

  bool is_null(int col) const;
  int64_t col_int(int col) const;
  double col_double(int col) const;
  std::string col_string(int col) const;  // exact bytes, as bound
  std::optional<std::string> col_opt_string(int col) const;

 private:
  std::unique_ptr<StmtBackend> impl_;
  int prepare_rc_ = SQLITE_OK;
};

// Runs statements without results (schema, BEGIN/COMMIT).
int exec(Conn* db, const char* sql);
// Rows changed by the last INSERT, UPDATE or DELETE on `db`.
int64_t changes(Conn* db);

// BEGIN (Conn::begin_write or begin_read) ... COMMIT, rolled back when not committed.
class Tx {
 public:
  enum Kind { kWrite, kRead };
  explicit Tx(Conn* db, Kind kind = kWrite);
  ~Tx();
  Tx(const Tx&) = delete;
  Tx& operator=(const Tx&) = delete;
  int begin_rc() const { return rc_; }
  int commit();

 private:
  Conn* db_;
  int rc_;
  bool done_ = false;
};

// " FOR UPDATE SKIP LOCKED" on PostgreSQL (a worker takes rows no other transaction holds); "" on SQLite,
// whose write transaction (Tx kWrite) already excludes every other writer. Append to a SELECT inside a
// kWrite transaction.
const char* for_update_skip_locked(Conn* db);

// `?` and `?N` placeholders to PostgreSQL's $N (string literals, quoted identifiers and comments are left
// alone); *params is the highest parameter number used.
std::string to_postgres_placeholders(std::string_view sql, int* params);

// PostgreSQL text holds no NUL and only valid UTF-8: a string that is not clean, or that begins with the
// marker byte 0x01, is stored as 0x01 followed by its bytes in lower-case hex; decode_text reverses it.
// Injective, so equality of encoded values is equality of the bytes.
std::string encode_text(std::string_view v);
std::string decode_text(std::string_view stored);

// True when `s` is valid UTF-8 and contains no NUL byte.
bool is_clean_text(std::string_view s);

}  // namespace anshin::store::sql
