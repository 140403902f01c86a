#include "codec/packet/packet.h"

#include <cstdio>

namespace anshin::codec::packet {
namespace {

Error bad(const char* what) { return Error{Errc::kProtocol, std::string("packet: ") + what}; }

uint16_t be16(std::string_view b, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(b[at]) << 8) | static_cast<uint8_t>(b[at + 1]));
}
uint32_t be32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(be16(b, at)) << 16) | be16(b, at + 2);
}

constexpr uint16_t kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd, kEtherVlan = 0x8100, kEtherQinQ = 0x88a8;

// The IP version of a packet that starts at `ip` (4 or 6), or 0.
uint16_t ethertype_of_version(std::string_view ip) {
  if (ip.empty()) return 0;
  const int version = static_cast<uint8_t>(ip[0]) >> 4;
  return version == 4 ? kEtherIpv4 : version == 6 ? kEtherIpv6 : 0;
}

Result<Frame> decode_transport(std::string_view l4, Frame f) {
  if (f.fragment) return f;
  if (f.protocol == kTcp) {
    if (l4.size() < 20) return bad("short TCP header");
    const size_t offset = static_cast<size_t>(static_cast<uint8_t>(l4[12]) >> 4) * 4;
    if (offset < 20 || offset > l4.size()) return bad("bad TCP data offset");
    f.src_port = be16(l4, 0);
    f.dst_port = be16(l4, 2);
    f.tcp_flags = static_cast<uint8_t>(l4[13]);
    f.tcp_seq = be32(l4, 4);
    f.payload = l4.substr(offset);
  } else if (f.protocol == kUdp) {
    if (l4.size() < 8) return bad("short UDP header");
    f.src_port = be16(l4, 0);
    f.dst_port = be16(l4, 2);
    size_t len = be16(l4, 4);
    if (len < 8) return bad("bad UDP length");
    if (len > l4.size()) len = l4.size();
    f.payload = l4.substr(8, len - 8);
  }
  return f;
}

Result<Frame> decode_ipv4(std::string_view ip, Frame f) {
  if (ip.size() < 20) return bad("short IPv4 header");
  const size_t ihl = static_cast<size_t>(static_cast<uint8_t>(ip[0]) & 0x0f) * 4;
  if (ihl < 20 || ihl > ip.size()) return bad("bad IPv4 header length");
  size_t total = be16(ip, 2);
  if (total < ihl) return bad("bad IPv4 total length");
  f.ip_length = static_cast<uint32_t>(total);
  if (total > ip.size()) {
    f.truncated = true;
    total = ip.size();
  }
  f.protocol = static_cast<uint8_t>(ip[9]);
  f.fragment = (be16(ip, 6) & 0x1fff) != 0;
  f.src = IpAddr::v4(be32(ip, 12));
  f.dst = IpAddr::v4(be32(ip, 16));
  return decode_transport(ip.substr(ihl, total - ihl), f);
}

Result<Frame> decode_ipv6(std::string_view ip, Frame f) {
  if (ip.size() < 40) return bad("short IPv6 header");
  std::array<uint8_t, 16> a{}, b{};
  for (size_t i = 0; i < 16; ++i) {
    a[i] = static_cast<uint8_t>(ip[8 + i]);
    b[i] = static_cast<uint8_t>(ip[24 + i]);
  }
  f.src = IpAddr::v6(a);
  f.dst = IpAddr::v6(b);
  size_t total = 40 + static_cast<size_t>(be16(ip, 4));
  f.ip_length = static_cast<uint32_t>(total);
  if (total > ip.size()) {
    f.truncated = true;
    total = ip.size();
  }
  uint8_t next = static_cast<uint8_t>(ip[6]);
  size_t at = 40;
  for (int hops = 0; hops < 8; ++hops) {
    if (next != 0 && next != 43 && next != 60 && next != 44) break;
    if (at + 8 > total) return bad("short IPv6 extension header");
    if (next == 44 && (be16(ip, at + 2) & 0xfff8) != 0) f.fragment = true;
    const size_t len = next == 44 ? 8 : (static_cast<size_t>(static_cast<uint8_t>(ip[at + 1])) + 1) * 8;
    next = static_cast<uint8_t>(ip[at]);
    at += len;
    if (at > total) return bad("IPv6 extension header past the packet");
  }
  f.protocol = next;
  return decode_transport(ip.substr(at, total - at), f);
}

Result<Frame> decode_ip(uint16_t ethertype, std::string_view ip, Frame f) {
  if (ethertype == kEtherIpv4 && ethertype_of_version(ip) == kEtherIpv4) return decode_ipv4(ip, f);
  if (ethertype == kEtherIpv6 && ethertype_of_version(ip) == kEtherIpv6) return decode_ipv6(ip, f);
  return bad("not IP");
}

Result<Frame> decode_ethernet(std::string_view b) {
  if (b.size() < 14) return bad("short Ethernet header");
  Frame f;
  f.has_mac = true;
  for (size_t i = 0; i < 6; ++i) {
    f.dst_mac[i] = static_cast<uint8_t>(b[i]);
    f.src_mac[i] = static_cast<uint8_t>(b[6 + i]);
  }
  size_t at = 12;
  uint16_t type = be16(b, at);
  for (int tags = 0; tags < 2 && (type == kEtherVlan || type == kEtherQinQ); ++tags) {
    at += 4;
    if (at + 2 > b.size()) return bad("short VLAN tag");
    type = be16(b, at);
  }
  return decode_ip(type, b.substr(at + 2), f);
}

}  // namespace

Result<Frame> decode_frame(std::string_view b, int link_type) {
  switch (link_type) {
    case kLinkEthernet:
      return decode_ethernet(b);
    case kLinkNull:
    case kLinkLoop:
      if (b.size() < 4) return bad("short loopback header");
      return decode_ip(ethertype_of_version(b.substr(4)), b.substr(4), Frame{});
    case kLinkRaw:
      return decode_ip(ethertype_of_version(b), b, Frame{});
    case kLinkIpv4:
      return decode_ip(kEtherIpv4, b, Frame{});
    case kLinkIpv6:
      return decode_ip(kEtherIpv6, b, Frame{});
    case kLinkLinuxSll:
      if (b.size() < 16) return bad("short SLL header");
      return decode_ip(be16(b, 14), b.substr(16), Frame{});
    case kLinkLinuxSll2:
      if (b.size() < 20) return bad("short SLL2 header");
      return decode_ip(be16(b, 0), b.substr(20), Frame{});
    default:
      return bad("unsupported link type");
  }
}

std::string mac_text(const std::array<uint8_t, 6>& mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return buf;
}

}  // namespace anshin::codec::packet
