// A PostgreSQL cluster for C++ tests, through tests/support/pg_cluster (the one place that knows how to
// start and stop one; docs/inventory.md, "Tests on PostgreSQL"). Header only.
//
//   auto* pg = testutil::PgCluster::get();   // nullptr when PostgreSQL is not installed: GTEST_SKIP
//   std::string uri = pg->fresh_database();   // an empty database of its own, postgresql://anshin:...@127.0.0.1:PORT/db_N
//
// With ANSHIN_TEST_PG_CLUSTER=DIR (a cluster that ctest's fixture `pg_cluster` started), tests use it;
// otherwise (or when none runs there) the first get() starts one in a temporary directory, owned by this process: it is stopped and
// removed at exit, and by the script's watcher if the process dies first.
#pragma once
#include <stdlib.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace anshin::testutil {

class PgCluster {
 public:
  static PgCluster* get() {
    static std::unique_ptr<PgCluster> cluster = start();
    return cluster.get();
  }

  // A new empty database of the cluster; its URI.
  std::string fresh_database() {
    static std::atomic<int> counter{0};
    const std::string name = "db_" + std::to_string(getpid()) + "_" + std::to_string(counter++);
    return run(script() + " createdb " + dir_ + " " + name);
  }
  // The first database the cluster was started with (`anshin`, left empty by tests that use it only to
  // check connections).
  const std::string& uri() const { return uri_; }
  const std::string& dir() const { return dir_; }

  ~PgCluster() {
    if (owned_) std::system((script() + " stop " + dir_ + " >/dev/null 2>&1").c_str());
  }

 private:
  static std::string script() { return std::string(ANSHIN_SOURCE_DIR) + "/tests/support/pg_cluster"; }

  static std::string run(const std::string& command) {
    std::string out;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return out;
    std::array<char, 512> buf{};
    while (fgets(buf.data(), buf.size(), p)) out += buf.data();
    if (pclose(p) != 0) return "";
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
  }

  static std::unique_ptr<PgCluster> start() {
    auto c = std::unique_ptr<PgCluster>(new PgCluster);
    if (const char* shared = getenv("ANSHIN_TEST_PG_CLUSTER"); shared && *shared) {
      c->dir_ = shared;
      c->uri_ = run(script() + " uri " + c->dir_ + " 2>/dev/null");
      if (!c->uri_.empty()) return c;  // else: none there, start our own
    }
    std::string tmpl = (std::filesystem::temp_directory_path() / "anshin-pg-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) return nullptr;
    c->dir_ = tmpl;
    c->uri_ = run(script() + " start " + c->dir_ + " " + std::to_string(getpid()) + " 2>/dev/null");
    if (c->uri_.empty()) {
      std::filesystem::remove_all(c->dir_);
      return nullptr;
    }
    c->owned_ = true;
    return c;
  }

  std::string dir_;
  std::string uri_;
  bool owned_ = false;
};

}  // namespace anshin::testutil
