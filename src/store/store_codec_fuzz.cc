// Fuzz target: the JSON columns of the scan database (store::codec decode_*, host records included) and
// the devices a sensor uploads (decode_device). A database file can be
// edited or corrupted outside anshin; `anshin report` and `anshin diff` decode these columns.
// Round trip: whatever decodes must re-encode and decode to the same size.
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace c = anshin::store::codec;
  const std::string in(reinterpret_cast<const char*>(data), size);
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
  if (auto v = c::decode_device(in)) {  // what a sensor uploads: encoding is stable (chunk digests)
    const std::string once = c::encode_device(*v);
    auto again = c::decode_device(once);
    if (!again || c::encode_device(*again) != once) __builtin_trap();
  }
  return 0;
}
