// SSDP (UDP 1900): M-SEARCH builder and reply / NOTIFY parser.
// A reply is an HTTP/1.1 response in one datagram ("HTTP/1.1 200 OK", LOCATION, SERVER, ST, USN,
// CACHE-CONTROL, EXT, optional BOOTID.UPNP.ORG / CONFIGID.UPNP.ORG); a NOTIFY announcement is
// "NOTIFY * HTTP/1.1" with NT/NTS instead of ST. Header names are case-insensitive.
// Limits: one datagram of at most 8 KiB, 64 headers.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "codec/http/http.h"
#include "core/result.h"

namespace anshin::codec::ssdp {

// The well-known UDP port and IPv4 multicast group (239.255.255.250, host order).
inline constexpr uint16_t kPort = 1900;
inline constexpr uint32_t kGroupV4 = 0xeffffffau;

inline constexpr size_t kMaxDatagram = 8 * 1024;

struct Reply {
  bool is_notify = false;  // NOTIFY announcement instead of an M-SEARCH response
  int status = 0;          // 200 for a response, 0 for NOTIFY
  std::string location, server, st, usn, cache_control, nt, nts, bootid, configid;
  http::Response response;  // all headers, for anything else
};

Result<Reply> parse_reply(std::string_view datagram);

// `M-SEARCH * HTTP/1.1\r\nHost: <host>\r\nMan: "ssdp:discover"\r\nMX: <mx>\r\nST: <st>\r\n\r\n`
// (the nmap udp/1900 payload shape with the defaults).
std::string build_msearch(std::string_view st = "ssdp:all", int mx = 5, std::string_view host = "239.255.255.250:1900");

}  // namespace anshin::codec::ssdp
