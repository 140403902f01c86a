// The PostgreSQL backend of the SQL layer (store/sql.h), through libpq. Values travel as text parameters
// (integers typed int8, doubles float8, strings left for the server to type from their use); results come
// back as text. Strings pass through encode_text/decode_text so any bytes round-trip. A Stmt holds one
// statement, prepared once per connection (named prepared statements: a pooler in transaction mode is not
// supported); exec() runs any number of statements unprepared.
#include <libpq-fe.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/text.h"
#include "i18n/catalog.h"
#include "store/sql.h"

namespace anshin::store::sql {

namespace {

constexpr Oid kInt8Oid = 20;
constexpr Oid kFloat8Oid = 701;
// pg_advisory_xact_lock key of the inventory's writers: "ANSH".
constexpr const char* kBeginWrite = "BEGIN; SELECT pg_advisory_xact_lock(1095652168)";

std::string first_line(const char* message) {
  std::string s = message ? message : "";
  const size_t nl = s.find('\n');
  if (nl != std::string::npos) s.resize(nl);
  for (const char* label : {"ERROR:  ", "FATAL:  "}) {  // libpq's severity labels, wherever they are
    for (size_t at = s.find(label); at != std::string::npos; at = s.find(label)) s.erase(at, std::char_traits<char>::length(label));
  }
  return text::escape_for_terminal(std::string(text::trim(s)));
}

void ignore_notice(void*, const char*) {}

class PgConn;

class PgStmt final : public StmtBackend {
 public:
  PgStmt(PgConn* conn, std::string sql, int params)
      : conn_(conn), sql_(std::move(sql)), values_(static_cast<size_t>(params)), types_(static_cast<size_t>(params), 0) {}
  ~PgStmt() override { PQclear(result_); }
  void bind_null(int i) override { set(i, std::nullopt, 0); }
  void bind_int(int i, int64_t v) override { set(i, std::to_string(v), kInt8Oid); }
  void bind_double(int i, double v) override {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.17g", v);
    set(i, std::string(buf), kFloat8Oid);
  }
  void bind_text(int i, std::string_view v) override { set(i, encode_text(v), 0); }
  void bind_bytes(int i, std::string_view v) override { set(i, encode_text(v), 0); }
  int step() override;
  void reset() override {
    PQclear(result_);
    result_ = nullptr;
    row_ = -1;
    for (auto& v : values_) v.reset();
    for (auto& t : types_) t = 0;
  }
  // Outside a row (no result, past the last row, no such column), as SQLite: NULL, 0, "".
  bool is_null(int col) const override { return !on_row(col) || PQgetisnull(result_, row_, col) != 0; }
  int64_t col_int(int col) const override { return on_row(col) ? std::strtoll(PQgetvalue(result_, row_, col), nullptr, 10) : 0; }
  double col_double(int col) const override { return on_row(col) ? std::strtod(PQgetvalue(result_, row_, col), nullptr) : 0; }
  std::string col_string(int col) const override {
    if (!on_row(col)) return {};
    return decode_text(std::string_view(PQgetvalue(result_, row_, col),
                                        static_cast<size_t>(PQgetlength(result_, row_, col))));
  }

 private:
  bool on_row(int col) const {
    return result_ && row_ >= 0 && row_ < PQntuples(result_) && col >= 0 && col < PQnfields(result_);
  }
  void set(int i, std::optional<std::string> value, Oid type) {
    if (i < 1 || static_cast<size_t>(i) > values_.size()) return;  // as SQLite: an unused index is ignored
    values_[static_cast<size_t>(i) - 1] = std::move(value);
    types_[static_cast<size_t>(i) - 1] = type;
  }

  PgConn* conn_;
  std::string sql_;
  std::vector<std::optional<std::string>> values_;
  std::vector<Oid> types_;
  PGresult* result_ = nullptr;
  int row_ = -1;
};

class PgConn final : public Conn {
 public:
  explicit PgConn(PGconn* conn) : conn_(conn) {}
  ~PgConn() override { PQfinish(conn_); }
  Dialect dialect() const override { return Dialect::kPostgres; }
  std::unique_ptr<StmtBackend> prepare(std::string_view sql, int* rc) override {
    int params = 0;
    std::string text = to_postgres_placeholders(sql, &params);
    *rc = SQLITE_OK;
    return std::make_unique<PgStmt>(this, std::move(text), params);
  }
  int exec(std::string_view sql) override {
    PGresult* r = PQexec(conn_, std::string(sql).c_str());
    const int rc = finish(r);
    PQclear(r);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? SQLITE_OK : rc;
  }
  int64_t changes() const override { return changes_; }
  std::string last_error() const override { return last_error_; }
  int begin_write() override {
    const int rc = exec(kBeginWrite);
    if (rc != SQLITE_OK && PQtransactionStatus(conn_) != PQTRANS_IDLE) {  // BEGIN ran, the lock did not come
      const std::string error = last_error_;
      exec("ROLLBACK");
      last_error_ = error;
    }
    return rc;
  }
  int begin_read() override { return exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"); }

  PGconn* native() { return conn_; }

  // Each statement text (with its parameter types) is prepared once per connection: the server parses and
  // plans it once. A reset connection has lost them; a full cache is dropped.
  int prepared(const std::string& sql, const std::vector<Oid>& types) {
    const std::string key = cache_key(sql, types);
    if (names_.count(key)) return SQLITE_OK;
    if (names_.size() >= 512) {
      exec("DEALLOCATE ALL");
      names_.clear();
    }
    const std::string name = "anshin_" + std::to_string(next_name_++);
    PGresult* r = PQprepare(conn_, name.c_str(), sql.c_str(), static_cast<int>(types.size()), types.data());
    const int rc = finish(r);
    PQclear(r);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) return rc;
    names_.emplace(key, name);
    return SQLITE_OK;
  }
  const std::string& statement_name(const std::string& sql, const std::vector<Oid>& types) {
    return names_.at(cache_key(sql, types));
  }

