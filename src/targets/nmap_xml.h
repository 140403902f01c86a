// Import of nmap XML output (-oX): the hosts nmap saw up, with their open TCP ports.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"

namespace anshin::targets {

inline constexpr size_t kMaxNmapXmlBytes = size_t{256} << 20;  // 256 MiB

struct NmapHost {
  IpAddr address;
  std::vector<uint16_t> open_tcp_ports;  // ascending, unique; empty for a ping-only (-sn) host
};

// Parses an nmap XML document held in memory. Takes every <host> child of <nmaprun> whose <status
// state="up">, every ipv4/ipv6 <address> of it (MAC addresses are ignored), and the ports with
// protocol="tcp" whose <state state="open">. A host listed twice (several runs concatenated by nmap's
// --resume, or several addresses) is merged; the result is sorted, IPv4 addresses first. Hosts that are down or
// have no usable address are skipped. Bounded: documents over kMaxNmapXmlBytes are refused, the DTD
// (if any) is skipped, entities beyond the five XML built-ins are never expanded (pugixml does not
// implement them). Errors (Errc::kInvalidInput): malformed XML (with byte offset), a root element
// other than <nmaprun>, an address that is not an IP address. `origin` names the document in messages.
Result<std::vector<NmapHost>> parse_nmap_xml(std::string_view xml, std::string_view origin = "nmap XML");

// Reads and parses FILE. A missing or unreadable file or one over 256 MiB is Errc::kInvalidInput.
Result<std::vector<NmapHost>> load_nmap_xml(const std::string& path);

}  // namespace anshin::targets
