// Reply -> observation mapping, MAC normalisation and LOCATION parsing (no network).
#include "discovery/replies.h"

#include <gtest/gtest.h>

#include "codec/dhip/dhip.h"
#include "codec/testdata/testdata.h"

namespace anshin::discovery {
namespace {

std::string value_of(const ParsedReply& r, std::string_view key) {
  for (const auto& o : r.observations)
    if (o.key == key) return o.value;
  return "<absent>";
}

std::vector<std::string> values_of(const ParsedReply& r, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& o : r.observations)
    if (o.key == key) out.push_back(o.value);
  return out;
}

TEST(DiscoveryReplies, WsdProbeMatchOfTheAgshMock) {
  const std::string xml = codec::testing::read_testdata("onvif/Probe.xml");
  ASSERT_FALSE(xml.empty());
  auto r = parse_reply(Protocol::kWsd, xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(value_of(*r, "onvif.types"), "dn:NetworkVideoTransmitter tds:Device");
  EXPECT_EQ(value_of(*r, "onvif.scope.hardware"), "HD_PREDATOR");
  EXPECT_EQ(value_of(*r, "onvif.scope.name"), "PREDATOR");
  EXPECT_EQ(value_of(*r, "onvif.endpoint"), "uuid:c9790c3a-701b-464d-a189-0060351c8ada");
  EXPECT_EQ(values_of(*r, "onvif.xaddr").size(), 1u);
  for (const auto& o : r->observations) {
    EXPECT_EQ(o.probe, "wsd");
    EXPECT_EQ(o.port, 3702);
  }
  EXPECT_FALSE(r->mac);
}

TEST(DiscoveryReplies, WsdMacScopeAndPercentDecoding) {
  const std::string xml =
      R"(<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Header><a:RelatesTo>urn:uuid:1</a:RelatesTo></s:Header><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:abc</a:Address></a:EndpointReference><d:Types>tds:Device</d:Types><d:Scopes>onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I onvif://www.onvif.org/location/city/hangzhou onvif://www.onvif.org/MAC/44:19:B6:01:02:03</d:Scopes><d:XAddrs>http://127.0.0.1/onvif/device_service http://[fe80::1]/onvif/device_service</d:XAddrs></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>)";
  auto r = parse_reply(Protocol::kWsd, xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(value_of(*r, "onvif.scope.name"), "HIKVISION DS-2CD2143G0-I");
  EXPECT_EQ(value_of(*r, "onvif.scope.location"), "city/hangzhou");
  EXPECT_EQ(value_of(*r, "onvif.scope.mac"), "44:19:B6:01:02:03");
  EXPECT_EQ(values_of(*r, "onvif.xaddr").size(), 2u);
  ASSERT_TRUE(r->mac);
  EXPECT_EQ(*r->mac, "44:19:b6:01:02:03");
}

// Scopes of a FLIR/DVTel Quasar camera as pasted in vicmaeg/onvif-discovery#17: the non-standard
// manufacturer/ scopes become onvif.scope.manufacturer, the other non-keyed scopes onvif.scope (whole URI).
TEST(DiscoveryReplies, WsdManufacturerAndOtherScopes) {
  const std::string xml =
      R"(<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><s:Body><d:ProbeMatches><d:ProbeMatch><a:EndpointReference><a:Address>urn:uuid:abc</a:Address></a:EndpointReference><d:Types>dn:NetworkVideoTransmitter</d:Types><d:Scopes>onvif://www.onvif.org/type/video_encoder onvif://www.onvif.org/hardware/CM-6204-11-I onvif://www.onvif.org/Profile/G onvif://www.onvif.org/name/FLIR%20CM-6204-11-I%20K816600858 onvif://www.onvif.org/manufacturer/FLIR%20Systems onvif://www.onvif.org/manufacturer/DVTel dvtel://www.dvtel.com/quasar/gen2/quadhd</d:Scopes></d:ProbeMatch></d:ProbeMatches></s:Body></s:Envelope>)";
  auto r = parse_reply(Protocol::kWsd, xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(values_of(*r, "onvif.scope.manufacturer"), (std::vector<std::string>{"FLIR Systems", "DVTel"}));
  EXPECT_EQ(value_of(*r, "onvif.scope.hardware"), "CM-6204-11-I");
  EXPECT_EQ(values_of(*r, "onvif.scope"),
            (std::vector<std::string>{"onvif://www.onvif.org/type/video_encoder", "onvif://www.onvif.org/Profile/G",
                                      "dvtel://www.dvtel.com/quasar/gen2/quadhd"}));
}

TEST(DiscoveryReplies, SadpSelftestKeepsRawBooleans) {
  const std::string xml = codec::testing::read_testdata("sadp/selftest.xml");
  ASSERT_FALSE(xml.empty());
  auto r = parse_reply(Protocol::kSadp, xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(value_of(*r, "sadp.device_description"), "Virtual");
  EXPECT_EQ(value_of(*r, "sadp.device_sn"), "Virtual-123456789");
  EXPECT_EQ(value_of(*r, "sadp.device_type"), "123456");
  EXPECT_EQ(value_of(*r, "sadp.mac"), "00-11-22-33-44-55");
  EXPECT_EQ(value_of(*r, "sadp.software_version"), "V1.0build 200101");
  EXPECT_EQ(value_of(*r, "sadp.activated"), "true");
  EXPECT_EQ(value_of(*r, "sadp.hc_platform_enable"), "flase");
  EXPECT_EQ(value_of(*r, "sadp.http_port"), "80");
  EXPECT_EQ(value_of(*r, "sadp.command_port"), "8000");
  ASSERT_TRUE(r->mac);
  EXPECT_EQ(*r->mac, "00:11:22:33:44:55");
}

TEST(DiscoveryReplies, DhipNotifyDevInfo) {
  const std::string body =
      R"({"mac":"3c:ef:8c:00:00:14","method":"client.notifyDevInfo","params":{"deviceInfo":{"DeviceClass":"IPC","DeviceType":"IPC-HFW4431R-Z","HttpPort":80,"Init":3222,"Manufacturer":"General","Port":37777,"SerialNo":"4G02C1EPAZ","Vendor":"General","Version":"2.622.0000000.31.R"}}})"
      "\n";
  auto r = parse_reply(Protocol::kDhip, codec::dhip::frame(body + std::string(1, '\0')));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(value_of(*r, "dhip.device_class"), "IPC");
  EXPECT_EQ(value_of(*r, "dhip.device_type"), "IPC-HFW4431R-Z");
  EXPECT_EQ(value_of(*r, "dhip.serial_no"), "4G02C1EPAZ");
  EXPECT_EQ(value_of(*r, "dhip.version"), "2.622.0000000.31.R");
  EXPECT_EQ(value_of(*r, "dhip.vendor"), "General");
  EXPECT_EQ(value_of(*r, "dhip.manufacturer"), "General");
  EXPECT_EQ(value_of(*r, "dhip.init"), "3222");
  EXPECT_EQ(value_of(*r, "dhip.http_port"), "80");
  EXPECT_EQ(value_of(*r, "dhip.port"), "37777");
  EXPECT_EQ(value_of(*r, "dhip.mac"), "3c:ef:8c:00:00:14");
  EXPECT_EQ(r->mac.value_or(""), "3c:ef:8c:00:00:14");
}

TEST(DiscoveryReplies, SsdpReply) {
  const std::string dg =
      "HTTP/1.1 200 OK\r\nLocation: http://127.0.0.1:49152/desc.xml\r\nExt:\r\nUSN: uuid:1111::upnp:rootdevice\r\n"
      "Server: Linux/3.10 UPnP/1.0 TestCam/1.0\r\nCache-Control: max-age=1800\r\nST: upnp:rootdevice\r\n\r\n";
  auto r = parse_reply(Protocol::kSsdp, dg);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(value_of(*r, "ssdp.server"), "Linux/3.10 UPnP/1.0 TestCam/1.0");
  EXPECT_EQ(value_of(*r, "ssdp.location"), "http://127.0.0.1:49152/desc.xml");
  EXPECT_EQ(value_of(*r, "ssdp.st"), "upnp:rootdevice");
  EXPECT_EQ(value_of(*r, "ssdp.usn"), "uuid:1111::upnp:rootdevice");
  ASSERT_EQ(r->locations.size(), 1u);
  EXPECT_FALSE(parse_reply(Protocol::kSsdp, "HTTP/1.1 404 Not Found\r\n\r\n"));
}

TEST(DiscoveryReplies, MalformedIsAnErrorNeverACrash) {
  for (Protocol p : kProtocols) {
    EXPECT_FALSE(parse_reply(p, "lollipop")) << protocol_name(p);
    EXPECT_FALSE(parse_reply(p, "")) << protocol_name(p);
    EXPECT_FALSE(parse_reply(p, std::string(70000, '<'))) << protocol_name(p);
  }
  EXPECT_FALSE(parse_reply(Protocol::kDhip, std::string("\x20\0\0\0DHIP", 8) + std::string(24, '\xff')));
}

TEST(DiscoveryReplies, ValuesAreBounded) {
  const std::string big(10000, 'A');
  const std::string dg = "HTTP/1.1 200 OK\r\nServer: " + big.substr(0, 6000) + "\r\nST: x\r\n\r\n";
  auto r = parse_reply(Protocol::kSsdp, dg);
  ASSERT_TRUE(r) << r.error().message;
  for (const auto& o : r->observations) EXPECT_LE(o.value.size(), kMaxValueBytes);
}

TEST(DiscoveryReplies, NormalizeMac) {
  EXPECT_EQ(normalize_mac("AA-BB-CC-00-11-22").value_or(""), "aa:bb:cc:00:11:22");
  EXPECT_EQ(normalize_mac(" aa:bb:cc:00:11:22 ").value_or(""), "aa:bb:cc:00:11:22");
  EXPECT_EQ(normalize_mac("AABBCC001122").value_or(""), "aa:bb:cc:00:11:22");
  EXPECT_FALSE(normalize_mac("00:00:00:00:00:00"));
  EXPECT_FALSE(normalize_mac("ff:ff:ff:ff:ff:ff"));
  EXPECT_FALSE(normalize_mac("aa:bb-cc:00:11:22"));
  EXPECT_FALSE(normalize_mac("aa:bb:cc:00:11"));
  EXPECT_FALSE(normalize_mac("XX:XX:XX:XX:XX:XX"));
  EXPECT_FALSE(normalize_mac(""));
}

TEST(DiscoveryReplies, ParseLocation) {
  auto u = parse_location("http://127.77.0.30:49152/rootdesc1.xml");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host.to_string(), "127.77.0.30");
  EXPECT_EQ(u->port, 49152);
  EXPECT_EQ(u->target, "/rootdesc1.xml");
  EXPECT_EQ(u->host_header, "127.77.0.30:49152");
  EXPECT_FALSE(u->tls);
  u = parse_location("HTTPS://[::1]/d.xml#frag");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->host.to_string(), "::1");
  EXPECT_EQ(u->target, "/d.xml");
  u = parse_location("http://10.0.0.1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->target, "/");
  EXPECT_EQ(u->port, 80);
  EXPECT_FALSE(parse_location("http://camera.local/desc.xml"));      // a name: never resolved
  EXPECT_FALSE(parse_location("http://user@10.0.0.1/desc.xml"));     // userinfo
  EXPECT_FALSE(parse_location("ftp://10.0.0.1/desc.xml"));
  EXPECT_FALSE(parse_location("http://10.0.0.1:0/"));
  EXPECT_FALSE(parse_location("http://10.0.0.1:70000/"));
  EXPECT_FALSE(parse_location("http://10.0.0.1:80x/"));
  EXPECT_FALSE(parse_location("http://10.0.0.1/a b"));
  EXPECT_FALSE(parse_location("http://::1/x"));
  EXPECT_FALSE(parse_location("http://[::1/x"));
}

}  // namespace
}  // namespace anshin::discovery
