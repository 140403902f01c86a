// Fuzz target: Dahua magicBox key=value, software version and RPC2_Login reply parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/dahua/dahua.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto kv = dahua::parse_key_values(in);
  if (kv) (void)dahua::magicbox_info(*kv);
  (void)dahua::split_software_version(in);
  (void)dahua::parse_rpc2_login(in);
  return 0;
}
