#include "discovery/replies.h"

#include <array>
#include <cctype>

#include "codec/common/strings.h"
#include "codec/dhip/dhip.h"
#include "codec/sadp/sadp.h"
#include "codec/soap/wsd.h"
#include "codec/ssdp/ssdp.h"
#include "codec/ssdp/upnp.h"
#include "core/text.h"

namespace anshin::discovery {

const char* protocol_name(Protocol p) {
  switch (p) {
    case Protocol::kWsd: return "wsd";
    case Protocol::kSadp: return "sadp";
    case Protocol::kDhip: return "dhip";
    case Protocol::kSsdp: return "ssdp";
  }
  return "?";
}

uint16_t protocol_port(Protocol p) {
  switch (p) {
    case Protocol::kWsd: return codec::wsd::kPort;
    case Protocol::kSadp: return codec::sadp::kPort;
    case Protocol::kDhip: return codec::dhip::kPort;
    case Protocol::kSsdp: return codec::ssdp::kPort;
  }
  return 0;
}

uint32_t protocol_group_v4(Protocol p) {
  switch (p) {
    case Protocol::kWsd: return codec::wsd::kGroupV4;
    case Protocol::kSadp: return codec::sadp::kGroupV4;
    case Protocol::kDhip: return codec::dhip::kGroupV4;
    case Protocol::kSsdp: return codec::ssdp::kGroupV4;
  }
  return 0;
}

std::string bounded_value(std::string_view s) {
  s = text::trim(s);
  if (s.size() > kMaxValueBytes) s = s.substr(0, kMaxValueBytes);
  return std::string(s);
}

namespace {

struct Emitter {
  ParsedReply& out;
  Protocol p;
  void add(const char* key, std::string_view value) {
    std::string v = bounded_value(value);
    if (v.empty()) return;
    out.observations.push_back(Observation{key, std::move(v), protocol_port(p), protocol_name(p)});
  }
  void add_number(const char* key, const auto& optional_number) {
    if (optional_number) add(key, std::to_string(*optional_number));
  }
  void mac(std::string_view raw) {
    if (out.mac) return;
    if (auto m = normalize_mac(raw)) out.mac = std::move(m);
  }
};

Result<ParsedReply> from_wsd(std::string_view d) {
  auto pm = codec::wsd::parse_probe_matches(d);
  if (!pm) return pm.error();
  ParsedReply out;
  Emitter e{out, Protocol::kWsd};
  for (const auto& m : pm->matches) {
    e.add("onvif.endpoint", m.endpoint);
    std::string types;
    for (const auto& t : m.types) {
      if (!types.empty()) types += ' ';
      types += t;
    }
    e.add("onvif.types", types);
    for (const auto& s : m.scopes) {
      switch (s.kind) {
        case codec::wsd::ScopeKind::kName: e.add("onvif.scope.name", s.value); break;
        case codec::wsd::ScopeKind::kHardware: e.add("onvif.scope.hardware", s.value); break;
        case codec::wsd::ScopeKind::kLocation: e.add("onvif.scope.location", s.value); break;
        case codec::wsd::ScopeKind::kMac:
          e.add("onvif.scope.mac", s.value);
          e.mac(s.value);
          break;
        case codec::wsd::ScopeKind::kManufacturer: e.add("onvif.scope.manufacturer", s.value); break;
        // Scopes no key above covers (profiles, types, vendor-specific URIs): the whole decoded URI.
        default: e.add("onvif.scope", codec::percent_decode(s.raw)); break;
      }
    }
    for (const auto& x : m.xaddrs) e.add("onvif.xaddr", x);
  }
  return out;
}

Result<ParsedReply> from_sadp(std::string_view d) {
  auto m = codec::sadp::parse_probe_match(d);
  if (!m) return m.error();
  ParsedReply out;
  Emitter e{out, Protocol::kSadp};
  e.add("sadp.device_type", m->device_type);
  e.add("sadp.device_description", m->device_description);
  e.add("sadp.device_sn", m->device_sn);
  e.add("sadp.mac", m->mac);
  e.add("sadp.software_version", m->software_version);
  e.add("sadp.dsp_version", m->dsp_version);
  // Raw text, not the codec's lenient bool: the probe does not interpret ("flase" stays "flase").
  e.add("sadp.activated", m->field("Activated"));
  e.add("sadp.hc_platform_enable", m->field("HCPlatformEnable"));
  e.add("sadp.oem_info", m->oem_info);
  e.add("sadp.http_port", m->field("HttpPort"));
  e.add("sadp.command_port", m->field("CommandPort"));
  e.mac(m->mac);
  return out;
}

Result<ParsedReply> from_dhip(std::string_view d) {
  auto info = codec::dhip::parse_reply(d);
  if (!info) return info.error();
  ParsedReply out;
  Emitter e{out, Protocol::kDhip};
  e.add("dhip.device_class", info->device_class);
  e.add("dhip.device_type", info->device_type);
  e.add("dhip.serial_no", info->serial_no);
  e.add("dhip.version", info->version);
  e.add("dhip.vendor", info->vendor);
  e.add("dhip.manufacturer", info->manufacturer);
  e.add("dhip.mac", info->mac);
  e.add_number("dhip.init", info->init);
  e.add_number("dhip.http_port", info->http_port);
  e.add_number("dhip.port", info->port);
  e.mac(info->mac);
  return out;
}

Result<ParsedReply> from_ssdp(std::string_view d) {
  auto r = codec::ssdp::parse_reply(d);
  if (!r) return r.error();
  if (!r->is_notify && r->status != 200)
    return make_error(Errc::kProtocol, "ssdp: status " + std::to_string(r->status));
  ParsedReply out;
  Emitter e{out, Protocol::kSsdp};
  e.add("ssdp.server", r->server);
  e.add("ssdp.location", r->location);
  e.add("ssdp.st", r->is_notify ? r->nt : r->st);
  e.add("ssdp.usn", r->usn);
  if (auto loc = bounded_value(r->location); !loc.empty()) out.locations.push_back(std::move(loc));
  return out;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Result<ParsedReply> parse_reply(Protocol p, std::string_view datagram) {
  switch (p) {
    case Protocol::kWsd: return from_wsd(datagram);
    case Protocol::kSadp: return from_sadp(datagram);
    case Protocol::kDhip: return from_dhip(datagram);
    case Protocol::kSsdp: return from_ssdp(datagram);
  }
  return make_error(Errc::kProtocol, "unknown protocol");
}

std::vector<Observation> upnp_observations(const codec::upnp::Description& d, uint16_t port) {
  ParsedReply out;
  Emitter e{out, Protocol::kSsdp};
  const auto& r = d.root;
  e.add("upnp.device_type", r.device_type);
  e.add("upnp.friendly_name", r.friendly_name);
  e.add("upnp.manufacturer", r.manufacturer);
  e.add("upnp.manufacturer_url", r.manufacturer_url);
  e.add("upnp.model_name", r.model_name);
  e.add("upnp.model_number", r.model_number);
  e.add("upnp.model_description", r.model_description);
  e.add("upnp.serial_number", r.serial_number);
  e.add("upnp.udn", r.udn);
  for (auto& o : out.observations) o.port = port;
  return std::move(out.observations);
}

std::optional<std::string> normalize_mac(std::string_view s) {
  s = text::trim(s);
  std::array<int, 12> nibbles{};
  size_t n = 0;
  if (s.size() == 12) {
    for (char c : s) {
      int v = hex_digit(c);
      if (v < 0) return std::nullopt;
      nibbles[n++] = v;
    }
  } else if (s.size() == 17) {
    const char sep = s[2];
    if (sep != ':' && sep != '-') return std::nullopt;
    for (size_t i = 0; i < 17; ++i) {
      if (i % 3 == 2) {
        if (s[i] != sep) return std::nullopt;
        continue;
      }
      int v = hex_digit(s[i]);
      if (v < 0) return std::nullopt;
      nibbles[n++] = v;
    }
  } else {
    return std::nullopt;
  }
  bool all_zero = true, all_ones = true;
  for (int v : nibbles) {
    all_zero = all_zero && v == 0;
    all_ones = all_ones && v == 15;
  }
  if (all_zero || all_ones) return std::nullopt;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(17);
  for (size_t i = 0; i < 12; ++i) {
    if (i > 0 && i % 2 == 0) out += ':';
    out += kHex[nibbles[i]];
  }
  return out;
}

std::optional<HttpUrl> parse_location(std::string_view url) {
  url = text::trim(url);
  if (url.size() > 2048) return std::nullopt;
  HttpUrl out;
  std::string_view rest;
  if (text::istarts_with(url, "http://")) {
    rest = url.substr(7);
  } else if (text::istarts_with(url, "https://")) {
    rest = url.substr(8);
    out.tls = true;
    out.port = 443;
  } else {
    return std::nullopt;
  }
  const size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view target = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (auto hash = target.find('#'); hash != std::string_view::npos) target = target.substr(0, hash);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return std::nullopt;

  std::string_view host, port_text;
  if (authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return std::nullopt;
      port_text = after.substr(1);
    }
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (!port_text.empty()) {
    if (port_text.size() > 5) return std::nullopt;
    uint32_t port = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return std::nullopt;
      port = port * 10 + static_cast<uint32_t>(c - '0');
    }
    if (port == 0 || port > 65535) return std::nullopt;
    out.port = static_cast<uint16_t>(port);
  }
  auto addr = IpAddr::parse(host);
  if (!addr) return std::nullopt;
  if (authority.front() != '[' && addr->is_v6()) return std::nullopt;  // unbracketed IPv6 is ambiguous
  out.host = *addr;
  out.host_header = std::string(authority);
  if (target.empty()) {
    out.target = "/";
  } else {
    for (char c : target)
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
    out.target = target.front() == '?' ? "/" + std::string(target) : std::string(target);
  }
  return out;
}

}  // namespace anshin::discovery
