#include "discovery/local_segments.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <bit>

namespace anshin::discovery {

std::string LocalSegment::to_string() const {
  char buf[INET_ADDRSTRLEN] = {};
  const in_addr a{htonl(address)};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return interface + " " + buf + "/" + std::to_string(prefix);
}

std::vector<LocalSegment> multicast_segments() {
  std::vector<LocalSegment> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (const ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask) continue;
    if (!(i->ifa_flags & IFF_UP) || !(i->ifa_flags & IFF_MULTICAST)) continue;
    LocalSegment s;
    s.interface = i->ifa_name ? i->ifa_name : "";
    s.index = if_nametoindex(s.interface.c_str());
    s.address = ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
    const uint32_t mask = ntohl(reinterpret_cast<const sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr);
    s.prefix = std::popcount(mask);
    s.point_to_point = (i->ifa_flags & IFF_POINTOPOINT) != 0;
    if (s.index == 0) continue;
    out.push_back(std::move(s));
  }
  freeifaddrs(list);
  return out;
}

std::vector<LocalSegment> segments_covered_by(const std::vector<LocalSegment>& segments,
                                              const std::vector<targets::AddrSpan>& spans) {
  const auto covered = [&spans](const LocalSegment& s) {
    if (s.point_to_point || s.prefix >= 31) return false;
    const targets::u128 first = s.network() + 1, last = s.broadcast() - 1;
    // Spans are normalized (merged), so a covered segment lies inside a single span.
    return std::any_of(spans.begin(), spans.end(),
                       [&](const targets::AddrSpan& sp) { return !sp.v6 && sp.lo <= first && last <= sp.hi; });
  };
  std::vector<LocalSegment> out;
  for (const auto& s : segments) {
    if (std::any_of(out.begin(), out.end(), [&](const LocalSegment& o) { return o.index == s.index; })) continue;
    const bool every_subnet = std::all_of(segments.begin(), segments.end(), [&](const LocalSegment& other) {
      return other.index != s.index || covered(other);
    });
    if (every_subnet) out.push_back(s);
  }
  return out;
}

}  // namespace anshin::discovery
