// UdpDiscovery against small in-test UDP responders and an HTTP description server, on loopback only
// (127.77.230.0/24 split into one /28 per test, 127.77.208.0/20 for the speed figure, ::1).
#include "discovery/udp_discovery.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>

#include "codec/dhip/dhip.h"

namespace anshin::discovery {
namespace {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// ---- helpers ---------------------------------------------------------------------------------

targets::TargetPlan make_plan(std::vector<std::string> targets) {
  targets::PlanOptions o;
  o.targets = std::move(targets);
  o.ports = {80};
  o.resolve = [](const std::string& h) -> Result<std::vector<IpAddr>> {
    return make_error(Errc::kInvalidInput, "no DNS in tests: " + h);
  };
  auto p = targets::build_plan(o);
  EXPECT_TRUE(p) << p.error().message;
  return p ? std::move(*p) : targets::TargetPlan{};
}

int bind_socket(const std::string& addr, uint16_t port, int type) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  int family = AF_INET;
  if (addr.find(':') != std::string::npos) {
    auto* s6 = reinterpret_cast<sockaddr_in6*>(&ss);
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, addr.c_str(), &s6->sin6_addr) != 1) return -1;
    len = sizeof(sockaddr_in6);
    family = AF_INET6;
  } else {
    auto* s4 = reinterpret_cast<sockaddr_in*>(&ss);
    s4->sin_family = AF_INET;
    s4->sin_port = htons(port);
    if (inet_pton(AF_INET, addr.c_str(), &s4->sin_addr) != 1) return -1;
    len = sizeof(sockaddr_in);
  }
  int fd = ::socket(family, type, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
    ::close(fd);
    return -1;
  }
  if (type == SOCK_STREAM && ::listen(fd, 16) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

// A fake device: answers each datagram on addr:port with handler(datagram), optionally from another
// address (reply_from) to play a host outside the plan.
class UdpResponder {
 public:
  using Handler = std::function<std::vector<std::string>(std::string_view)>;
  UdpResponder(const std::string& addr, uint16_t port, Handler h, const std::string& reply_from = {})
      : handler_(std::move(h)) {
    fd_ = bind_socket(addr, port, SOCK_DGRAM);
    if (!reply_from.empty()) reply_fd_ = bind_socket(reply_from, 0, SOCK_DGRAM);
    if (fd_ >= 0) thread_ = std::thread([this] { loop(); });
  }
  ~UdpResponder() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    if (reply_fd_ >= 0) ::close(reply_fd_);
  }
  bool ok() const { return fd_ >= 0; }
  int received() const { return received_.load(); }

 private:
  void loop() {
    std::vector<char> buf(65536);
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      sockaddr_storage from{};
      socklen_t len = sizeof from;
      ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) continue;
      ++received_;
      for (const auto& r : handler_(std::string_view(buf.data(), static_cast<size_t>(n))))
        ::sendto(reply_fd_ >= 0 ? reply_fd_ : fd_, r.data(), r.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
  Handler handler_;
  int fd_ = -1, reply_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<int> received_{0};
  std::thread thread_;
};

// A tiny HTTP server for UPnP descriptions; stall = accept and never answer.
class HttpServer {
 public:
  HttpServer(const std::string& addr, uint16_t port, std::string body, bool stall = false)
      : body_(std::move(body)), stall_(stall) {
    fd_ = bind_socket(addr, port, SOCK_STREAM);
    if (fd_ >= 0) thread_ = std::thread([this] { loop(); });
  }
  ~HttpServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    for (int c : stalled_) ::close(c);
    if (fd_ >= 0) ::close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  int requests() const { return requests_.load(); }
  int accepted() const { return accepted_.load(); }
  std::string first_request() {
    std::lock_guard lock(mu_);
    return first_;
  }

 private:
  void loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) continue;
      ++accepted_;
      if (stall_) {
        stalled_.push_back(c);
        continue;
      }
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        pollfd q{c, POLLIN, 0};
        if (::poll(&q, 1, 1000) <= 0) break;
        ssize_t n = ::recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      ++requests_;
      {
        std::lock_guard lock(mu_);
        if (first_.empty()) first_ = req;
      }
      std::string resp = "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: " + std::to_string(body_.size()) +
                         "\r\nConnection: close\r\n\r\n" + body_;
      ::send(c, resp.data(), resp.size(), MSG_NOSIGNAL);
      ::close(c);
    }
  }
  std::string body_;
  bool stall_;
  int fd_ = -1;
  std::vector<int> stalled_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0}, accepted_{0};
  std::mutex mu_;
  std::string first_;
  std::thread thread_;
};

