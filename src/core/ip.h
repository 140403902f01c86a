// IpAddr: an IPv4 or IPv6 address as a plain value (no Asio in this header).
// IPv4 addresses are kept as a host-order 32-bit value; IPv6 as 16 network-order bytes.
#pragma once
#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anshin {

class IpAddr {
 public:
  IpAddr() = default;
  static IpAddr v4(uint32_t host_order) {
    IpAddr a;
    a.v4_ = true;
    a.v4value_ = host_order;
    return a;
  }
  static IpAddr v6(const std::array<uint8_t, 16>& bytes) {
    IpAddr a;
    a.v4_ = false;
    a.v6bytes_ = bytes;
    return a;
  }
  // Strict numeric parse: dotted-quad IPv4 (no octal, no short forms) or RFC 4291 IPv6 text.
  // IPv6 zone ids ("%eth0") are not accepted.
  static std::optional<IpAddr> parse(std::string_view text);

  bool is_v4() const { return v4_; }
  bool is_v6() const { return !v4_; }
  uint32_t v4_value() const { return v4value_; }
  const std::array<uint8_t, 16>& v6_bytes() const { return v6bytes_; }
  std::string to_string() const;

  bool is_loopback() const;
  bool is_private() const;     // RFC 1918, RFC 6598 shared space, IPv6 ULA fc00::/7
  bool is_link_local() const;  // 169.254/16, fe80::/10
  // Loopback, private or link-local: what anshin scans without --allow-public.
  bool is_internal() const { return is_loopback() || is_private() || is_link_local(); }

  friend bool operator==(const IpAddr&, const IpAddr&) = default;
  friend std::strong_ordering operator<=>(const IpAddr&, const IpAddr&) = default;

 private:
  bool v4_ = true;
  uint32_t v4value_ = 0;
  std::array<uint8_t, 16> v6bytes_{};
};

}  // namespace anshin
