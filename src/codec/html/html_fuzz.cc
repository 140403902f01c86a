// Fuzz target: HTML title extraction and entity decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/html/html.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)html::extract_title(in);
  (void)html::decode_entities(in.substr(0, 4096));
  return 0;
}