struct RunResult {
  std::map<IpAddr, std::vector<ServiceRecord>> results;
  UdpDiscovery::Stats stats;
  double seconds = 0;
  double stop_to_return = -1;  // seconds from stop to run() returning (when stop_after was set)
};

RunResult run_discovery(const targets::TargetPlan& plan, UdpDiscoveryOptions o,
                        std::optional<std::chrono::milliseconds> stop_after = std::nullopt) {
  asio::io_context io;
  std::atomic<bool> stop{false};
  UdpDiscovery d(plan, 7, o);
  RunResult out;
  Clock::time_point stopped_at{};
  bool done = false;
  const auto t0 = Clock::now();
  asio::co_spawn(io, d.run(stop), [&](std::exception_ptr e) {
    done = true;
    EXPECT_FALSE(e);
  });
  asio::steady_timer stopper(io);
  if (stop_after) {
    stopper.expires_after(*stop_after);
    stopper.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      stopped_at = Clock::now();
      stop = true;
    });
  }
  // The engine keeps its loop alive with its own timers; here run() alone keeps it busy.
  while (!done) {
    io.run_one_for(std::chrono::milliseconds(50));
  }
  stopper.cancel();
  io.poll();
  const auto t1 = Clock::now();
  out.seconds = std::chrono::duration<double>(t1 - t0).count();
  if (stop_after && stopped_at != Clock::time_point{})
    out.stop_to_return = std::chrono::duration<double>(t1 - stopped_at).count();
  out.results = d.take_results();
  out.stats = d.stats();
  return out;
}

const ServiceRecord* record(const RunResult& r, const std::string& addr, const std::string& probe) {
  auto it = r.results.find(*IpAddr::parse(addr));
  if (it == r.results.end()) return nullptr;
  for (const auto& s : it->second)
    if (s.probe == probe) return &s;
  return nullptr;
}

std::string obs(const ServiceRecord* r, std::string_view key) {
  if (!r) return "<no record>";
  for (const auto& o : r->observations)
    if (o.key == key) return o.value;
  return "<absent>";
}

int count_key(const ServiceRecord* r, std::string_view key) {
  int n = 0;
  if (r)
    for (const auto& o : r->observations) n += o.key == key;
  return n;
}

std::string between(std::string_view s, std::string_view open, std::string_view close) {
  auto a = s.find(open);
  if (a == std::string_view::npos) return {};
  a += open.size();
  auto b = s.find(close, a);
  return std::string(s.substr(a, b == std::string_view::npos ? std::string_view::npos : b - a));
}

std::string wsd_reply(std::string_view probe, const std::string& types) {
  const std::string relates = between(probe, "MessageID>", "<");
  return R"(<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:wsdd="http://schemas.xmlsoap.org/ws/2005/04/discovery"><SOAP-ENV:Header><wsa:MessageID>urn:uuid:01234567-dead-beef-baad-abcdeffedcba</wsa:MessageID><wsa:RelatesTo>)" +
         relates +
         R"(</wsa:RelatesTo></SOAP-ENV:Header><SOAP-ENV:Body><wsdd:ProbeMatches><wsdd:ProbeMatch><wsa:EndpointReference><wsa:Address>urn:uuid:4d454930-0000-1000-8000-4419b6000002</wsa:Address></wsa:EndpointReference><wsdd:Types>)" +
         types +
         R"(</wsdd:Types><wsdd:Scopes>onvif://www.onvif.org/hardware/DS-2CD2043G0-I onvif://www.onvif.org/name/HIKVISION%20DS-2CD2043G0-I onvif://www.onvif.org/location/city/hangzhou onvif://www.onvif.org/MAC/44:19:b6:00:00:02</wsdd:Scopes><wsdd:XAddrs>http://127.77.230.2/onvif/device_service</wsdd:XAddrs><wsdd:MetadataVersion>1</wsdd:MetadataVersion></wsdd:ProbeMatch></wsdd:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>)";
}

