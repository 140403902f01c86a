#include "codec/soap/wsd.h"

#include <gtest/gtest.h>

#include "codec/testdata/testdata.h"

namespace anshin::codec::wsd {
namespace {

TEST(Wsd, AgshProbeMatch) {
  std::string xml = testing::read_testdata("onvif/Probe.xml");
  ASSERT_FALSE(xml.empty());
  auto r = parse_probe_matches(xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->message_id, "urn:uuid:01234567-dead-beef-baad-abcdeffedcba");
  EXPECT_EQ(r->relates_to, "urn:uuid:0b3e1d4a-5c2f-4a9e-8f7d-1c2b3a4d5e6f");
  EXPECT_EQ(r->action, "http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches");
  EXPECT_EQ(r->discovery_namespace, "http://schemas.xmlsoap.org/ws/2005/04/discovery");
  ASSERT_EQ(r->matches.size(), 1u);
  const ProbeMatch& m = r->matches[0];
  EXPECT_EQ(m.endpoint, "uuid:c9790c3a-701b-464d-a189-0060351c8ada");
  ASSERT_EQ(m.types.size(), 2u);
  EXPECT_EQ(m.types[0], "dn:NetworkVideoTransmitter");
  EXPECT_TRUE(m.has_type("NetworkVideoTransmitter"));
  EXPECT_TRUE(m.has_type("Device"));
  ASSERT_EQ(m.scopes.size(), 7u);
  EXPECT_EQ(m.scope_values(ScopeKind::kName), std::vector<std::string>{"PREDATOR"});
  EXPECT_EQ(m.scope_values(ScopeKind::kHardware), std::vector<std::string>{"HD_PREDATOR"});
  EXPECT_EQ(m.scope_values(ScopeKind::kLocation), std::vector<std::string>{""});
  EXPECT_EQ(m.scope_values(ScopeKind::kProfile), std::vector<std::string>{"Streaming"});
  EXPECT_EQ(m.scope_values(ScopeKind::kType).size(), 3u);
  ASSERT_EQ(m.xaddrs.size(), 1u);
  EXPECT_EQ(m.xaddrs[0], "http://127.0.0.1:10101/onvif/device_service");
  EXPECT_EQ(m.metadata_version, "1");
}

TEST(Wsd, OasisNamespaceOtherPrefixesTwoMatches) {
  const char* xml =
      "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:w=\"http://www.w3.org/2005/08/addressing\" xmlns:x=\"http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01\">"
      "<e:Header><w:MessageID>urn:uuid:1</w:MessageID></e:Header><e:Body><x:ProbeMatches>"
      "<x:ProbeMatch><w:EndpointReference><w:Address>urn:uuid:aaa</w:Address></w:EndpointReference>"
      "<x:Types>tdn:NetworkVideoTransmitter</x:Types>"
      "<x:Scopes>onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I onvif://www.onvif.org/MAC/44:19:b6:01:02:03 "
      "onvif://www.onvif.org/location/city/hangzhou onvif://www.onvif.org/extension/unique_identifier http://example/x</x:Scopes>"
      "<x:XAddrs>http://192.168.1.64/onvif/device_service http://[fe80::1]/onvif/device_service</x:XAddrs></x:ProbeMatch>"
      "<x:ProbeMatch><w:EndpointReference><w:Address>urn:uuid:bbb</w:Address></w:EndpointReference></x:ProbeMatch>"
      "</x:ProbeMatches></e:Body></e:Envelope>";
  auto r = parse_probe_matches(xml);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->discovery_namespace, "http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01");
  EXPECT_TRUE(r->relates_to.empty());
  ASSERT_EQ(r->matches.size(), 2u);
  const ProbeMatch& m = r->matches[0];
  EXPECT_EQ(m.scope_values(ScopeKind::kName), std::vector<std::string>{"HIKVISION DS-2CD2143G0-I"});
  EXPECT_EQ(m.scope_values(ScopeKind::kMac), std::vector<std::string>{"44:19:b6:01:02:03"});
  EXPECT_EQ(m.scope_values(ScopeKind::kLocation), std::vector<std::string>{"city/hangzhou"});
  EXPECT_EQ(m.scope_values(ScopeKind::kOther).size(), 2u);
  EXPECT_EQ(m.xaddrs.size(), 2u);
  EXPECT_TRUE(m.has_type("NetworkVideoTransmitter"));
  EXPECT_EQ(r->matches[1].endpoint, "urn:uuid:bbb");
}

TEST(Wsd, Hostile) {
  EXPECT_FALSE(parse_probe_matches("lollipop"));
  EXPECT_FALSE(parse_probe_matches(""));
  std::string xml = testing::read_testdata("onvif/Probe.xml");
  EXPECT_FALSE(parse_probe_matches(xml.substr(0, xml.size() / 2)));  // truncated
  // Deep nesting.
  std::string deep;
  for (int i = 0; i < 5000; ++i) deep += "<a>";
  EXPECT_FALSE(parse_probe_matches(deep));
  std::string deep2 = "<Envelope><Body>";
  for (int i = 0; i < 100; ++i) deep2 += "<a>";
  deep2 += "<ProbeMatch/>";
  for (int i = 0; i < 100; ++i) deep2 += "</a>";
  deep2 += "</Body></Envelope>";
  EXPECT_FALSE(parse_probe_matches(deep2));
  // DTD / entity expansion.
  EXPECT_FALSE(parse_probe_matches("<!DOCTYPE x [<!ENTITY a \"aaaa\">]><Envelope><Body><ProbeMatch/></Body></Envelope>"));
  // Oversized.
  EXPECT_FALSE(parse_probe_matches(std::string(70000, ' ') + "<Envelope/>"));
  // NUL bytes and invalid UTF-8 do not crash.
  std::string nul = xml;
  nul[nul.find("PREDATOR")] = '\0';
  (void)parse_probe_matches(nul);
  std::string bad = xml;
  bad.replace(bad.find("PREDATOR"), 3, "\xff\xfe\xc3");
  EXPECT_TRUE(parse_probe_matches(bad));
  // Envelope without ProbeMatch.
  EXPECT_FALSE(parse_probe_matches("<s:Envelope xmlns:s=\"x\"><s:Body/></s:Envelope>"));
}

TEST(Wsd, ProbeBuilder) {
  std::string typed = build_probe("urn:uuid:11111111-2222-3333-4444-555555555555", true);
  EXPECT_NE(typed.find("<a:MessageID>urn:uuid:11111111-2222-3333-4444-555555555555</a:MessageID>"), std::string::npos);
  EXPECT_NE(typed.find("<d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe>"), std::string::npos);
  EXPECT_NE(typed.find("http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"), std::string::npos);
  std::string untyped = build_probe("urn:uuid:x", false);
  EXPECT_NE(untyped.find("<d:Probe/>"), std::string::npos);
  EXPECT_EQ(untyped.find("<d:Types>"), std::string::npos);
  EXPECT_NE(build_probe("<&>", true).find("&lt;&amp;&gt;"), std::string::npos);
  // The probe is itself well-formed XML.
  pugi::xml_document doc;
  EXPECT_TRUE(xml::load(doc, typed, xml::kUdpLimits));
}

TEST(Wsd, ScopeClassification) {
  EXPECT_EQ(classify_scope("onvif://www.onvif.org/Profile/G").kind, ScopeKind::kProfile);
  EXPECT_EQ(classify_scope("onvif://www.onvif.org/type/Network_Video_Transmitter").value, "Network_Video_Transmitter");
  EXPECT_EQ(classify_scope("onvif://www.onvif.org/name/A%2").value, "A%2");
  EXPECT_EQ(classify_scope("onvif://www.onvif.org/hardware").value, "");
  EXPECT_STREQ(scope_kind_name(ScopeKind::kMac), "mac");
  const Scope m = classify_scope("onvif://www.onvif.org/manufacturer/FLIR%20Systems");
  EXPECT_EQ(m.kind, ScopeKind::kManufacturer);
  EXPECT_EQ(m.value, "FLIR Systems");
}

}  // namespace
}  // namespace anshin::codec::wsd
