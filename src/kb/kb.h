// The knowledge base: vendor vocabulary + fingerprint rules, loaded from YAML (data/, see
// docs/kb-format.md), validated (every problem reported with file:line, not only the first), compiled
// (RE2, bounded memory, linear time) and then immutable. The KB does no network I/O; patterns come only
// from the knowledge base, never from device data.
//
// This header is deliberately free of RE2 and yaml-cpp (pimpl), so verdict/assess/scan compile fast.
#pragma once
#include <cstddef>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "kb/credentials.h"
#include "kb/services.h"
#include "model/observation.h"

namespace re2 {
class RE2;
}

namespace anshin::kb {

class OuiTable;

// ------------------------------------------------------------------------------------ diagnostics
struct Diagnostic {
  std::string file;     // as loaded: "data/fingerprints/http_header_server.yaml" or a --kb path
  int line = 0;         // 1-based; 0 when not tied to a line
  std::string message;
  bool error = true;    // false: warning (does not fail verify)
};

class Diagnostics {
 public:
  void error(std::string file, int line, std::string message);
  void warning(std::string file, int line, std::string message);
  const std::vector<Diagnostic>& all() const { return items_; }
  size_t error_count() const;
  bool ok() const { return error_count() == 0; }
  // "file:line: message" (warnings get "warning: " after the location).
  static std::string format(const Diagnostic& d);

 private:
  std::vector<Diagnostic> items_;
};

// ------------------------------------------------------------------------------------- vocabulary
enum class Strength : uint8_t { kStrong, kMedium, kWeak };  // S, M, W of docs/kb-format.md
const char* strength_name(Strength s);                      // "S", "M", "W"
std::optional<Strength> parse_strength(std::string_view s);

// brand -> manufacturer. `since`/`until` date the relation (e.g. the years of an ownership). An edge with
// `models` is model-qualified: it holds for the model lines those patterns name (RE2, case-insensitive,
// searched), is only "possible lineage" (W) while the model is unknown, and does not hold for a known model
// none of them names. An edge with `until` must list its models: a device's date is not observable, so
// after an ownership change the model line decides (docs/kb-format.md).
struct OemEdge {
  std::string vendor;                // target vendor id (the manufacturer)
  Strength strength = Strength::kWeak;
  std::vector<std::string> sources;
  std::string since, until;          // ISO dates, "" = open
  std::string note;
  std::vector<std::string> models;   // model-line patterns; empty = every model of the brand
  std::vector<std::shared_ptr<const re2::RE2>> model_patterns;  // compiled `models`
  bool covers_model(std::string_view model) const;               // a pattern matches the (trimmed) model
};

struct Vendor {
  std::string id;                    // "hikvision"
  std::string name;                  // "Hikvision"
  std::string kind;                  // "manufacturer" | "brand" | "component"
  std::string hq;                    // ISO country code or ""
  std::vector<std::string> aliases;
  std::vector<OemEdge> oem_of;
  std::string notes;
  // A white-label maker (boards sold under many unknown labels: Xiongmai, Raysharp):
  // manufacturer-level tells alone say nothing about the label on the box, so the brand stays unknown.
  bool white_label = false;
};

// One step of an OEM chain: `from` is built by `to`. `strength` is the weakest edge on the path from
// the start vendor (a chain is only as strong as its weakest link); `depth` starts at 1.
struct OemLink {
  std::string from;
  std::string to;
  Strength strength = Strength::kWeak;
  int depth = 1;
  const OemEdge* edge = nullptr;     // the last edge (points into the Vocabulary)
};

struct FieldInfo {
  std::string key;
  std::string probe;
  std::string status;                // "emitted" | "planned"
  std::string description;
  // 1..9 when a value of this key is a clue worth showing for an unidentified surveillance device (1 is
  // the strongest: maker strings; then realms, certificates, server strings, model-like strings); 0 = not.
  int clue = 0;
};

class Vocabulary {
 public:
  const Vendor* find(std::string_view id) const;              // by id, exact
  const Vendor* find_alias(std::string_view name) const;      // id, display name or alias; trimmed, case-insensitive
  // Breadth-first over oem_of, cycle-safe. `model` (nullopt or empty = unknown) decides model-qualified
  // edges: matched -> the edge's strength, unknown -> W, known but not named -> the edge is not followed.
  std::vector<OemLink> oem_chain(std::string_view id, std::optional<std::string_view> model = std::nullopt) const;
  const std::vector<Vendor>& vendors() const { return vendors_; }
  const FieldInfo* field(std::string_view key) const;
  const std::vector<FieldInfo>& fields() const { return fields_; }

