// Request targets: path and query parameters, percent-decoded, bounded. Pure.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anshin::serve {

struct Target {
  std::string path;                           // decoded; never contains "?"
  std::map<std::string, std::string> params;  // decoded; a repeated name keeps the first value
};

// nullopt for a target that is not origin-form ("/..."), has invalid percent escapes, decodes to NUL or
// control bytes, or has "." / ".." segments or a backslash in its path (path traversal is refused, not
// normalised). At most 64 parameters.
std::optional<Target> parse_target(std::string_view target);

// Percent-decoding ("+" is a space in queries); nullopt on a bad escape.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space);

// The path split on "/" without empty segments: "/api/v1/devices/7" -> {"api","v1","devices","7"}.
std::vector<std::string> path_segments(const std::string& path);

// A non-negative decimal integer of at most 18 digits.
std::optional<int64_t> parse_count(std::string_view s);

// The value of cookie `name` in a Cookie header, or "".
std::string cookie_value(std::string_view cookie_header, std::string_view name);

}  // namespace anshin::serve
