// UDP discovery against the lab fleet, in process: every lab device with a UDP responder (WS-Discovery,
// SADP, DHIP, SSDP) is found with the observations its personality's reply templates carry, and the
// UPnP descriptions are fetched from the replying hosts. Loopback only (127.77.236.0/24, 127.77.237.0/24:
// outside 127.77.240.0/20, which other integration tests sweep).
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <set>

#include "discovery/udp_discovery.h"
#include "lab/server.h"
#include "scan/engine.h"
#include "targets/targets.h"

namespace anshin {
namespace {

using Clock = std::chrono::steady_clock;

targets::TargetPlan make_plan(const std::string& cidr) {
  targets::PlanOptions o;
  o.targets = {cidr};
  o.ports = {80};
  auto p = targets::build_plan(o);
  EXPECT_TRUE(p) << p.error().message;
  return p ? std::move(*p) : targets::TargetPlan{};
}

const ServiceRecord* find_record(const std::vector<ServiceRecord>& records, const std::string& probe) {
  for (const auto& r : records)
    if (r.probe == probe) return &r;
  return nullptr;
}

std::string obs(const ServiceRecord* r, std::string_view key) {
  if (!r) return "<no record>";
  for (const auto& o : r->observations)
    if (o.key == key) return o.value;
  return "<absent>";
}

std::string strip_colons(std::string s) {
  std::erase(s, ':');
  return s;
}

// Checks every UDP responder of every lab device against its results.
void check_fleet(const lab::LabServer& server, const std::map<IpAddr, std::vector<ServiceRecord>>& results) {
  std::set<IpAddr> udp_devices;
  for (const auto& d : server.devices()) {
    std::set<std::string> kinds;
    for (const auto& p : d.ports)
      if (p.transport == "udp") kinds.insert(p.kind);
    const IpAddr addr = *IpAddr::parse(d.address);
    if (kinds.empty()) {
      EXPECT_EQ(results.count(addr), 0u) << d.id << " has no UDP responder but was reported";
      continue;
    }
    udp_devices.insert(addr);
    auto it = results.find(addr);
    ASSERT_NE(it, results.end()) << d.id << " at " << d.address << " was not discovered";
    const auto& records = it->second;
    EXPECT_EQ(records.size(), kinds.size()) << d.id;
    for (const auto& kind : kinds) {
      const ServiceRecord* r = find_record(records, kind);
      ASSERT_NE(r, nullptr) << d.id << " " << kind;
      EXPECT_EQ(r->transport, Transport::kUdp);
      EXPECT_EQ(r->status, ProbeStatus::kSuccess);
      SCOPED_TRACE(d.id + " " + kind);
      if (kind == "sadp") {
        EXPECT_EQ(obs(r, "sadp.device_description"), d.expect.model.value_or("?"));
        EXPECT_EQ(obs(r, "sadp.device_sn"), d.expect.serial.value_or("?"));
        EXPECT_EQ(obs(r, "sadp.software_version"), d.expect.firmware.value_or("?"));
        EXPECT_NE(obs(r, "sadp.activated"), "<absent>");
        EXPECT_NE(obs(r, "sadp.hc_platform_enable"), "<absent>");
        EXPECT_EQ(obs(r, "sadp.command_port"), "8000");
        EXPECT_EQ(obs(r, "mac.address"), d.mac);
      } else if (kind == "dhip") {
        EXPECT_EQ(obs(r, "dhip.device_type"), d.expect.model.value_or("?"));
        EXPECT_EQ(obs(r, "dhip.serial_no"), d.expect.serial.value_or("?"));
        EXPECT_EQ(obs(r, "dhip.version"), d.expect.firmware.value_or("?"));
        EXPECT_EQ(obs(r, "dhip.port"), "37777");
        EXPECT_NE(obs(r, "dhip.device_class"), "<absent>");
        EXPECT_NE(obs(r, "dhip.init"), "<absent>");
        EXPECT_EQ(obs(r, "mac.address"), d.mac);
      } else if (kind == "wsd") {
        EXPECT_EQ(obs(r, "onvif.xaddr").rfind("http://" + d.address + ":", 0), 0u) << obs(r, "onvif.xaddr");
        EXPECT_EQ(obs(r, "onvif.endpoint"), "urn:uuid:4d454930-0000-1000-8000-" + strip_colons(d.mac));
        EXPECT_NE(obs(r, "onvif.types"), "<absent>");
        EXPECT_NE(obs(r, "onvif.scope.hardware"), "<absent>");
      } else if (kind == "ssdp") {
        EXPECT_EQ(obs(r, "ssdp.location").rfind("http://" + d.address + ":", 0), 0u) << obs(r, "ssdp.location");
        EXPECT_NE(obs(r, "ssdp.server"), "<absent>");
        EXPECT_NE(obs(r, "ssdp.usn"), "<absent>");
        EXPECT_NE(obs(r, "upnp.udn"), "<absent>");  // the description was fetched from the device itself
        EXPECT_NE(obs(r, "upnp.device_type"), "<absent>");
        if (d.id.rfind("axis", 0) == 0) {
          EXPECT_EQ(obs(r, "upnp.model_number"), d.expect.model.value_or("?"));
        }
      }
    }
  }
  EXPECT_EQ(results.size(), udp_devices.size());
}

TEST(UdpDiscoveryLab, FindsEveryUdpResponderOfTheDefaultFleet) {
  auto fleet = lab::Fleet::load("default");
  ASSERT_TRUE(fleet) << fleet.error().message;
  lab::LabServer server;
  auto started = server.start(*fleet, "127.77.236.0/24");
  ASSERT_TRUE(started) << started.error().message;

  auto plan = make_plan("127.77.236.0/24");
  boost::asio::io_context io;
  std::atomic<bool> stop{false};
  discovery::UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(500);
  discovery::UdpDiscovery udp(plan, 42, o);
  bool done = false;
  const auto t0 = Clock::now();
  boost::asio::co_spawn(io, udp.run(stop), [&](std::exception_ptr e) {
    done = true;
    EXPECT_FALSE(e);
  });
  while (!done) io.run_one_for(std::chrono::milliseconds(50));
  const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  auto results = udp.take_results();
  const auto st = udp.stats();
  server.stop();

  check_fleet(server, results);
  EXPECT_EQ(st.sent, 256u * 5u * 2u);
  EXPECT_EQ(st.unattributed, 0u);
  EXPECT_EQ(st.malformed, 0u);
  EXPECT_EQ(st.upnp_fetches, st.upnp_ok);
  std::printf("lab /24: %zu devices answered, %llu sent, %llu received, %llu attributed, %llu duplicates, "
              "%llu UPnP descriptions; %.3f s (send %.3f s, wait %lld ms)\n",
              results.size(), static_cast<unsigned long long>(st.sent), static_cast<unsigned long long>(st.received),
              static_cast<unsigned long long>(st.attributed), static_cast<unsigned long long>(st.duplicates),
              static_cast<unsigned long long>(st.upnp_ok), secs, st.send_seconds,
              static_cast<long long>(o.wait.count()));
}

// The same discovery as a background task of the engine, beside the TCP sweep (what the pipeline does).
class PlanSource final : public scan::HostSource {
 public:
  explicit PlanSource(const targets::TargetPlan& p) : plan_(p) {}
  uint64_t host_count() const override { return plan_.address_count(); }
  scan::HostTarget host(uint64_t i) const override {
    auto h = plan_.host(i);
    return {h.address, h.ports};
  }

 private:
  const targets::TargetPlan& plan_;
};

TEST(UdpDiscoveryLab, RunsAsABackgroundTaskOfTheEngine) {
  auto fleet = lab::Fleet::load("default");
  ASSERT_TRUE(fleet) << fleet.error().message;
  lab::LabServer server;
  auto started = server.start(*fleet, "127.77.237.0/24");
  ASSERT_TRUE(started) << started.error().message;

  auto plan = make_plan("127.77.237.0/24");
  discovery::UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(500);
  discovery::UdpDiscovery udp(plan, 42, o);  // its own dialer, on the engine's event loop
  scan::EngineOptions eo;
  eo.handle_signals = false;
  scan::Engine engine(eo);
  PlanSource source(plan);
  std::vector<HostRecord> hosts;
  net::BackgroundTask* background[] = {&udp};
  auto stats = engine.run(source, nullptr, hosts, nullptr, background);
  auto results = udp.take_results();
  server.stop();

  check_fleet(server, results);
  EXPECT_FALSE(stats.interrupted);
  std::printf("engine + discovery on the lab /24: %.3f s, %zu hosts with open TCP ports, %zu answered UDP\n",
              stats.seconds, hosts.size(), results.size());
}

}  // namespace
}  // namespace anshin
