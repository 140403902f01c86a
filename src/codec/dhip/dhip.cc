#include "codec/dhip/dhip.h"

#include "codec/common/json.h"
#include "codec/common/strings.h"

namespace anshin::codec::dhip {
namespace {

uint32_t le32(std::string_view s, size_t off) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[off + i])); };
  return b(0) | (b(1) << 8) | (b(2) << 16) | (b(3) << 24);
}

void put_le32(std::string& s, uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::optional<uint16_t> port_of(const std::string& s) {
  auto v = parse_uint(s);
  if (!v || *v > 65535) return std::nullopt;
  return static_cast<uint16_t>(*v);
}

}  // namespace

Result<Header> parse_header(std::string_view d) {
  if (d.size() < kHeaderSize) return make_error(Errc::kProtocol, "dhip: shorter than header");
  Header h;
  h.header_len = le32(d, 0);
  if (h.header_len != kHeaderSize) return make_error(Errc::kProtocol, "dhip: header length is not 0x20");
  if (d.substr(4, 4) != "DHIP") return make_error(Errc::kProtocol, "dhip: bad magic");
  h.session_id = le32(d, 8);
  h.request_id = le32(d, 12);
  h.body_len = le32(d, 16);
  h.body_len2 = le32(d, 24);
  if (h.body_len != h.body_len2) return make_error(Errc::kProtocol, "dhip: length fields differ");
  if (h.body_len != d.size() - kHeaderSize) return make_error(Errc::kProtocol, "dhip: length does not match datagram");
  if (h.body_len > kMaxBody) return make_error(Errc::kProtocol, "dhip: body too large");
  return h;
}

Result<DeviceInfo> parse_reply(std::string_view d) {
  auto h = parse_header(d);
  if (!h) return h.error();
  json::Limits lim;
  lim.max_bytes = kMaxBody;
  auto j = json::parse(d.substr(kHeaderSize), lim);
  if (!j) return j.error();
  const nlohmann::json& root = *j;
  const nlohmann::json* params = json::find(root, "params");
  const nlohmann::json* info = params ? json::find(*params, "deviceInfo") : nullptr;
  if (!info || !info->is_object()) return make_error(Errc::kProtocol, "dhip: no params.deviceInfo");
  DeviceInfo out;
  out.method = json::get(root, "method");
  out.mac = json::get(root, "mac");
  if (out.mac.empty()) out.mac = json::get(*info, "mac");
  out.device_class = json::get(*info, "DeviceClass");
  out.device_type = json::get(*info, "DeviceType");
  out.serial_no = json::get(*info, "SerialNo");
  out.version = json::get(*info, "Version");
  out.vendor = json::get(*info, "Vendor");
  out.manufacturer = json::get(*info, "Manufacturer");
  out.machine_name = json::get(*info, "MachineName");
  if (const nlohmann::json* v4 = json::find(*info, "IPv4Address")) out.ipv4_address = json::get(*v4, "IPAddress");
  out.init = parse_int(json::get(*info, "Init"));
  out.http_port = port_of(json::get(*info, "HttpPort"));
  out.port = port_of(json::get(*info, "Port"));
  return out;
}

std::string frame(std::string_view body) {
  std::string out;
  out.reserve(kHeaderSize + body.size());
  put_le32(out, static_cast<uint32_t>(kHeaderSize));
  out += "DHIP";
  put_le32(out, 0);
  put_le32(out, 0);
  put_le32(out, static_cast<uint32_t>(body.size()));
  put_le32(out, 0);
  put_le32(out, static_cast<uint32_t>(body.size()));
  put_le32(out, 0);
  out += body;
  return out;
}

std::string build_search() {
  return frame("{ \"method\" : \"DHDiscover.search\", \"params\" : { \"mac\" : \"\", \"uni\" : 1 } }\r\n");
}

}  // namespace anshin::codec::dhip
