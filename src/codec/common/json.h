// Bounded JSON parsing for device replies (nlohmann-json with exceptions caught).
// Limits: size and nesting depth (checked by a string-aware pre-scan before parsing).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace anshin::codec::json {

struct Limits {
  size_t max_bytes = 256 * 1024;
  size_t max_depth = 16;
};

// Trailing NUL bytes and whitespace are ignored (DHIP bodies end with "\n\0").
Result<nlohmann::json> parse(std::string_view text, const Limits& limits = {});

// String form of a scalar: strings as-is (bounded), numbers and booleans printed; "" otherwise.
std::string scalar(const nlohmann::json& j);
// j[key] as scalar when j is an object holding key; "" otherwise. Never throws.
std::string get(const nlohmann::json& j, const char* key);
// Pointer to j[key] when j is an object holding key, else nullptr.
const nlohmann::json* find(const nlohmann::json& j, const char* key);

}  // namespace anshin::codec::json