std::string sadp_reply(std::string_view probe, const std::string& model = "DS-7204HGHI-F1") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ProbeMatch><Uuid>" + between(probe, "<Uuid>", "<") +
         "</Uuid><Types>inquiry</Types><DeviceType>139</DeviceType><DeviceDescription>" + model +
         "</DeviceDescription><DeviceSN>DS-7204HGHI-F10420191215CCWR</DeviceSN><CommandPort>8000</CommandPort>"
         "<HttpPort>80</HttpPort><MAC>bc-ad-28-00-00-03</MAC><SoftwareVersion>V3.5.38build 191215</SoftwareVersion>"
         "<DSPVersion>V5.0 build 191121</DSPVersion><Activated>false</Activated><SupportHCPlatform>true</SupportHCPlatform>"
         "<HCPlatformEnable>flase</HCPlatformEnable><OEMInfo>ANNKE</OEMInfo></ProbeMatch>";
}

std::string dhip_reply() {
  return codec::dhip::frame(
      std::string(R"({"mac":"3c:ef:8c:00:00:04","method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceClass":"IPC","DeviceType":"IPC-HFW4431R-Z","HttpPort":80,"Init":3222,"Manufacturer":"General","Port":37777,"SerialNo":"4G02C1EPAZ","Vendor":"General","Version":"2.622.0000000.31.R"}}})") +
      "\n" + std::string(1, '\0'));
}

std::string ssdp_reply(const std::string& location, const std::string& st = "upnp:rootdevice") {
  return "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\nLOCATION: " + location +
         "\r\nSERVER: Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.7\r\nST: " + st +
         "\r\nUSN: uuid:Upnp-BasicDevice-1_0-ACCC8E000005::" + st + "\r\n\r\n";
}

const char* kDescription =
    R"(<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>0</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType><friendlyName>AXIS P3245-LV - ACCC8E000005</friendlyName><manufacturer>AXIS</manufacturer><manufacturerURL>http://www.axis.com/</manufacturerURL><modelDescription>AXIS P3245-LV Network Camera</modelDescription><modelName>AXIS P3245-LV</modelName><modelNumber>P3245-LV</modelNumber><serialNumber>ACCC8E000005</serialNumber><UDN>uuid:Upnp-BasicDevice-1_0-ACCC8E000005</UDN></device></root>)";

bool is_probe_with_types(std::string_view in) { return in.find("NetworkVideoTransmitter") != std::string_view::npos; }

// ---- tests -----------------------------------------------------------------------------------

// The records FindsEveryProtocolWithItsObservations expects, one protocol each.
void ExpectWsdRecord(const RunResult& r) {
  const auto* w = record(r, "127.77.230.2", "wsd");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->transport, Transport::kUdp);
  EXPECT_EQ(w->port, 3702);
  EXPECT_EQ(w->protocol, "wsd");
  EXPECT_EQ(w->status, ProbeStatus::kSuccess);
  EXPECT_EQ(obs(w, "onvif.types"), "tds:Device");
  EXPECT_EQ(obs(w, "onvif.scope.name"), "HIKVISION DS-2CD2043G0-I");
  EXPECT_EQ(obs(w, "onvif.scope.hardware"), "DS-2CD2043G0-I");
  EXPECT_EQ(obs(w, "onvif.scope.location"), "city/hangzhou");
  EXPECT_EQ(obs(w, "onvif.scope.mac"), "44:19:b6:00:00:02");
  EXPECT_EQ(obs(w, "onvif.xaddr"), "http://127.77.230.2/onvif/device_service");
  EXPECT_EQ(obs(w, "onvif.endpoint"), "urn:uuid:4d454930-0000-1000-8000-4419b6000002");
  EXPECT_EQ(obs(w, "mac.address"), "44:19:b6:00:00:02");
  EXPECT_EQ(count_key(w, "onvif.types"), 1);  // two distinct replies (fresh MessageIDs), observations deduplicated
}

