#include "codec/common/strings.h"

#include "core/text.h"

namespace anshin::codec {

std::string bounded(std::string_view s, size_t max) {
  s = text::trim(s);
  if (s.size() > max) s = s.substr(0, max);
  return std::string(s);
}

std::optional<uint64_t> parse_uint(std::string_view s) {
  s = text::trim(s);
  if (s.empty() || s.size() > 18) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

std::optional<int64_t> parse_int(std::string_view s) {
  s = text::trim(s);
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  auto u = parse_uint(s);
  if (!u) return std::nullopt;
  auto v = static_cast<int64_t>(*u);
  return neg ? -v : v;
}

std::optional<bool> parse_lenient_bool(std::string_view s) {
  s = text::trim(s);
  if (text::iequals(s, "true") || s == "1" || text::iequals(s, "yes") || text::iequals(s, "on"))
    return true;
  if (text::iequals(s, "false") || s == "0" || text::iequals(s, "no") || text::iequals(s, "off") ||
      text::iequals(s, "flase"))
    return false;
  return std::nullopt;
}

namespace {
int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int hi = hexval(s[i + 1]), lo = hexval(s[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(s[i]);
  }
  return out;
}

std::vector<std::string_view> split_ws(std::string_view s, size_t max_items) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; };
  while (i < s.size() && out.size() < max_items) {
    while (i < s.size() && ws(s[i])) ++i;
    size_t start = i;
    while (i < s.size() && !ws(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

}  // namespace anshin::codec
