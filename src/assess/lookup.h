// `anshin lookup`: offline, before purchase. A brand/model string ("DS-2CD2043G0-I", "Annke C800",
// "Lorex E891AB", "AXIS P3245-LVE") -> who makes it (vocabulary + data/models naming lines), the OEM relation
// and its evidence, the policy findings per jurisdiction, and the CVEs of that model line ("depends on
// firmware; fixed in X"). Unknown input says so plainly; nothing is guessed.
//
// What a Japanese buyer types is found: the query is normalised (NFKC for full-width letters and spaces
// and half-width katakana, dash look-alikes as '-'), vendor names are compared without case, spaces,
// hyphens, dots or middle dots, and include the lookup-only names of data/vocab/lookup_aliases.yaml
// (katakana, kanji); a model typed without its hyphens matches the naming lines and CVE model patterns
// with their hyphens made optional.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "assess/assess.h"

namespace anshin::assess {

struct LookupCve {
  std::string id;
  std::string title;
  double cvss = 0;
  std::string kev_added;
  std::string state;       // "possible": the model line is affected, the firmware decides
  std::string affected;    // the range text ("< build 210628") or "" (the record gives none)
  std::string fixed;
  std::string advisory;
};

// A policy that names the vendor: when, what scope, whose rule (the Finding carries the sentences).
struct LookupPolicy {
  std::string id;          // finding id, "policy.us.fcc-covered"
  std::string effective;   // the rule's date
  std::string vendor;      // the vocabulary id the rule names (the maker, or the brand itself)
  std::string entity;      // as the rule writes it
  std::string since;       // when the rule started naming it
  std::string scope;       // use-qualified | telecom-equipment | criterion | government-action
  std::string source;
};

// One step of the OEM chain, with the relation's dates ("" = open).
struct LookupOemLink {
  std::string from, to;    // display names
  std::string strength;    // S | M | W (of the weakest link so far)
  std::string since, until;
  std::vector<std::string> sources;
};

struct LookupResult {
  std::string query;
  std::string normalized;                                // the query as compared (normalize_query)
  bool known = false;
  std::optional<std::string> manufacturer_id, brand_id;  // vocabulary ids
  std::string manufacturer, brand;                       // display names ("" = unknown)
  std::string model;                                     // the model part of the query ("" = none)
  std::string category;                                  // from the model line, "" = unknown
  std::vector<std::string> how;                          // how each part was recognised (sources)
  std::string relation;                                  // the OEM chain sentence, "" when not relabelled
  std::vector<LookupOemLink> oem_chain;                   // from the brand named, "" when none
  std::vector<Finding> policies;
  std::vector<LookupPolicy> policy_details;              // same order as `policies`
  std::vector<LookupCve> cves;
  std::string message;                                   // plain sentence when unknown
};

LookupResult lookup(const Assessor& assessor, std::string_view query, const AssessOptions& opts);

// The query as lookup compares it: text::nfkc_basic, then U+2010-U+2015, U+2212, U+FE63 and a katakana
// prolonged sound mark (ー) between ASCII letters or digits become '-'; runs of spaces become one; trimmed.
std::string normalize_query(std::string_view text);
// A vendor name's comparison key: normalize_query, ASCII lower case, without spaces, '-', '.', ',',
// '_' and the middle dots U+30FB / U+00B7.
std::string name_key(std::string_view name);
// The RE2 pattern with every literal '-' outside a character class made optional ("DS-2CD" -> "DS-?2CD").
std::string hyphens_optional(std::string_view pattern);

}  // namespace anshin::assess
