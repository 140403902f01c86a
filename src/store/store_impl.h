// Internal to the store module: the state behind a Store, shared by store.cc and the files that add
// queries to it (serve_tables.cc). Hold `mu` for every use of `db`.
#pragma once
#include <sqlite3.h>

#include <mutex>
#include <string>

#include "store/store.h"

namespace anshin::store {

struct Store::Impl {
  sqlite3* db = nullptr;
  std::string path;
  int version = 0;
  std::mutex mu;

  ~Impl() {
    if (db) sqlite3_close_v2(db);
  }
};

}  // namespace anshin::store
