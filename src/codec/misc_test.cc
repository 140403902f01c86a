// Tests for x509, html title and plain-text banners.
#include <gtest/gtest.h>

#include "codec/banner/banner.h"
#include "codec/html/html.h"
#include "codec/testdata/testdata.h"
#include "codec/x509/x509.h"

namespace anshin::codec {
namespace {

TEST(X509, SelfSignedRsa) {
  auto r = x509::parse_der(testing::read_testdata("x509/hik_selfsigned.der"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->subject, "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HZ,ST=ZJ,C=CN");
  EXPECT_EQ(r->issuer, r->subject);
  EXPECT_TRUE(r->self_signed);
  EXPECT_EQ(r->not_before, "2026-11-27T18:22:51Z");
  EXPECT_EQ(r->not_after, "2036-11-24T18:22:51Z");
  EXPECT_EQ(r->key_type, "RSA");
  EXPECT_EQ(r->key_bits, 2048);
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->signature_algorithm, "sha256WithRSAEncryption");
  EXPECT_FALSE(r->serial_hex.empty());
}

TEST(X509, CaSignedLeafWithSans) {
  auto r = x509::parse_der(testing::read_testdata("x509/axis_leaf.der"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->subject, "CN=axis-00408ca45086,O=Axis Communications AB");
  EXPECT_EQ(r->issuer, "CN=Test Root,O=Test CA");
  EXPECT_FALSE(r->self_signed);
  EXPECT_EQ(r->key_type, "EC");
  EXPECT_EQ(r->san_dns, std::vector<std::string>{"axis-00408ca45086.local"});
  EXPECT_EQ(r->san_ip, std::vector<std::string>{"192.168.1.90"});
  EXPECT_EQ(r->not_after, "2027-11-27T18:22:51Z");
}

TEST(X509, Hostile) {
  std::string der = testing::read_testdata("x509/hik_selfsigned.der");
  EXPECT_FALSE(x509::parse_der(""));
  EXPECT_FALSE(x509::parse_der(der.substr(0, der.size() / 2)));
  EXPECT_FALSE(x509::parse_der("lollipop"));
  EXPECT_FALSE(x509::parse_der(std::string(70000, '\x30')));
  std::string flipped = der;
  flipped[1] = static_cast<char>(0xff);  // lying outer length
  EXPECT_FALSE(x509::parse_der(flipped));
  EXPECT_FALSE(x509::parse_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
}

TEST(Html, Title) {
  EXPECT_EQ(html::extract_title("<html><head><TITLE>NETSurveillance WEB</TITLE></head>").value_or(""),
            "NETSurveillance WEB");
  EXPECT_EQ(html::extract_title("<title lang=\"en\">\n  Hanwha &amp; Techwin &#x4E2D;&#25991; &lt;x&gt; </title>").value_or(""),
            "Hanwha & Techwin \xE4\xB8\xAD\xE6\x96\x87 <x>");
  EXPECT_EQ(html::extract_title("<!-- <title>no</title> --><title>yes</title>").value_or(""), "yes");
  EXPECT_EQ(html::extract_title("<titles>x</titles><title>t</title>").value_or(""), "t");
  EXPECT_EQ(html::extract_title("<title></title>").value_or("x"), "");
  EXPECT_FALSE(html::extract_title("<title>unterminated"));
  EXPECT_FALSE(html::extract_title("no title here"));
  EXPECT_FALSE(html::extract_title(""));
  EXPECT_EQ(html::extract_title("<title>" + std::string(5000, 'a') + "</title>").value_or("").size(), 1024u);
  EXPECT_EQ(html::decode_entities("&bogus; &#xZZ; &#99999999; & &#0;"), "&bogus; &#xZZ; &#99999999; & \xEF\xBF\xBD");
  std::string nul("<title>a\0b</title>", 18);
  EXPECT_EQ(html::extract_title(nul).value_or("").size(), 3u);
}

TEST(Banner, Telnet) {
  std::string in = "\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01\xff\xfa\x18\x01\xff\xf0" "Welcome to DVR\r\nlogin: \xff\xff";
  auto t = banner::strip_telnet(in);
  EXPECT_EQ(t.text, "Welcome to DVR\r\nlogin: \xff");
  EXPECT_EQ(t.do_options, (std::vector<uint8_t>{0x18, 0x20}));
  EXPECT_EQ(t.will_options, std::vector<uint8_t>{0x01});
  EXPECT_EQ(t.commands, 4u);
  EXPECT_EQ(banner::telnet_refusals(t), std::string("\xff\xfc\x18\xff\xfc\x20\xff\xfe\x01"));
  EXPECT_EQ(banner::strip_telnet("abc\xff").text, "abc");
  EXPECT_EQ(banner::strip_telnet("abc\xff\xfd").text, "abc");
  EXPECT_EQ(banner::strip_telnet("\xff\xfa\x18 unterminated").text, "");
  EXPECT_EQ(banner::strip_telnet(std::string(100000, 'a')).text.size(), banner::kMaxText);
}

TEST(Banner, Ftp) {
  auto g = banner::parse_ftp_greeting("220-Welcome\r\n220-AXIS P3301 Network Camera 5.40.9.2\r\n220 ready.\r\n");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->code, 220);
  EXPECT_TRUE(g->complete);
  EXPECT_EQ(g->text, "Welcome\nAXIS P3301 Network Camera 5.40.9.2\nready.");
  auto one = banner::parse_ftp_greeting("220 (vsFTPd 3.0.3)\r\n");
  ASSERT_TRUE(one);
  EXPECT_EQ(one->text, "(vsFTPd 3.0.3)");
  auto partial = banner::parse_ftp_greeting("220-Welcome\r\n continued\r\n");
  ASSERT_TRUE(partial);
  EXPECT_FALSE(partial->complete);
  EXPECT_FALSE(banner::parse_ftp_greeting("SSH-2.0-x\r\n"));
  EXPECT_FALSE(banner::parse_ftp_greeting(""));
  auto nocrlf = banner::parse_ftp_greeting("421 ");
  ASSERT_TRUE(nocrlf);
  EXPECT_EQ(nocrlf->code, 421);
}

TEST(Banner, Ssh) {
  auto s = banner::parse_ssh_ident("SSH-2.0-dropbear_2019.78\r\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->proto_version, "2.0");
  EXPECT_EQ(s->software_version, "dropbear_2019.78");
  auto o = banner::parse_ssh_ident("Hello\r\nSSH-2.0-OpenSSH_8.4p1 Debian-5+deb11u1\r\n");
  ASSERT_TRUE(o);
  EXPECT_EQ(o->software_version, "OpenSSH_8.4p1");
  EXPECT_EQ(o->comments, "Debian-5+deb11u1");
  EXPECT_FALSE(banner::parse_ssh_ident("SSH-2.0-partial"));
  EXPECT_FALSE(banner::parse_ssh_ident("SSH-" + std::string(300, 'a') + "\r\n"));
  EXPECT_FALSE(banner::parse_ssh_ident("HTTP/1.1 400 Bad Request\r\n\r\n"));
}

TEST(Banner, EndsWithPrompt) {
  EXPECT_TRUE(banner::ends_with_prompt("\r\nlogin: "));
  EXPECT_TRUE(banner::ends_with_prompt("Welcome\r\n\r\nPassword:"));
  EXPECT_TRUE(banner::ends_with_prompt("router> "));
  EXPECT_TRUE(banner::ends_with_prompt("# "));
  EXPECT_FALSE(banner::ends_with_prompt("Welcome to AutoDome\r\n"));  // a line, then maybe more
  EXPECT_FALSE(banner::ends_with_prompt("login: \r\n"));
  EXPECT_FALSE(banner::ends_with_prompt(""));
  EXPECT_FALSE(banner::ends_with_prompt("   "));
}

}  // namespace
}  // namespace anshin::codec
