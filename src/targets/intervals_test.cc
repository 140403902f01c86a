#include "targets/intervals.h"

#include <gtest/gtest.h>

namespace anshin::targets {
namespace {

IpAddr ip(const char* s) { return *IpAddr::parse(s); }
AddrSpan v4(const char* lo, const char* hi) { return {to_u128(ip(lo)), to_u128(ip(hi)), false}; }

TEST(TargetsIntervals, RoundTripsAddresses) {
  for (const char* s : {"0.0.0.0", "10.1.2.3", "255.255.255.255", "::", "::1", "fe80::1:2", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"}) {
    EXPECT_EQ(from_u128(to_u128(ip(s)), ip(s).is_v6()), ip(s)) << s;
  }
  EXPECT_EQ(to_u128(ip("0.0.1.2")), 258u);
  EXPECT_EQ(to_u128(ip("::1:2")), 0x10002u);
}

TEST(TargetsIntervals, CidrSpanAndText) {
  EXPECT_EQ(cidr_span(ip("10.1.2.3"), 16).to_string(), "10.1.0.0/16");
  EXPECT_EQ(cidr_span(ip("10.1.2.3"), 32).to_string(), "10.1.2.3");
  EXPECT_EQ(cidr_span(ip("10.1.2.3"), 0).to_string(), "0.0.0.0/0");
  EXPECT_EQ(cidr_span(ip("10.1.2.3"), 31).to_string(), "10.1.2.2/31");
  EXPECT_EQ(cidr_span(ip("fd00::1234"), 120).to_string(), "fd00::1200/120");
  EXPECT_EQ(cidr_span(ip("fd00::1234"), 0).to_string(), "::/0");
  EXPECT_EQ(cidr_span(ip("fd00::1234"), 128).to_string(), "fd00::1234");
  EXPECT_EQ(v4("10.0.0.3", "10.0.0.9").to_string(), "10.0.0.3-10.0.0.9");
  EXPECT_EQ(v4("10.0.0.2", "10.0.0.5").to_string(), "10.0.0.2-10.0.0.5");  // size 4, not aligned
}

TEST(TargetsIntervals, NormalizeMergesOverlapsAndNeighbours) {
  std::vector<AddrSpan> s = {v4("10.0.0.10", "10.0.0.20"), AddrSpan::single(ip("fd00::1")), v4("10.0.0.0", "10.0.0.9"),
                             v4("10.0.0.15", "10.0.0.30"), v4("10.0.0.32", "10.0.0.40"),
                             AddrSpan::single(ip("0.0.0.2"))};
  normalize(s);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].to_string(), "0.0.0.2");
  EXPECT_EQ(s[1].to_string(), "10.0.0.0-10.0.0.30");
  EXPECT_EQ(s[2].to_string(), "10.0.0.32-10.0.0.40");
  EXPECT_EQ(s[3].to_string(), "fd00::1");
  std::vector<AddrSpan> all = {cidr_span(ip("0.0.0.0"), 0), v4("255.255.255.255", "255.255.255.255"),
                               cidr_span(ip("::"), 0), cidr_span(ip("ffff::"), 16)};
  normalize(all);
  ASSERT_EQ(all.size(), 2u);
}

TEST(TargetsIntervals, SubtractAndIntersect) {
  std::vector<AddrSpan> a = {cidr_span(ip("10.0.0.0"), 24), cidr_span(ip("10.0.2.0"), 24), cidr_span(ip("fd00::"), 120)};
  std::vector<AddrSpan> b = {v4("9.0.0.0", "10.0.0.0"), v4("10.0.0.10", "10.0.0.19"), v4("10.0.0.255", "10.0.2.0"),
                             AddrSpan::single(ip("fd00::ff"))};
  normalize(a);
  normalize(b);
  auto d = subtract(a, b);
  ASSERT_EQ(d.size(), 4u);
  EXPECT_EQ(d[0].to_string(), "10.0.0.1-10.0.0.9");
  EXPECT_EQ(d[1].to_string(), "10.0.0.20-10.0.0.254");
  EXPECT_EQ(d[2].to_string(), "10.0.2.1-10.0.2.255");
  EXPECT_EQ(d[3].to_string(), "fd00::-fd00::fe");
  auto i = intersect(a, b);
  ASSERT_EQ(i.size(), 5u);
  EXPECT_EQ(i[0].to_string(), "10.0.0.0");
  EXPECT_TRUE(subtract(a, a).empty());
  EXPECT_EQ(subtract(a, {}), a);
  std::vector<AddrSpan> everything = {cidr_span(ip("0.0.0.0"), 0), cidr_span(ip("::"), 0)};
  EXPECT_TRUE(subtract(a, everything).empty());
  EXPECT_EQ(subtract(everything, a).size(), 5u);
}

// The interval form of the scope guard must agree with IpAddr::is_internal() at every edge.
TEST(TargetsIntervals, InternalSpansAgreeWithIsInternal) {
  const auto& spans = internal_spans();
  ASSERT_FALSE(spans.empty());
  for (const AddrSpan& s : spans) {
    EXPECT_TRUE(s.first().is_internal()) << s.to_string();
    EXPECT_TRUE(s.last().is_internal()) << s.to_string();
    EXPECT_TRUE(from_u128(s.lo + (s.hi - s.lo) / 2, s.v6).is_internal()) << s.to_string();
    if (s.lo > 0) {
      EXPECT_FALSE(from_u128(s.lo - 1, s.v6).is_internal()) << s.to_string();
    }
    EXPECT_FALSE(from_u128(s.hi + 1, s.v6).is_internal()) << s.to_string();
  }
  for (const char* pub : {"8.8.8.8", "11.0.0.0", "9.255.255.255", "172.32.0.0", "192.169.0.0", "::2", "2001:db8::1", "fec0::1"}) {
    EXPECT_FALSE(ip(pub).is_internal()) << pub;
    EXPECT_TRUE(first_outside(AddrSpan::single(ip(pub)), spans).has_value()) << pub;
  }
  EXPECT_FALSE(first_outside(cidr_span(ip("10.0.0.0"), 8), spans).has_value());
  EXPECT_EQ(first_outside(cidr_span(ip("10.0.0.0"), 7), spans), ip("11.0.0.0"));
  EXPECT_EQ(first_outside(cidr_span(ip("0.0.0.0"), 0), spans), ip("0.0.0.0"));
  EXPECT_EQ(first_outside(v4("127.255.255.0", "128.0.0.1"), spans), ip("128.0.0.0"));
  EXPECT_FALSE(first_outside(cidr_span(ip("fe80::"), 10), spans).has_value());
  EXPECT_EQ(first_outside(cidr_span(ip("fe80::"), 9), spans), ip("fec0::"));
}

}  // namespace
}  // namespace anshin::targets
