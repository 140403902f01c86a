// Fuzz target: telnet IAC stripping, FTP greeting, SSH identification.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/banner/banner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto t = banner::strip_telnet(in);
  (void)banner::telnet_refusals(t);
  (void)banner::parse_ftp_greeting(in);
  (void)banner::parse_ssh_ident(in);
  return 0;
}
