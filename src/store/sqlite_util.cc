#include "store/sqlite_util.h"

#include "i18n/catalog.h"

namespace anshin::store::sql {

Error error_from(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  const std::string msg(what);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return i18n::error(Errc::kIo, "error.store.locked", {{"what", msg}});
  if (primary == SQLITE_NOTADB) return i18n::error(Errc::kInvalidInput, "error.store.notadb", {{"what", msg}});
  const char* detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  return i18n::error(Errc::kIo, "error.store.sqlite", {{"what", msg}, {"detail", detail ? detail : sqlite3_errstr(rc)}});
}

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db) {
  prepare_rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt_, nullptr);
  if (prepare_rc_ != SQLITE_OK) {
    sqlite3_finalize(stmt_);
    stmt_ = nullptr;
  }
}

Stmt::~Stmt() { sqlite3_finalize(stmt_); }

void Stmt::bind_null(int i) { sqlite3_bind_null(stmt_, i); }
void Stmt::bind_int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
void Stmt::bind_double(int i, double v) { sqlite3_bind_double(stmt_, i, v); }

void Stmt::bind_text(int i, std::string_view v) {
  sqlite3_bind_text64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

void Stmt::bind_bytes(int i, std::string_view v) {
  if (is_clean_text(v)) {
    bind_text(i, v);
  } else {
    sqlite3_bind_blob64(stmt_, i, v.data(), v.size(), SQLITE_TRANSIENT);
  }
}

void Stmt::bind_opt_bytes(int i, const std::optional<std::string>& v) {
  if (v) {
    bind_bytes(i, *v);
  } else {
    bind_null(i);
  }
}

int Stmt::step() { return stmt_ ? sqlite3_step(stmt_) : prepare_rc_; }

void Stmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Stmt::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
int64_t Stmt::col_int(int col) const { return sqlite3_column_int64(stmt_, col); }
double Stmt::col_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Stmt::col_string(int col) const {
  if (sqlite3_column_type(stmt_, col) == SQLITE_BLOB) {
    const void* p = sqlite3_column_blob(stmt_, col);
    const int n = sqlite3_column_bytes(stmt_, col);
    return p ? std::string(static_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
  }
  const unsigned char* p = sqlite3_column_text(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::optional<std::string> Stmt::col_opt_string(int col) const {
  if (is_null(col)) return std::nullopt;
  return col_string(col);
}

int exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr); }

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
