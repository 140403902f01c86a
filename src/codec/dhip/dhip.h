// Dahua DHIP discovery (UDP 37810, multicast 239.255.255.251): JSON inside a 32-byte header.
//
// Header, all u32 little-endian (UniversalScanner's Dahua2Header, https://github.com/julienblitte/UniversalScanner,
// which matches the reply hex in https://github.com/wue-iot-note/wue-iot-note.github.io):
//   0x00 header length = 0x20 | 0x04 "DHIP" | 0x08..0x0F session/request id (zero)
//   0x10 JSON length | 0x14 zero | 0x18 JSON length again | 0x1C zero
// A datagram is valid only if header length is 0x20, magic is DHIP, both length fields are equal
// and equal to datagram size - 32 (lying lengths are rejected). The body ends with "\n\0".
// Limits: body <= 64 KiB, JSON depth <= 16.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::codec::dhip {

// The well-known UDP port and IPv4 multicast group (239.255.255.251 (not .250), host order).
inline constexpr uint16_t kPort = 37810;
inline constexpr uint32_t kGroupV4 = 0xeffffffbu;

inline constexpr size_t kHeaderSize = 32;
inline constexpr size_t kMaxBody = 64 * 1024;

struct Header {
  uint32_t header_len = 0;
  uint32_t session_id = 0;  // offset 0x08
  uint32_t request_id = 0;  // offset 0x0C
  uint32_t body_len = 0;    // offset 0x10
  uint32_t body_len2 = 0;   // offset 0x18
};

// Validates and decodes the header of a whole datagram (checks lengths against datagram size).
Result<Header> parse_header(std::string_view datagram);

struct DeviceInfo {
  std::string method;  // "client.notifyDevInfo"
  std::string mac;     // top-level "mac" (or deviceInfo.mac)
  std::string device_class, device_type, serial_no, version, vendor, manufacturer, machine_name;
  std::string ipv4_address;  // deviceInfo.IPv4Address.IPAddress
  std::optional<int64_t> init;  // initialisation state
  std::optional<uint16_t> http_port, port;
};

// Validates the header, then parses the JSON body (params.deviceInfo). Errc::kProtocol on any
// header inconsistency, invalid JSON, or a body without params.deviceInfo.
Result<DeviceInfo> parse_reply(std::string_view datagram);

// Wraps a JSON body in a DHIP header.
std::string frame(std::string_view body);
// The 106-byte DHDiscover.search datagram (32-byte header + 74-byte JSON body, uni:1 for a unicast reply).
std::string build_search();

}  // namespace anshin::codec::dhip
