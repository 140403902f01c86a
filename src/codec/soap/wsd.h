// WS-Discovery (SOAP 1.2 over UDP 3702): Probe builder and ProbeMatches / Hello parser.
//
// Accepted namespaces: WS-Discovery 2005/04 (http://schemas.xmlsoap.org/ws/2005/04/discovery, what
// ONVIF devices use) and OASIS 1.1 (http://docs.oasis-open.org/ws-dd/ns/discovery/2009/01); any
// prefixes (elements are matched by local name). Fields, per ProbeMatch (or Hello) element:
//   EndpointReference/Address, Types (space-separated QNames), Scopes (space-separated,
//   percent-encoded URIs), XAddrs (space-separated URLs), MetadataVersion.
// Header: MessageID, RelatesTo (absent on some firmware), Action.
// Limits: xml::kUdpLimits (64 KiB, depth 48, 5000 nodes); at most 64 matches, 256 items per list.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "codec/common/xml.h"
#include "core/result.h"

namespace anshin::codec::wsd {

// The well-known UDP port and IPv4 multicast group (239.255.255.250, host order).
inline constexpr uint16_t kPort = 3702;
inline constexpr uint32_t kGroupV4 = 0xeffffffau;

// kManufacturer: the non-standard manufacturer/ category several makers add (Hanwha, FLIR); not in ONVIF Core.
enum class ScopeKind { kName, kHardware, kLocation, kMac, kProfile, kType, kManufacturer, kOther };
const char* scope_kind_name(ScopeKind k);  // "name", "hardware", "location", "mac", "profile", "type", "manufacturer", "other"

struct Scope {
  std::string raw;    // as sent (still percent-encoded)
  ScopeKind kind = ScopeKind::kOther;
  std::string value;  // percent-decoded part after "onvif://www.onvif.org/<category>/" (whole decoded URI for kOther)
};
// Classifies one scope URI ("onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I" -> kName, "HIKVISION DS-2CD2143G0-I").
Scope classify_scope(std::string_view raw);

struct ProbeMatch {
  std::string endpoint;                 // EndpointReference/Address ("urn:uuid:..." or "uuid:...")
  std::vector<std::string> types;       // as sent ("dn:NetworkVideoTransmitter")
  std::vector<std::string> type_names;  // local names ("NetworkVideoTransmitter")
  std::vector<Scope> scopes;
  std::vector<std::string> xaddrs;
  std::string metadata_version;
  bool is_hello = false;                // came from a Hello announcement instead of a ProbeMatch
  bool has_type(std::string_view local) const;
  std::vector<std::string> scope_values(ScopeKind kind) const;
};

struct ProbeMatches {
  std::string message_id;
  std::string relates_to;
  std::string action;
  std::string discovery_namespace;  // namespace URI of the ProbeMatch element
  std::vector<ProbeMatch> matches;
};

// Errc::kProtocol on non-XML, DTDs, limits, or no ProbeMatch/Hello element at all.
Result<ProbeMatches> parse_probe_matches(std::string_view datagram, const xml::Limits& limits = xml::kUdpLimits);

// Probe datagram in the 2005/04 dialect (as nmap's nselib/wsdd.lua and https://github.com/agsh/onvif
// lib/discovery.js send it). typed=true asks for
// dn:NetworkVideoTransmitter; typed=false sends an empty <d:Probe/> (every WS-Discovery target answers).
// message_id is the full value, e.g. "urn:uuid:0b3e...". It is XML-escaped.
std::string build_probe(std::string_view message_id, bool typed = true);

}  // namespace anshin::codec::wsd
