// Fuzz target: Hikvision SADP ProbeMatch parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/sadp/sadp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = anshin::codec::sadp::parse_probe_match(in);
  if (r) (void)r->field("MAC");
  return 0;
}
