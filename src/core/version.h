#pragma once
#include <string_view>

namespace anshin {
inline constexpr std::string_view kToolVersion = "0.1.0";
}  // namespace anshin
