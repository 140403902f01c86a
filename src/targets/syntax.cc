#include "targets/syntax.h"

#include <algorithm>

#include "core/text.h"
#include "i18n/catalog.h"
#include "targets/detail.h"

namespace anshin::targets {

namespace {

// "invalid target \"TEXT\": <why>": key names the why (data/i18n error.target.*).
Error bad(std::string_view text, std::string key, std::vector<i18n::Arg> args = {}) {
  args.push_back({"target", detail::quote(text)});
  return i18n::error(Errc::kInvalidInput, std::move(key), std::move(args));
}

bool digits_and_dots(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A numeric address, or an error that says which family the text looked like.
Result<IpAddr> parse_address(std::string_view whole, std::string_view s) {
  if (auto ip = IpAddr::parse(s)) return *ip;
  if (s.find(':') != std::string_view::npos) return bad(whole, "error.target.part_not_ipv6", {{"part", detail::quote(s)}});
  if (s == whole) return bad(whole, "error.target.not_ipv4");
  return bad(whole, "error.target.part_not_ipv4", {{"part", detail::quote(s)}});
}

bool valid_host_name(std::string_view s) {
  if (s.empty() || s.size() > 254) return false;
  if (s.back() == '.') s.remove_suffix(1);
  if (s.empty() || s.size() > 253) return false;
  for (std::string_view label : text::split(s, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_';
      if (!ok) return false;
    }
  }
  return true;
}

}  // namespace

Result<TargetExpr> parse_target(std::string_view raw) {
  const std::string_view s = text::trim(raw);
  if (s.empty()) return i18n::error(Errc::kInvalidInput, "error.target.empty");
  if (s.find_first_of(" \t\r\n\v\f") != std::string_view::npos) return bad(s, "error.target.white_space");

  if (s.front() == '@') {
    const std::string_view path = s.substr(1);
    if (path.empty()) return bad(s, "error.target.no_file_name");
    return TargetExpr{TargetKind::kFile, {}, std::string(path)};
  }

  if (const size_t slash = s.find('/'); slash != std::string_view::npos) {
    if (slash == 0) return bad(s, "error.target.cidr_no_address");
    auto base = parse_address(s, s.substr(0, slash));
    if (!base) {
      if (valid_host_name(s.substr(0, slash)) && !digits_and_dots(s.substr(0, slash)))
        return bad(s, "error.target.cidr_not_numeric");
      return base.error();
    }
    const std::string_view len = s.substr(slash + 1);
    const int bits = base->is_v6() ? 128 : 32;
    const char* family = base->is_v6() ? "IPv6" : "IPv4";
    if (!all_digits(len) || len.size() > 3)
      return bad(s, "error.target.prefix_not_number", {{"prefix", detail::quote(len)}});
    const int prefix = std::stoi(std::string(len));
    if (prefix > bits)
      return bad(s, "error.target.prefix_range",
                 {{"prefix", std::to_string(prefix)}, {"family", family}, {"bits", std::to_string(bits)}});
    TargetExpr e{TargetKind::kCidr, cidr_span(*base, prefix), {}};
    e.text = e.span.to_string();  // "10.1.0.0/16"; a /32 or /128 is written as the bare address
    return e;
  }

  if (const size_t dash = s.find('-'); dash != std::string_view::npos) {
    const std::string_view left = s.substr(0, dash), right = s.substr(dash + 1);
    const auto start = IpAddr::parse(left);
    const bool numeric_left = start || digits_and_dots(left) || left.find(':') != std::string_view::npos;
    if (numeric_left) {
      if (!start) return parse_address(s, left).error();
      IpAddr end;
      if (start->is_v4() && all_digits(right) && right.size() <= 3) {
        const int last = std::stoi(std::string(right));
        if (last > 255) return bad(s, "error.target.range_octet", {{"end", std::string(right)}});
        end = IpAddr::v4((start->v4_value() & 0xffffff00u) | static_cast<uint32_t>(last));
      } else {
        if (right.empty()) return bad(s, "error.target.range_no_end");
        auto e = parse_address(s, right);
        if (!e) return e.error();
        end = *e;
      }
      if (end.is_v6() != start->is_v6()) return bad(s, "error.target.range_mixed");
      if (end < *start)
        return bad(s, "error.target.range_reversed", {{"end", end.to_string()}, {"start", start->to_string()}});
      TargetExpr e{TargetKind::kRange, AddrSpan{to_u128(*start), to_u128(end), start->is_v6()}, {}};
      e.text = start->to_string() + "-" + end.to_string();
      if (*start == end) {
        e.kind = TargetKind::kAddress;
        e.text = start->to_string();
      }
      return e;
    }
  }

  if (auto ip = IpAddr::parse(s)) return TargetExpr{TargetKind::kAddress, AddrSpan::single(*ip), ip->to_string()};
  if (digits_and_dots(s)) return bad(s, "error.target.not_ipv4");
  if (s.find(':') != std::string_view::npos) return bad(s, "error.target.not_ipv6");
  if (!valid_host_name(s)) return bad(s, "error.target.not_a_target");
  return TargetExpr{TargetKind::kHostName, {}, text::to_lower(s)};
}

}  // namespace anshin::targets
