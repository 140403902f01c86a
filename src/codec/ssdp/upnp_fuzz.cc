// Fuzz target: UPnP device description parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/ssdp/upnp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)anshin::codec::upnp::parse_description(in);
  return 0;
}
