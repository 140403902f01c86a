// The store's test suites run on both backends: a parameterized fixture whose db(name) is an SQLite file
// in a temporary directory or a fresh database of the shared PostgreSQL cluster (support/pg_cluster.h).
// Header only.
//
//   using SiteSuite = testutil::OnBothBackends;
//   TEST_P(SiteSuite, X) { auto s = Store::open(db("inv")); ... }
//   INSTANTIATE_TEST_SUITE_P(Backends, SiteSuite, testutil::kBothBackends, testutil::backend_name);
#pragma once
#include <gtest/gtest.h>

#include <map>
#include <ostream>
#include <string>

#include "support/pg_cluster.h"
#include "support/store.h"

namespace anshin::store::testutil {

using anshin::testutil::PgCluster;

enum class Backend { kSqlite, kPostgres };

inline void PrintTo(Backend b, std::ostream* os) { *os << (b == Backend::kSqlite ? "SQLite" : "PostgreSQL"); }

inline std::string backend_name(const ::testing::TestParamInfo<Backend>& info) {
  return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
}

class OnBothBackends : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres && !PgCluster::get()) GTEST_SKIP() << "PostgreSQL 15 is not installed";
  }
  std::string db(const std::string& name) {
    if (GetParam() == Backend::kSqlite) return dir.file(name);
    std::string& uri = uris[name];
    if (uri.empty()) uri = PgCluster::get()->fresh_database();
    EXPECT_FALSE(uri.empty()) << "createdb failed";
    return uri;
  }
  bool sqlite() const { return GetParam() == Backend::kSqlite; }
  TempDir dir;
  std::map<std::string, std::string> uris;
};

inline const auto kBothBackends = ::testing::Values(Backend::kSqlite, Backend::kPostgres);

}  // namespace anshin::store::testutil
