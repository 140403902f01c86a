#include "codec/ssdp/ssdp.h"

#include <gtest/gtest.h>

#include "codec/ssdp/upnp.h"
#include "codec/testdata/testdata.h"

namespace anshin::codec {
namespace {

constexpr const char* kGssdp =
    "HTTP/1.1 200 OK\r\nLocation: http://127.0.0.1:49152/11111111-2222-3333-4444-555555555555.xml\r\nExt:\r\n"
    "USN: uuid:11111111-2222-3333-4444-555555555555::upnp:rootdevice\r\nServer: Linux/3.10 UPnP/1.0 TestCam/1.0\r\n"
    "Cache-Control: max-age=1800\r\nST: upnp:rootdevice\r\nDate: Fri, 27 Nov 2026 16:24:45 GMT\r\nContent-Length: 0\r\n\r\n";

TEST(Ssdp, GssdpReply) {
  auto r = ssdp::parse_reply(kGssdp);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_FALSE(r->is_notify);
  EXPECT_EQ(r->location, "http://127.0.0.1:49152/11111111-2222-3333-4444-555555555555.xml");
  EXPECT_EQ(r->usn, "uuid:11111111-2222-3333-4444-555555555555::upnp:rootdevice");
  EXPECT_EQ(r->server, "Linux/3.10 UPnP/1.0 TestCam/1.0");
  EXPECT_EQ(r->st, "upnp:rootdevice");
  EXPECT_EQ(r->cache_control, "max-age=1800");
  EXPECT_TRUE(r->response.has_header("EXT"));
}

TEST(Ssdp, AxisUppercaseAndUda11AndNotify) {
  auto r = ssdp::parse_reply(
      "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nLOCATION: http://192.168.1.90:49152/rootdesc1.xml\r\n"
      "SERVER: Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.7\r\n"
      "ST: urn:axis-com:service:BasicService:1\r\n"
      "USN: uuid:Upnp-BasicDevice-1_0-00408CA45086::urn:axis-com:service:BasicService:1\r\n"
      "BOOTID.UPNP.ORG: -1\r\nCONFIGID.UPNP.ORG: -1\r\n");  // no final blank line
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->st, "urn:axis-com:service:BasicService:1");
  EXPECT_EQ(r->bootid, "-1");
  auto n = ssdp::parse_reply("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n"
                             "NTS: ssdp:alive\r\nLOCATION: http://10.0.0.2/desc.xml\r\n\r\n");
  ASSERT_TRUE(n);
  EXPECT_TRUE(n->is_notify);
  EXPECT_EQ(n->nts, "ssdp:alive");
  EXPECT_EQ(n->location, "http://10.0.0.2/desc.xml");
}

TEST(Ssdp, Hostile) {
  EXPECT_FALSE(ssdp::parse_reply(""));
  EXPECT_FALSE(ssdp::parse_reply("M-SEARCH * HTTP/1.1\r\n\r\n"));  // our own multicast echoed back
  EXPECT_FALSE(ssdp::parse_reply(std::string(9000, 'a')));
  std::string many = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 1000; ++i) many += "A: b\r\n";
  EXPECT_FALSE(ssdp::parse_reply(many));
  EXPECT_FALSE(ssdp::parse_reply("NOTIFY"));
}

TEST(Ssdp, MSearch) {
  EXPECT_EQ(ssdp::build_msearch(),
            "M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: \"ssdp:discover\"\r\nMX: 5\r\nST: ssdp:all\r\n\r\n");
  EXPECT_NE(ssdp::build_msearch("urn:axis-com:service:BasicService:1", 3).find("MX: 3\r\nST: urn:axis"), std::string::npos);
}

TEST(Upnp, MinidlnaDescription) {
  auto r = upnp::parse_description(testing::read_testdata("upnp/minidlna.xml"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->spec_version, "1.0");
  EXPECT_EQ(r->root.device_type, "urn:schemas-upnp-org:device:MediaServer:1");
  EXPECT_EQ(r->root.friendly_name, "CamTest DLNA");
  EXPECT_EQ(r->root.manufacturer, "Justin Maggard");
  EXPECT_EQ(r->root.model_name, "Windows Media Connect compatible (MiniDLNA)");
  EXPECT_EQ(r->root.serial_number, "12345678");
  EXPECT_EQ(r->root.udn, "uuid:4d696e69-444c-164e-9d41-554e4b4e4f57");
  EXPECT_EQ(r->root.presentation_url, "/");
  EXPECT_EQ(r->root.service_types.size(), 2u);
  EXPECT_TRUE(r->embedded.empty());
}

TEST(Upnp, AxisWithEmbeddedAndPrefix) {
  auto r = upnp::parse_description(
      "<u:root xmlns:u=\"urn:schemas-upnp-org:device-1-0\"><u:device><u:deviceType>urn:schemas-upnp-org:device:Basic:1"
      "</u:deviceType><u:friendlyName>AXIS P3301 - 00408CA45086</u:friendlyName><u:manufacturer>AXIS</u:manufacturer>"
      "<u:modelName>AXIS P3301</u:modelName><u:serialNumber>00408CA45086</u:serialNumber><u:deviceList><u:device>"
      "<u:deviceType>urn:x:device:Sub:1</u:deviceType></u:device></u:deviceList></u:device></u:root>");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->root.model_name, "AXIS P3301");
  EXPECT_EQ(r->root.serial_number, "00408CA45086");
  ASSERT_EQ(r->embedded.size(), 1u);
  EXPECT_EQ(r->embedded[0].device_type, "urn:x:device:Sub:1");
}

TEST(Upnp, Hostile) {
  EXPECT_FALSE(upnp::parse_description(""));
  EXPECT_FALSE(upnp::parse_description("<html/>"));
  EXPECT_FALSE(upnp::parse_description("<root/>"));
  std::string x = testing::read_testdata("upnp/minidlna.xml");
  EXPECT_FALSE(upnp::parse_description(x.substr(0, x.size() / 2)));
  EXPECT_FALSE(upnp::parse_description("<!DOCTYPE root SYSTEM \"http://evil/x.dtd\">" + x.substr(x.find("<root"))));
}

}  // namespace
}  // namespace anshin::codec
