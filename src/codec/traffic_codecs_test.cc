// Crafted bytes for the parsers `anshin traffic` uses: packet, DNS (UDP and TCP), TLS ClientHello, HTTP
// request head, DHCP, telnet logins.
#include <gtest/gtest.h>

#include <string>

#include "codec/dhcp/dhcp.h"
#include "codec/dns/dns.h"
#include "codec/dns/tcp_stream.h"
#include "codec/http/request_head.h"
#include "codec/packet/packet.h"
#include "codec/telnet/login.h"
#include "codec/tls/client_hello.h"

namespace anshin::codec {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int c : b) s += static_cast<char>(c);
  return s;
}
std::string be16(size_t v) { return bytes({static_cast<int>((v >> 8) & 0xff), static_cast<int>(v & 0xff)}); }

// Ethernet + IPv4 + UDP around `payload`.
std::string udp_frame(std::string_view payload, uint16_t sport, uint16_t dport) {
  std::string eth = bytes({0, 1, 2, 3, 4, 5, 0xc0, 0x56, 0xe3, 1, 2, 3, 0x08, 0x00});
  std::string udp = be16(sport) + be16(dport) + be16(8 + payload.size()) + be16(0) + std::string(payload);
  std::string ip = bytes({0x45, 0}) + be16(20 + udp.size()) + bytes({0, 0, 0x40, 0, 64, 17, 0, 0}) +
                   bytes({192, 168, 1, 64, 8, 8, 8, 8});
  return eth + ip + udp;
}

TEST(Packet, EthernetIpv4Udp) {
  auto f = packet::decode_frame(udp_frame("hello", 40000, 53), packet::kLinkEthernet);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(packet::mac_text(f->src_mac), "c0:56:e3:01:02:03");
  EXPECT_EQ(f->src.to_string(), "192.168.1.64");
  EXPECT_EQ(f->dst.to_string(), "8.8.8.8");
  EXPECT_EQ(f->protocol, packet::kUdp);
  EXPECT_EQ(f->dst_port, 53);
  EXPECT_EQ(f->payload, "hello");
  EXPECT_EQ(f->ip_length, 33u);
}

TEST(Packet, TruncatedAndHostileFrames) {
  std::string frame = udp_frame("hello world", 1, 2);
  auto cut = packet::decode_frame(frame.substr(0, frame.size() - 4), packet::kLinkEthernet);
  ASSERT_TRUE(cut);
  EXPECT_TRUE(cut->truncated);
  EXPECT_EQ(cut->payload, "hello w");
  EXPECT_FALSE(packet::decode_frame(frame.substr(0, 20), packet::kLinkEthernet));
  std::string bad_ihl = frame;
  bad_ihl[14] = 0x4f;  // IHL 60 bytes > what is there after UDP
  EXPECT_FALSE(packet::decode_frame(bad_ihl.substr(0, 40), packet::kLinkEthernet));
  EXPECT_FALSE(packet::decode_frame(frame, 9999));
  std::string arp = frame;
  arp[12] = 0x08, arp[13] = 0x06;
  EXPECT_FALSE(packet::decode_frame(arp, packet::kLinkEthernet));
}

TEST(Dns, QueryAndCompressedAnswers) {
  // Response: question p2p.example.com A; answers: CNAME -> relay.example.com, A 203.0.113.7 (compressed names).
  std::string m = bytes({0x12, 0x34, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0});
  m += bytes({3}) + "P2P" + bytes({7}) + "example" + bytes({3}) + "com" + bytes({0, 0, 1, 0, 1});
  m += bytes({0xc0, 12, 0, 5, 0, 1, 0, 0, 0, 60}) + be16(8) + bytes({5}) + "relay" + bytes({0xc0, 16});
  m += bytes({0xc0, static_cast<int>(m.size() - 8), 0, 1, 0, 1, 0, 0, 1, 0}) + be16(4) + bytes({203, 0, 113, 7});
  auto r = dns::parse_message(m);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->response);
  ASSERT_EQ(r->questions.size(), 1u);
  EXPECT_EQ(r->questions[0].name, "p2p.example.com");
  ASSERT_EQ(r->answers.size(), 2u);
  EXPECT_EQ(r->answers[0].target, "relay.example.com");
  EXPECT_EQ(r->answers[1].name, "relay.example.com");
  EXPECT_EQ(r->answers[1].address.to_string(), "203.0.113.7");
  EXPECT_EQ(r->answers[1].ttl, 256u);
}

TEST(Dns, PointerLoopsAndOddBytesAreBounded) {
  std::string loop = bytes({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1});
  EXPECT_FALSE(dns::parse_message(loop));
  std::string odd = bytes({0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'a', 0x1b, ' ', 0, 0, 1, 0, 1});
  auto r = dns::parse_message(odd);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->questions[0].name, "a\\027\\032");
  EXPECT_FALSE(dns::parse_message("short"));
}