 private:
  friend struct VocabularyBuilder;
  std::vector<Vendor> vendors_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, size_t> by_alias_;  // lower-cased
  std::vector<FieldInfo> fields_;
  std::unordered_map<std::string, size_t> field_index_;
};

// --------------------------------------------------------------------------------------- matching
// How hard a tell is to fake (docs/verdict.md "Evidence tiers"): `strong` tells come from the maker's own
// protocols and registries (SADP/DHIP replies, ISAPI/magicBox/VAPIX payloads, default certificates, the OUI
// of the device's own MAC, serial grammars); `medium` from firmware strings a relabel keeps but a clone
// rarely copies (server strings, realms, SDP names, stream paths, model and firmware grammars); `clone`
// from what clone firmware copies wholesale (ONVIF namespaces, generic realms, look-alike strings).
enum class Tier : uint8_t { kStrong, kMedium, kClone };
const char* tier_name(Tier t);                   // "strong", "medium", "clone"
std::optional<Tier> parse_tier(std::string_view s);

// Keys a rule may set (docs/kb-format.md): hw.vendor, hw.brand, hw.model, hw.firmware, hw.serial,
// hw.device, hw.mac, hw.family, service.product, service.version, host.name.
struct Match {
  std::string rule_id;
  std::string file;                          // the rule's file, for evidence and debugging
  std::map<std::string, std::string> set;    // captures substituted; vendor values are vocabulary ids
  double weight = 0.5;                       // 0..1: how strongly the rule implies its vendor
  // The rule's vendor tell only supports a vendor other evidence names (an open port): it never names
  // a manufacturer or brand alone (docs/kb-format.md `supporting_only`, docs/verdict.md rule 2).
  bool supporting_only = false;
  Tier tier = Tier::kMedium;                 // how hard the tell is to fake (file default, rule override)
  Observation observation;                   // what matched
};

struct KbStats {
  std::string kb_version;
  size_t vendors = 0;
  size_t fields = 0;
  size_t files = 0;                          // fingerprint files
  size_t rules = 0;
  size_t examples = 0;
  size_t oui_prefixes = 0;
};

// A file handed to the loader: `path` is how diagnostics name it, `role` its path inside the KB root
// ("kb.yaml", "vocab/vendors.yaml", "fingerprints/x.yaml", "oui/x.yaml", "credentials/defaults.yaml").
struct SourceFile {
  std::string path;
  std::string role;
  std::string contents;
};

class KnowledgeBase {
 public:
  // Loads every *.yaml below `dir` (the folder that holds kb.yaml). Errors go to `diags`; the result is an
  // error when any diagnostic is an error.
  // `ieee_dir`: also load the full IEEE MAC registry from there (e.g. /usr/share/ieee-data) when present.
  static Result<std::shared_ptr<const KnowledgeBase>> load(const std::filesystem::path& dir, Diagnostics& diags,
                                                           const std::filesystem::path& ieee_dir = {});
  // The knowledge base compiled into the binary (data/**/*.yaml).
  static Result<std::shared_ptr<const KnowledgeBase>> load_embedded(Diagnostics& diags,
                                                                    const std::filesystem::path& ieee_dir = {});
  static Result<std::shared_ptr<const KnowledgeBase>> load_sources(const std::vector<SourceFile>& files,
                                                                   Diagnostics& diags,
                                                                   const std::filesystem::path& ieee_dir = {});

  // `anshin kb verify`: load (collecting every schema problem) and run the self-tests (examples match
  // their rule, expected captures, no shadowing by earlier rules). Returns true when no error was found.
  static bool verify_sources(const std::vector<SourceFile>& files, Diagnostics& diags, KbStats* stats = nullptr);
  static bool verify_dir(const std::filesystem::path& dir, Diagnostics& diags, KbStats* stats = nullptr);
  static bool verify_embedded(Diagnostics& diags, KbStats* stats = nullptr);
  static std::vector<SourceFile> embedded_sources();
  static Result<std::vector<SourceFile>> dir_sources(const std::filesystem::path& dir);

  // Every rule on obs.key, in file order; at most one Match per rule (its first match in the value).
  std::vector<Match> match(const Observation& obs) const;
  // Runs the example self-tests on this (already loaded) KB.
  bool verify(Diagnostics& diags) const;

  const Vocabulary& vocab() const;
  const OuiTable& oui() const;               // the shipped prefix table (data/oui/*.yaml)
  const CredentialData& credentials() const; // data/credentials/*.yaml
  const ServiceTable& services() const;      // data/services/*.yaml (vendor clouds and P2P relays)
  const std::string& kb_version() const;
  int format_version() const;
  KbStats stats() const;

  ~KnowledgeBase();
  KnowledgeBase(const KnowledgeBase&) = delete;
  KnowledgeBase& operator=(const KnowledgeBase&) = delete;

  struct Impl;

 private:
  explicit KnowledgeBase(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The strongest vendor-setting match (hw.vendor first, then hw.brand), or nullptr.
const Match* strongest_vendor_match(const std::vector<Match>& matches);

}  // namespace anshin::kb
