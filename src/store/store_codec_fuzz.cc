// Fuzz target: the JSON columns of the scan database (store::codec decode_*, host records included). A database file can be
// edited or corrupted outside anshin; `anshin report` and `anshin diff` decode these columns.
// Also scan_jobs.state (site_tables.h). Round trip: whatever decodes must re-encode and decode to the same size.
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/codec.h"
#include "store/site_tables.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace c = anshin::store::codec;
  const std::string in(reinterpret_cast<const char*>(data), size);
  if (auto state = anshin::store::parse_job_state(in))  // scan_jobs.state
    if (anshin::store::job_state_name(*state) != in) __builtin_trap();
  if (auto v = c::decode_strings(in)) {
    auto again = c::decode_strings(c::encode_strings(*v));
    if (!again || again->size() != v->size()) __builtin_trap();
  }
  if (auto v = c::decode_evidence(in)) {
    auto again = c::decode_evidence(c::encode_evidence(*v));
    if (!again || again->size() != v->size()) __builtin_trap();
  }
  if (auto v = c::decode_services(in)) {
    auto again = c::decode_services(c::encode_services(*v));
    if (!again || again->size() != v->size()) __builtin_trap();
  }
  if (auto v = c::decode_findings(in)) {
    auto again = c::decode_findings(c::encode_findings(*v));
    if (!again || again->size() != v->size()) __builtin_trap();
  }
  if (auto v = c::decode_host_record(in)) {
    auto again = c::decode_host_record(c::encode_host_record(*v));
    if (!again || again->services.size() != v->services.size()) __builtin_trap();
  }
  return 0;
}