  // The result code of a finished command; records changes and the error. A connection found broken is
  // reset, so the next call works again once the server is back (the failed one is not retried).
  int finish(PGresult* r) {
    const ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
      const char* n = PQcmdTuples(r);
      changes_ = (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
      return status == PGRES_TUPLES_OK ? SQLITE_ROW : SQLITE_DONE;
    }
    last_error_ = first_line(r ? PQresultErrorMessage(r) : PQerrorMessage(conn_));
    if (PQstatus(conn_) == CONNECTION_BAD) {
      names_.clear();
      PQreset(conn_);
      return SQLITE_IOERR;
    }
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    const std::string code = state ? state : "";
    if (code == "26000") names_.clear();  // a prepared statement went away (DEALLOCATE, a pooler): prepare again
    if (code.rfind("23", 0) == 0) return SQLITE_CONSTRAINT;
    if (code == "40001" || code == "40P01" || code == "55P03") return SQLITE_BUSY;
    if (code.rfind("08", 0) == 0) return SQLITE_IOERR;
    return SQLITE_ERROR;
  }

 private:
  static std::string cache_key(const std::string& sql, const std::vector<Oid>& types) {
    std::string key = sql;
    for (Oid t : types) key += "\x1f" + std::to_string(t);
    return key;
  }

  PGconn* conn_;
  int64_t changes_ = 0;
  std::string last_error_;
  std::unordered_map<std::string, std::string> names_;  // cache key -> prepared statement name
  uint64_t next_name_ = 0;
};

int PgStmt::step() {
  if (!result_) {
    std::vector<const char*> values(values_.size());
    for (size_t i = 0; i < values_.size(); ++i) values[i] = values_[i] ? values_[i]->c_str() : nullptr;
    const int prepared = conn_->prepared(sql_, types_);
    if (prepared != SQLITE_OK) return prepared;
    result_ = PQexecPrepared(conn_->native(), conn_->statement_name(sql_, types_).c_str(),
                             static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0);
    const int rc = conn_->finish(result_);
    if (rc != SQLITE_ROW) {
      PQclear(result_);
      result_ = nullptr;
      return rc;
    }
    row_ = -1;
  }
  ++row_;
  return row_ < PQntuples(result_) ? SQLITE_ROW : SQLITE_DONE;
}

bool contains(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

Result<std::unique_ptr<Conn>> connect_postgres(const std::string& uri, int lock_timeout_ms) {
  // Later keywords override earlier ones: the URI may set connect_timeout and options, never the encoding.
  // lock_timeout travels in the startup options, so a connection reset after a server restart keeps it.
  const std::string options = "-c lock_timeout=" + std::to_string(std::max(1, lock_timeout_ms));
  const char* keys[] = {"connect_timeout", "options", "dbname", "client_encoding", "application_name", nullptr};
  const char* values[] = {"10", options.c_str(), uri.c_str(), "UTF8", "anshin", nullptr};
  PGconn* raw = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  const std::string shown = redact(uri);
  if (!raw) return i18n::error(Errc::kIo, "error.store.pg_connect", {{"path", shown}, {"detail", "out of memory"}});
  auto conn = std::make_unique<PgConn>(raw);
  if (PQstatus(raw) != CONNECTION_OK) {
    const std::string message = PQerrorMessage(raw);
    // libpq's messages may span lines ("connection to server ... failed: FATAL:  ..."): the last one
    // that says something names the cause.
    std::string detail;
    for (size_t start = 0; start < message.size();) {
      const size_t end = std::min(message.find('\n', start), message.size());
      const std::string line = first_line(message.substr(start, end - start).c_str());
      if (!line.empty() && line.rfind("Is the server running", 0) != 0) detail = line;
      start = end + 1;
    }
    if (contains(message, "database \"") && contains(message, "does not exist")) {
      return i18n::error(Errc::kNotFound, "error.store.pg_no_database", {{"path", shown}, {"detail", detail}});
    }
    if (contains(message, "authentication failed") || contains(message, "no password supplied") ||
        contains(message, "pg_hba.conf") || (contains(message, "role \"") && contains(message, "does not exist"))) {
      return i18n::error(Errc::kIo, "error.store.pg_auth", {{"path", shown}, {"detail", detail}});
    }
    return i18n::error(Errc::kIo, "error.store.pg_connect", {{"path", shown}, {"detail", detail}});
  }
  PQsetNoticeProcessor(raw, ignore_notice, nullptr);
  return std::unique_ptr<Conn>(std::move(conn));
}

}  // namespace anshin::store::sql
