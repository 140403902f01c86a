#include "codec/dhcp/dhcp.h"

#include <cstdio>

#include "core/text.h"

namespace anshin::codec::dhcp {
namespace {

constexpr size_t kHeader = 236, kMaxOptions = 255;

uint32_t be32(std::string_view b, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}

std::string text_value(std::string_view v) { return std::string(text::trim(v)); }

void read_option(uint8_t code, std::string_view v, Message& m) {
  switch (code) {
    case 12: m.host_name = text_value(v); break;
    case 60: m.vendor_class = text_value(v); break;
    case 53: if (v.size() == 1) m.message_type = static_cast<uint8_t>(v[0]); break;
    case 50: if (v.size() == 4) m.requested_address = IpAddr::v4(be32(v, 0)); break;
    case 55:
      m.parameter_list.clear();
      for (char c : v) {
        if (!m.parameter_list.empty()) m.parameter_list += ',';
        m.parameter_list += std::to_string(static_cast<uint8_t>(c));
      }
      break;
    default: break;
  }
}

}  // namespace

Result<Message> parse_message(std::string_view b) {
  if (b.size() < kHeader + 4) return Error{Errc::kProtocol, "dhcp: short message"};
  if (be32(b, kHeader) != 0x63825363u) return Error{Errc::kProtocol, "dhcp: no magic cookie"};
  Message m;
  m.op = static_cast<uint8_t>(b[0]);
  if (static_cast<uint8_t>(b[1]) == 1 && static_cast<uint8_t>(b[2]) == 6) {
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", static_cast<uint8_t>(b[28]),
                  static_cast<uint8_t>(b[29]), static_cast<uint8_t>(b[30]), static_cast<uint8_t>(b[31]),
                  static_cast<uint8_t>(b[32]), static_cast<uint8_t>(b[33]));
    m.client_mac = mac;
  }
  m.client_address = IpAddr::v4(be32(b, 12));
  m.your_address = IpAddr::v4(be32(b, 16));
  size_t at = kHeader + 4;
  for (size_t n = 0; n < kMaxOptions && at < b.size(); ++n) {
    const auto code = static_cast<uint8_t>(b[at]);
    if (code == 255) break;
    if (code == 0) { ++at; continue; }
    if (at + 2 > b.size()) break;
    const size_t len = static_cast<uint8_t>(b[at + 1]);
    if (at + 2 + len > b.size()) break;  // a cut option: keep what came before it
    read_option(code, b.substr(at + 2, len), m);
    at += 2 + len;
  }
  return m;
}

}  // namespace anshin::codec::dhcp
