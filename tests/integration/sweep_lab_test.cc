// The sweep against the lab fleet, in process: every open port of every lab device is found, no other
// port is reported, and the per-host cap holds. Loopback only (127.77.240.0/24).
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lab/server.h"
#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin {
namespace {

TEST(SweepLab, FindsEveryOpenPortAndNothingElse) {
  auto fleet = lab::Fleet::load("default");
  ASSERT_TRUE(fleet) << fleet.error().message;
  lab::LabServer server;
  auto started = server.start(*fleet, "127.77.240.0/24");
  ASSERT_TRUE(started) << started.error().message;

  std::map<std::string, std::set<uint16_t>> expected;
  std::set<uint16_t> all_ports;
  for (const auto& d : server.devices())
    for (const auto& p : d.ports)
      if (p.transport == "tcp") {
        expected[d.address].insert(p.port);
        all_ports.insert(p.port);
      }
  ASSERT_FALSE(expected.empty());
  // Probe every port any device uses, plus a few that none uses, on the whole /24.
  scan::ScanRequest req;
  req.plan.targets = {"127.77.240.0/24"};
  req.plan.ports.assign(all_ports.begin(), all_ports.end());
  for (uint16_t extra : {1, 7, 9999}) req.plan.ports.push_back(extra);
  std::sort(req.plan.ports.begin(), req.plan.ports.end());
  req.engine.handle_signals = false;
  auto plan = scan::plan_targets(req);
  ASSERT_TRUE(plan) << plan.error().message;
  auto result = scan::run_scan(req, *plan);
  ASSERT_TRUE(result);
  server.stop();

  std::map<std::string, std::set<uint16_t>> found;
  for (const auto& h : result->hosts) found[h.address.to_string()].insert(h.open_tcp_ports.begin(), h.open_tcp_ports.end());
  EXPECT_EQ(found, expected);
  EXPECT_LE(result->stats.max_inflight_per_host, scan::kMaxConnectionsPerHost);
  EXPECT_EQ(result->stats.hosts_done, 256u);
  EXPECT_EQ(result->stats.timeouts, 0u);
  EXPECT_FALSE(result->snapshot.scan.interrupted);
}

}  // namespace
}  // namespace anshin
