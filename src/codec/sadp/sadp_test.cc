#include "codec/sadp/sadp.h"

#include <gtest/gtest.h>

#include "codec/testdata/testdata.h"

namespace anshin::codec::sadp {
namespace {

TEST(Sadp, SelftestFixture) {
  auto r = parse_probe_match(testing::read_testdata("sadp/selftest.xml"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->uuid, "11223344-5566-7788-9900-112233445566");
  EXPECT_EQ(r->types, "inquiry");
  EXPECT_EQ(r->device_type, "123456");
  EXPECT_EQ(r->device_description, "Virtual");
  EXPECT_EQ(r->device_sn, "Virtual-123456789");
  EXPECT_EQ(r->mac, "00-11-22-33-44-55");
  EXPECT_EQ(r->ipv4_address, "127.0.0.1");
  EXPECT_EQ(r->ipv4_subnet_mask, "255.0.0.0");
  EXPECT_EQ(r->ipv6_mask_len, "64");
  EXPECT_EQ(r->software_version, "V1.0build 200101");
  EXPECT_EQ(r->dsp_version, "V1.0build 200101");
  EXPECT_EQ(r->boot_time, "1970-01-01 00:00:00");
  EXPECT_EQ(r->command_port.value_or(0), 8000);
  EXPECT_EQ(r->http_port.value_or(0), 80);
  EXPECT_EQ(r->dhcp, std::optional<bool>(false));
  EXPECT_EQ(r->activated, std::optional<bool>(true));
  EXPECT_EQ(r->support_hc_platform, std::optional<bool>(true));
  EXPECT_EQ(r->hc_platform_enable, std::optional<bool>(false));  // "flase"
  EXPECT_EQ(r->password_reset_ability, std::optional<bool>(true));
  EXPECT_EQ(r->analog_channel_num.value_or(9), 0u);
  EXPECT_EQ(r->digital_channel_num.value_or(9), 1u);
  EXPECT_FALSE(r->sdk_over_tls_port);
  EXPECT_TRUE(r->oem_info.empty());
  EXPECT_EQ(r->field("IsModifyVerificationCode"), "true");
  EXPECT_EQ(r->field("DiskNumber"), "0");
  EXPECT_EQ(r->fields.size(), 28u);
}

TEST(Sadp, LenientValues) {
  auto r = parse_probe_match("<ProbeMatch><Activated>FALSE</Activated><HCPlatformEnable>1</HCPlatformEnable>"
                             "<DHCP>maybe</DHCP><HttpPort>99999</HttpPort><CommandPort> 8000 </CommandPort></ProbeMatch>");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->activated, std::optional<bool>(false));
  EXPECT_EQ(r->hc_platform_enable, std::optional<bool>(true));
  EXPECT_FALSE(r->dhcp);
  EXPECT_FALSE(r->http_port);
  EXPECT_EQ(r->command_port.value_or(0), 8000);
}

TEST(Sadp, Hostile) {
  EXPECT_FALSE(parse_probe_match(""));
  EXPECT_FALSE(parse_probe_match("<Probe><Uuid>x</Uuid></Probe>"));  // our own probe echoed back
  std::string x = testing::read_testdata("sadp/selftest.xml");
  EXPECT_FALSE(parse_probe_match(x.substr(0, x.size() - 20)));
  std::string deep = "<ProbeMatch>";
  for (int i = 0; i < 200; ++i) deep += "<a>";
  EXPECT_FALSE(parse_probe_match(deep));
  EXPECT_FALSE(parse_probe_match("<!DOCTYPE ProbeMatch [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><ProbeMatch>&x;</ProbeMatch>"));
  std::string wide = "<ProbeMatch>";
  for (int i = 0; i < 1000; ++i) wide += "<F" + std::to_string(i) + ">v</F" + std::to_string(i) + ">";
  wide += "</ProbeMatch>";
  auto w = parse_probe_match(wide);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->fields.size(), 128u);
}

TEST(Sadp, Inquiry) {
  EXPECT_EQ(build_inquiry("3F2504E0-4F89-11D3-9A0C-0305E82C3301"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>3F2504E0-4F89-11D3-9A0C-0305E82C3301</Uuid>"
            "<Types>inquiry</Types></Probe>");
  EXPECT_NE(build_inquiry("u", true).find("<Types>inquiry_v32</Types>"), std::string::npos);
}

}  // namespace
}  // namespace anshin::codec::sadp
