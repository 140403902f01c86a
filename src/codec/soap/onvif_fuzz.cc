// Fuzz target: ONVIF device-service reply parsers (all four plus the bare envelope / fault).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/soap/onvif.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto e = onvif::parse_envelope(in);
  if (e) (void)onvif::vendor_namespaces(e->namespaces);
  (void)onvif::parse_device_information(in);
  auto t = onvif::parse_system_date_and_time(in);
  if (t && t->utc) (void)t->utc->rfc3339();
  (void)onvif::parse_services(in);
  (void)onvif::parse_capabilities(in);
  return 0;
}
