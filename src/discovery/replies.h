// UDP discovery replies -> Observations (no Asio, no sockets: pure functions over hostile bytes).
// Every parse goes through the codec (codec/soap/wsd, codec/sadp, codec/dhip, codec/ssdp,
// codec/ssdp/upnp); this file only maps decoded fields to the keys of docs/observation-keys.md.
// Values are the device's text, trimmed and bounded to kMaxValueBytes, never interpreted (SADP
// `Activated` stays "flase" when the device says so).
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "model/observation.h"

namespace anshin::codec::upnp {
struct Description;
}

namespace anshin::discovery {

enum class Protocol : uint8_t { kWsd, kSadp, kDhip, kSsdp };
inline constexpr size_t kProtocolCount = 4;
inline constexpr Protocol kProtocols[kProtocolCount] = {Protocol::kWsd, Protocol::kSadp, Protocol::kDhip,
                                                        Protocol::kSsdp};

const char* protocol_name(Protocol p);  // "wsd", "sadp", "dhip", "ssdp" (also the ServiceRecord probe)
uint16_t protocol_port(Protocol p);     // 3702, 37020, 37810, 1900
// The IPv4 multicast group of the protocol, host order: 239.255.255.250, or .251 for DHIP.
uint32_t protocol_group_v4(Protocol p);

inline constexpr size_t kMaxValueBytes = 4096;

// What one datagram said.
struct ParsedReply {
  std::vector<Observation> observations;  // keys of docs/observation-keys.md, probe = protocol_name
  std::optional<std::string> mac;         // "aa:bb:cc:dd:ee:ff" when the reply carries a usable MAC
  std::vector<std::string> locations;     // SSDP LOCATION values (candidates for the UPnP fetch)
};

// Errc::kProtocol when the codec rejects the datagram (or, for SSDP, when it is not a 200 reply or
// NOTIFY; for WS-Discovery, when there is no ProbeMatch/Hello).
Result<ParsedReply> parse_reply(Protocol p, std::string_view datagram);

// upnp.* observations of a description (the root device), probe "ssdp", seen on `port`.
std::vector<Observation> upnp_observations(const codec::upnp::Description& d, uint16_t port);

// "aa:bb:cc:dd:ee:ff" from "AA-BB-CC-DD-EE-FF", "aa:bb:..", "aabbccddeeff"; nullopt for anything
// else and for the all-zero and broadcast addresses.
std::optional<std::string> normalize_mac(std::string_view text);

// A UPnP LOCATION reduced to what the fetch needs. Only IP-literal hosts are accepted (a name would
// need DNS); userinfo, non-http(s) schemes, bad ports and targets with spaces or controls are refused.
struct HttpUrl {
  IpAddr host;
  uint16_t port = 80;
  bool tls = false;
  std::string host_header;  // authority as written ("127.0.0.1:49152", "[::1]:80")
  std::string target;       // "/rootdesc1.xml" (fragment dropped)
};
std::optional<HttpUrl> parse_location(std::string_view url);

// Trims and bounds a device value (at most kMaxValueBytes bytes).
std::string bounded_value(std::string_view s);

}  // namespace anshin::discovery
