#include "store/sql.h"

#include "i18n/catalog.h"

namespace anshin::store::sql {

namespace {

class SqliteStmt final : public StmtBackend {
 public:
  explicit SqliteStmt(sqlite3_stmt* stmt) : stmt_(stmt) {}
  ~SqliteStmt() override { sqlite3_finalize(stmt_); }
  void bind_null(int i) override { sqlite3_bind_null(stmt_, i); }
  void bind_int(int i, int64_t v) override { sqlite3_bind_int64(stmt_, i, v); }
  void bind_double(int i, double v) override { sqlite3_bind_double(stmt_, i, v); }
  void bind_text(int i, std::string_view v) override {
    sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void bind_bytes(int i, std::string_view v) override {
    if (is_clean_text(v)) {
      bind_text(i, v);
    } else {
      sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
    }
  }
  int step() override { return sqlite3_step(stmt_); }
  void reset() override {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  bool is_null(int col) const override { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  int64_t col_int(int col) const override { return sqlite3_column_int64(stmt_, col); }
  double col_double(int col) const override { return sqlite3_column_double(stmt_, col); }
  std::string col_string(int col) const override {
    if (sqlite3_column_type(stmt_, col) == SQLITE_BLOB) {
      const void* p = sqlite3_column_blob(stmt_, col);
      const int n = sqlite3_column_bytes(stmt_, col);
      return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
    }
    const unsigned char* p = sqlite3_column_text(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }

 private:
  sqlite3_stmt* stmt_;
};

class SqliteConn final : public Conn {
 public:
  explicit SqliteConn(sqlite3* db) : db_(db) {}
  ~SqliteConn() override { sqlite3_close_v2(db_); }
  Dialect dialect() const override { return Dialect::kSqlite; }
  std::unique_ptr<StmtBackend> prepare(std::string_view sql, int* rc) override {
    sqlite3_stmt* stmt = nullptr;
    *rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (*rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return nullptr;
    }
    return std::make_unique<SqliteStmt>(stmt);
  }
  int exec(std::string_view sql) override {
    const std::string text(sql);
    return sqlite3_exec(db_, text.c_str(), nullptr, nullptr, nullptr);
  }
  int64_t changes() const override { return sqlite3_changes64(db_); }
  std::string last_error() const override {
    const char* m = sqlite3_errmsg(db_);
    return m ? m : "";
  }
  int begin_write() override { return exec("BEGIN IMMEDIATE"); }
  int begin_read() override { return exec("BEGIN"); }

 private:
  sqlite3* db_;
};

}  // namespace

std::unique_ptr<Conn> wrap_sqlite(sqlite3* db) { return std::make_unique<SqliteConn>(db); }

Error error_from(Conn* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const std::string msg(what);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return i18n::error(Errc::kIo, "error.store.locked", {{"what", msg}});
  if (primary == SQLITE_NOTADB) return i18n::error(Errc::kInvalidInput, "error.store.notadb", {{"what", msg}});
  std::string detail = db ? db->last_error() : std::string();
  if (detail.empty()) detail = sqlite3_errstr(rc);
  return i18n::error(Errc::kIo, "error.store.sqlite", {{"what", msg}, {"detail", detail}});
}

Stmt::Stmt(Conn* db, std::string_view sql) { impl_ = db->prepare(sql, &prepare_rc_); }

void Stmt::bind_null(int i) { if (impl_) impl_->bind_null(i); }
void Stmt::bind_int(int i, int64_t v) { if (impl_) impl_->bind_int(i, v); }
void Stmt::bind_double(int i, double v) { if (impl_) impl_->bind_double(i, v); }
void Stmt::bind_text(int i, std::string_view v) { if (impl_) impl_->bind_text(i, v); }
void Stmt::bind_bytes(int i, std::string_view v) { if (impl_) impl_->bind_bytes(i, v); }

void Stmt::bind_opt_bytes(int i, const std::optional<std::string>& v) {
  if (v) {
    bind_bytes(i, *v);
  } else {
    bind_null(i);
  }
}

int Stmt::step() { return impl_ ? impl_->step() : prepare_rc_; }
void Stmt::reset() { if (impl_) impl_->reset(); }
bool Stmt::is_null(int col) const { return impl_->is_null(col); }
int64_t Stmt::col_int(int col) const { return impl_->col_int(col); }
double Stmt::col_double(int col) const { return impl_->col_double(col); }
std::string Stmt::col_string(int col) const { return impl_->col_string(col); }

std::optional<std::string> Stmt::col_opt_string(int col) const {
  if (is_null(col)) return std::nullopt;
  return col_string(col);
}

int exec(Conn* db, const char* sql) { return db->exec(sql); }
int64_t changes(Conn* db) { return db->changes(); }

Tx::Tx(Conn* db, Kind kind) : db_(db) { rc_ = kind == kWrite ? db_->begin_write() : db_->begin_read(); }

Tx::~Tx() {
  if (rc_ == SQLITE_OK && !done_) db_->exec("ROLLBACK");
}

int Tx::commit() {
  const int rc = db_->exec("COMMIT");
  if (rc == SQLITE_OK) {
    done_ = true;
  } else if (db_->dialect() == Dialect::kPostgres) {
    done_ = true;  // a failed COMMIT ends the transaction on PostgreSQL
  }
  return rc;
}

const char* for_update_skip_locked(Conn* db) {
  return db->dialect() == Dialect::kPostgres ? " FOR UPDATE SKIP LOCKED" : "";
}

bool is_postgres_uri(std::string_view db) {
  return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::string redact(std::string_view db) {
  if (!is_postgres_uri(db)) return std::string(db);
  std::string out(db);
  const size_t start = out.find("://") + 3;
  size_t p = start;  // libpq: the user part ends at an '@' that comes before any '/'
  while (p < out.size() && out[p] != '@' && out[p] != '/') ++p;
  if (p < out.size() && out[p] == '@') {
    const size_t colon = out.find(':', start);
    if (colon < p) out.replace(colon + 1, p - colon - 1, "***");
  }
  const size_t query = out.find('?');
  size_t key = query == std::string::npos ? out.size() : query + 1;
  while (key < out.size()) {
    size_t end = std::min(out.find('&', key), out.size());
    if (out.compare(key, 9, "password=") == 0) {
      out.replace(key + 9, end - key - 9, "***");
      end = key + 12;
    }
    key = end + 1;
  }
  return out;
}

std::string to_postgres_placeholders(std::string_view sql, int* params) {
  std::string out;
  out.reserve(sql.size() + 16);
  int highest = 0;
  size_t i = 0;
  const size_t n = sql.size();
  auto copy_until = [&](char close) {  // a quoted literal or identifier, the quotes included
    out.push_back(sql[i++]);
    while (i < n) {
      const char c = sql[i++];
      out.push_back(c);
      if (c == close) {
        if (i < n && sql[i] == close) {  // doubled quote: still inside
          out.push_back(sql[i++]);
          continue;
        }
        return;
      }
    }
  };
  while (i < n) {
    const char c = sql[i];
    if (c == '\'' || c == '"') {
      copy_until(c);
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') out.push_back(sql[i++]);
    } else if (c == '?') {
      ++i;
      int number = 0;
      size_t digits = 0;
      while (i < n && sql[i] >= '0' && sql[i] <= '9' && digits < 6) {
        number = number * 10 + (sql[i++] - '0');
        ++digits;
      }
      if (digits == 0) number = highest + 1;  // SQLite: a bare ? is one more than the highest so far
      highest = std::max(highest, number);
      out += '$' + std::to_string(number);
    } else {
      out.push_back(sql[i++]);
    }
  }
  *params = highest;
  return out;
}

namespace {
constexpr char kMarker = '\x01';
constexpr char kHex[] = "0123456789abcdef";
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}
}  // namespace

std::string encode_text(std::string_view v) {
  if (is_clean_text(v) && (v.empty() || v.front() != kMarker)) return std::string(v);
  std::string out(1, kMarker);
  out.reserve(1 + v.size() * 2);
  for (unsigned char c : v) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string decode_text(std::string_view stored) {
  if (stored.empty() || stored.front() != kMarker || stored.size() % 2 != 1) return std::string(stored);
  std::string out;
  out.reserve(stored.size() / 2);
  for (size_t i = 1; i + 1 < stored.size(); i += 2) {
    const int hi = hex_value(stored[i]);
    const int lo = hex_value(stored[i + 1]);
    if (hi < 0 || lo < 0) return std::string(stored);  // not ours: as stored
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

bool is_clean_text(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return false;
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len = 0;
    uint32_t cp = 0;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += len;
  }
  return true;
}

}  // namespace anshin::store::sql
