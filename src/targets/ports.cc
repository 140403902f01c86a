#include "targets/ports.h"

#include <algorithm>
#include <array>
#include <string>

#include "core/text.h"
#include "i18n/catalog.h"
#include "model/ports.h"
#include "targets/detail.h"

namespace anshin::targets {

namespace {

// Parses one decimal port number; digits only, 1..65535.
Result<uint16_t> parse_port_number(std::string_view item, std::string_view whole) {
  if (item.empty())
    return i18n::error(Errc::kInvalidInput, "error.ports.empty_in_range", {{"list", detail::quote(whole)}});
  uint32_t v = 0;
  for (char c : item) {
    if (c < '0' || c > '9')
      return i18n::error(Errc::kInvalidInput, "error.ports.not_number", {{"port", detail::quote(item)}});
    v = v * 10 + static_cast<uint32_t>(c - '0');
    if (v > 65535)
      return i18n::error(Errc::kInvalidInput, "error.ports.out_of_range", {{"port", detail::quote(item)}});
  }
  if (v == 0) return i18n::error(Errc::kInvalidInput, "error.ports.out_of_range", {{"port", detail::quote(item)}});
  return static_cast<uint16_t>(v);
}

}  // namespace

Result<std::vector<uint16_t>> parse_ports(std::string_view text) {
  const std::string_view whole = text::trim(text);
  if (whole.empty()) return i18n::error(Errc::kInvalidInput, "error.ports.empty");
  std::array<bool, 65536> seen{};
  size_t count = 0;
  for (std::string_view raw : text::split(whole, ',')) {
    const std::string_view item = text::trim(raw);
    if (item.empty())
      return i18n::error(Errc::kInvalidInput, "error.ports.empty_item", {{"list", detail::quote(whole)}});
    const size_t dash = item.find('-');
    uint16_t lo = 0, hi = 0;
    if (dash == std::string_view::npos) {
      auto p = parse_port_number(item, whole);
      if (!p) return p.error();
      lo = hi = *p;
    } else {
      auto a = parse_port_number(text::trim(item.substr(0, dash)), whole);
      if (!a) return a.error();
      auto b = parse_port_number(text::trim(item.substr(dash + 1)), whole);
      if (!b) return b.error();
      if (*b < *a)
        return i18n::error(Errc::kInvalidInput, "error.ports.reversed", {{"range", detail::quote(item)}});
      lo = *a;
      hi = *b;
    }
    for (uint32_t p = lo; p <= hi; ++p) {
      if (!seen[p]) {
        seen[p] = true;
        ++count;
      }
    }
  }
  std::vector<uint16_t> out;
  out.reserve(count);
  for (uint32_t p = 1; p < seen.size(); ++p)
    if (seen[p]) out.push_back(static_cast<uint16_t>(p));
  return out;
}

std::span<const uint16_t> default_camera_ports() {
  static const std::vector<uint16_t> ports = [] {
    std::vector<uint16_t> out;
    for (const auto& row : well_known_ports())
      if (row.scanned_by_default) out.push_back(row.port);
    return out;
  }();
  return ports;
}

std::string format_ports(std::span<const uint16_t> ports) {
  std::string out;
  size_t i = 0;
  while (i < ports.size()) {
    size_t j = i;
    while (j + 1 < ports.size() && ports[j + 1] == ports[j] + 1) ++j;
    if (!out.empty()) out += ',';
    if (j - i >= 2) {
      out += std::to_string(ports[i]) + "-" + std::to_string(ports[j]);
    } else {
      for (size_t k = i; k <= j; ++k) {
        if (k > i) out += ',';
        out += std::to_string(ports[k]);
      }
    }
    i = j + 1;
  }
  return out;
}

}  // namespace anshin::targets
