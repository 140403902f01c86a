// Internal to the store module: the state behind a Store, shared by store.cc and the files that add
// queries to it (serve_tables.cc). Hold `mu` for every use of `db`, the connection to SQLite or
// PostgreSQL (store/sql.h): `sql::Conn* db = store.impl_->db.get();`.
#pragma once
#include <memory>
#include <mutex>
#include <string>

#include "store/sql.h"
#include "store/store.h"

namespace anshin::store {

struct Store::Impl {
  std::unique_ptr<sql::Conn> db;
  std::string path;  // the file, or the PostgreSQL URI with its password redacted
  int version = 0;
  std::mutex mu;
};

}  // namespace anshin::store
