// Fuzz target: one line of an observations file (report::parse_observations_line), the input of
// `anshin kb suggest`: a user file full of device bytes. Whatever parses must re-serialise and parse again
// to the same number of services.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "report/observations.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto h = anshin::report::parse_observations_line(in);
  if (!h) return 0;
  std::string line = anshin::report::observations_jsonl({*h});
  auto again = anshin::report::parse_observations_line(line);
  if (!again || again->services.size() != h->services.size()) __builtin_trap();
  return 0;
}