TEST(Dns, MdnsKeepsCaseAndSpacesOfInstanceNames) {
  std::string m = bytes({0, 0, 0x84, 0, 0, 0, 0, 1, 0, 0, 0, 0});
  m += bytes({11}) + "_axis-video" + bytes({4}) + "_tcp" + bytes({5}) + "local" + bytes({0, 0, 12, 0, 1, 0, 0, 0, 60});
  const std::string instance = "AXIS M1065-LW - ACCC8E123456";
  m += be16(instance.size() + 3) + bytes({static_cast<int>(instance.size())}) + instance + bytes({0xc0, 12});
  auto kept = dns::parse_message(m, {.keep_case = true});
  ASSERT_TRUE(kept);
  ASSERT_EQ(kept->answers.size(), 1u);
  EXPECT_EQ(kept->answers[0].target, "AXIS M1065-LW - ACCC8E123456._axis-video._tcp.local");
  auto lowered = dns::parse_message(m);
  ASSERT_TRUE(lowered);
  EXPECT_EQ(lowered->answers[0].target, "axis\\032m1065-lw\\032-\\032accc8e123456._axis-video._tcp.local");
}

std::string dns_query(uint16_t id, std::string_view label) {
  return be16(id) + bytes({1, 0, 0, 1, 0, 0, 0, 0, 0, 0, static_cast<int>(label.size())}) + std::string(label) +
         bytes({0, 0, 1, 0, 1});
}

TEST(DnsTcp, SeveralMessagesPerSegmentAndOneAcrossSegments) {
  const std::string a = dns_query(1, "first"), b = dns_query(2, "second"), c = dns_query(3, "third");
  const std::string stream = be16(a.size()) + a + be16(b.size()) + b + be16(c.size()) + c;
  std::vector<std::string> names;
  dns::TcpStream s;
  auto on = [&](std::string_view m) {
    auto r = dns::parse_message(m);
    ASSERT_TRUE(r);
    names.push_back(r->questions.at(0).name);
  };
  const size_t cut1 = a.size() + 2 + b.size() + 3, cut2 = cut1 + 1;  // inside c's length, then its body
  s.segment(100, stream.substr(0, cut1), on);
  s.segment(100, stream.substr(0, 5), on);  // a retransmission: nothing twice
  s.segment(static_cast<uint32_t>(100 + cut1), stream.substr(cut1, cut2 - cut1), on);
  s.segment(static_cast<uint32_t>(100 + cut2), stream.substr(cut2), on);
  EXPECT_EQ(names, (std::vector<std::string>{"first", "second", "third"}));
  EXPECT_EQ(s.held(), 0u);
  EXPECT_FALSE(s.lost());
}

TEST(DnsTcp, OversizedMessagesAreSkippedAndGapsEndTheStream) {
  const std::string a = dns_query(1, "after");
  const std::string stream = be16(20000) + std::string(20000, 'x') + be16(a.size()) + a;
  EXPECT_EQ(dns::parse_tcp_messages(stream), (std::vector<std::string>{a}));
  dns::TcpStream s;
  size_t seen = 0;
  s.segment(0xfffffff0u, be16(a.size()) + a.substr(0, 4), [&](std::string_view) { ++seen; });  // seq wraps
  EXPECT_EQ(s.held(), 4u);
  s.segment(0xfffffff0u + 6 + 1, a.substr(5), [&](std::string_view) { ++seen; });  // one byte missing
  EXPECT_TRUE(s.lost());
  EXPECT_EQ(s.held(), 0u);
  EXPECT_EQ(seen, 0u);
}

TEST(TelnetLogin, APasswordLineAfterThePromptIsALogin) {
  telnet::LoginWatch w;
  w.server_bytes(bytes({0xff, 0xfd, 0x18, 0xff, 0xfa, 0x18, 1, 0xff, 0xf0}) + "\r\nlogin: ");
  w.client_bytes("root\r\n");
  EXPECT_FALSE(w.login());  // a user name is not yet a login
  w.server_bytes("\r\nPass");
  w.server_bytes("word:  ");  // the prompt split across segments
  EXPECT_TRUE(w.password_prompted());
  w.client_bytes("\r\n");   // an empty line is not a password
  EXPECT_FALSE(w.login());
  for (char c : std::string("s3cret")) w.client_bytes(std::string(1, c));
  EXPECT_FALSE(w.login());
  w.client_bytes(bytes({0xff, 0xfb, 0x1f}) + "\r" + bytes({0}));
  EXPECT_TRUE(w.login());
}

TEST(TelnetLogin, NoPromptNoLogin) {
  telnet::LoginWatch w;
  w.server_bytes("Welcome. The password: policy changed.\r\n$ ");
  w.client_bytes("ls\r\n");
  EXPECT_FALSE(w.login());
  EXPECT_FALSE(telnet::parse_login_transcript("SnSaSmSeS:CxC\r"));
  EXPECT_TRUE(telnet::parse_login_transcript("SPSaSsSsSwSoSrSdS:S CxC\r"));
}

