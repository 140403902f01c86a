// Fuzz target: SDP parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/sdp/sdp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto r = anshin::codec::sdp::parse(std::string_view(reinterpret_cast<const char*>(data), size));
  if (r) (void)r->media_count();
  return 0;
}
