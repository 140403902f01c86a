// Internal helpers shared by the targets sources (not part of the public API).
#pragma once
#include <string>
#include <string_view>

#include "core/text.h"

namespace anshin::targets::detail {

// User text for an error message: quoted, control characters escaped, at most ~80 bytes.
inline std::string quote(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string body = text::escape_for_terminal(s.size() > kMax ? s.substr(0, kMax) : s);
  if (s.size() > kMax) body += "...";
  return "\"" + body + "\"";
}

}  // namespace anshin::targets::detail
