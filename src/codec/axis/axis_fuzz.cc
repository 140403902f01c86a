// Fuzz target: Axis basicdeviceinfo JSON parser and the param.cgi Brand group parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/axis/axis.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)axis::parse_basic_device_info(in);
  (void)axis::parse_param_brand(in);
  return 0;
}
