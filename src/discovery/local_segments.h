// Local segments: the IPv4 networks of this host's interfaces that can carry multicast, and which of
// them a target plan covers. UDP discovery multicasts its probes only on those segments (a camera
// on the local segment may answer multicast discovery and nothing else; SADP and minidlna-style SSDP
// stacks listen on the group only).
//
//   auto segments = discovery::segments_covered_by(discovery::multicast_segments(), plan_spans);
//
// An interface qualifies when it is up, has IFF_MULTICAST and an IPv4 address. Loopback carries
// multicast only when someone set the flag (inside a test's private network namespace); on a stock
// host it never qualifies, so scanning 127.x there sends no multicast.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "targets/intervals.h"

namespace anshin::discovery {

struct LocalSegment {
  std::string interface;  // "eth0", "lo"
  unsigned index = 0;     // interface index (IP_MULTICAST_IF / IP_ADD_MEMBERSHIP)
  uint32_t address = 0;   // this host's address on it, host order
  int prefix = 32;        // netmask length
  bool point_to_point = false;  // IFF_POINTOPOINT (VPN tunnels): never a broadcast segment

  uint32_t network() const { return prefix == 0 ? 0 : address & (~0u << (32 - prefix)); }
  uint32_t broadcast() const { return prefix == 0 ? ~0u : network() | ~(~0u << (32 - prefix)); }
  std::string to_string() const;  // "lo 127.0.0.1/8"

  friend bool operator==(const LocalSegment&, const LocalSegment&) = default;
};

// This host's multicast-capable IPv4 segments (getifaddrs), in interface order. Empty on error.
std::vector<LocalSegment> multicast_segments();

// The interfaces the plan covers, one segment each (the first of the interface, for IP_MULTICAST_IF).
// A multicast probe reaches everything on the link, so an interface qualifies only when the plan
// holds every host address of *every* IPv4 segment it carries (all but the network and broadcast
// addresses when the prefix is /30 or shorter), and none of them is a /31, a /32 or point-to-point
// (a cloud VM's /32, a VPN tunnel: covering "the segment" would mean naming only this host). A plan
// naming only part of the link (one host, a /25 of a /24, an --exclude inside it, one of two
// subnets) gets no multicast there. Devices on the link with addresses on no subnet of ours (a
// camera still on its factory 192.168.1.64) hear the probe all the same; their replies are dropped
// because they are not in the plan.
std::vector<LocalSegment> segments_covered_by(const std::vector<LocalSegment>& segments,
                                              const std::vector<targets::AddrSpan>& spans);

}  // namespace anshin::discovery
