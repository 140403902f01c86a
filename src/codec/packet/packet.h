// Captured frames -> IPv4/IPv6 + TCP/UDP headers (what `anshin traffic` reads from pcap/pcapng).
//
// Link layers (pcap LINKTYPE_* values): ETHERNET (1, with up to two 802.1Q/802.1ad tags), NULL/LOOP (0/108,
// 4-byte address family in either byte order), RAW (101), IPV4 (228), IPV6 (229), LINUX_SLL (113) and
// LINUX_SLL2 (276). IPv4 (RFC 791): IHL >= 5, total length <= captured bytes (a truncated capture is
// clamped to what was captured, `truncated` set). IPv6 (RFC 8200): hop-by-hop, routing, destination and
// fragment extension headers are skipped (at most 8). A non-first fragment has no transport header.
// TCP (RFC 9293): data offset >= 5; UDP (RFC 768): length clamped to the captured bytes.
// Pure and bounded: every read is checked against the frame; views point into `frame`.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>

#include "core/ip.h"
#include "core/result.h"

namespace anshin::codec::packet {

inline constexpr int kLinkNull = 0, kLinkEthernet = 1, kLinkRaw = 101, kLinkLoop = 108, kLinkLinuxSll = 113,
                     kLinkIpv4 = 228, kLinkIpv6 = 229, kLinkLinuxSll2 = 276;

inline constexpr uint8_t kTcp = 6, kUdp = 17;
inline constexpr uint8_t kTcpFin = 0x01, kTcpSyn = 0x02, kTcpRst = 0x04, kTcpAck = 0x10;

struct Frame {
  bool has_mac = false;                 // Ethernet source/destination known
  std::array<uint8_t, 6> src_mac{}, dst_mac{};
  IpAddr src, dst;
  uint8_t protocol = 0;                 // IP protocol number (6 TCP, 17 UDP, others: no ports)
  uint16_t src_port = 0, dst_port = 0;
  uint8_t tcp_flags = 0;
  uint32_t tcp_seq = 0;                 // sequence number of the first payload byte (TCP)
  uint32_t ip_length = 0;               // the IP packet's length as its header states it (bytes on the wire)
  bool fragment = false;                // a non-first fragment: no transport header, no payload
  bool truncated = false;               // the capture holds less than the IP header states
  std::string_view payload;             // transport payload as captured (may be cut by the snap length)
};

// Errc::kProtocol for an unsupported link type, a non-IP frame, or headers that do not fit.
Result<Frame> decode_frame(std::string_view frame, int link_type);

// "aa:bb:cc:dd:ee:ff"
std::string mac_text(const std::array<uint8_t, 6>& mac);

}  // namespace anshin::codec::packet
