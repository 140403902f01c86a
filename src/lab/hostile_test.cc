// The lab's hostile delivery options (docs/lab.md "Hostile replies"): {{hex:}} bytes, streamed bodies,
// endless headers, drip, reset, UDP flood, replies from another address/port, lying DHIP lengths, and
// the built-in hostile fleet. Serves on 127.79.232.0/24 (unused by other tests).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "codec/dhip/dhip.h"
#include "lab/fleet.h"
#include "lab/server.h"

namespace anshin::lab {
namespace {

constexpr const char* kNet = "127.79.232.0/24";

sockaddr_in sa(const std::string& addr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
  return a;
}

int connect_to(const std::string& addr, uint16_t port, int timeout_s = 3) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  timeval tv{timeout_s, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto a = sa(addr, port);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

void send_all(int fd, const std::string& s) { ASSERT_EQ(send(fd, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }

const std::string kGet = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";

std::string fleet_yaml(const std::string& services, const std::string& vars = "") {
  return "fleet: t\ndevices:\n  - id: d\n    suffix: 10\n    mac_oui: '3c:ef:8c'\n"
         "    expect: {category: unknown, manufacturer: null, brand: null, model: null, firmware: null, serial: null}\n"
         "    sources: [test]\n" + vars + "    services:\n" + services;
}

class Lab {
 public:
  explicit Lab(const std::string& yaml) {
    auto f = Fleet::parse(yaml, "t.yaml");
    EXPECT_TRUE(f) << (f ? "" : f.error().message);
    if (!f) return;
    auto r = lab_.start(*f, {.bind = kNet, .scale = 0, .log_file = ""});
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
  }
  LabServer lab_;
};

long rss_kib() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

TEST(labHostile, HexTemplateGivesRawBytesAndIsValidated) {
  EXPECT_EQ(hex_template("hex:c328 ff00"), std::string("\xc3\x28\xff\x00", 4));
  EXPECT_FALSE(hex_template("hex:abc"));
  EXPECT_FALSE(hex_template("hex:zz"));
  EXPECT_FALSE(hex_template("model"));
  auto bad = Fleet::parse(fleet_yaml("      - {kind: http, port: 80, default: {body: '{{hex:zz}}'}}\n"), "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("hex:"), std::string::npos) << bad.error().message;

  Lab lab(fleet_yaml("      - {kind: http, port: 80, default: {headers: ['Server: {{hex:ff1b5b324a}}'], body: '{{hex:c0af00}}'}}\n"));
  int fd = connect_to("127.79.232.10", 80);
  ASSERT_GE(fd, 0);
  send_all(fd, kGet);
  char buf[4096];
  ssize_t n = recv(fd, buf, sizeof buf, 0);
  close(fd);
  ASSERT_GT(n, 0);
  std::string reply(buf, static_cast<size_t>(n));
  EXPECT_NE(reply.find("Server: \xff\x1b[2J\r\n"), std::string::npos);
  EXPECT_NE(reply.find(std::string("\r\n\r\n\xc0\xaf\x00", 7)), std::string::npos);
}

TEST(labHostile, StreamedBodyHasExactLengthAndIsNotHeldInMemory) {
  // 32 MiB body: repeat 64 bytes x 524288.
  Lab lab(fleet_yaml("      - {kind: http, port: 80, default: {status: 200, body: 'head', stream: {repeat: '"
                     "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef', times: 524288, tail: 'END'}}}\n"));
  long before = rss_kib();
  int fd = connect_to("127.79.232.10", 80);
  ASSERT_GE(fd, 0);
  send_all(fd, kGet + "Connection: close\r\n\r\n");
  std::string head;
  uint64_t total = 0;
  std::string last;
  std::vector<char> buf(1 << 16);
  for (;;) {
    ssize_t n = recv(fd, buf.data(), buf.size(), 0);
    if (n <= 0) break;
    if (head.size() < 512) head.append(buf.data(), static_cast<size_t>(std::min<ssize_t>(n, 512)));
    total += static_cast<uint64_t>(n);
    last.assign(buf.data() + std::max<ssize_t>(0, n - 3), buf.data() + n);
  }
  close(fd);
  const uint64_t body = 4 + 64ull * 524288 + 3;
  EXPECT_NE(head.find("Content-Length: " + std::to_string(body) + "\r\n"), std::string::npos) << head.substr(0, 200);
  auto he = head.find("\r\n\r\n");
  ASSERT_NE(he, std::string::npos);
  EXPECT_EQ(total, he + 4 + body);
  EXPECT_EQ(last, "END");
  EXPECT_LT(rss_kib() - before, 16 * 1024) << "the lab held the body in memory";
}

TEST(labHostile, NestedRepeatAndEndlessHeaders) {
  Lab lab(fleet_yaml("      - {kind: http, port: 80, routes: [{path: /deep, body: '<r>', stream: {repeat: '<a>', close_repeat: '</a>', times: 3, tail: '</r>'}}],"
                     " default: {headers: ['Server: x'], stream: {header_lines: 100000000}}}\n"));
  {
    int fd = connect_to("127.79.232.10", 80);
    ASSERT_GE(fd, 0);
    send_all(fd, "GET /deep HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    std::string all;
    char buf[4096];
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) all.append(buf, static_cast<size_t>(n));
    close(fd);
    EXPECT_NE(all.find("Content-Length: 28\r\n\r\n<r><a><a><a></a></a></a></r>"), std::string::npos) << all;
  }
  int fd = connect_to("127.79.232.10", 80);
  ASSERT_GE(fd, 0);
  send_all(fd, kGet);
  std::string got;
  char buf[65536];
  while (got.size() < (4u << 20)) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);  // the lab stops when the peer goes away
  EXPECT_GE(got.size(), 4u << 20);
  EXPECT_EQ(got.find("\r\n\r\n"), std::string::npos) << "headers ended";
  EXPECT_NE(got.find("\r\nServer: x\r\n"), std::string::npos);
  EXPECT_NE(got.find("\r\nX-Pad-0: "), std::string::npos);
  EXPECT_NE(got.find("\r\nX-Pad-10000: "), std::string::npos);
}

TEST(labHostile, DripSendsOneBytePerInterval) {
  Lab lab(fleet_yaml("      - {kind: http, port: 80, default: {status: 200, body: 'x', stream: {drip_ms: 100}}}\n"));
  int fd = connect_to("127.79.232.10", 80);
  ASSERT_GE(fd, 0);
  send_all(fd, kGet);
  auto t0 = std::chrono::steady_clock::now();
  std::string got;
  char c;
  while (got.size() < 8 && recv(fd, &c, 1, 0) == 1) got += c;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  close(fd);
  EXPECT_EQ(got, "HTTP/1.1");
  EXPECT_GE(secs, 0.6);  // 8 bytes, 7 gaps of 100 ms
  EXPECT_LT(secs, 3.0);
}

TEST(labHostile, ResetAfterSendsExactlyThatManyBytesThenRst) {
  Lab lab(fleet_yaml("      - {kind: http, port: 80, default: {status: 200, body: '0123456789', stream: {reset_after: 12}}}\n"));
  int fd = connect_to("127.79.232.10", 80);
  ASSERT_GE(fd, 0);
  send_all(fd, kGet);
  std::string got;
  char buf[256];
  int err = 0;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) err = errno;
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  EXPECT_EQ(got, "HTTP/1.1 200");
  EXPECT_EQ(err, ECONNRESET);
}

std::vector<std::pair<std::string, std::string>> udp_collect(const std::string& addr, uint16_t port, const std::string& payload,
                                                             int max, int timeout_ms = 500) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  int big = 4 << 20;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
  timeval tv{0, timeout_ms * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto local = sa("127.0.0.1", 0);
  bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  auto a = sa(addr, port);
  sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<std::pair<std::string, std::string>> out;  // (source "addr:port", datagram)
  char buf[65536];
  for (int i = 0; i < max; ++i) {
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    ssize_t n = recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
    if (n < 0) break;
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &from.sin_addr, ip, sizeof ip);
    out.emplace_back(std::string(ip) + ":" + std::to_string(ntohs(from.sin_port)), std::string(buf, static_cast<size_t>(n)));
  }
  close(fd);
  return out;
}

const std::string kSadpProbe = "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>U1</Uuid><Types>inquiry</Types></Probe>";

TEST(labHostile, FloodRendersEachCopyAndReplyFromUsesOtherAddressAndPort) {
  Lab lab(fleet_yaml("      - {kind: sadp, flood: 50, reply: '<ProbeMatch>{{message_id}}</ProbeMatch>'}\n"
                     "      - {kind: wsd, types: 'dn:NetworkVideoTransmitter', reply_from: 127.79.233.7, reply: '<ProbeMatches/>'}\n"
                     "      - {kind: ssdp, reply_port: 40123, replies: [{st: 'upnp:rootdevice', headers: ['ST: upnp:rootdevice']}]}\n"));
  auto flood = udp_collect("127.79.232.10", 37020, kSadpProbe, 100);
  EXPECT_EQ(flood.size(), 50u);
  if (flood.size() >= 2) {
    EXPECT_NE(flood[0].second, flood[1].second) << "copies should differ ({{message_id}})";
  }
  auto wsd = udp_collect("127.79.232.10", 3702, "<e:Envelope><e:Body><d:Probe/></e:Body></e:Envelope>", 4);
  ASSERT_EQ(wsd.size(), 1u);
  EXPECT_EQ(wsd[0].first.substr(0, wsd[0].first.find(':')), "127.79.233.7");
  auto ssdp = udp_collect("127.79.232.10", 1900, "M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n", 4);
  ASSERT_EQ(ssdp.size(), 1u);
  EXPECT_EQ(ssdp[0].first, "127.79.232.10:40123");

  auto bad = Fleet::parse(fleet_yaml("      - {kind: sadp, reply_from: 10.0.0.1, reply: x}\n"), "t.yaml");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("127.0.0.0/8"), std::string::npos);
}

TEST(labHostile, DhipLengthsLie) {
  Lab lab(fleet_yaml("      - {kind: dhip, lengths: [2147483647, 16], reply: '{\"method\":\"client.notifyDevInfo\"}'}\n"));
  auto probe = codec::dhip::frame(R"({"method":"DHDiscover.search","params":{"mac":"","uni":1}})");
  auto got = udp_collect("127.79.232.10", 37810, probe, 2);
  ASSERT_EQ(got.size(), 1u);
  const std::string& d = got[0].second;
  ASSERT_GE(d.size(), 32u);
  auto u32 = [&](size_t o) {
    uint32_t v;
    std::memcpy(&v, d.data() + o, 4);
    return v;
  };
  EXPECT_EQ(u32(16), 2147483647u);
  EXPECT_EQ(u32(24), 16u);
  EXPECT_FALSE(codec::dhip::parse_reply(d)) << "the codec must refuse a lying header";
}

TEST(labHostile, HostileFleetLoadsWithSourcesForEveryCase) {
  auto f = Fleet::load("hostile");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_GE(f->personalities.size(), 15u);
  for (const auto& p : f->personalities) {
    EXPECT_FALSE(p.sources.empty()) << p.id;
    bool purpose = false;
    for (const auto& s : p.sources) purpose = purpose || s.rfind("purpose:", 0) == 0 || s.find("purpose") != std::string::npos;
    EXPECT_TRUE(purpose || p.id.rfind("dhip-mismatch", 0) == 0) << p.id << ": say what the case is for";
  }
  LabServer lab;
  auto r = lab.start(*f, {.bind = kNet, .scale = 0, .log_file = ""});
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
}

}  // namespace
}  // namespace anshin::lab
