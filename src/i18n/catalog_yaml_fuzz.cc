// Fuzz target: the message catalog parser (parse_catalog: YAML, nested maps flattened) and the
// placeholder formatter that substitutes device strings into translated text.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "i18n/catalog.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace i18n = anshin::i18n;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  try {
    auto entries = i18n::parse_catalog(in);
    size_t n = 0;
    for (const auto& [key, value] : entries) {
      if (++n > 64) break;
      (void)i18n::placeholders(value);
      (void)i18n::format(value, {{"count", "3"}, {"name", "{name}"}, {"model", "<script>"}});
    }
  } catch (const std::runtime_error&) {
    // documented: a malformed catalog throws std::runtime_error
  }
  (void)i18n::normalize_lang(in);
  (void)i18n::placeholders(in);
  (void)i18n::format(in, {{"name", std::string(in)}, {"total", "7"}});
  return 0;
}