void ExpectSadpRecord(const RunResult& r) {
  const auto* s = record(r, "127.77.230.3", "sadp");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->port, 37020);
  EXPECT_EQ(obs(s, "sadp.device_description"), "DS-7204HGHI-F1");
  EXPECT_EQ(obs(s, "sadp.device_type"), "139");
  EXPECT_EQ(obs(s, "sadp.device_sn"), "DS-7204HGHI-F10420191215CCWR");
  EXPECT_EQ(obs(s, "sadp.mac"), "bc-ad-28-00-00-03");
  EXPECT_EQ(obs(s, "sadp.software_version"), "V3.5.38build 191215");
  EXPECT_EQ(obs(s, "sadp.dsp_version"), "V5.0 build 191121");
  EXPECT_EQ(obs(s, "sadp.activated"), "false");
  EXPECT_EQ(obs(s, "sadp.hc_platform_enable"), "flase");
  EXPECT_EQ(obs(s, "sadp.oem_info"), "ANNKE");
  EXPECT_EQ(obs(s, "sadp.http_port"), "80");
  EXPECT_EQ(obs(s, "sadp.command_port"), "8000");
  EXPECT_EQ(obs(s, "mac.address"), "bc:ad:28:00:00:03");
}

void ExpectDhipRecord(const RunResult& r) {
  const auto* d = record(r, "127.77.230.4", "dhip");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->port, 37810);
  EXPECT_EQ(obs(d, "dhip.device_class"), "IPC");
  EXPECT_EQ(obs(d, "dhip.device_type"), "IPC-HFW4431R-Z");
  EXPECT_EQ(obs(d, "dhip.serial_no"), "4G02C1EPAZ");
  EXPECT_EQ(obs(d, "dhip.version"), "2.622.0000000.31.R");
  EXPECT_EQ(obs(d, "dhip.vendor"), "General");
  EXPECT_EQ(obs(d, "dhip.manufacturer"), "General");
  EXPECT_EQ(obs(d, "dhip.mac"), "3c:ef:8c:00:00:04");
  EXPECT_EQ(obs(d, "dhip.init"), "3222");
  EXPECT_EQ(obs(d, "dhip.http_port"), "80");
  EXPECT_EQ(obs(d, "dhip.port"), "37777");
  EXPECT_EQ(discovered_mac(r.results.at(*IpAddr::parse("127.77.230.4"))).value_or(""), "3c:ef:8c:00:00:04");
}

void ExpectSsdpRecord(const RunResult& r) {
  const auto* u = record(r, "127.77.230.5", "ssdp");
  ASSERT_NE(u, nullptr);
  EXPECT_EQ(u->port, 1900);
  EXPECT_EQ(obs(u, "ssdp.server"), "Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.7");
  EXPECT_EQ(obs(u, "ssdp.location"), "http://127.77.230.5:18080/rootdesc1.xml");
  EXPECT_EQ(count_key(u, "ssdp.st"), 2);
  EXPECT_EQ(obs(u, "upnp.device_type"), "urn:schemas-upnp-org:device:Basic:1");
  EXPECT_EQ(obs(u, "upnp.friendly_name"), "AXIS P3245-LV - ACCC8E000005");
  EXPECT_EQ(obs(u, "upnp.manufacturer"), "AXIS");
  EXPECT_EQ(obs(u, "upnp.manufacturer_url"), "http://www.axis.com/");
  EXPECT_EQ(obs(u, "upnp.model_name"), "AXIS P3245-LV");
  EXPECT_EQ(obs(u, "upnp.model_number"), "P3245-LV");
  EXPECT_EQ(obs(u, "upnp.model_description"), "AXIS P3245-LV Network Camera");
  EXPECT_EQ(obs(u, "upnp.serial_number"), "ACCC8E000005");
  EXPECT_EQ(obs(u, "upnp.udn"), "uuid:Upnp-BasicDevice-1_0-ACCC8E000005");
}

