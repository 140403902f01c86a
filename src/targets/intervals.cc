#include "targets/intervals.h"

#include <algorithm>
#include <bit>

namespace anshin::targets {

u128 to_u128(const IpAddr& a) {
  if (a.is_v4()) return a.v4_value();
  u128 v = 0;
  for (uint8_t b : a.v6_bytes()) v = (v << 8) | b;
  return v;
}

IpAddr from_u128(u128 value, bool v6) {
  if (!v6) return IpAddr::v4(static_cast<uint32_t>(value));
  std::array<uint8_t, 16> b{};
  for (int i = 15; i >= 0; --i) {
    b[static_cast<size_t>(i)] = static_cast<uint8_t>(value & 0xff);
    value >>= 8;
  }
  return IpAddr::v6(b);
}

namespace {

int popcount128(u128 v) {
  return std::popcount(static_cast<uint64_t>(v)) + std::popcount(static_cast<uint64_t>(v >> 64));
}

bool span_less(const AddrSpan& a, const AddrSpan& b) {
  if (a.v6 != b.v6) return !a.v6;
  return a.lo < b.lo;
}

// True when `b` lies wholly before `s` in the (family, address) order.
bool before(const AddrSpan& b, const AddrSpan& s) {
  if (b.v6 != s.v6) return !b.v6;
  return b.hi < s.lo;
}

}  // namespace

std::string AddrSpan::to_string() const {
  if (lo == hi) return first().to_string();
  const u128 n = hi - lo;  // size - 1
  const bool power_of_two = (n & (n + 1)) == 0;  // also true for n == 2^128 - 1
  if (power_of_two && (lo & n) == 0) {
    const int bits = v6 ? 128 : 32;
    return first().to_string() + "/" + std::to_string(bits - popcount128(n));
  }
  return first().to_string() + "-" + last().to_string();
}

AddrSpan cidr_span(const IpAddr& base, int prefix) {
  const int bits = base.is_v6() ? 128 : 32;
  const int host_bits = bits - prefix;
  const u128 family_max = base.is_v6() ? kV6Max : kV4Max;
  const u128 host_mask = host_bits >= 128 ? kV6Max : ((static_cast<u128>(1) << host_bits) - 1);
  const u128 v = to_u128(base);
  const u128 lo = v & ~host_mask & family_max;
  return AddrSpan{lo, lo | (host_mask & family_max), base.is_v6()};
}

void normalize(std::vector<AddrSpan>& spans) {
  if (spans.empty()) return;
  std::sort(spans.begin(), spans.end(), span_less);
  size_t out = 0;
  for (size_t i = 1; i < spans.size(); ++i) {
    AddrSpan& cur = spans[out];
    const AddrSpan& next = spans[i];
    const bool touches = next.v6 == cur.v6 && (next.lo == 0 || next.lo - 1 <= cur.hi);
    if (touches) {
      cur.hi = std::max(cur.hi, next.hi);
    } else {
      spans[++out] = next;
    }
  }
  spans.resize(out + 1);
}

std::vector<AddrSpan> subtract(const std::vector<AddrSpan>& a, const std::vector<AddrSpan>& b) {
  std::vector<AddrSpan> out;
  out.reserve(a.size());
  size_t j = 0;
  for (const AddrSpan& s : a) {
    while (j < b.size() && before(b[j], s)) ++j;
    u128 cur = s.lo;
    bool done = false;
    for (size_t k = j; k < b.size() && b[k].v6 == s.v6 && b[k].lo <= s.hi; ++k) {
      if (b[k].lo > cur) out.push_back({cur, b[k].lo - 1, s.v6});
      if (b[k].hi >= s.hi) {
        done = true;
        break;
      }
      cur = std::max(cur, b[k].hi + 1);
    }
    if (!done) out.push_back({cur, s.hi, s.v6});
  }
  return out;
}

std::vector<AddrSpan> intersect(const std::vector<AddrSpan>& a, const std::vector<AddrSpan>& b) {
  std::vector<AddrSpan> out;
  size_t j = 0;
  for (const AddrSpan& s : a) {
    while (j < b.size() && before(b[j], s)) ++j;
    for (size_t k = j; k < b.size() && b[k].v6 == s.v6 && b[k].lo <= s.hi; ++k)
      out.push_back({std::max(s.lo, b[k].lo), std::min(s.hi, b[k].hi), s.v6});
  }
  return out;
}

const std::vector<AddrSpan>& internal_spans() {
  static const std::vector<AddrSpan> spans = [] {
    std::vector<AddrSpan> v;
    const auto add = [&v](const char* text, int prefix) { v.push_back(cidr_span(*IpAddr::parse(text), prefix)); };
    // Must agree with IpAddr::is_loopback/is_private/is_link_local (core/ip.cc); a test checks the edges.
    add("10.0.0.0", 8);
    add("100.64.0.0", 10);
    add("127.0.0.0", 8);
    add("169.254.0.0", 16);
    add("172.16.0.0", 12);
    add("192.168.0.0", 16);
    add("::1", 128);
    add("fc00::", 7);
    add("fe80::", 10);
    normalize(v);
    return v;
  }();
  return spans;
}

std::optional<IpAddr> first_outside(const AddrSpan& span, const std::vector<AddrSpan>& allowed) {
  u128 cur = span.lo;
  for (const AddrSpan& a : allowed) {
    if (a.v6 != span.v6) continue;
    if (a.hi < cur) continue;
    if (a.lo > cur) break;  // cur is not covered
    const u128 family_max = span.v6 ? kV6Max : kV4Max;
    if (a.hi >= span.hi || a.hi == family_max) return std::nullopt;
    cur = a.hi + 1;
  }
  if (cur <= span.hi) return from_u128(cur, span.v6);
  return std::nullopt;
}

}  // namespace anshin::targets
