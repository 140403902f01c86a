#include "discovery/local_segments.h"

#include <gtest/gtest.h>

#include "core/ip.h"

namespace anshin::discovery {
namespace {

targets::AddrSpan span(const char* first, const char* last) {
  auto a = IpAddr::parse(first), b = IpAddr::parse(last);
  EXPECT_TRUE(a && b);
  return {targets::to_u128(*a), targets::to_u128(*b), false};
}

LocalSegment segment(const char* name, unsigned index, const char* address, int prefix) {
  auto a = IpAddr::parse(address);
  EXPECT_TRUE(a);
  return {name, index, a->v4_value(), prefix};
}

TEST(LocalSegments, NetworkBroadcastAndText) {
  const auto s = segment("eth0", 2, "192.168.1.77", 24);
  EXPECT_EQ(s.network(), IpAddr::parse("192.168.1.0")->v4_value());
  EXPECT_EQ(s.broadcast(), IpAddr::parse("192.168.1.255")->v4_value());
  EXPECT_EQ(s.to_string(), "eth0 192.168.1.77/24");
  const auto all = segment("x", 1, "10.1.2.3", 0);
  EXPECT_EQ(all.network(), 0u);
  EXPECT_EQ(all.broadcast(), 0xffffffffu);
  const auto host = segment("x", 1, "10.1.2.3", 32);
  EXPECT_EQ(host.network(), host.address);
  EXPECT_EQ(host.broadcast(), host.address);
}

TEST(LocalSegments, OnlySegmentsThePlanCoversGetMulticast) {
  const std::vector<LocalSegment> segs = {segment("eth0", 2, "192.168.1.77", 24),
                                          segment("eth1", 3, "10.20.0.5", 16),
                                          segment("lo", 1, "127.77.0.1", 25)};
  // The whole /24 (network and broadcast included) covers eth0.
  auto got = segments_covered_by(segs, {span("192.168.1.0", "192.168.1.255")});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].interface, "eth0");
  // Host addresses only (.1-.254) still cover it.
  EXPECT_EQ(segments_covered_by(segs, {span("192.168.1.1", "192.168.1.254")}).size(), 1u);
  // One host, half the segment, or a hole from --exclude: no multicast there.
  EXPECT_TRUE(segments_covered_by(segs, {span("192.168.1.50", "192.168.1.50")}).empty());
  EXPECT_TRUE(segments_covered_by(segs, {span("192.168.1.0", "192.168.1.127")}).empty());
  EXPECT_TRUE(segments_covered_by(segs, {span("192.168.1.0", "192.168.1.9"), span("192.168.1.11", "192.168.1.255")})
                  .empty());
  // A larger plan covers several segments; IPv6 spans never cover an IPv4 segment.
  got = segments_covered_by(segs, {span("10.0.0.0", "10.255.255.255"), span("127.77.0.0", "127.77.0.255")});
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].interface, "eth1");
  EXPECT_EQ(got[1].interface, "lo");
  targets::AddrSpan v6{0, targets::kV6Max, true};
  EXPECT_TRUE(segments_covered_by(segs, {v6}).empty());
}

TEST(LocalSegments, EverySubnetOfTheInterfaceMustBeCovered) {
  // Multicast reaches the whole link: with two subnets on lo, naming one of them is not enough.
  const std::vector<LocalSegment> segs = {segment("lo", 1, "127.0.0.1", 8), segment("lo", 1, "127.77.0.1", 25),
                                          segment("eth0", 2, "10.0.0.10", 24), segment("eth0", 2, "192.168.1.10", 24)};
  auto got = segments_covered_by(segs, {span("127.0.0.0", "127.255.255.255")});
  ASSERT_EQ(got.size(), 1u);  // 127/8 holds 127.77.0.0/25 too
  EXPECT_EQ(got[0].prefix, 8);
  EXPECT_TRUE(segments_covered_by(segs, {span("127.77.0.0", "127.77.0.127")}).empty());
  EXPECT_TRUE(segments_covered_by(segs, {span("10.0.0.0", "10.0.0.255")}).empty());
  got = segments_covered_by(segs, {span("10.0.0.0", "10.0.0.255"), span("192.168.1.0", "192.168.1.255")});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].interface, "eth0");
  EXPECT_EQ(got[0].address, IpAddr::parse("10.0.0.10")->v4_value());  // one entry: the first address
}

TEST(LocalSegments, HostRoutesAndTunnelsAreNeverASegment) {
  // A /32 (cloud VM), a /31 or a point-to-point tunnel "covered" by naming this host alone: no multicast.
  EXPECT_TRUE(segments_covered_by({segment("eth0", 2, "172.31.5.9", 32)}, {span("172.31.5.9", "172.31.5.9")}).empty());
  EXPECT_TRUE(segments_covered_by({segment("eth0", 2, "10.9.0.0", 31)}, {span("10.0.0.0", "10.255.255.255")}).empty());
  LocalSegment tun = segment("tun0", 5, "10.8.0.6", 24);
  tun.point_to_point = true;
  EXPECT_TRUE(segments_covered_by({tun}, {span("10.8.0.0", "10.8.0.255")}).empty());
  // ...and an interface carrying one of those next to a covered subnet stays excluded.
  EXPECT_TRUE(segments_covered_by({segment("eth0", 2, "192.168.1.10", 24), segment("eth0", 2, "192.168.9.1", 32)},
                                  {span("192.168.0.0", "192.168.255.255")})
                  .empty());
  // A /30 has two host addresses.
  EXPECT_EQ(segments_covered_by({segment("eth0", 2, "10.1.1.1", 30)}, {span("10.1.1.1", "10.1.1.2")}).size(), 1u);
}

TEST(LocalSegments, ThisHostsSegmentsAreWellFormed) {
  for (const auto& s : multicast_segments()) {
    EXPECT_GT(s.index, 0u) << s.to_string();
    EXPECT_GE(s.prefix, 0);
    EXPECT_LE(s.prefix, 32);
    EXPECT_FALSE(s.interface.empty());
  }
}

}  // namespace
}  // namespace anshin::discovery
