// Fuzz target: WS-Discovery ProbeMatches / Hello parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/soap/wsd.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  auto r = wsd::parse_probe_matches(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r) {
    for (const auto& m : r->matches) (void)m.scope_values(wsd::ScopeKind::kName);
  }
  return 0;
}
