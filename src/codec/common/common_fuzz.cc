// Fuzz target: the shared codec helpers every parser leans on: bounded JSON (json::parse with depth and
// size limits), bounded XML (xml::load: size, depth, no DTD/entities), number and boolean parsing,
// percent-decoding and whitespace splitting.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <pugixml.hpp>

#include "codec/common/json.h"
#include "codec/common/strings.h"
#include "codec/common/xml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace c = anshin::codec;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)c::json::parse(in);
  {
    pugi::xml_document doc;
    if (c::xml::load(doc, in, c::xml::kUdpLimits)) (void)c::xml::descendants(doc, "Manufacturer");
  }
  (void)c::parse_uint(in);
  (void)c::parse_int(in);
  (void)c::parse_lenient_bool(in);
  (void)c::percent_decode(in);
  (void)c::split_ws(in);
  (void)c::bounded(in);
  return 0;
}
