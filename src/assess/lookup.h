// `anshin lookup`: offline, before purchase. A brand/model string ("DS-2CD2043G0-I", "Annke C800",
// "Lorex E891AB", "AXIS P3245-LVE") -> who makes it (vocabulary + data/models naming lines), the OEM relation
// and its evidence, the policy findings per jurisdiction, and the CVEs of that model line ("depends on
// firmware; fixed in X"). Unknown input says so plainly; nothing is guessed.
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

struct LookupResult {
  std::string query;
  bool known = false;
  std::optional<std::string> manufacturer_id, brand_id;  // vocabulary ids
  std::string manufacturer, brand;                       // display names ("" = unknown)
  std::string model;                                     // the model part of the query ("" = none)
  std::string category;                                  // from the model line, "" = unknown
  std::vector<std::string> how;                          // how each part was recognised (sources)
  std::string relation;                                  // the OEM chain sentence, "" when not relabelled
  std::vector<Finding> policies;
  std::vector<LookupCve> cves;
  std::string message;                                   // plain sentence when unknown
};

LookupResult lookup(const Assessor& assessor, std::string_view query, const AssessOptions& opts);

}  // namespace anshin::assess
