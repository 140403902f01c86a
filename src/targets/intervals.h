// Address intervals: the representation behind a target plan. Every target expression (an address, a
// CIDR, a range, a resolved host name) becomes one closed interval [lo, hi] of one address family; sets
// of them are kept sorted, merged and non-overlapping. Nothing here ever enumerates addresses, so a /8
// or ::/0 costs the same 48 bytes as a single host.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip.h"

namespace anshin::targets {

// 128-bit unsigned arithmetic for IPv6 (a GCC/Clang extension; __extension__ silences -Wpedantic).
__extension__ typedef unsigned __int128 u128;

inline constexpr u128 kV4Max = 0xffffffffu;
inline constexpr u128 kV6Max = ~static_cast<u128>(0);

// IPv4 addresses as their host-order value, IPv6 addresses as the big-endian 128-bit number.
u128 to_u128(const IpAddr& a);
IpAddr from_u128(u128 value, bool v6);

// One closed interval of one family. Invariant: lo <= hi, and hi <= kV4Max when !v6.
struct AddrSpan {
  u128 lo = 0;
  u128 hi = 0;
  bool v6 = false;

  static AddrSpan single(const IpAddr& a) { return {to_u128(a), to_u128(a), a.is_v6()}; }
  // Number of addresses minus one (a /0 IPv6 span has 2^128 addresses, which does not fit u128).
  u128 size_minus_one() const { return hi - lo; }
  IpAddr first() const { return from_u128(lo, v6); }
  IpAddr last() const { return from_u128(hi, v6); }
  // "10.0.0.0/24" when the span is exactly one CIDR block, "10.0.0.7" for one address, otherwise
  // "10.0.0.3-10.0.0.9".
  std::string to_string() const;

  friend bool operator==(const AddrSpan&, const AddrSpan&) = default;
};

// The span of a prefix: `base` masked to `prefix` bits (prefix <= 32 or 128).
AddrSpan cidr_span(const IpAddr& base, int prefix);

// Sorts (IPv4 first, then IPv6, by lo) and merges overlapping and adjacent spans in place.
void normalize(std::vector<AddrSpan>& spans);

// a minus b; both must be normalized; the result is normalized. Output size <= a.size() + b.size().
std::vector<AddrSpan> subtract(const std::vector<AddrSpan>& a, const std::vector<AddrSpan>& b);

// a intersected with b; both normalized; the result is normalized.
std::vector<AddrSpan> intersect(const std::vector<AddrSpan>& a, const std::vector<AddrSpan>& b);

// The ranges IpAddr::is_internal() accepts (loopback, private, link-local), normalized.
const std::vector<AddrSpan>& internal_spans();

// The first address of `span` that lies outside the normalized set `allowed`, if any.
std::optional<IpAddr> first_outside(const AddrSpan& span, const std::vector<AddrSpan>& allowed);

}  // namespace anshin::targets
