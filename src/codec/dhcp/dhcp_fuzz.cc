// Fuzz target: DHCPv4 client messages (codec/dhcp).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/dhcp/dhcp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = anshin::codec::dhcp::parse_message(in);
  if (r && (r->host_name.size() > 255 || r->vendor_class.size() > 255)) __builtin_trap();
  return 0;
}
