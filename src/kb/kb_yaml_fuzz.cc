// Fuzz target: the knowledge-base YAML loader (KnowledgeBase::load_sources). The first input byte picks
// which file of an otherwise minimal valid KB the remaining bytes replace: a fingerprint file, the
// vendors file, the fields file, an OUI file or kb.yaml. A --kb folder is user input, and fingerprint
// patterns are compiled (RE2), so neither a malformed file nor a hostile pattern may crash or hang.
// When the KB loads, every rule is exercised once against a fixed observation.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kb/kb.h"
#include "kb/oui.h"

namespace {
constexpr std::string_view kKbYaml = "kb_version: \"fuzz\"\nformat_version: 1\n";
constexpr std::string_view kVendors = R"(vendors:
  - id: hikvision
    name: Hikvision
    kind: manufacturer
    hq: CN
    aliases: ["HIKVISION"]
    sources: ["fuzz"]
  - id: annke
    name: ANNKE
    kind: brand
    aliases: ["Annke"]
    oem_of:
      - { vendor: hikvision, strength: M, sources: ["fuzz"] }
    sources: ["fuzz"]
)";
constexpr std::string_view kFields = R"(fields:
  - { key: http.header.server, probe: http, status: emitted, description: "Server: header" }
  - { key: http.auth.realm, probe: http, status: emitted, description: "realm" }
  - { key: onvif.manufacturer, probe: onvif, status: emitted, description: "manufacturer" }
)";
constexpr std::string_view kFingerprints = R"(matches: http.header.server
preference: 0.8
fingerprints:
  - id: server-app-webs
    description: 'Hikvision web server'
    pattern: '^App-webs/(\S*)$'
    set: { hw.vendor: hikvision, service.version: '$1' }
    weight: 0.8
    source: "fuzz"
    examples:
      - value: 'App-webs/'
)";
constexpr std::string_view kOui = R"(prefixes:
  - { prefix: "4419B6", bits: 24, registry: MA-L, vendor: hikvision, org: "Hangzhou Hikvision" }
)";
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t mode = data[0] % 5;
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  namespace kb = anshin::kb;

  // Small helpers that take the same kind of text.
  (void)kb::parse_strength(input);
  (void)kb::parse_tier(input);
  (void)kb::OuiTable::parse_mac(input);

  std::vector<kb::SourceFile> files = {
      {"kb.yaml", "kb.yaml", std::string(kKbYaml)},
      {"vocab/vendors.yaml", "vocab/vendors.yaml", std::string(kVendors)},
      {"vocab/fields.yaml", "vocab/fields.yaml", std::string(kFields)},
      {"fingerprints/http_header_server.yaml", "fingerprints/http_header_server.yaml", std::string(kFingerprints)},
      {"oui/fuzz.yaml", "oui/fuzz.yaml", std::string(kOui)},
  };
  switch (mode) {
    case 0: files.push_back({"fingerprints/fuzz.yaml", "fingerprints/fuzz.yaml", input}); break;
    case 1: files[1].contents = input; break;
    case 2: files[2].contents = input; break;
    case 3: files[4].contents = input; break;
    default: files[0].contents = input; break;
  }
  kb::Diagnostics diags;
  auto loaded = kb::KnowledgeBase::load_sources(files, diags);
  for (const kb::Diagnostic& d : diags.all()) (void)kb::Diagnostics::format(d);
  if (!loaded) return 0;
  const kb::KnowledgeBase& k = **loaded;
  kb::Diagnostics vdiags;
  (void)k.verify(vdiags);
  for (const char* value : {"App-webs/", "HIKVISION", "Login to 0123456789ABC", ""}) {
    for (const char* key : {"http.header.server", "http.auth.realm", "onvif.manufacturer"}) {
      anshin::Observation obs;
      obs.key = key;
      obs.value = value;
      auto m = k.match(obs);
      (void)kb::strongest_vendor_match(m);
    }
  }
  for (const kb::Vendor& v : k.vocab().vendors()) (void)k.vocab().oem_chain(v.id);
  (void)k.oui().lookup("44:19:b6:00:00:01");
  return 0;
}
