// MAC addresses from the kernel's neighbour table (ARP): only for hosts on a local segment, which
// is where a MAC means something. IPv4 only (/proc/net/arp); IPv6 neighbours need netlink and are
// not read yet. Never sends anything.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "core/ip.h"

namespace anshin::net {

// Parses /proc/net/arp text: "IP address HW type Flags HW address Mask Device" rows. Incomplete
// entries (flags without ATF_COM 0x2) and all-zero MACs are skipped. MACs are lower-case "aa:bb:..".
std::map<IpAddr, std::string> parse_arp_table(std::string_view text);

// The current table, or empty when /proc/net/arp cannot be read.
std::map<IpAddr, std::string> read_neighbour_table();

}  // namespace anshin::net
