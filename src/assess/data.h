// The assessment knowledge, loaded from YAML (docs/assessment.md): policies (data/policies), CVE ranges
// and version-scheme examples (data/cves), finding texts in English and Japanese (data/findings) and
// model-naming patterns for `anshin lookup` (data/models). Loaded once, validated with file:line
// diagnostics, then immutable. No vendor is named in code: everything vendor-specific is here.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assess/version.h"
#include "core/result.h"
#include "kb/kb.h"
#include "model/device.h"

namespace re2 {
class RE2;
}

namespace anshin::assess {

// Text in the two shipped languages; get() falls back to English.
struct Text {
  std::string en, ja;
  const std::string& get(std::string_view lang) const { return lang == "ja" && !ja.empty() ? ja : en; }
  bool complete() const { return !en.empty() && !ja.empty(); }
};

// ------------------------------------------------------------------------------------------- policies
struct PolicyEntry {
  std::string vendor;   // vocabulary id
  std::string entity;   // as the rule writes it
  std::string since;    // ISO date
  std::string scope;    // use-qualified | telecom-equipment | criterion | government-action
  std::string quote;    // scope wording, quoted from the source
  std::string source;   // URL or citation
  std::string note;
  int line = 0;
};

struct Milestone {
  std::string date;
  Text what;
  std::string source;
};

struct PolicyExample {
  std::string manufacturer, brand;  // vocabulary ids ("" = unknown)
  std::string model;                // "" = unknown (decides model-qualified OEM relations)
  std::string expect;               // a severity name, or "none"
  int line = 0;
};

// A rule naming no vendor, or a record not verified well enough for a finding, is `context`: shown in
// `lookup` and the report, never a finding on a device (it has no entries, examples or severity).
// A `criterion` policy (the UK statement) also applies to every vocabulary manufacturer whose hq is one
// of criterion_hq; Assessor::load adds those entries (the explicit entries give legal names).
struct Policy {
  std::string id;             // "us.fcc-covered"
  std::string finding_id;     // "policy.us.fcc-covered"
  std::string jurisdiction;   // "us"; "us-la" is a part of "us" for --policy
  bool context = false;
  int order = 1000;           // display order in reports and lookup (then by id)
  Text title, label, issuer, scope, rule, statement, remediation, note;
  std::string effective, checked;  // effective: YYYY-MM-DD (context records may give YYYY-MM or YYYY)
  std::vector<std::string> criterion_hq;  // ISO country codes
  std::string criterion_quote, criterion_source;
  Severity severity = Severity::kHigh;       // direct, S or M relation
  Severity weak_severity = Severity::kLow;   // W relation: "possible lineage, verify"
  bool follows_oem = true;
  std::vector<std::string> sources;
  std::vector<Milestone> milestones;
  std::vector<PolicyEntry> entries;
  std::vector<PolicyExample> examples;
  std::string file;
  int line = 0;
  const PolicyEntry* entry_for(std::string_view vendor) const;
};

// ----------------------------------------------------------------------------------------------- CVEs
// A model pattern: `family` glob (lowercase x = one letter or digit, * = anything; anchored at the start,
// case-insensitive, the rest of the model may follow) or `regex` (RE2, searched, case-insensitive).
struct ModelPattern {
  std::string text;
  bool regex = false;
  std::shared_ptr<const re2::RE2> re;
  bool matches(std::string_view model) const;
};
// The family glob as an RE2 pattern.
std::string family_to_regex(std::string_view family);

struct CveAffected {
  std::vector<ModelPattern> models;
  std::vector<VersionRange> ranges;  // empty = the record gives no version bounds (model match only)
  Text fixed;                        // first fixed version, as text (empty = none stated)
  std::string note;
  int line = 0;
};

struct CveExample {
  std::string model;
  std::optional<std::string> firmware;
  std::string expect;                // hit | possible | miss
  std::string note;
  int line = 0;
};

struct Cve {
  std::string id;                    // "CVE-2017-7921"
  std::string vendor;                // vocabulary id of the OEM
  Scheme scheme = Scheme::kDotted;
  Text title;
  std::string cwe;
  double cvss = 0;
  std::string cvss_source;
  std::string kev_added;             // ISO date when in CISA KEV, "" otherwise
  std::string kev_note;
  std::string advisory;
  std::vector<std::string> references;
  std::vector<CveAffected> affected;
  std::vector<CveExample> examples;
  std::string note;
  std::string file;
  int line = 0;
};

struct SchemeExample {
  Scheme scheme = Scheme::kDotted;
  std::string a, b;
  std::string expect;                // lt | eq | gt | unknown; or for a parse example: ""
  std::string parse;                 // parse example: the text
  std::string numbers;               // expected "5.4.5" ("" = none)
  std::string build_date;            // expected "2017-01-23" ("" = none)
  std::string file;
  int line = 0;
};

// -------------------------------------------------------------------------------------------- findings
struct Variant {
  std::optional<Severity> severity;
  Text title, detail, remediation;
};

struct FindingText {
  std::string id;                    // "exposure.telnet", "cve.*", "policy.*"
  Severity severity = Severity::kInfo;
  Text title, detail, remediation;
  std::vector<std::string> references;
  std::map<std::string, Variant> variants;
  std::vector<std::string> triggers; // what the lab must show for it (documentation, tests)
  std::string file;
  int line = 0;
};

// ---------------------------------------------------------------------------------------------- models
struct ModelLine {
  std::string vendor;                // vocabulary id of the brand or manufacturer the name belongs to
  std::string pattern;               // RE2, case-insensitive, searched
  std::shared_ptr<const re2::RE2> re;
  std::string model_group;           // capture group index text ("1") of the model part, "" = whole match
  std::string category;              // camera | nvr | dvr | ...
  bool standalone = true;            // false: only when the query names the vendor (short, ambiguous names)
  std::string description;
  std::vector<std::string> examples;
  std::vector<std::string> counter_examples;
  std::string file;
  int line = 0;
};

// Names buyers type for a vendor (data/vocab/lookup_aliases.yaml): lookup only, never identification.
struct LookupAlias {
  std::string vendor;                // vocabulary id
  std::vector<std::string> names;
  std::string source;
  std::vector<std::string> examples; // queries lookup must resolve to `vendor`
  std::string file;
  int line = 0;
};

struct AssessData {
  std::vector<Policy> policies;
  std::vector<Cve> cves;
  std::vector<SchemeExample> scheme_examples;
  std::map<std::string, Scheme> vendor_schemes;       // vendor id -> scheme
  std::map<std::string, std::vector<std::string>> firmware_date_keys;  // vendor id -> observation keys with a build date
  std::map<std::string, FindingText> findings;        // by id
  std::map<std::string, Text> fragments;              // reusable sentence parts, by key
  std::vector<std::string> default_certificate_rules; // KB tls.cert.subject rule ids of shared default certs
  std::vector<ModelLine> model_lines;
  std::vector<LookupAlias> lookup_aliases;
  size_t files = 0;

  const FindingText* finding(std::string_view id) const;
  const Text* fragment(std::string_view key) const;
  // Every jurisdiction of the policies, sorted ("au", "ca", "jp", "uk", "us", "us-la", ...).
  std::vector<std::string> jurisdictions() const;
};

// Loads every file whose role starts with policies/, cves/, findings/ or models/, and
// vocab/lookup_aliases.yaml (other roles are ignored).
// Problems go to `diags` with file:line; the result is an error when any is an error.
Result<std::shared_ptr<AssessData>> load_assess_data(const std::vector<kb::SourceFile>& files, kb::Diagnostics& diags);

// Severity names of model/device.h, for data files.
std::optional<Severity> severity_from_name(std::string_view name);

}  // namespace anshin::assess
