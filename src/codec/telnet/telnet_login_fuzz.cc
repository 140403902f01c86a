// Fuzz target: telnet login detection (codec/telnet): a transcript of direction-tagged bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/telnet/login.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)anshin::codec::telnet::parse_login_transcript(in);
  // The same bytes as two whole segments: server half, then client half.
  anshin::codec::telnet::LoginWatch w;
  w.server_bytes(in.substr(0, in.size() / 2));
  w.client_bytes(in.substr(in.size() / 2));
  if (w.login() && !w.password_prompted()) __builtin_trap();
  return 0;
}
