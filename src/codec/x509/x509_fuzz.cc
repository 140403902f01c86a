// Fuzz target: X.509 DER/PEM certificate summary.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/x509/x509.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)x509::parse_der(in);
  (void)x509::parse_pem(in);
  return 0;
}
