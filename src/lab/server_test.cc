// Starts the default fleet on unusual loopback /24s inside 127.79.0.0/16 (one per test, so parallel ctest runs
// do not collide with each other or with the integration tests on 127.77.240.0/20)
// and talks to it with plain sockets, sending the real probe bytes of the codec's builders.
#include "lab/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>

#include "lab/auth.h"

namespace anshin::lab {
namespace {

sockaddr_in sa(const std::string& addr, uint16_t port) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
  return a;
}

class Tcp {
 public:
  Tcp(const std::string& addr, uint16_t port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{2, 0};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    auto a = sa(addr, port);
    ok_ = connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Tcp() { close(fd_); }
  bool ok() const { return ok_; }
  void send(const std::string& s) { ASSERT_EQ(::send(fd_, s.data(), s.size(), MSG_NOSIGNAL), static_cast<ssize_t>(s.size())); }
  // Reads until `until` appears (and the Content-Length body after it when headers end), EOF or timeout.
  std::string read_reply() {
    std::string out;
    char buf[8192];
    for (;;) {
      auto he = out.find("\r\n\r\n");
      if (he != std::string::npos) {
        size_t cl = 0;
        auto p = out.find("Content-Length: ");
        if (p != std::string::npos && p < he) cl = std::stoul(out.substr(p + 16));
        if (out.size() >= he + 4 + cl) {
          leftover_ = out.substr(he + 4 + cl);
          return out.substr(0, he + 4 + cl);
        }
      }
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  std::string read_some() {
    char buf[4096];
    ssize_t n = recv(fd_, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
  std::string leftover_;
};

std::vector<std::string> udp_exchange(const std::string& addr, uint16_t port, const std::string& payload, int max = 4) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  timeval tv{0, 500000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  auto local = sa("127.0.0.1", 0);
  bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local);
  auto a = sa(addr, port);
  sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&a), sizeof a);
  std::vector<std::string> out;
  char buf[65536];
  for (int i = 0; i < max; ++i) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) break;
    out.emplace_back(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

std::string header_value(const std::string& reply, const std::string& name) {
  auto p = reply.find("\r\n" + name + ": ");
  if (p == std::string::npos) return {};
  p += name.size() + 4;
  return reply.substr(p, reply.find("\r\n", p) - p);
}

std::string param(const std::string& challenge, const std::string& key) {
  auto p = challenge.find(key + "=\"");
  if (p == std::string::npos) return {};
  p += key.size() + 2;
  return challenge.substr(p, challenge.find('"', p) - p);
}

struct Lab {
  LabServer server;
  explicit Lab(const std::string& cidr, int scale = 0) {
    auto f = Fleet::load("default");
    EXPECT_TRUE(f) << f.error().message;
    ServeOptions o;
    o.bind = cidr;
    o.scale = scale;
    auto r = server.start(*f, o);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
  }
};

TEST(labServer, RefusesNonLoopback) {
  auto f = Fleet::load("default");
  ASSERT_TRUE(f);
  LabServer s;
  auto r = s.start(*f, "10.0.0.0/24");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kOutOfScope);
  EXPECT_FALSE(s.start(*f, "127.77.0.0/31"));  // suffixes do not fit
  EXPECT_FALSE(parse_loopback_cidr("127.1.2.3/7"));
  EXPECT_FALSE(parse_loopback_cidr("garbage"));
  EXPECT_TRUE(parse_loopback_cidr("127.77.0.0/16"));
}

TEST(labServer, HttpRoutesAndGroundTruth) {
  Lab lab("127.79.250.0/24");
  auto devs = lab.server.devices();
  ASSERT_GE(devs.size(), 12u);
  bool found = false;
  for (const auto& d : devs)
    if (d.address == "127.79.250.12") {
      found = true;
      EXPECT_EQ(d.id, "annke-ipc");
      EXPECT_EQ(d.expect.brand.value_or(""), "Annke");
      EXPECT_EQ(d.expect.manufacturer.value_or(""), "Hikvision");
      EXPECT_EQ(d.expect.serial.value_or("").rfind("DS-2CD2043G0-I", 0), 0u);
    }
  EXPECT_TRUE(found);

  Tcp c("127.79.250.10", 80);
  ASSERT_TRUE(c.ok());
  c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  auto r = c.read_reply();
  EXPECT_EQ(r.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << r;
  EXPECT_EQ(header_value(r, "Server"), "App-webs/");
  EXPECT_NE(r.find("/doc/page/login.asp"), std::string::npos);

  Tcp n("127.79.250.10", 80);
  n.send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(n.read_reply().rfind("HTTP/1.1 404", 0), 0u);

  // ONVIF: GetSystemDateAndTime anonymous, GetDeviceInformation refused with ter:NotAuthorized.
  std::string soap_time =
      R"(<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>)";
  std::string soap_info =
      R"(<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><GetDeviceInformation xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>)";
  auto post = [](const std::string& addr, uint16_t port, const std::string& body) {
    Tcp t(addr, port);
    t.send("POST /onvif/device_service HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body);
    return t.read_reply();
  };
  auto t = post("127.79.250.10", 80, soap_time);
  EXPECT_NE(t.find("GetSystemDateAndTimeResponse"), std::string::npos) << t;
  EXPECT_NE(t.find("<tt:Year>20"), std::string::npos);
  auto i = post("127.79.250.10", 80, soap_info);
  EXPECT_NE(i.find("ter:NotAuthorized"), std::string::npos) << i;
  // The Xiongmai board answers GetDeviceInformation on 8899 without credentials.
  auto x = post("127.79.250.50", 8899, soap_info);
  EXPECT_NE(x.find("<tds:Model>50H20L</tds:Model>"), std::string::npos) << x;

  // Dahua magicBox without credentials (old firmware), RPC2_Login first step.
  Tcp m("127.79.250.20", 80);
  m.send("GET /cgi-bin/magicBox.cgi?action=getSoftwareVersion HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(m.read_reply().find("version=2.622.0000000.31.R,build:2017-08-29"), std::string::npos);
  Tcp rpc("127.79.250.20", 80);
  std::string login = R"({"method":"global.login","params":{"userName":"admin","password":"","clientType":"Web3.0","loginType":"Direct"},"id":1})";
  rpc.send("POST /RPC2_Login HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(login.size()) + "\r\n\r\n" + login);
  auto lr = rpc.read_reply();
  EXPECT_NE(lr.find("\"realm\":\"Login to 4G02C1EPAZ"), std::string::npos) << lr;
  EXPECT_NE(lr.find("\"encryption\":\"Default\""), std::string::npos);

  // Axis VAPIX anonymous basic device info.
  std::string vapix = R"({"apiVersion":"1.0","context":"abc","method":"getAllUnrestrictedProperties"})";
  Tcp ax("127.79.250.30", 80);
  ax.send("POST /axis-cgi/basicdeviceinfo.cgi HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
          std::to_string(vapix.size()) + "\r\n\r\n" + vapix);
  auto ar = ax.read_reply();
  EXPECT_NE(ar.find("\"ProdNbr\":\"P3245-LV\""), std::string::npos) << ar;

  // The request log saw them.
  EXPECT_EQ(lab.server.count({.address = "127.79.250.10", .method = "POST"}), 2u);
  EXPECT_EQ(lab.server.count({.op = "GetDeviceInformation"}), 2u);
  EXPECT_EQ(lab.server.count({.target = "/RPC2_Login"}), 1u);
  EXPECT_EQ(lab.server.count({.op = "global.login"}), 1u);
}

TEST(labServer, RtspSessionWithDigest) {
  Lab lab("127.79.248.0/24");
  Tcp c("127.79.248.10", 554);
  ASSERT_TRUE(c.ok());
  const std::string url = "rtsp://127.79.248.10:554/Streaming/Channels/101";
  c.send("OPTIONS " + url + " RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: test\r\n\r\n");
  auto o = c.read_reply();
  EXPECT_EQ(o.rfind("RTSP/1.0 200 OK\r\n", 0), 0u) << o;
  EXPECT_EQ(header_value(o, "CSeq"), "1");
  EXPECT_NE(header_value(o, "Public").find("DESCRIBE"), std::string::npos);

  c.send("DESCRIBE " + url + " RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n");
  auto d = c.read_reply();
  EXPECT_EQ(d.rfind("RTSP/1.0 401 Unauthorized\r\n", 0), 0u) << d;
  EXPECT_EQ(header_value(d, "CSeq"), "2");
  EXPECT_NE(d.find("WWW-Authenticate: Basic realm=\"/\""), std::string::npos);
  std::string ch = header_value(d, "WWW-Authenticate");
  ASSERT_EQ(param(ch, "realm"), "Hikvision");
  std::string nonce = param(ch, "nonce");
  ASSERT_EQ(nonce.size(), 32u);

  auto describe_with = [&](const std::string& pass, int cseq) {
    std::string ha1 = md5_hex("admin:Hikvision:" + pass), ha2 = md5_hex("DESCRIBE:" + url);
    c.send("DESCRIBE " + url + " RTSP/1.0\r\nCSeq: " + std::to_string(cseq) +
           "\r\nAuthorization: Digest username=\"admin\", realm=\"Hikvision\", nonce=\"" + nonce + "\", uri=\"" + url +
           "\", response=\"" + md5_hex(ha1 + ":" + nonce + ":" + ha2) + "\"\r\n\r\n");
    return c.read_reply();
  };
  auto bad = describe_with("wrong", 3);
  EXPECT_EQ(bad.rfind("RTSP/1.0 401", 0), 0u);
  auto ok = describe_with("Hik12345!", 4);  // same connection, as HIK Media Server wants
  EXPECT_EQ(ok.rfind("RTSP/1.0 200 OK\r\n", 0), 0u) << ok;
  EXPECT_EQ(header_value(ok, "CSeq"), "4");
  EXPECT_NE(ok.find("s=HIK Media Server V3.1.3"), std::string::npos);
  EXPECT_NE(ok.find("m=video"), std::string::npos);
  EXPECT_EQ(lab.server.count({.address = "127.79.248.10", .method = "DESCRIBE"}), 3u);

  // Dahua: realm carries the serial.
  Tcp dh("127.79.248.20", 554);
  dh.send("DESCRIBE rtsp://127.79.248.20:554/cam/realmonitor?channel=1&subtype=0 RTSP/1.0\r\nCSeq: 7\r\n\r\n");
  auto dr = dh.read_reply();
  EXPECT_NE(dr.find("Digest realm=\"Login to 4G02C1EPAZ"), std::string::npos) << dr;
  EXPECT_EQ(header_value(dr, "CSeq"), "7");
}

TEST(labServer, HttpDigestAuthAndLockout) {
  Lab lab("127.79.247.0/24");
  auto get = [](const std::string& auth_pass) {
    Tcp c("127.79.247.10", 80);
    c.send("GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: x\r\n\r\n");
    auto r = c.read_reply();
    if (auth_pass.empty()) return r;
    std::string ch = header_value(r, "WWW-Authenticate");
    std::string nonce = param(ch, "nonce"), realm = param(ch, "realm");
    std::string uri = "/ISAPI/System/deviceInfo";
    std::string ha1 = md5_hex("admin:" + realm + ":" + auth_pass), ha2 = md5_hex("GET:" + uri);
    std::string resp = md5_hex(ha1 + ":" + nonce + ":00000001:0a4f113b:auth:" + ha2);
    Tcp c2("127.79.247.10", 80);
    c2.send("GET " + uri + " HTTP/1.1\r\nHost: x\r\nAuthorization: Digest username=\"admin\", realm=\"" + realm +
            "\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", qop=auth, nc=00000001, cnonce=\"0a4f113b\", response=\"" +
            resp + "\"\r\n\r\n");
    return c2.read_reply();
  };
  auto none = get("");
  EXPECT_EQ(none.rfind("HTTP/1.1 401", 0), 0u);
  EXPECT_NE(none.find("<lockStatus>unlock</lockStatus>"), std::string::npos);
  auto ok = get("Hik12345!");
  EXPECT_EQ(ok.rfind("HTTP/1.1 200", 0), 0u) << ok;
  EXPECT_NE(ok.find("<model>DS-2CD2043G0-I</model>"), std::string::npos);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(get("wrong").rfind("HTTP/1.1 401", 0), 0u);
  // lockout_after: 5 -> every further attempt, even the right password, gets the lock reply.
  auto locked = get("Hik12345!");
  EXPECT_EQ(locked.rfind("HTTP/1.1 401", 0), 0u);
  EXPECT_NE(locked.find("<lockStatus>lock</lockStatus>"), std::string::npos) << locked;
  // Other devices are not affected.
  Tcp other("127.79.247.12", 80);
  other.send("GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(other.read_reply().find("<lockStatus>unlock</lockStatus>"), std::string::npos);
}

TEST(labServer, BannerSilentAndTls) {
  Lab lab("127.79.246.0/24");
  Tcp t("127.79.246.13", 23);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.read_some(), std::string("\xff\xfb\x01\xff\xfb\x03", 6));
  t.send("admin\r\n");
  Tcp f("127.79.246.30", 21);
  EXPECT_EQ(f.read_some().rfind("220 AXIS P3245-LV", 0), 0u);
  Tcp s("127.79.246.10", 8000);
  EXPECT_TRUE(s.ok());
  s.send("\x00\x00\x00\x20");
  EXPECT_EQ(s.read_some(), "");  // silent: nothing within the timeout
  for (int i = 0; i < 50 && lab.server.count({.kind = "banner", .method = "DATA"}) < 1; ++i) usleep(10000);
  EXPECT_EQ(lab.server.count({.address = "127.79.246.13", .kind = "banner", .method = "DATA", .op = "admin"}), 1u);
  EXPECT_GE(lab.server.connections(), 3u);
}

TEST(labServer, UdpDiscovery) {
  Lab lab("127.79.245.0/24");
  // SADP (the exact inquiry probe).
  auto sadp = udp_exchange("127.79.245.10", 37020,
                           R"(<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>3F2504E0-4F89-11D3-9A0C-0305E82C3301</Uuid><Types>inquiry</Types></Probe>)",
                           1);
  ASSERT_EQ(sadp.size(), 1u);
  EXPECT_NE(sadp[0].find("<Uuid>3F2504E0-4F89-11D3-9A0C-0305E82C3301</Uuid>"), std::string::npos);
  EXPECT_NE(sadp[0].find("<SoftwareVersion>V5.5.0 build 170725</SoftwareVersion>"), std::string::npos);
  EXPECT_NE(sadp[0].find("<MAC>44-19-b6-"), std::string::npos) << sadp[0];
  EXPECT_NE(sadp[0].find("<IPv4Address>127.79.245.10</IPv4Address>"), std::string::npos);
  EXPECT_TRUE(udp_exchange("127.79.245.10", 37020, "<Probe><Types>other</Types></Probe>", 1).empty());

  // DHIP (32-byte header + 74-byte body = 106 bytes).
  std::string body = R"({ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } })"
                     "\r\n";
  ASSERT_EQ(body.size(), 74u);
  std::string hdr("\x20\x00\x00\x00"
                  "DHIP"
                  "\x00\x00\x00\x00\x00\x00\x00\x00\x4a\x00\x00\x00\x00\x00\x00\x00\x4a\x00\x00\x00\x00\x00\x00\x00",
                  32);
  auto dh = udp_exchange("127.79.245.20", 37810, hdr + body, 1);
  ASSERT_EQ(dh.size(), 1u);
  const std::string& r = dh[0];
  ASSERT_GT(r.size(), 32u);
  uint32_t hl, l1, l2;
  std::memcpy(&hl, r.data(), 4);
  std::memcpy(&l1, r.data() + 16, 4);
  std::memcpy(&l2, r.data() + 24, 4);
  EXPECT_EQ(hl, 0x20u);
  EXPECT_EQ(r.substr(4, 4), "DHIP");
  EXPECT_EQ(l1, l2);
  EXPECT_EQ(l1, r.size() - 32);
  EXPECT_EQ(r.substr(r.size() - 2), std::string("\n\0", 2));
  EXPECT_NE(r.find("\"SerialNo\":\"4G02C1EPAZ"), std::string::npos);
  EXPECT_NE(r.find("\"method\":\"client.notifyDevInfo\""), std::string::npos);
  EXPECT_TRUE(udp_exchange("127.79.245.20", 37810, std::string(hdr.data(), 16) + "garbage", 1).empty());

  // WS-Discovery (the 2005/04 Probe).
  std::string probe =
      R"(<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</a:MessageID><a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header><s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>)";
  auto w = udp_exchange("127.79.245.10", 3702, probe, 1);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("<wsa:RelatesTo>urn:uuid:0a6dc791-2be6-4991-9af1-454778a1917a</wsa:RelatesTo>"), std::string::npos);
  EXPECT_NE(w[0].find("http://127.79.245.10:80/onvif/device_service"), std::string::npos);
  EXPECT_NE(w[0].find("name/HIKVISION%20DS-2CD2043G0-I"), std::string::npos);
  // The NVR lists only tds:Device: a typed NVT probe gets no answer, an untyped one does.
  EXPECT_TRUE(udp_exchange("127.79.245.11", 3702, probe, 1).empty());
  std::string untyped = probe;
  untyped.replace(untyped.find("<d:Types>"), std::string("<d:Types>dn:NetworkVideoTransmitter</d:Types>").size(), "");
  EXPECT_EQ(udp_exchange("127.79.245.11", 3702, untyped, 1).size(), 1u);

  // SSDP (the M-SEARCH shape of nmap-payloads udp/1900, cited not copied).
  auto s = udp_exchange("127.79.245.30", 1900,
                        "M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: \"ssdp:discover\"\r\nMX: 5\r\nST: ssdp:all\r\n\r\n");
  ASSERT_EQ(s.size(), 2u);
  EXPECT_NE(s[0].find("ST: urn:axis-com:service:BasicService:1"), std::string::npos) << s[0];
  std::string loc = header_value(s[0], "LOCATION");
  EXPECT_EQ(loc, "http://127.79.245.30:49152/rootdesc1.xml");
  Tcp d("127.79.245.30", 49152);
  d.send("GET /rootdesc1.xml HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(d.read_reply().find("<modelName>AXIS P3245-LV</modelName>"), std::string::npos);
  auto p = udp_exchange("127.79.245.101", 1900,
                        "M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: \"ssdp:discover\"\r\nMX: 1\r\nST: upnp:rootdevice\r\n\r\n");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(header_value(p[0], "LOCATION"), "http://127.79.245.101:80/upnp/printer.xml");

  EXPECT_EQ(lab.server.count({.kind = "sadp", .method = "inquiry"}), 1u);
  EXPECT_EQ(lab.server.count({.kind = "dhip", .method = "DHDiscover.search"}), 1u);
  EXPECT_EQ(lab.server.count({.kind = "wsd", .method = "Probe"}), 3u);
  EXPECT_EQ(lab.server.count({.kind = "ssdp", .method = "M-SEARCH"}), 2u);
}

TEST(labServer, LogFileJsonLines) {
  auto f = Fleet::load("default");
  ASSERT_TRUE(f);
  std::string path = std::string(ANSHIN_BINARY_DIR) + "/lab_test_log.jsonl";
  std::remove(path.c_str());
  {
    LabServer s;
    ServeOptions o;
    o.bind = "127.79.244.0/24";
    o.log_file = path;
    ASSERT_TRUE(s.start(*f, o));
    Tcp c("127.79.244.100", 80);
    c.send("GET /x?y=1 HTTP/1.1\r\nHost: x\r\n\r\n");
    c.read_reply();
    s.stop();
  }
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_NE(line.find("\"address\":\"127.79.244.100\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"target\":\"/x?y=1\""), std::string::npos) << line;
  EXPECT_NE(line.find("\"status\":404"), std::string::npos) << line;
}

long rss_kb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

TEST(labServer, Scale2000) {
  auto f = Fleet::load("default");
  ASSERT_TRUE(f);
  long before = rss_kb();
  auto t0 = std::chrono::steady_clock::now();
  LabServer s;
  ServeOptions o;
  o.bind = "127.78.0.0/16";
  o.scale = 2000;
  auto r = s.start(*f, o);
  ASSERT_TRUE(r) << r.error().message;
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto devs = s.devices();
  ASSERT_EQ(devs.size(), 2000u);
  std::printf("scale 2000: %zu listeners, start %.3f s, RSS %ld -> %ld KiB\n", s.listener_count(), secs, before, rss_kb());
  // Replicas differ: device k sits at network + 1 + k, personalities round-robin.
  EXPECT_EQ(devs[0].address, "127.78.0.1");
  EXPECT_EQ(devs[1999].address, "127.78.7.208");
  size_t np = f->personalities.size();
  EXPECT_EQ(devs[np].id, devs[0].id);
  EXPECT_EQ(devs[np].index, 1);
  if (!devs[0].mac.empty()) {
    EXPECT_NE(devs[np].mac, devs[0].mac);
  }
  const auto& last = devs[1999];
  for (const auto& p : last.ports)
    if (p.kind == "http" && !p.tls) {
      Tcp c(last.address, p.port);
      ASSERT_TRUE(c.ok());
      c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      EXPECT_EQ(c.read_reply().rfind("HTTP/1.1 ", 0), 0u);
      break;
    }
  // A burst of connects to silent ports is absorbed.
  int okc = 0;
  for (int i = 0; i < 500; ++i) {
    const auto& d = devs[static_cast<size_t>(i) % devs.size()];
    Tcp c(d.address, d.ports[0].port);
    okc += c.ok();
  }
  EXPECT_EQ(okc, 500);
  s.stop();
}

}  // namespace
}  // namespace anshin::lab

namespace anshin::lab {
namespace {

// Every TCP service of every personality accepts, and every HTTP/RTSP service answers a request with a
// status line of its protocol (TLS services are covered by the handshake test below).
TEST(labServer, EveryDeviceAnswersOnEveryPort) {
  Lab lab("127.79.242.0/24");
  auto devs = lab.server.devices();
  ASSERT_GE(devs.size(), 25u);
  for (const auto& d : devs) {
    for (const auto& p : d.ports) {
      if (p.transport != "tcp" || p.tls) continue;
      Tcp c(d.address, p.port);
      ASSERT_TRUE(c.ok()) << d.id << " " << p.port;
      if (p.kind == "http") {
        c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_EQ(c.read_reply().rfind("HTTP/1.1 ", 0), 0u) << d.id << " " << p.port;
      } else if (p.kind == "rtsp") {
        c.send("OPTIONS rtsp://" + d.address + ":" + std::to_string(p.port) + "/ RTSP/1.0\r\nCSeq: 5\r\n\r\n");
        auto r = c.read_reply();
        EXPECT_EQ(r.rfind("RTSP/1.0 200 OK\r\n", 0), 0u) << d.id << r;
        EXPECT_EQ(header_value(r, "CSeq"), "5") << d.id;
      }
    }
    EXPECT_FALSE(d.expect.category.empty());
    if (d.expect.serial) {
      EXPECT_EQ(d.expect.serial->find("{{"), std::string::npos) << d.id;
    }
  }
}

}  // namespace
}  // namespace anshin::lab
