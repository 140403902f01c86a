#include "codec/soap/onvif.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "codec/testdata/testdata.h"

namespace anshin::codec::onvif {
namespace {

TEST(Onvif, RequestBodiesAreAgshByteExact) {
  EXPECT_EQ(get_system_date_and_time(),
            "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Body "
            "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">"
            "<GetSystemDateAndTime xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/></s:Body></s:Envelope>");
  EXPECT_NE(get_device_information().find("<GetDeviceInformation xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/>"),
            std::string::npos);
  EXPECT_NE(get_capabilities().find("<Category>All</Category>"), std::string::npos);
  EXPECT_NE(get_services().find("<IncludeCapability>false</IncludeCapability>"), std::string::npos);
  EXPECT_EQ(content_type("GetDeviceInformation"),
            "application/soap+xml;charset=utf-8;action=\"http://www.onvif.org/ver10/device/wsdl/GetDeviceInformation\"");
  EXPECT_EQ(content_type("Get\"\r\nX"), content_type("GetX"));
  // Every body is well-formed.
  for (const auto& b : {get_system_date_and_time(), get_device_information(), get_capabilities(), get_services()}) {
    pugi::xml_document doc;
    EXPECT_TRUE(xml::load(doc, b, xml::kHttpLimits));
  }
}

TEST(Onvif, DeviceInformation) {
  auto r = parse_device_information(testing::read_testdata("onvif/GetDeviceInformation.xml"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->envelope.fault);
  EXPECT_EQ(r->manufacturer, "Mockup Manufacturer");
  EXPECT_EQ(r->model, "Mockup Model");
  EXPECT_EQ(r->firmware_version, "Mockup_15_14_13");
  EXPECT_EQ(r->serial_number, "00000000");
  EXPECT_EQ(r->hardware_id, "MOCKUP");
  EXPECT_EQ(r->envelope.body_element, "GetDeviceInformationResponse");
  auto& ns = r->envelope.namespaces;
  EXPECT_NE(std::find(ns.begin(), ns.end(), "http://www.onvif.org/ver10/schema"), ns.end());
  auto vendor = vendor_namespaces(ns);
  ASSERT_EQ(vendor.size(), 1u);
  EXPECT_EQ(vendor[0], "http://www.axis.com/2009/event/topics");
}

TEST(Onvif, SystemDateAndTime) {
  auto r = parse_system_date_and_time(testing::read_testdata("onvif/GetSystemDateAndTime.xml"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->date_time_type, "Manual");
  EXPECT_EQ(r->daylight_savings.value_or(false), true);
  EXPECT_EQ(r->tz, "MoroccoStandardTime0");
  ASSERT_TRUE(r->utc);
  EXPECT_EQ(r->utc->rfc3339(), "2014-12-24T19:14:37Z");
  EXPECT_FALSE(r->local);
}

TEST(Onvif, ServicesAndCapabilities) {
  auto s = parse_services(testing::read_testdata("onvif/GetServices.xml"));
  ASSERT_TRUE(s) << s.error().message;
  ASSERT_GE(s->services.size(), 3u);
  EXPECT_EQ(s->services[0].ns, "http://www.onvif.org/ver10/device/wsdl");
  EXPECT_EQ(s->services[0].xaddr, "http://192.168.68.111/onvif/services");
  EXPECT_EQ(s->services[0].version, "2.42");
  auto c = parse_capabilities(testing::read_testdata("onvif/GetCapabilities.xml"));
  ASSERT_TRUE(c) << c.error().message;
  ASSERT_FALSE(c->xaddrs.empty());
  EXPECT_EQ(c->xaddrs[0].first, "Device");
  EXPECT_EQ(c->xaddrs[0].second, "http://192.168.68.111/onvif/services");
  bool media = false;
  for (auto& [cat, x] : c->xaddrs) media = media || cat == "Media";
  EXPECT_TRUE(media);
}

TEST(Onvif, Faults) {
  auto e = parse_device_information(testing::read_testdata("onvif/Error.xml"));
  ASSERT_TRUE(e) << e.error().message;
  ASSERT_TRUE(e->envelope.fault);
  EXPECT_EQ(e->envelope.fault->code, "fault code");
  ASSERT_EQ(e->envelope.fault->subcodes.size(), 2u);
  EXPECT_EQ(e->envelope.fault->subcodes[0], "ter:fault subcode");
  EXPECT_EQ(e->envelope.fault->reason, "fault reason");
  EXPECT_TRUE(e->manufacturer.empty());
  const char* na =
      "<env:Envelope xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:ter=\"http://www.onvif.org/ver10/error\" "
      "xmlns:hik=\"http://www.hikvision.com/2011/event/topics\"><env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value>"
      "<env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang=\"en\">"
      "Sender not Authorized</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>";
  auto f = parse_device_information(na);
  ASSERT_TRUE(f);
  ASSERT_TRUE(f->envelope.fault);
  EXPECT_TRUE(f->envelope.fault->is_not_authorized());
  EXPECT_EQ(f->envelope.fault->reason, "Sender not Authorized");
  EXPECT_EQ(vendor_namespaces(f->envelope.namespaces),
            std::vector<std::string>{"http://www.hikvision.com/2011/event/topics"});
}

TEST(Onvif, Hostile) {
  EXPECT_FALSE(parse_device_information(""));
  EXPECT_FALSE(parse_device_information("<html><body>404</body></html>"));
  EXPECT_FALSE(parse_system_date_and_time(testing::read_testdata("onvif/GetDeviceInformation.xml")));
  std::string x = testing::read_testdata("onvif/GetSystemDateAndTime.xml");
  std::string bad = x;
  bad.replace(bad.find("<tt:Hour>19"), 11, "<tt:Hour>99");
  auto r = parse_system_date_and_time(bad);
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->utc);  // out of range is dropped, not wrapped
  EXPECT_FALSE(parse_services(x.substr(0, 300)));
  std::string many = "<Envelope><Body>";
  for (int i = 0; i < 60000; ++i) many += "<a/>";
  many += "</Body></Envelope>";
  EXPECT_FALSE(parse_envelope(many));
}

}  // namespace
}  // namespace anshin::codec::onvif
