// Fuzz target: WWW-Authenticate challenge parser and base64 decoding.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/auth/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = auth::parse_www_authenticate(in);
  if (r) {
    for (const auto& c : *r) (void)c.realm();
  }
  auto d = auth::base64_decode(in);
  if (d && auth::base64_decode(auth::base64_encode(*d)).value_or("") != *d) __builtin_trap();
  return 0;
}
