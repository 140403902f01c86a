#include "core/ip.h"

#include <arpa/inet.h>

#include <cstring>

namespace anshin {

std::optional<IpAddr> IpAddr::parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  if (text.find(':') == std::string_view::npos) {
    in_addr a4{};
    if (inet_pton(AF_INET, buf, &a4) != 1) return std::nullopt;  // glibc rejects octal and short forms
    return IpAddr::v4(ntohl(a4.s_addr));
  }
  in6_addr a6{};
  if (inet_pton(AF_INET6, buf, &a6) != 1) return std::nullopt;
  std::array<uint8_t, 16> b{};
  std::memcpy(b.data(), a6.s6_addr, 16);
  return IpAddr::v6(b);
}

std::string IpAddr::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  if (v4_) {
    in_addr a4{};
    a4.s_addr = htonl(v4value_);
    inet_ntop(AF_INET, &a4, buf, sizeof buf);
  } else {
    in6_addr a6{};
    std::memcpy(a6.s6_addr, v6bytes_.data(), 16);
    inet_ntop(AF_INET6, &a6, buf, sizeof buf);
  }
  return buf;
}

bool IpAddr::is_loopback() const {
  if (v4_) return (v4value_ >> 24) == 127;
  static constexpr std::array<uint8_t, 16> kOne = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return v6bytes_ == kOne;
}

bool IpAddr::is_private() const {
  if (v4_) {
    const uint32_t a = v4value_;
    return (a >> 24) == 10 || (a >> 20) == ((172u << 4) | 1) || (a >> 16) == ((192u << 8) | 168) ||
           (a >> 22) == ((100u << 2) | 1);  // 100.64.0.0/10 carrier-grade NAT
  }
  return (v6bytes_[0] & 0xfe) == 0xfc;
}

bool IpAddr::is_link_local() const {
  if (v4_) return (v4value_ >> 16) == ((169u << 8) | 254);
  return v6bytes_[0] == 0xfe && (v6bytes_[1] & 0xc0) == 0x80;
}

}  // namespace anshin
