// Hikvision SADP (UDP 37020): inquiry probe builder and ProbeMatch XML parser (as in
// https://github.com/cameronnewman/hikvision-tooling, internal/sadp/scanner.go).
//
// Probe:  <?xml version="1.0" encoding="utf-8"?><Probe><Uuid>UUID</Uuid><Types>inquiry</Types></Probe>
// Reply:  <ProbeMatch><Uuid/><Types/><DeviceType/><DeviceDescription/><DeviceSN/><MAC/>... flat
//         elements (no namespace). Booleans are parsed leniently ("flase" is false; true/false/1/0).
// Limits: xml::kUdpLimits (64 KiB); at most 128 raw fields kept.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/common/xml.h"
#include "core/result.h"

namespace anshin::codec::sadp {

// The well-known UDP port and IPv4 multicast group (239.255.255.250, host order).
inline constexpr uint16_t kPort = 37020;
inline constexpr uint32_t kGroupV4 = 0xeffffffau;

struct ProbeMatch {
  std::string uuid, types;
  std::string device_type;         // numeric code
  std::string device_description;  // the model, e.g. DS-2CD2143G0-I
  std::string device_sn;
  std::string mac;                 // aa-bb-cc-dd-ee-ff as sent
  std::string ipv4_address, ipv4_subnet_mask, ipv4_gateway;
  std::string ipv6_address, ipv6_gateway, ipv6_mask_len;
  std::string software_version;    // "V5.4.5build 260429"
  std::string dsp_version, boot_time, oem_info, support, encoder, sdk_server_status;
  std::optional<bool> dhcp, activated, password_reset_ability, password_reset_mode_second;
  std::optional<bool> support_hc_platform, hc_platform_enable;
  std::optional<uint16_t> command_port, http_port, sdk_over_tls_port;
  std::optional<uint32_t> analog_channel_num, digital_channel_num;
  std::vector<std::pair<std::string, std::string>> fields;  // every child element, in order (raw text)
  std::string field(std::string_view name) const;           // raw text by exact element name, "" if absent
};

Result<ProbeMatch> parse_probe_match(std::string_view datagram, const xml::Limits& limits = xml::kUdpLimits);

// Inquiry probe; v32 selects Types "inquiry_v32". uuid is XML-escaped.
std::string build_inquiry(std::string_view uuid, bool v32 = false);

}  // namespace anshin::codec::sadp
