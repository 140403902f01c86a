#include "targets/syntax.h"

#include <gtest/gtest.h>

namespace anshin::targets {
namespace {

TargetExpr ok(const char* text) {
  auto r = parse_target(text);
  EXPECT_TRUE(r) << text << " -> " << (r ? "" : r.error().message);
  return r ? *r : TargetExpr{};
}

void expect_bad(const char* text, const std::string& message) {
  auto r = parse_target(text);
  ASSERT_FALSE(r) << text << " parsed as " << r->text;
  EXPECT_EQ(r.error().code, Errc::kInvalidInput);
  EXPECT_EQ(r.error().message, message);
}

TEST(TargetsSyntax, Kinds) {
  EXPECT_EQ(ok("10.0.0.7").kind, TargetKind::kAddress);
  EXPECT_EQ(ok(" 10.0.0.7 ").text, "10.0.0.7");
  EXPECT_EQ(ok("FE80::0001").text, "fe80::1");
  auto c = ok("10.1.2.3/16");
  EXPECT_EQ(c.kind, TargetKind::kCidr);
  EXPECT_EQ(c.text, "10.1.0.0/16");
  EXPECT_EQ(c.span.to_string(), "10.1.0.0/16");
  EXPECT_EQ(ok("0.0.0.0/0").span.size_minus_one(), 0xffffffffu);
  EXPECT_EQ(ok("fd00::/120").text, "fd00::/120");
  EXPECT_EQ(ok("::/0").text, "::/0");
  auto r = ok("10.1.2.3-99");
  EXPECT_EQ(r.kind, TargetKind::kRange);
  EXPECT_EQ(r.text, "10.1.2.3-10.1.2.99");
  EXPECT_EQ(ok("10.1.2.3-10.1.3.4").span.size_minus_one(), 257u);
  EXPECT_EQ(ok("10.1.2.3-3").kind, TargetKind::kAddress);
  EXPECT_EQ(ok("fd00::1-fd00::ff").text, "fd00::1-fd00::ff");
  auto h = ok("Cam-01.Example.LAN");
  EXPECT_EQ(h.kind, TargetKind::kHostName);
  EXPECT_EQ(h.text, "cam-01.example.lan");
  EXPECT_EQ(ok("localhost").kind, TargetKind::kHostName);
  EXPECT_EQ(ok("nvr_2.local.").kind, TargetKind::kHostName);
  auto f = ok("@hosts.txt");
  EXPECT_EQ(f.kind, TargetKind::kFile);
  EXPECT_EQ(f.text, "hosts.txt");
}

TEST(TargetsSyntax, BadInputsNameTheProblem) {
  expect_bad("10.0.0.300", "invalid target \"10.0.0.300\": not an IPv4 address");
  expect_bad("10.0.0", "invalid target \"10.0.0\": not an IPv4 address");
  expect_bad("010.0.0.1", "invalid target \"010.0.0.1\": not an IPv4 address");
  expect_bad("10.0.0.0/33", "invalid target \"10.0.0.0/33\": prefix /33 is out of range for IPv4 (0-32)");
  expect_bad("fd00::/129", "invalid target \"fd00::/129\": prefix /129 is out of range for IPv6 (0-128)");
  expect_bad("/33", "invalid target \"/33\": a CIDR needs an address before the '/'");
  expect_bad("10.0.0.0/", "invalid target \"10.0.0.0/\": prefix length \"\" is not a number");
  expect_bad("10.0.0.0/-1", "invalid target \"10.0.0.0/-1\": prefix length \"-1\" is not a number");
  expect_bad("10.0.0.0/0024", "invalid target \"10.0.0.0/0024\": prefix length \"0024\" is not a number");
  expect_bad("10.0.0.300/24", "invalid target \"10.0.0.300/24\": \"10.0.0.300\" is not an IPv4 address");
  expect_bad("cams.lan/24", "invalid target \"cams.lan/24\": a CIDR needs a numeric address before the '/'");
  expect_bad("10.0.0.9-10.0.0.1",
             "invalid target \"10.0.0.9-10.0.0.1\": range is reversed (10.0.0.1 is before 10.0.0.9)");
  expect_bad("10.0.0.9-1", "invalid target \"10.0.0.9-1\": range is reversed (10.0.0.1 is before 10.0.0.9)");
  expect_bad("10.0.0.9-256", "invalid target \"10.0.0.9-256\": range end 256 is not an octet (0-255)");
  expect_bad("10.0.0.9-", "invalid target \"10.0.0.9-\": range has no end");
  expect_bad("10.0.0.1-fd00::1", "invalid target \"10.0.0.1-fd00::1\": range mixes IPv4 and IPv6");
  expect_bad("10.0.0.1-10.0.0.x", "invalid target \"10.0.0.1-10.0.0.x\": \"10.0.0.x\" is not an IPv4 address");
  expect_bad("10.0.0.256-10.0.0.1", "invalid target \"10.0.0.256-10.0.0.1\": \"10.0.0.256\" is not an IPv4 address");
  expect_bad("fd00::1::2", "invalid target \"fd00::1::2\": not an IPv6 address");
  expect_bad("fe80::1%eth0", "invalid target \"fe80::1%eth0\": not an IPv6 address");
  expect_bad("", "invalid target: empty");
  expect_bad("@", "invalid target \"@\": @ must be followed by a file name");
  expect_bad("10.0.0.1 10.0.0.2", "invalid target \"10.0.0.1 10.0.0.2\": contains white space");
  expect_bad("cam!.lan", "invalid target \"cam!.lan\": not an address, CIDR, range or host name");
  expect_bad("-cam.lan", "invalid target \"-cam.lan\": not an address, CIDR, range or host name");
  expect_bad("a..b", "invalid target \"a..b\": not an address, CIDR, range or host name");
  expect_bad("\x1b[2J", "invalid target \"\\x1b[2J\": not an address, CIDR, range or host name");
}

}  // namespace
}  // namespace anshin::targets
