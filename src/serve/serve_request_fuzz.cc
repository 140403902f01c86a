// Fuzz target: what a client sends to `anshin serve` before any handler sees it: the request target
// (path and query, percent-decoded, bounded: serve/query.h) and the numbers in it; also --listen and
// --webhook texts and role names.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "serve/alert_watch.h"
#include "serve/auth.h"
#include "serve/query.h"
#include "serve/sensor_client.h"
#include "serve/server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto t = anshin::serve::parse_target(in)) {
    if (t->path.empty() || t->path.front() != '/' || t->path.find('?') != std::string::npos) __builtin_trap();
    if (t->path.find('\0') != std::string::npos) __builtin_trap();
  }
  (void)anshin::serve::percent_decode(in, true);
  (void)anshin::serve::parse_count(in);
  (void)anshin::serve::parse_listen(in);
  (void)anshin::serve::parse_server_url(in);
  (void)anshin::serve::parse_http_url(in);
  (void)anshin::serve::parse_role(in);
  return 0;
}
