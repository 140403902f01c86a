// Fuzz target: TLS ClientHello server name and ALPN (codec/tls).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/tls/client_hello.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = anshin::codec::tls::parse_client_hello(in);
  if (r && r->server_name.size() > 255) __builtin_trap();
  return 0;
}
