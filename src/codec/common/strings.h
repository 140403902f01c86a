// Small string helpers shared by the codec parsers. Pure, bounded, never throw.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anshin::codec {

// Longest value a parser copies out of a device reply (observation values are capped at 4 KiB).
inline constexpr size_t kMaxFieldBytes = 4096;

// Copies at most kMaxFieldBytes of the trimmed input.
std::string bounded(std::string_view s, size_t max = kMaxFieldBytes);

// Unsigned decimal of at most 18 digits (optional surrounding blanks); nullopt on anything else.
std::optional<uint64_t> parse_uint(std::string_view s);
std::optional<int64_t> parse_int(std::string_view s);

// "true"/"1"/"yes" -> true, "false"/"0"/"no"/"flase" -> false (case-insensitive, trimmed).
std::optional<bool> parse_lenient_bool(std::string_view s);

// %XX decoding; malformed escapes are kept verbatim. '+' is left alone (these are URIs, not forms).
std::string percent_decode(std::string_view s);

// Splits on any run of ASCII whitespace, at most max_items items.
std::vector<std::string_view> split_ws(std::string_view s, size_t max_items = 256);

}  // namespace anshin::codec
