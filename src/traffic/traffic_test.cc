// The analysis on crafted frames and log lines: service matching, limits, Zeek formats, host records.
#include <gtest/gtest.h>

#include <string>

#include "codec/packet/packet.h"
#include "traffic/analyzer.h"
#include "traffic/devices.h"
#include "traffic/zeek.h"

namespace anshin::traffic {
namespace {

namespace packet = codec::packet;

IpAddr A(const char* text) { return *IpAddr::parse(text); }

kb::ServiceTable make_services() {
  kb::ServiceTable t;
  kb::VendorService relay;
  relay.id = "relay";
  relay.name = "Relay";
  relay.kind = "p2p";
  relay.domains = {"relay.example"};
  relay.addresses = {{A("198.51.100.0"), 24, "198.51.100.0/24"}};
  EXPECT_TRUE(t.add(relay));
  return t;
}

packet::Frame tcp_frame(const char* src, const char* dst, uint16_t sport, uint16_t dport, uint8_t flags,
                        std::string_view payload = {}) {
  packet::Frame f;
  f.src = A(src);
  f.dst = A(dst);
  f.protocol = packet::kTcp;
  f.src_port = sport;
  f.dst_port = dport;
  f.tcp_flags = flags;
  f.payload = payload;
  f.ip_length = static_cast<uint32_t>(40 + payload.size());
  return f;
}

TEST(TrafficServices, LongestDomainSuffixAndRanges) {
  auto t = make_services();
  EXPECT_EQ(t.by_name("a.b.relay.example")->id, "relay");
  EXPECT_EQ(t.by_name("relay.example")->id, "relay");
  EXPECT_EQ(t.by_name("notrelay.example"), nullptr);
  EXPECT_EQ(t.by_name("relay.example.evil"), nullptr);
  EXPECT_EQ(t.by_address(A("198.51.100.77"))->id, "relay");
  EXPECT_EQ(t.by_address(A("198.51.101.1")), nullptr);
  kb::VendorService clash;
  clash.id = "other";
  clash.domains = {"relay.example"};
  std::string why;
  EXPECT_FALSE(t.add(clash, &why));
  EXPECT_NE(why.find("relay"), std::string::npos);
}

TEST(TrafficAnalyzer, DnsThenConnectionNamesTheContactAndCountsIt) {
  const auto t = make_services();
  Analyzer a(t);
  a.dns_answer(1'000'000, A("192.168.1.64"), "p2p.relay.example", A("203.0.113.7"));
  a.packet(2'000'000, tcp_frame("192.168.1.64", "203.0.113.7", 40000, 443, packet::kTcpSyn));
  a.packet(2'100'000, tcp_frame("203.0.113.7", "192.168.1.64", 443, 40000, packet::kTcpSyn | packet::kTcpAck));
  a.packet(2'200'000, tcp_frame("192.168.1.64", "203.0.113.7", 40000, 443, packet::kTcpAck, "data"));
  a.packet(9'000'000, tcp_frame("192.168.1.64", "198.51.100.9", 40001, 5000, packet::kTcpSyn));
  a.finish();
  const HostState& h = a.hosts().at(A("192.168.1.64"));
  const Contact& c = h.contacts.at(A("203.0.113.7"));
  ASSERT_NE(c.service, nullptr);
  EXPECT_EQ(c.service->id, "relay");
  EXPECT_EQ(c.matched_by, "dns");
  EXPECT_EQ(c.connections, 1u);
  EXPECT_EQ(c.bytes_out, 40u + 44u);  // the SYN and the data segment
  EXPECT_EQ(c.bytes_in, 40u);
  EXPECT_EQ(c.names, std::vector<std::string>{"p2p.relay.example"});
  EXPECT_EQ(h.contacts.at(A("198.51.100.9")).matched_by, "address");
  EXPECT_EQ(h.first_us, 1'000'000);
  EXPECT_EQ(h.last_us, 9'000'000);
  EXPECT_FALSE(a.hosts().count(A("203.0.113.7")));  // outside addresses keep no state of their own
}

TEST(TrafficAnalyzer, BasicAuthIsAFactAndHttpRepliesAreObservations) {
  const auto table = make_services();  // outlives the analyzer, which keeps a reference
  Analyzer a(table);
  a.packet(1, tcp_frame("192.168.1.10", "192.168.1.64", 50000, 80, packet::kTcpSyn));
  a.packet(2, tcp_frame("192.168.1.10", "192.168.1.64", 50000, 80, packet::kTcpAck,
                        "GET / HTTP/1.1\r\nHost: cam\r\nAuthorization: Basic YWRtaW46c2VjcmV0\r\n\r\n"));
  a.packet(3, tcp_frame("192.168.1.64", "192.168.1.10", 80, 50000, packet::kTcpAck,
                        "HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nWWW-Authenticate: Digest realm=\"IP Camera\", nonce=\"1\"\r\n\r\n"));
  a.finish();
  const HostState& cam = a.hosts().at(A("192.168.1.64"));
  ASSERT_EQ(cam.cleartext.size(), 1u);
  EXPECT_EQ(cam.cleartext[0].scheme, "Basic");
  EXPECT_EQ(cam.cleartext[0].port, 80);
  EXPECT_EQ(a.hosts().at(A("192.168.1.10")).cleartext.size(), 1u);
  auto rec = host_record(cam);
  std::string all;
  for (const auto& s : rec.services)
    for (const auto& o : s.observations) all += o.key + "=" + o.value + ";";
  EXPECT_NE(all.find("http.header.server=App-webs/;"), std::string::npos) << all;
  EXPECT_NE(all.find("http.auth.realm=IP Camera;"), std::string::npos) << all;
  EXPECT_EQ(all.find("YWRt"), std::string::npos);
}

TEST(TrafficAnalyzer, HostHeadersThatAreNoHostNamesAreIgnored) {
  const auto table = make_services();
  Analyzer a(table);
  a.http_host(1, A("192.168.1.64"), A("203.0.113.7"), "P2P.Relay.Example:8080");
  a.http_host(2, A("192.168.1.64"), A("203.0.113.8"), "evil\x1b[31m.relay.example");
  a.http_host(3, A("192.168.1.64"), A("203.0.113.9"), "203.0.113.9");
  const HostState& h = a.hosts().at(A("192.168.1.64"));
  EXPECT_EQ(h.contacts.at(A("203.0.113.7")).names, std::vector<std::string>{"p2p.relay.example"});
  EXPECT_FALSE(h.contacts.count(A("203.0.113.8")));
  EXPECT_FALSE(h.contacts.count(A("203.0.113.9")));
}

TEST(TrafficAnalyzer, LimitsBoundEveryTable) {
  Limits l;
  l.max_hosts = 2;
  l.max_contacts_per_host = 3;
  l.max_flows = 8;
  l.max_total_contacts = 5;
  const auto table = make_services();
  Analyzer a(table, l);
  for (int i = 0; i < 200; ++i) {
    const std::string src = "10.0.0." + std::to_string(i % 5 + 1);
    const std::string dst = "203.0.113." + std::to_string(i % 50 + 1);
    a.packet(i, tcp_frame(src.c_str(), dst.c_str(), static_cast<uint16_t>(30000 + i), 443, packet::kTcpSyn));
  }
  EXPECT_LE(a.hosts().size(), 2u);
  size_t contacts = 0;
  for (const auto& [address, h] : a.hosts()) {
    EXPECT_LE(h.contacts.size(), 3u);
    contacts += h.contacts.size();
  }
  EXPECT_LE(contacts, 5u);
  EXPECT_GT(a.stats().hosts_dropped, 0u);
  EXPECT_GT(a.stats().contacts_dropped, 0u);
  EXPECT_GT(a.stats().flow_table_resets + a.stats().flow_sweeps, 0u);
}

TEST(TrafficZeek, TsvWithDeclaredSeparatorsAndJson) {
  const auto table = make_services();  // outlives the analyzer, which keeps a reference
  Analyzer a(table);
  ZeekStats st;
  ZeekLogParser dns(ZeekLog::kDns, a, st);
  dns.parse_line("#separator \\x7c");
  dns.parse_line("#set_separator|;");
  dns.parse_line("#fields|ts|id.orig_h|query|answers");
  dns.parse_line("1764979200.5|192.168.1.64|P2P.Relay.Example|203.0.113.7;203.0.113.8");
  ZeekLogParser conn(ZeekLog::kConn, a, st);
  conn.parse_line(R"({"ts":1764979201.0,"id.orig_h":"192.168.1.64","id.orig_p":40000,"id.resp_h":"203.0.113.8",)"
                  R"("id.resp_p":443,"proto":"tcp","duration":2.0,"orig_ip_bytes":500,"resp_ip_bytes":300,"resp_pkts":3,"conn_state":"SF"})");
  conn.parse_line("{not json");
  conn.parse_line(R"({"ts":"2025-12-06T00:00:02.250000Z","id.orig_h":"192.168.1.64","id.resp_h":"203.0.113.9","id.resp_p":80,"proto":"tcp"})");
  ZeekLogParser headless(ZeekLog::kSsl, a, st);
  headless.parse_line("1764979200\t192.168.1.64");  // TSV data before any #fields
  EXPECT_EQ(st.records, 3u);
  EXPECT_EQ(st.skipped_lines, 2u);
  const HostState& h = a.hosts().at(A("192.168.1.64"));
  const Contact& c = h.contacts.at(A("203.0.113.8"));
  ASSERT_NE(c.service, nullptr);
  EXPECT_EQ(c.service->id, "relay");
  EXPECT_EQ(c.bytes_out, 500u);
  EXPECT_EQ(c.last_us, 1764979203'000000);
  EXPECT_EQ(h.contacts.at(A("203.0.113.9")).first_us, 1764979202'250000);
  EXPECT_EQ(h.service_queries.at("relay").queries, 1u);
}

TEST(TrafficZeek, LogKindsByFileName) {
  EXPECT_EQ(zeek_log_kind("conn.log"), ZeekLog::kConn);
  EXPECT_EQ(zeek_log_kind("dns.2026-12-06-10-00-00.log"), ZeekLog::kDns);
  EXPECT_EQ(zeek_log_kind("http.json"), ZeekLog::kHttp);
  EXPECT_EQ(zeek_log_kind("conn.log.gz"), std::nullopt);
  EXPECT_EQ(zeek_log_kind("files.log"), std::nullopt);
}

TEST(TrafficText, TimesAndBytes) {
  EXPECT_EQ(rfc3339(1764979200'000000), "2025-12-06T00:00:00Z");
  EXPECT_EQ(byte_text(999), "999 B");
  EXPECT_EQ(byte_text(1500), "1.5 kB");
  EXPECT_EQ(byte_text(2'500'000'000), "2.50 GB");
}

TEST(TrafficAnalyzer, TelnetLoginsAreCountedWithinTheStreamBound) {
  const auto t = make_services();
  Limits limits;
  limits.max_streams = 1;
  Analyzer a(t, limits);
  // Two telnet connections at once: the first is followed, the second is over the bound.
  for (uint16_t port : {50000, 50001}) {
    auto server = tcp_frame("192.168.1.64", "192.168.1.10", 23, port, packet::kTcpAck, "\r\nPassword: ");
    server.tcp_seq = 1;
    a.packet(1'000'000, server);
  }
  for (uint16_t port : {50000, 50001}) {
    auto client = tcp_frame("192.168.1.10", "192.168.1.64", port, 23, packet::kTcpAck, "secret\r\n");
    a.packet(2'000'000, client);
  }
  a.finish();
  EXPECT_EQ(a.stats().streams_dropped, 2u);  // the second connection's two segments
  const HostState& cam = a.hosts().at(A("192.168.1.64"));
  ASSERT_EQ(cam.cleartext.size(), 1u);
  EXPECT_EQ(cam.cleartext[0].protocol, "telnet");
  EXPECT_EQ(cam.cleartext[0].port, 23);
  EXPECT_EQ(cam.cleartext[0].client, A("192.168.1.10"));
}

TEST(TrafficAnalyzer, DnsOverTcpAcrossSegments) {
  const auto t = make_services();
  Analyzer a(t);
  // A response for p2p.relay.example -> 203.0.113.7, length-prefixed, cut inside the name.
  std::string m = std::string("\x00\x01\x81\x80\x00\x01\x00\x01\x00\x00\x00\x00", 12);
  m += std::string("\x03p2p\x05relay\x07" "example\x00\x00\x01\x00\x01", 23);
  m += std::string("\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04\xcb\x00\x71\x07", 16);
  const std::string framed = std::string(1, static_cast<char>(m.size() >> 8)) + static_cast<char>(m.size() & 0xff) + m;
  auto first = tcp_frame("192.168.1.1", "192.168.1.64", 53, 40000, packet::kTcpAck, std::string_view(framed).substr(0, 10));
  first.tcp_seq = 500;
  auto second = tcp_frame("192.168.1.1", "192.168.1.64", 53, 40000, packet::kTcpAck, std::string_view(framed).substr(10));
  second.tcp_seq = 510;
  a.packet(1'000'000, tcp_frame("192.168.1.64", "192.168.1.1", 40000, 53, packet::kTcpSyn));
  a.packet(1'100'000, first);
  a.packet(1'200'000, second);
  a.packet(2'000'000, tcp_frame("192.168.1.64", "203.0.113.7", 40001, 443, packet::kTcpSyn));
  a.finish();
  EXPECT_EQ(a.stats().dns_tcp_messages, 1u);
  const Contact& c = a.hosts().at(A("192.168.1.64")).contacts.at(A("203.0.113.7"));
  ASSERT_NE(c.service, nullptr);
  EXPECT_EQ(c.service->id, "relay");
  EXPECT_EQ(c.matched_by, "dns");
}

}  // namespace
}  // namespace anshin::traffic
