// DHCPv4 messages (RFC 2131 §2, options RFC 2132): what a client says about itself when it asks for an
// address — the client hardware address, host name (option 12), parameter request list (option 55) and
// vendor class identifier (option 60), plus the message type (option 53).
//
// Limits: the fixed 236-byte header and the magic cookie 99.130.83.99 are required; options are read
// until END (255) or the end of the bytes (overload, option 52, is not followed); at most 255 options;
// text values are trimmed and capped at 255 bytes (an option cannot be longer).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/ip.h"
#include "core/result.h"

namespace anshin::codec::dhcp {

inline constexpr uint16_t kServerPort = 67, kClientPort = 68;

struct Message {
  uint8_t op = 0;                 // 1 request (client), 2 reply (server)
  uint8_t message_type = 0;       // option 53: 1 DISCOVER, 3 REQUEST, 8 INFORM, ...
  std::string client_mac;         // "aa:bb:cc:dd:ee:ff" when htype 1 / hlen 6, else ""
  IpAddr client_address;          // ciaddr
  IpAddr your_address;            // yiaddr (a server's offer or ack)
  IpAddr requested_address;       // option 50 (0.0.0.0 when absent)
  std::string host_name;          // option 12
  std::string parameter_list;     // option 55 as "1,3,6,15" (the order is a client fingerprint)
  std::string vendor_class;       // option 60
};

// Errc::kProtocol for a message shorter than the header, or without the magic cookie.
Result<Message> parse_message(std::string_view bytes);

}  // namespace anshin::codec::dhcp
