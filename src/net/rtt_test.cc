#include "net/rtt.h"

#include <gtest/gtest.h>

namespace anshin::net {
namespace {

using namespace std::chrono_literals;

IpAddr ip(const char* text) { return *IpAddr::parse(text); }

TEST(RttEstimator, CeilingBeforeAnySample) {
  RttEstimator e;
  EXPECT_FALSE(e.has_sample());
  EXPECT_EQ(e.timeout({.floor = 50ms, .ceiling = 1000ms}), Micros(1000ms));
}

TEST(RttEstimator, FirstSampleFollowsRfc6298) {
  RttEstimator e;
  e.add(Micros(200ms));  // SRTT = 200 ms, RTTVAR = 100 ms: RTO = 200 + 4 * 100 = 600 ms
  EXPECT_EQ(e.srtt(), Micros(200ms));
  EXPECT_EQ(e.timeout({.floor = 50ms, .ceiling = 5000ms}), Micros(600ms));
}

TEST(RttEstimator, SmoothsLaterSamples) {
  RttEstimator e;
  e.add(Micros(100ms));  // SRTT 100, RTTVAR 50
  e.add(Micros(180ms));  // RTTVAR = (3 * 50 + 80) / 4 = 57.5; SRTT = (7 * 100 + 180) / 8 = 110
  EXPECT_EQ(e.srtt(), Micros(110ms));
  EXPECT_EQ(e.timeout({.floor = 1ms, .ceiling = 5000ms}), Micros(110ms) + 4 * Micros(57500));
}

TEST(RttEstimator, FloorHoldsForFastPaths) {
  RttEstimator e;
  for (int i = 0; i < 50; ++i) e.add(Micros(40));  // loopback
  EXPECT_EQ(e.timeout({.floor = 100ms, .ceiling = 1000ms}), Micros(100ms));
}

TEST(RttEstimator, CeilingHoldsForSlowPaths) {
  RttEstimator e;
  e.add(Micros(3000ms));
  EXPECT_EQ(e.timeout({.floor = 100ms, .ceiling = 1000ms}), Micros(1000ms));
}

TEST(RttEstimator, SteadyPathKeepsAQuarterOfSrttAsMargin) {
  RttEstimator e;
  for (int i = 0; i < 200; ++i) e.add(Micros(200ms));  // RTTVAR decays to zero
  EXPECT_EQ(e.timeout({.floor = 10ms, .ceiling = 5000ms}), Micros(250ms));
}

TEST(RttEstimator, CeilingBelowFloorWins) {
  RttEstimator e;
  e.add(Micros(10));
  EXPECT_EQ(e.timeout({.floor = 100ms, .ceiling = 30ms}), Micros(30ms));  // --timeout 30 is the ceiling
}

TEST(SubnetKey, GroupsByV4Slash24AndV6Slash64) {
  EXPECT_EQ(subnet_key(ip("10.1.2.3")), subnet_key(ip("10.1.2.250")));
  EXPECT_NE(subnet_key(ip("10.1.2.3")), subnet_key(ip("10.1.3.3")));
  EXPECT_EQ(subnet_key(ip("fd00:1:2:3::1")), subnet_key(ip("fd00:1:2:3:ffff::9")));
  EXPECT_NE(subnet_key(ip("fd00:1:2:3::1")), subnet_key(ip("fd00:1:2:4::1")));
  EXPECT_NE(subnet_key(ip("0.0.0.1")), subnet_key(ip("::1")));
}

TEST(SubnetRtts, KeepsSamplesPerSubnet) {
  SubnetRtts table;
  const uint64_t a = subnet_key(ip("10.0.0.1")), b = subnet_key(ip("10.0.1.1"));
  EXPECT_EQ(table.find(a), nullptr);
  table.at(a).add(Micros(5ms));
  ASSERT_NE(table.find(a), nullptr);
  EXPECT_TRUE(table.find(a)->has_sample());
  EXPECT_TRUE(table.find(b) == nullptr || !table.find(b)->has_sample());
}

TEST(SubnetRtts, AnEvictedSubnetStartsAgainWithoutSamples) {
  SubnetRtts table;
  // More subnets than entries: some share an entry; whichever came last owns it.
  for (uint32_t i = 0; i < 3 * SubnetRtts::kEntries; ++i) table.at(uint64_t{i}).add(Micros(1ms));
  size_t kept = 0;
  for (uint32_t i = 0; i < 3 * SubnetRtts::kEntries; ++i) kept += table.find(uint64_t{i}) != nullptr;
  EXPECT_LE(kept, SubnetRtts::kEntries);
  EXPECT_GT(kept, 0u);
  const uint64_t fresh = 99'999'999;
  EXPECT_FALSE(table.at(fresh).has_sample());  // takes an entry over, without the old samples
}

TEST(AttemptTimeout, HostThenSubnetThenCeiling) {
  const RttLimits limits{.floor = 10ms, .ceiling = 1000ms};
  RttEstimator host, subnet;
  EXPECT_EQ(attempt_timeout(&host, &subnet, limits), Micros(1000ms));  // conservative start
  subnet.add(Micros(100ms));                                           // RTO 300 ms
  EXPECT_EQ(attempt_timeout(&host, &subnet, limits), Micros(300ms));
  EXPECT_EQ(attempt_timeout(nullptr, &subnet, limits), Micros(300ms));
  host.add(Micros(20ms));  // RTO 20 + 4 * 10 = 60 ms
  EXPECT_EQ(attempt_timeout(&host, &subnet, limits), Micros(60ms));
  EXPECT_EQ(attempt_timeout(nullptr, nullptr, limits), Micros(1000ms));
}

TEST(AttemptTimeout, RetriesBackOffWithinTheCeiling) {
  const RttLimits limits{.floor = 10ms, .ceiling = 1000ms};
  RttEstimator host;
  host.add(Micros(20ms));  // 60 ms
  EXPECT_EQ(attempt_timeout(&host, nullptr, limits, Micros(60ms)), Micros(120ms));
  EXPECT_EQ(attempt_timeout(&host, nullptr, limits, Micros(10ms)), Micros(60ms));  // never below the estimate
  EXPECT_EQ(attempt_timeout(&host, nullptr, limits, Micros(800ms)), Micros(1000ms));
}

}  // namespace
}  // namespace anshin::net
