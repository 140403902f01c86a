// Scope and pace, measured against the lab fleet (127.77.233.0/24): --rate holds (connection starts
// in any one-second window), at most 4 connections per host are in flight, --exclude is honoured
// (no connection to the excluded address), and public targets are refused before anything is sent.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <vector>

#include "lab/server.h"
#include "scan/engine.h"
#include "targets/targets.h"

namespace anshin {
namespace {

using Clock = std::chrono::steady_clock;

class PlanSource final : public scan::HostSource {
 public:
  explicit PlanSource(const targets::TargetPlan& plan) : plan_(plan) {}
  uint64_t host_count() const override { return plan_.address_count(); }
  scan::HostTarget host(uint64_t i) const override {
    const auto h = plan_.host(i);
    return {h.address, h.ports};
  }

 private:
  const targets::TargetPlan& plan_;
};

TEST(ScopePace, RateCapAndExcludeHoldAtTheLab) {
  auto fleet = lab::Fleet::load("default");
  ASSERT_TRUE(fleet) << fleet.error().message;
  lab::LabServer server;
  ASSERT_TRUE(server.start(*fleet, "127.77.233.0/24"));

  targets::PlanOptions o;
  o.targets = {"127.77.233.0/24"};
  o.excludes = {"127.77.233.10"};  // a Hikvision camera of the fleet
  o.ports = {80, 554, 8000};
  auto plan = targets::build_plan(o);
  ASSERT_TRUE(plan) << plan.error().message;
  PlanSource source(*plan);

  const double rate = 250;
  std::vector<Clock::time_point> starts;
  std::map<std::string, int> inflight;
  int peak_per_host = 0;
  int to_excluded = 0;
  scan::EngineObserver obs;
  obs.on_connect_start = [&](const IpAddr& a, uint16_t) {
    starts.push_back(Clock::now());
    peak_per_host = std::max(peak_per_host, ++inflight[a.to_string()]);
    if (a.to_string() == "127.77.233.10") ++to_excluded;
  };
  obs.on_connect_end = [&](const IpAddr& a, uint16_t) { --inflight[a.to_string()]; };
  scan::Engine engine({.concurrency = 512, .rate = rate, .timeout = std::chrono::milliseconds(1000),
                       .handle_signals = false});
  std::vector<HostRecord> hosts;
  const auto stats = engine.run(source, nullptr, hosts, &obs);
  const uint64_t accepted = server.connections();
  server.stop();

  // Every attempt was paced: no one-second window holds more than rate starts.
  ASSERT_EQ(starts.size(), 255u * 3u);
  size_t worst = 0;
  for (size_t i = 0, j = 0; i < starts.size(); ++i) {
    while (starts[i] - starts[j] >= std::chrono::seconds(1)) ++j;
    worst = std::max(worst, i - j + 1);
  }
  std::printf("rate %.0f/s: %zu attempts in %.2f s, busiest second %zu starts; peak per host %d; lab accepted %llu\n",
              rate, starts.size(), stats.seconds, worst, peak_per_host, static_cast<unsigned long long>(accepted));
  EXPECT_LE(worst, static_cast<size_t>(rate));  // the cap is recorded after connect(): strict
  EXPECT_GE(stats.seconds, (static_cast<double>(starts.size()) - 1) / rate * 0.95);
  EXPECT_LE(peak_per_host, scan::kMaxConnectionsPerHost);
  EXPECT_EQ(to_excluded, 0);
  for (const auto& h : hosts) EXPECT_NE(h.address.to_string(), "127.77.233.10");
  // The lab accepted exactly the connections the scan found open (nothing else reached it).
  EXPECT_EQ(accepted, stats.open);
}

TEST(ScopePace, PublicTargetsRefusedBeforeSending) {
  targets::PlanOptions o;
  o.targets = {"127.77.233.0/24", "8.8.8.0/30"};
  o.ports = {80};
  auto plan = targets::build_plan(o);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().code, Errc::kOutOfScope);
  EXPECT_NE(plan.error().message.find("--allow-public"), std::string::npos);
}

}  // namespace
}  // namespace anshin
