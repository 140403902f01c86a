// Fuzz target: SSDP reply / NOTIFY parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/ssdp/ssdp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)anshin::codec::ssdp::parse_reply(in);
  return 0;
}
