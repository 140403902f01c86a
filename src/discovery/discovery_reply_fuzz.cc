// Fuzz target: UDP discovery replies -> observations (discovery::parse_reply for WS-Discovery, SADP,
// DHIP and SSDP), the SSDP LOCATION URL parser and the MAC normaliser. Every byte here comes from
// whatever answered a broadcast. The first input byte selects the protocol.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "discovery/replies.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace d = anshin::discovery;
  if (size == 0) return 0;
  const d::Protocol p = d::kProtocols[data[0] % d::kProtocolCount];
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto r = d::parse_reply(p, in);
  if (r) {
    for (const anshin::Observation& o : r->observations)
      if (o.value.size() > d::kMaxValueBytes) __builtin_trap();  // values are bounded
    for (const auto& loc : r->locations) (void)d::parse_location(loc);
  }
  if (auto u = d::parse_location(in)) {
    for (const char c : u->target)
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) __builtin_trap();  // no controls or spaces
  }
  if (auto mac = d::normalize_mac(in); mac && mac->size() != 17) __builtin_trap();
  if (d::bounded_value(in).size() > d::kMaxValueBytes) __builtin_trap();
  return 0;
}
