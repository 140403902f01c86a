// Fuzz target: knowledge-base bundles (kbops/bundle.h). `anshin kb update FILE` reads a file anyone may
// hand over: the envelope and signature check (open_bundle), the payload decoder (decode_bundle_payload,
// reached only after a good signature in real use, fuzzed directly here), kb.yaml's version fields
// and the PEM key parser of /etc/anshin/kb-keys.
#include <cstddef>
#include <cstdint>
#include <string>

#include "kbops/bundle.h"
#include "kbops/place.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace k = anshin::kbops;
  const std::string in(reinterpret_cast<const char*>(data), size);
  static const std::vector<k::TrustedKey> keys = k::trusted_keys({}, nullptr);
  (void)k::open_bundle(in, keys);
  if (auto b = k::decode_bundle_payload(in)) {
    for (const auto& f : b->files)
      if (f.path.empty() || f.path.front() == '/' || f.path.find("..") != std::string::npos) __builtin_trap();
  }
  (void)k::kb_meta_from_yaml(in);
  (void)k::parse_public_key_pem(in, "fuzz");
  return 0;
}
