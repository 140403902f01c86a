// Fuzz target: Hikvision ISAPI DeviceInfo and userCheck parsers.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/isapi/isapi.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)isapi::parse_device_info(in);
  (void)isapi::parse_user_check(in);
  return 0;
}
