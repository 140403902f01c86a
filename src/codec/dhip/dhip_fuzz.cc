// Fuzz target: Dahua DHIP header + JSON reply parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/dhip/dhip.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)anshin::codec::dhip::parse_reply(in);
  // Also feed the bytes as a body inside a correct header, so the JSON path is reached.
  (void)anshin::codec::dhip::parse_reply(anshin::codec::dhip::frame(in));
  return 0;
}
