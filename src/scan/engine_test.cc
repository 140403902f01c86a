// Engine tests against real sockets on 127.66.x.y (loopback only): every open port is found, no
// closed port is reported, the per-host cap holds while connections hang, timeouts are retried on
// hosts that answered (and only there), and a stop request returns promptly with what was found.
#include "scan/engine.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <atomic>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <thread>

namespace anshin::scan {
namespace {

// A listening TCP socket on addr:port. backlog 0 and `fill` make a port whose accept queue is
// full, so further SYNs are dropped and connects hang until the engine's deadline.
class Listener {
 public:
  Listener(const char* addr, uint16_t port, int backlog = 64) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    inet_pton(AF_INET, addr, &sa.sin_addr);
    ok_ = bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0 && listen(fd_, backlog) == 0;
    sa_ = sa;
  }
  ~Listener() {
    for (int c : fillers_) close(c);
    close(fd_);
  }
  bool ok() const { return ok_; }
  // Connects (without accepting) until the accept queue is full.
  void fill() {
    for (int i = 0; i < 4; ++i) {
      int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      connect(c, reinterpret_cast<const sockaddr*>(&sa_), sizeof sa_);
      fillers_.push_back(c);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  sockaddr_in sa_{};
  std::vector<int> fillers_;
};

class VectorSource : public HostSource {
 public:
  void add(const char* addr, std::vector<uint16_t> ports) {
    hosts_.push_back({*IpAddr::parse(addr), std::move(ports)});
  }
  uint64_t host_count() const override { return hosts_.size(); }
  HostTarget host(uint64_t i) const override { return {hosts_[i].first, hosts_[i].second}; }

 private:
  std::vector<std::pair<IpAddr, std::vector<uint16_t>>> hosts_;
};

std::map<std::string, std::vector<uint16_t>> by_address(const std::vector<HostRecord>& hosts) {
  std::map<std::string, std::vector<uint16_t>> out;
  for (const auto& h : hosts) out[h.address.to_string()] = h.open_tcp_ports;
  return out;
}

TEST(Engine, FindsExactlyTheOpenPorts) {
  Listener a1("127.66.0.1", 18080), a2("127.66.0.1", 18554), b1("127.66.0.2", 18000);
  ASSERT_TRUE(a1.ok() && a2.ok() && b1.ok());
  VectorSource src;
  const std::vector<uint16_t> ports = {18000, 18080, 18081, 18554, 18555, 18999};
  src.add("127.66.0.1", ports);
  src.add("127.66.0.2", ports);
  src.add("127.66.0.3", ports);  // nothing listens here
  Engine engine({.concurrency = 64, .timeout = std::chrono::milliseconds(500), .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts);
  const auto found = by_address(hosts);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found.at("127.66.0.1"), (std::vector<uint16_t>{18080, 18554}));
  EXPECT_EQ(found.at("127.66.0.2"), (std::vector<uint16_t>{18000}));
  EXPECT_EQ(stats.open, 3u);
  EXPECT_EQ(stats.refused, 15u);
  EXPECT_EQ(stats.hosts_done, 3u);
  EXPECT_FALSE(stats.interrupted);
}

TEST(Engine, PerHostCapHoldsWhileConnectsHang) {
  // 12 ports on one host whose accept queues are full: every connect hangs until the deadline.
  std::vector<std::unique_ptr<Listener>> listeners;
  std::vector<uint16_t> ports;
  for (uint16_t p = 19000; p < 19012; ++p) {
    listeners.push_back(std::make_unique<Listener>("127.66.1.1", p, 0));
    ASSERT_TRUE(listeners.back()->ok());
    listeners.back()->fill();
    ports.push_back(p);
  }
  VectorSource src;
  src.add("127.66.1.1", ports);
  std::map<std::string, int> inflight;
  int peak = 0;
  EngineObserver obs;
  obs.on_connect_start = [&](const IpAddr& a, uint16_t) { peak = std::max(peak, ++inflight[a.to_string()]); };
  obs.on_connect_end = [&](const IpAddr& a, uint16_t) { --inflight[a.to_string()]; };
  Engine engine({.concurrency = 512, .timeout = std::chrono::milliseconds(100), .retries = 1, .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts, &obs);
  EXPECT_EQ(peak, kMaxConnectionsPerHost);
  EXPECT_EQ(stats.max_inflight_per_host, kMaxConnectionsPerHost);
  EXPECT_EQ(stats.timeouts, 12u);  // the host never answered: one attempt per port, no retry
  EXPECT_EQ(stats.connects, 12u);
  EXPECT_TRUE(hosts.empty());
}

TEST(Engine, RetriesTimeoutsOnlyOnHostsThatAnswered) {
  // 127.66.4.1: four hanging ports tried first (they time out before the host has answered anything),
  // then an open one: once it answers, every timeout of the host is retried. 127.66.4.2: two hanging
  // ports only (silent).
  Listener open("127.66.4.1", 19100);
  Listener h1("127.66.4.1", 19101, 0), h2("127.66.4.1", 19102, 0), h3("127.66.4.1", 19103, 0),
      h4("127.66.4.1", 19104, 0), s1("127.66.4.2", 19101, 0), s2("127.66.4.2", 19102, 0);
  ASSERT_TRUE(open.ok() && h1.ok() && h2.ok() && h3.ok() && h4.ok() && s1.ok() && s2.ok());
  for (Listener* l : {&h1, &h2, &h3, &h4, &s1, &s2}) l->fill();
  VectorSource src;
  src.add("127.66.4.1", {19101, 19102, 19103, 19104, 19100});
  src.add("127.66.4.2", {19101, 19102});
  std::map<std::string, int> attempts;
  EngineObserver obs;
  obs.on_connect_start = [&](const IpAddr& a, uint16_t) { ++attempts[a.to_string()]; };
  Engine engine({.concurrency = 8, .timeout = std::chrono::milliseconds(150), .rtt_floor = std::chrono::milliseconds(20),
                 .retries = 2, .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts, &obs);
  // The open port once; each hanging one 1 + 2 retries (too few answers to measure loss: a host that
  // answered is retried as if 10 % were lost, within --retries).
  EXPECT_EQ(attempts["127.66.4.1"], 1 + 4 * 3);
  EXPECT_EQ(attempts["127.66.4.2"], 2);  // silent: each port once (no loss measured)
  EXPECT_EQ(stats.timeouts, 12u + 2u);
  ASSERT_EQ(hosts.size(), 1u);
  EXPECT_EQ(hosts[0].open_tcp_ports, (std::vector<uint16_t>{19100}));
}

TEST(Engine, GlobalConcurrencyBoundsLanes) {
  VectorSource src;
  for (int i = 1; i <= 40; ++i) src.add(("127.66.2." + std::to_string(i)).c_str(), {19500, 19501});
  Engine engine({.concurrency = 8, .timeout = std::chrono::milliseconds(200), .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts);
  EXPECT_LE(stats.max_inflight, 8);
  EXPECT_EQ(stats.connects, 80u);
  EXPECT_EQ(stats.hosts_done, 40u);
}

TEST(Engine, HostsWithFewPortsShareTheGlobalCap) {
  // Six hosts with two hanging ports each, --concurrency 4: one lane's host alone would use only two of
  // the four connections; another lane's host takes the other two, and the cap still holds.
  std::vector<std::unique_ptr<Listener>> listeners;
  VectorSource src;
  for (int h = 1; h <= 6; ++h) {
    const std::string addr = "127.66.5." + std::to_string(h);
    for (uint16_t p : {19600, 19601}) {
      listeners.push_back(std::make_unique<Listener>(addr.c_str(), p, 0));
      ASSERT_TRUE(listeners.back()->ok());
      listeners.back()->fill();
    }
    src.add(addr.c_str(), {19600, 19601});
  }
  Engine engine({.concurrency = 4, .timeout = std::chrono::milliseconds(100), .rtt_floor = std::chrono::milliseconds(20),
                 .retries = 0, .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts);
  EXPECT_EQ(stats.max_inflight, 4);
  EXPECT_EQ(stats.connects, 12u);
  EXPECT_EQ(stats.timeouts, 12u);
  EXPECT_EQ(stats.hosts_done, 6u);
}

TEST(Engine, StopReturnsPromptlyWithWhatWasFound) {
  Listener open("127.66.3.1", 19600);
  ASSERT_TRUE(open.ok());
  std::vector<std::unique_ptr<Listener>> hanging;
  VectorSource src;
  src.add("127.66.3.1", {19600});
  for (int i = 2; i < 50; ++i) {
    const std::string a = "127.66.3." + std::to_string(i);
    hanging.push_back(std::make_unique<Listener>(a.c_str(), 19601, 0));
    hanging.back()->fill();
    src.add(a.c_str(), {19601});
  }
  Engine engine({.concurrency = 8, .timeout = std::chrono::milliseconds(5000), .handle_signals = false});
  std::vector<HostRecord> hosts;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    engine.request_stop();
  });
  const auto t0 = std::chrono::steady_clock::now();
  const EngineStats stats = engine.run(src, nullptr, hosts);
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  stopper.join();
  EXPECT_TRUE(stats.interrupted);
  EXPECT_LT(elapsed, std::chrono::seconds(3));  // far below 48 hosts x 5 s x 2 attempts
  EXPECT_LT(stats.hosts_done, 49u);
  ASSERT_EQ(by_address(hosts).count("127.66.3.1"), 1u);  // swept first: kept
}

TEST(Engine, ImmediateFailureIsRecordedOnceNotRetried) {
  // connect() to the loopback broadcast address fails at once with ENETUNREACH (nothing is sent). That
  // is the port's answer, not a shortage of descriptors: one attempt per port, counted as an error.
  VectorSource src;
  src.add("127.255.255.255", {19800, 19801, 19802});
  Engine engine({.concurrency = 16, .timeout = std::chrono::milliseconds(200), .retries = 1, .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts);
  EXPECT_EQ(stats.connects, 3u);
  EXPECT_EQ(stats.errors, 3u);
  EXPECT_EQ(stats.hosts_done, 1u);
  EXPECT_TRUE(hosts.empty());
}

TEST(Engine, NoNewConnectionAfterStopWhileLanesWaitForTheirRateSlot) {
  // --rate 5 with 64 lanes: most lanes hold a slot seconds ahead. After stop, none may start one.
  VectorSource src;
  for (int i = 1; i <= 64; ++i) src.add(("127.66.5." + std::to_string(i)).c_str(), {19900, 19901});
  std::atomic<bool> stopped{false};
  std::atomic<int> after_stop{0};
  EngineObserver obs;
  obs.on_connect_start = [&](const IpAddr&, uint16_t) {
    if (stopped.load()) ++after_stop;
  };
  Engine engine({.concurrency = 64, .rate = 5, .timeout = std::chrono::milliseconds(500), .handle_signals = false});
  std::vector<HostRecord> hosts;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    stopped.store(true);
    engine.request_stop();
  });
  const EngineStats stats = engine.run(src, nullptr, hosts);
  stopper.join();
  EXPECT_TRUE(stats.interrupted);
  EXPECT_EQ(after_stop.load(), 0);
  EXPECT_LT(stats.connects, 10u);  // ~2-3 at 5/s in 0.4 s, far from the 128 planned
}

TEST(Engine, RateLimitSpacesConnections) {
  VectorSource src;
  for (int i = 1; i <= 10; ++i) src.add(("127.66.4." + std::to_string(i)).c_str(), {19700, 19701});
  Engine engine({.concurrency = 64, .rate = 100, .timeout = std::chrono::milliseconds(500), .handle_signals = false});
  std::vector<HostRecord> hosts;
  const EngineStats stats = engine.run(src, nullptr, hosts);
  EXPECT_EQ(stats.connects, 20u);
  // 20 connections at 100/s need at least 190 ms between the first and the last.
  EXPECT_GE(stats.seconds, 0.18);
}

}  // namespace
}  // namespace anshin::scan
