// Fuzz target: HTTP response parser (incremental and at-EOF), header lookup, challenge parsing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/auth/auth.h"
#include "codec/http/http.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  http::Limits lim;
  lim.max_body = 64 * 1024;
  http::Parsed p = http::parse_response(in, lim);
  if (p.state == http::ParseState::kComplete && p.consumed > in.size()) __builtin_trap();
  auto r = http::parse_complete_response(in, lim);
  if (r) {
    (void)auth::parse_challenges(r->header_values("WWW-Authenticate"));
    (void)r->header("Content-Type");
  }
  // Split-feed consistency: a prefix is never "complete" with more consumed than available.
  if (size > 1) {
    http::Parsed half = http::parse_response(in.substr(0, size / 2), lim);
    if (half.state == http::ParseState::kComplete && half.consumed > size / 2) __builtin_trap();
  }
  return 0;
}
