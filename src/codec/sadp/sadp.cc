#include "codec/sadp/sadp.h"

#include "codec/common/strings.h"

namespace anshin::codec::sadp {
namespace {

std::optional<uint16_t> port_of(const std::string& s) {
  auto v = parse_uint(s);
  if (!v || *v > 65535) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

std::optional<uint32_t> count_of(const std::string& s) {
  auto v = parse_uint(s);
  if (!v || *v > 1000000) return std::nullopt;
  return static_cast<uint32_t>(*v);
}

}  // namespace

std::string ProbeMatch::field(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return {};
}

Result<ProbeMatch> parse_probe_match(std::string_view datagram, const xml::Limits& limits) {
  pugi::xml_document doc;
  if (auto r = xml::load(doc, datagram, limits); !r) return r.error();
  pugi::xml_node root = doc.document_element();
  if (xml::local_name(root) != "ProbeMatch") root = xml::descendant(root, "ProbeMatch");
  if (!root) return make_error(Errc::kProtocol, "sadp: no ProbeMatch");
  ProbeMatch m;
  for (pugi::xml_node c = root.first_child(); c && m.fields.size() < 128; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    m.fields.emplace_back(std::string(xml::local_name(c)).substr(0, 64), xml::text(c));
  }
  auto f = [&](const char* n) { return m.field(n); };
  m.uuid = f("Uuid");
  m.types = f("Types");
  m.device_type = f("DeviceType");
  m.device_description = f("DeviceDescription");
  m.device_sn = f("DeviceSN");
  m.mac = f("MAC");
  m.ipv4_address = f("IPv4Address");
  m.ipv4_subnet_mask = f("IPv4SubnetMask");
  m.ipv4_gateway = f("IPv4Gateway");
  m.ipv6_address = f("IPv6Address");
  m.ipv6_gateway = f("IPv6Gateway");
  m.ipv6_mask_len = f("IPv6MaskLen");
  m.software_version = f("SoftwareVersion");
  m.dsp_version = f("DSPVersion");
  m.boot_time = f("BootTime");
  m.oem_info = f("OEMInfo");
  m.support = f("Support");
  m.encoder = f("Encoder");
  m.sdk_server_status = f("SDKServerStatus");
  m.dhcp = parse_lenient_bool(f("DHCP"));
  m.activated = parse_lenient_bool(f("Activated"));
  m.password_reset_ability = parse_lenient_bool(f("PasswordResetAbility"));
  m.password_reset_mode_second = parse_lenient_bool(f("PasswordResetModeSecond"));
  m.support_hc_platform = parse_lenient_bool(f("SupportHCPlatform"));
  m.hc_platform_enable = parse_lenient_bool(f("HCPlatformEnable"));
  m.command_port = port_of(f("CommandPort"));
  m.http_port = port_of(f("HttpPort"));
  m.sdk_over_tls_port = port_of(f("SDKOverTLSPort"));
  m.analog_channel_num = count_of(f("AnalogChannelNum"));
  m.digital_channel_num = count_of(f("DigitalChannelNum"));
  return m;
}

std::string build_inquiry(std::string_view uuid, bool v32) {
  std::string clean;
  for (char c : uuid) {
    if (c == '<') clean += "&lt;";
    else if (c == '>') clean += "&gt;";
    else if (c == '&') clean += "&amp;";
    else if (c != '\r' && c != '\n' && c != '\0') clean.push_back(c);
  }
  return "<?xml version=\"1.0\" encoding=\"utf-8\"?><Probe><Uuid>" + clean + "</Uuid><Types>" +
         (v32 ? "inquiry_v32" : "inquiry") + "</Types></Probe>";
}

}  // namespace anshin::codec::sadp
