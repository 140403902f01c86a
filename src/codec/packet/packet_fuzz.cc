// Fuzz target: captured frames on every supported link type (codec/packet).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/packet/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  using namespace anshin::codec::packet;
  for (int link : {kLinkEthernet, kLinkNull, kLinkRaw, kLinkLinuxSll, kLinkLinuxSll2, kLinkIpv6}) {
    auto r = decode_frame(in, link);
    if (r && r->payload.size() > in.size()) __builtin_trap();
  }
  return 0;
}
