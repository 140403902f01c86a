#include "targets/ports.h"

#include <gtest/gtest.h>

#include <vector>

namespace anshin::targets {
namespace {

using V = std::vector<uint16_t>;

TEST(TargetsPorts, ParsesListsAndRanges) {
  auto r = parse_ports("80,443,8000-8010");
  ASSERT_TRUE(r) << r.error().message;
  V expected = {80, 443};
  for (uint16_t p = 8000; p <= 8010; ++p) expected.push_back(p);
  EXPECT_EQ(*r, expected);
  EXPECT_EQ(*parse_ports(" 443 , 80,80, 1-3 "), (V{1, 2, 3, 80, 443}));
  EXPECT_EQ(*parse_ports("65535"), V{65535});
  EXPECT_EQ(*parse_ports("7-7"), V{7});
  EXPECT_EQ(parse_ports("1-65535")->size(), 65535u);
}

void expect_bad(const char* text, const char* needle) {
  auto r = parse_ports(text);
  ASSERT_FALSE(r) << text;
  EXPECT_EQ(r.error().code, Errc::kInvalidInput) << text;
  EXPECT_NE(r.error().message.find(needle), std::string::npos) << text << " -> " << r.error().message;
}

TEST(TargetsPorts, RejectsBadInput) {
  expect_bad("0", "invalid port \"0\": ports are 1-65535");
  expect_bad("70000", "invalid port \"70000\": ports are 1-65535");
  expect_bad("80,99999999999999999999", "ports are 1-65535");
  expect_bad("", "empty port list");
  expect_bad("  ", "empty port list");
  expect_bad("80,,443", "empty item");
  expect_bad("80,", "empty item");
  expect_bad("http", "not a number");
  expect_bad("-80", "empty port in range");
  expect_bad("80-", "empty port in range");
  expect_bad("90-80", "end is below start");
  expect_bad("1-2-3", "not a number");
  expect_bad("+80", "not a number");
}

TEST(TargetsPorts, DefaultCameraPorts) {
  const auto d = default_camera_ports();
  EXPECT_EQ(V(d.begin(), d.end()),
            (V{21, 22, 23, 80, 81, 443, 554, 5000, 8000, 8001, 8080, 8081, 8443, 8554, 8899, 9000, 37777}));
}

TEST(TargetsPorts, Format) {
  EXPECT_EQ(format_ports(V{80, 443, 8000, 8001, 8002, 8003, 9000, 9001}), "80,443,8000-8003,9000,9001");
  EXPECT_EQ(format_ports(V{}), "");
  EXPECT_EQ(format_ports(*parse_ports("1-65535")), "1-65535");
}

}  // namespace
}  // namespace anshin::targets