std::string client_hello(std::string_view sni) {
  std::string sni_ext = be16(sni.size() + 3) + bytes({0}) + be16(sni.size()) + std::string(sni);
  std::string alpn_list = bytes({2}) + "h2" + bytes({8}) + "http/1.1";
  std::string alpn_ext = be16(alpn_list.size()) + alpn_list;
  std::string exts = be16(0) + be16(sni_ext.size()) + sni_ext + be16(16) + be16(alpn_ext.size()) + alpn_ext;
  std::string body = bytes({3, 3}) + std::string(32, 'r') + bytes({0}) + be16(2) + bytes({0x13, 0x01}) +
                     bytes({1, 0}) + be16(exts.size()) + exts;
  std::string hs = bytes({1, 0}) + be16(body.size()) + body;
  return bytes({22, 3, 1}) + be16(hs.size()) + hs;
}

TEST(TlsClientHello, ServerNameAndAlpn) {
  auto r = tls::parse_client_hello(client_hello("Relay.Example.COM"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->server_name, "relay.example.com");
  EXPECT_EQ(r->alpn, (std::vector<std::string>{"h2", "http/1.1"}));
  EXPECT_EQ(r->legacy_version, 0x0303);
}

TEST(TlsClientHello, CutAndHostileInput) {
  const std::string hello = client_hello("relay.example.com");
  EXPECT_FALSE(tls::parse_client_hello(hello.substr(0, 40)));  // cut before the extensions
  EXPECT_FALSE(tls::parse_client_hello("GET / HTTP/1.1\r\n"));
  auto bad_name = tls::parse_client_hello(client_hello(std::string("a\x1b[31m", 6)));
  ASSERT_TRUE(bad_name);
  EXPECT_EQ(bad_name->server_name, "");  // control bytes: not a host name
}

TEST(HttpRequestHead, HostAgentAndAuthorizationSchemeOnly) {
  auto r = http::parse_request_head(
      "GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: 192.168.1.64\r\nUser-Agent: Firmware-Updater/1.0\r\n"
      "Authorization: Basic YWRtaW46MTIzNDU=\r\n\r\n");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->method, "GET");
  EXPECT_EQ(r->protocol, "HTTP");
  EXPECT_EQ(r->host, "192.168.1.64");
  EXPECT_EQ(r->user_agent, "Firmware-Updater/1.0");
  EXPECT_EQ(r->authorization, "Basic");
  EXPECT_TRUE(r->complete);
  auto rtsp = http::parse_request_head("DESCRIBE rtsp://cam/Streaming/Channels/101 RTSP/1.0\nCSeq: 2\n");
  ASSERT_TRUE(rtsp);
  EXPECT_EQ(rtsp->protocol, "RTSP");
  EXPECT_FALSE(rtsp->complete);
  EXPECT_FALSE(http::parse_request_head("HTTP/1.1 200 OK\r\n\r\n"));
  EXPECT_FALSE(http::parse_request_head(std::string(20000, 'A')));
}

std::string dhcp_discover(std::string_view options) {
  std::string m = bytes({1, 1, 6, 0}) + std::string(24, '\0');
  m += bytes({0x44, 0x19, 0xb6, 0x0a, 0x0b, 0x0c}) + std::string(10 + 64 + 128, '\0');
  return m + bytes({0x63, 0x82, 0x53, 0x63}) + std::string(options);
}

TEST(Dhcp, HostNameParameterListVendorClass) {
  std::string opts = bytes({53, 1, 1, 12, 8}) + "IPCamera" + bytes({55, 4, 1, 3, 6, 15, 60, 12}) + "udhcp 1.20.2" +
                     bytes({255});
  auto r = dhcp::parse_message(dhcp_discover(opts));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->op, 1);
  EXPECT_EQ(r->message_type, 1);
  EXPECT_EQ(r->client_mac, "44:19:b6:0a:0b:0c");
  EXPECT_EQ(r->host_name, "IPCamera");
  EXPECT_EQ(r->parameter_list, "1,3,6,15");
  EXPECT_EQ(r->vendor_class, "udhcp 1.20.2");
}

TEST(Dhcp, CutOptionsAndNoCookie) {
  auto cut = dhcp::parse_message(dhcp_discover(bytes({12, 200}) + "short"));
  ASSERT_TRUE(cut);
  EXPECT_EQ(cut->host_name, "");
  std::string no_cookie = dhcp_discover("");
  no_cookie[236] = 0;
  EXPECT_FALSE(dhcp::parse_message(no_cookie));
  EXPECT_FALSE(dhcp::parse_message("x"));
}

}  // namespace
}  // namespace anshin::codec
