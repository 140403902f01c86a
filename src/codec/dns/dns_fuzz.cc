// Fuzz target: DNS / mDNS messages (codec/dns).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/dns/dns.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = anshin::codec::dns::parse_message(in);
  if (r) {
    for (const auto& q : r->questions)
      if (q.name.size() > 4 * 255) __builtin_trap();
    if (r->answers.size() > anshin::codec::dns::kMaxRecords) __builtin_trap();
  }
  return 0;
}
