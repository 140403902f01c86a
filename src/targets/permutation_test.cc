#include "targets/permutation.h"
#include "targets/targets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <ctime>
#include <cstdio>
#include <vector>

namespace anshin::targets {
namespace {

// CPU time of this thread (ns): less disturbed than wall time on a shared machine.
double thread_ns() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e9 + static_cast<double>(ts.tv_nsec);
}

void expect_bijection(uint64_t n, uint64_t seed) {
  const Permutation p(n, seed);
  ASSERT_EQ(p.size(), n);
  std::vector<bool> seen(n, false);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t v = p.at(i);
    ASSERT_LT(v, n) << "n=" << n << " seed=" << seed << " i=" << i;
    ASSERT_FALSE(seen[v]) << "value " << v << " visited twice (n=" << n << " seed=" << seed << ")";
    seen[v] = true;
    ASSERT_EQ(p.index_of(v), i);
  }
}

TEST(TargetsPermutation, CoversEveryIndexExactlyOnce) {
  for (uint64_t n : {1ull, 2ull, 3ull, 4ull, 5ull, 7ull, 1000ull, 1024ull, 65537ull})
    for (uint64_t seed : {0ull, 1ull, 42ull, 0xdeadbeefcafef00dull}) expect_bijection(n, seed);
}

TEST(TargetsPermutation, IsNotTheIdentityAndDependsOnTheSeed) {
  for (uint64_t n : {1000ull, 65537ull}) {
    const Permutation a(n, 1), b(n, 2);
    uint64_t fixed = 0, same = 0;
    for (uint64_t i = 0; i < n; ++i) {
      fixed += a.at(i) == i;
      same += a.at(i) == b.at(i);
    }
    EXPECT_LT(fixed, n / 50) << "n=" << n;  // a random permutation has ~1 fixed point
    EXPECT_LT(same, n / 50) << "n=" << n;
  }
  // Deterministic: same (n, seed), same order (this is what makes a scan resumable by index).
  const Permutation c(5000, 7), d(5000, 7);
  for (uint64_t i = 0; i < 5000; ++i) ASSERT_EQ(c.at(i), d.at(i));
}

TEST(TargetsPermutation, ConsecutiveIndicesLandOnDifferentSubnets) {
  // 2^16 hosts of a /16: consecutive probes should almost never share a /24.
  const uint64_t n = 65536;
  const Permutation p(n, 99);
  uint64_t same_24 = 0;
  for (uint64_t i = 0; i + 1 < n; ++i) same_24 += (p.at(i) >> 8) == (p.at(i + 1) >> 8);
  EXPECT_LT(same_24, n / 100);  // random: ~n/256
  // Neither does a plan of a /24 x 17 ports (address-major probe order) hit one host twice in a row.
  const uint64_t probes = 256 * 17;
  const Permutation q(probes, 5);
  uint64_t same_host = 0;
  for (uint64_t i = 0; i + 1 < probes; ++i) same_host += (q.at(i) / 17) == (q.at(i + 1) / 17);
  EXPECT_LT(same_host, probes / 50);
}

TEST(TargetsPermutation, HugeDomains) {
  for (uint64_t n : {(1ull << 32) * 17, (1ull << 40) + 3, ~0ull}) {
    const Permutation p(n, 3);
    for (uint64_t i = 0; i < 10000; ++i) {
      const uint64_t idx = i * 0x9E3779B97F4A7C15ull % n;
      const uint64_t v = p.at(idx);
      ASSERT_LT(v, n);
      ASSERT_EQ(p.index_of(v), idx);
    }
  }
  EXPECT_EQ(Permutation().size(), 0u);
}

// Not a pass/fail benchmark (machines differ): prints ns per call and only fails when something is
// pathologically slow. The figure quoted in the module report comes from this test (RelWithDebInfo).
TEST(TargetsPermutation, SpeedReport) {
  for (uint64_t n : {65537ull, 17ull << 24, (1ull << 32) * 17 + 1}) {
    const Permutation p(n, 12345);
    const uint64_t calls = std::min<uint64_t>(n, 4'000'000);
    uint64_t sink = 0;
    const double t0 = thread_ns();
    for (uint64_t i = 0; i < calls; ++i) sink += p.at(i);
    const double t1 = thread_ns();
    const double ns = (t1 - t0) / static_cast<double>(calls);
    std::printf("Permutation n=%llu: %.1f ns per call (checksum %llu)\n", static_cast<unsigned long long>(n), ns,
                static_cast<unsigned long long>(sink % 1000));
    EXPECT_LT(ns, 1000.0);
  }
}

// The scan's hot path as a whole: permuted index -> (address, port) through a plan.
TEST(TargetsPermutation, PlanSpeedReport) {
  PlanOptions o;
  o.targets = {"10.0.0.0/8", "192.168.0.0/16", "fd00::/104"};
  o.excludes = {"10.1.0.0/16", "10.200.0.0-10.200.3.7"};
  o.ports = {80, 443, 554, 8000};
  auto plan = build_plan(o);
  ASSERT_TRUE(plan) << plan.error().message;
  const Permutation p(plan->size(), 1);
  const uint64_t calls = 4'000'000;
  uint64_t sink = 0;
  const double t0 = thread_ns();
  for (uint64_t i = 0; i < calls; ++i) {
    const Probe pr = plan->at(p.at(i));
    sink += pr.port + (pr.address.is_v4() ? pr.address.v4_value() : pr.address.v6_bytes()[15]);
  }
  const double t1 = thread_ns();
  const double ns = (t1 - t0) / static_cast<double>(calls);
  std::printf("plan.at(permutation.at(i)), %llu probes in %zu spans: %.1f ns per probe (checksum %llu)\n",
              static_cast<unsigned long long>(plan->size()), plan->groups()[0].spans.size(), ns,
              static_cast<unsigned long long>(sink % 1000));
  EXPECT_LT(ns, 2000.0);
}

}  // namespace
}  // namespace anshin::targets
