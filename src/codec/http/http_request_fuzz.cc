// Fuzz target: HTTP/RTSP request heads as captured from clients (codec/http/request_head).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/http/request_head.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto r = anshin::codec::http::parse_request_head(in);
  if (r && (r->host.size() > 1024 || r->authorization.size() > 32)) __builtin_trap();
  return 0;
}
