// Fuzz target: the lab fleet YAML parser (Fleet::parse, the whole validation pass: schema, templates,
// TLS specs, banner_hex, body_file resolution) and the --bind CIDR parser. `anshin lab --fleet FILE`
// reads user files; a malformed one must give a one-line error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "lab/fleet.h"
#include "lab/server.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace lab = anshin::lab;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)lab::parse_loopback_cidr(in);
  (void)lab::template_vars(in);
  auto fleet = lab::Fleet::parse(in, "/nonexistent-fuzz-dir/fuzz.yaml");
  if (!fleet) {
    if (fleet.error().message.empty()) __builtin_trap();  // every rejection says why
    return 0;
  }
  for (const lab::Personality& p : fleet->personalities)
    for (const lab::Service& s : p.services) (void)lab::service_kind_name(s.kind);
  return 0;
}