TEST(UdpDiscovery, FindsEveryProtocolWithItsObservations) {
  // 127.77.230.0/28: .2 WS-Discovery (answers only the untyped probe, like an NVR listing tds:Device),
  // .3 SADP, .4 DHIP, .5 SSDP with its description on .5:18080.
  UdpResponder wsd("127.77.230.2", 3702, [](std::string_view in) -> std::vector<std::string> {
    if (is_probe_with_types(in)) return {};
    return {wsd_reply(in, "tds:Device")};
  });
  UdpResponder sadp("127.77.230.3", 37020, [](std::string_view in) { return std::vector<std::string>{sadp_reply(in)}; });
  UdpResponder dhip("127.77.230.4", 37810, [](std::string_view in) {
    return in.find("DHDiscover.search") != std::string_view::npos ? std::vector<std::string>{dhip_reply()}
                                                                   : std::vector<std::string>{};
  });
  std::string msearch;
  std::mutex mu;
  UdpResponder ssdp("127.77.230.5", 1900, [&](std::string_view in) {
    {
      std::lock_guard lock(mu);
      msearch = std::string(in);
    }
    return std::vector<std::string>{ssdp_reply("http://127.77.230.5:18080/rootdesc1.xml"),
                                    ssdp_reply("http://127.77.230.5:18080/rootdesc1.xml", "urn:axis-com:service:BasicService:1")};
  });
  HttpServer http("127.77.230.5", 18080, kDescription);
  ASSERT_TRUE(wsd.ok() && sadp.ok() && dhip.ok() && ssdp.ok() && http.ok());

  auto plan = make_plan({"127.77.230.0/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(400);
  auto r = run_discovery(plan, o);

  EXPECT_EQ(r.stats.sent, 16u * 5u * 2u);
  EXPECT_EQ(r.results.size(), 4u);
  EXPECT_EQ(wsd.received(), 4);  // typed + untyped, twice
  EXPECT_EQ(sadp.received(), 2);

  ExpectWsdRecord(r);
  ExpectSadpRecord(r);
  ExpectDhipRecord(r);
  ExpectSsdpRecord(r);
  EXPECT_EQ(http.requests(), 1);  // one fetch per address, though four replies named the LOCATION
  EXPECT_NE(http.first_request().find("GET /rootdesc1.xml HTTP/1.1"), std::string::npos);
  EXPECT_NE(http.first_request().find("127.77.230.5:18080"), std::string::npos);
  EXPECT_EQ(r.stats.upnp_ok, 1u);
  {
    std::lock_guard lock(mu);
    EXPECT_NE(msearch.find("ST: ssdp:all"), std::string::npos) << msearch;
    EXPECT_NE(msearch.find("Host: 127.77.230.5:1900"), std::string::npos) << msearch;
  }
  EXPECT_EQ(r.stats.malformed, 0u);
  EXPECT_EQ(r.stats.unattributed, 0u);
}

TEST(UdpDiscovery, RepliesFromOutsideThePlanAreDroppedAndCounted) {
  // The device at .18 answers from 127.77.231.9, which is not in the plan.
  UdpResponder sadp("127.77.230.18", 37020, [](std::string_view in) { return std::vector<std::string>{sadp_reply(in)}; },
                    "127.77.231.9");
  ASSERT_TRUE(sadp.ok());
  auto plan = make_plan({"127.77.230.16/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(300);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(sadp.received(), 2);
  EXPECT_EQ(r.stats.unattributed, 2u);
  EXPECT_EQ(r.stats.attributed, 0u);
  EXPECT_TRUE(r.results.empty());
}

TEST(UdpDiscovery, AFloodFromOneAddressIsCapped) {
  UdpResponder sadp("127.77.230.34", 37020, [](std::string_view in) {
    std::vector<std::string> out;
    for (int i = 0; i < 300; ++i) out.push_back(sadp_reply(in, "FLOOD-" + std::to_string(i)));
    return out;
  });
  ASSERT_TRUE(sadp.ok());
  auto plan = make_plan({"127.77.230.32/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(500);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(r.stats.attributed, o.max_replies_per_protocol);
  EXPECT_GT(r.stats.capped, 100u);
  const auto* s = record(r, "127.77.230.34", "sadp");
  ASSERT_NE(s, nullptr);
  EXPECT_LE(count_key(s, "sadp.device_description"), static_cast<int>(o.max_replies_per_protocol));
  std::printf("flood: received %llu, attributed %llu, capped %llu\n", static_cast<unsigned long long>(r.stats.received),
              static_cast<unsigned long long>(r.stats.attributed), static_cast<unsigned long long>(r.stats.capped));
}

TEST(UdpDiscovery, DuplicatesAreCountedOnce) {
  UdpResponder dhip("127.77.230.50", 37810, [](std::string_view) {
    return std::vector<std::string>{dhip_reply(), dhip_reply(), dhip_reply()};
  });
  ASSERT_TRUE(dhip.ok());
  auto plan = make_plan({"127.77.230.48/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(300);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(r.stats.attributed, 1u);
  EXPECT_EQ(r.stats.duplicates, 5u);
  const auto* d = record(r, "127.77.230.50", "dhip");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(count_key(d, "dhip.device_type"), 1);
}

TEST(UdpDiscovery, MalformedRepliesAreCountedAndIgnored) {
  auto garbage = [](std::string_view) {
    return std::vector<std::string>{"lollipop", std::string(65000, '<'), std::string("\x20\0\0\0DHIP", 8) + std::string(30, '\xff'),
                                    "HTTP/1.1 200 OK\r\nST: x"};
  };
  UdpResponder wsd("127.77.230.66", 3702, garbage);
  UdpResponder sadp("127.77.230.66", 37020, garbage);
  UdpResponder dhip("127.77.230.66", 37810, garbage);
  UdpResponder ssdp("127.77.230.67", 1900, [](std::string_view) {
    return std::vector<std::string>{"lollipop", "HTTP/1.1 404 Not Found\r\n\r\n", std::string(9000, 'A')};
  });
  ASSERT_TRUE(wsd.ok() && sadp.ok() && dhip.ok() && ssdp.ok());
  auto plan = make_plan({"127.77.230.64/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(300);
  auto r = run_discovery(plan, o);
  EXPECT_TRUE(r.results.empty());
  EXPECT_EQ(r.stats.attributed, 0u);
  // wsd: 4 probes x 4 replies; sadp, dhip: 2 x 4; ssdp: 2 x 3. Malformed payloads are not remembered,
  // so each one counts (a few may be lost on the way: UDP).
  EXPECT_GE(r.stats.malformed, 20u);
  EXPECT_LE(r.stats.malformed, 38u);
  EXPECT_EQ(r.stats.received, r.stats.malformed + r.stats.duplicates + r.stats.attributed + r.stats.unattributed);
}

TEST(UdpDiscovery, DescriptionIsFetchedOnlyFromTheReplyingHost) {
  // .82 serves a description; .83's SSDP LOCATION points at .82 (in the plan, but another host);
  // .84 names a host name. Only .82's own reply leads to a fetch.
  HttpServer http("127.77.230.82", 18081, kDescription);
  UdpResponder own("127.77.230.82", 1900,
                   [](std::string_view) { return std::vector<std::string>{ssdp_reply("http://127.77.230.82:18081/d.xml")}; });
  UdpResponder foreign("127.77.230.83", 1900,
                       [](std::string_view) { return std::vector<std::string>{ssdp_reply("http://127.77.230.82:18081/other.xml")}; });
  UdpResponder named("127.77.230.84", 1900,
                     [](std::string_view) { return std::vector<std::string>{ssdp_reply("http://camera.local:18081/d.xml")}; });
  ASSERT_TRUE(http.ok() && own.ok() && foreign.ok() && named.ok());
  auto plan = make_plan({"127.77.230.80/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(400);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(http.requests(), 1);
  EXPECT_NE(http.first_request().find("GET /d.xml "), std::string::npos);
  EXPECT_EQ(obs(record(r, "127.77.230.82", "ssdp"), "upnp.model_number"), "P3245-LV");
  EXPECT_EQ(obs(record(r, "127.77.230.83", "ssdp"), "upnp.model_number"), "<absent>");
  EXPECT_EQ(obs(record(r, "127.77.230.83", "ssdp"), "ssdp.location"), "http://127.77.230.82:18081/other.xml");
  EXPECT_EQ(obs(record(r, "127.77.230.84", "ssdp"), "upnp.model_number"), "<absent>");
  EXPECT_EQ(r.stats.upnp_fetches, 1u);
  EXPECT_GE(r.stats.upnp_refused, 2u);
}

TEST(UdpDiscovery, PacingSpreadsTheDatagrams) {
  auto plan = make_plan({"127.77.230.96/29"});  // 8 addresses x 5 probes x 2 = 80 datagrams
  UdpDiscoveryOptions o;
  o.rate = 400;
  o.wait = std::chrono::milliseconds(50);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(r.stats.sent, 80u);
  // 80 evenly spaced slots at 400/s span 79 / 400 = 0.1975 s.
  EXPECT_GE(r.stats.send_seconds, 0.19);
  EXPECT_LE(r.stats.send_seconds, 0.6);
  std::printf("paced: %llu datagrams in %.3f s (%.0f/s, asked 400/s)\n", static_cast<unsigned long long>(r.stats.sent),
              r.stats.send_seconds, static_cast<double>(r.stats.sent) / r.stats.send_seconds);
}

TEST(UdpDiscovery, UnlimitedRateFigure) {
  auto plan = make_plan({"127.77.208.0/20"});  // 4096 addresses, nothing listening
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(10);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(r.stats.sent + r.stats.send_errors, 4096u * 10u);
  EXPECT_GT(r.stats.sent, 0u);
  std::printf("unlimited: %llu datagrams in %.3f s = %.0f datagrams/s (%llu send errors)\n",
              static_cast<unsigned long long>(r.stats.sent), r.stats.send_seconds,
              static_cast<double>(r.stats.sent) / r.stats.send_seconds,
              static_cast<unsigned long long>(r.stats.send_errors));
}

TEST(UdpDiscovery, StopEndsThePacedSendPromptly) {
  auto plan = make_plan({"127.77.230.112/28"});  // 160 datagrams at 20/s would take 8 s
  UdpDiscoveryOptions o;
  o.rate = 20;
  auto r = run_discovery(plan, o, std::chrono::milliseconds(200));
  EXPECT_LT(r.stats.sent, 10u);
  EXPECT_GE(r.stop_to_return, 0.0);
  EXPECT_LT(r.stop_to_return, 0.15);
  EXPECT_LT(r.seconds, 0.5);
}

TEST(UdpDiscovery, StopEndsTheWaitAndAStalledFetchPromptly) {
  HttpServer stalled("127.77.230.130", 18082, "", /*stall=*/true);
  UdpResponder ssdp("127.77.230.130", 1900,
                    [](std::string_view) { return std::vector<std::string>{ssdp_reply("http://127.77.230.130:18082/d.xml")}; });
  ASSERT_TRUE(stalled.ok() && ssdp.ok());
  auto plan = make_plan({"127.77.230.128/28"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::seconds(5);
  o.fetch_timeout = std::chrono::seconds(10);
  auto r = run_discovery(plan, o, std::chrono::milliseconds(400));
  EXPECT_EQ(r.stats.upnp_fetches, 1u);
  EXPECT_EQ(stalled.accepted(), 1);
  EXPECT_EQ(r.stats.upnp_ok, 0u);
  EXPECT_LT(r.stop_to_return, 0.15);
  EXPECT_NE(record(r, "127.77.230.130", "ssdp"), nullptr);  // what was seen is kept
}

TEST(UdpDiscovery, MembershipOverSeveralSpansAndFamilies) {
  auto plan = make_plan({"127.77.230.1", "127.77.230.10-20", "10.0.0.0/8", "::1", "fd00::/120"});
  UdpDiscovery d(plan, 1);
  for (const char* in : {"127.77.230.1", "127.77.230.10", "127.77.230.15", "127.77.230.20", "10.255.255.255", "::1", "fd00::ff"})
    EXPECT_TRUE(d.contains(*IpAddr::parse(in))) << in;
  for (const char* in : {"127.77.230.2", "127.77.230.9", "127.77.230.21", "11.0.0.0", "::2", "fd00::100", "0.0.0.1",
                         "::ffff:127.77.230.1"})
    EXPECT_FALSE(d.contains(*IpAddr::parse(in))) << in;
}

TEST(UdpDiscovery, Ipv6TargetsUseAnIpv6Socket) {
  UdpResponder sadp("::1", 37020, [](std::string_view in) { return std::vector<std::string>{sadp_reply(in)}; });
  if (!sadp.ok()) GTEST_SKIP() << "no IPv6 loopback";
  auto plan = make_plan({"::1"});
  UdpDiscoveryOptions o;
  o.wait = std::chrono::milliseconds(200);
  auto r = run_discovery(plan, o);
  EXPECT_EQ(sadp.received(), 2);
  EXPECT_EQ(obs(record(r, "::1", "sadp"), "sadp.device_description"), "DS-7204HGHI-F1");
}

}  // namespace
}  // namespace anshin::discovery
