// Conventional service names per well-known port (IANA registry and vendor port maps in
// ../shared/reference/protocols.md §0). Only a label for ports no probe has identified yet.
#pragma once
#include <cstdint>
#include <string_view>

namespace anshin::scan {
std::string_view conventional_service(uint16_t port);
}  // namespace anshin::scan
