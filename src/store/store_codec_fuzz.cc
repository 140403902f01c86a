// Fuzz target: the JSON columns of the scan database (store::codec decode_*, host records included), the
// devices a sensor uploads (decode_device), the text escaping of the PostgreSQL backend (sql::decode_text, what
// every text column read from PostgreSQL passes through) and the scan-job state names (store/site_tables.h). A
// database can be edited or corrupted outside anshin; `anshin report`, `anshin diff` and `anshin serve` decode these.
// Round trip: whatever decodes must re-encode and decode to the same size (a device to the same bytes: chunk
// digests depend on it); any bytes survive encode_text exactly; a state name that parses prints back as itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/codec.h"
#include "store/site_tables.h"
#include "store/sql.h"

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
  if (auto state = anshin::store::parse_job_state(in)) {
    if (anshin::store::job_state_name(*state) != in) __builtin_trap();
  }
  namespace sql = anshin::store::sql;
  (void)sql::decode_text(in);
  const std::string stored = sql::encode_text(in);
  if (!sql::is_clean_text(stored) || sql::decode_text(stored) != in) __builtin_trap();
  if (auto v = c::decode_device(in)) {  // what a sensor uploads: encoding is stable (chunk digests)
    const std::string once = c::encode_device(*v);
    auto again = c::decode_device(once);
    if (!again || c::encode_device(*again) != once) __builtin_trap();
  }
  return 0;
}
