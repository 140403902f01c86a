#include "model/risk.h"

#include <set>

namespace anshin {

DeviceRisk summarize(const std::vector<Finding>& findings) {
  DeviceRisk r;
  for (const auto& f : findings) {
    ++r.counts[static_cast<size_t>(f.severity)];
    ++r.total;
    if (!r.highest || f.severity > *r.highest) r.highest = f.severity;
  }
  return r;
}

FleetRisk summarize_fleet(const std::vector<Device>& devices) {
  FleetRisk fr;
  fr.devices = devices.size();
  for (size_t i = 0; i < devices.size(); ++i) {
    const auto& d = devices[i];
    auto r = summarize(d.findings);
    for (size_t s = 0; s < 5; ++s) fr.findings_by_severity[s] += r.counts[s];
    if (!r.highest) continue;
    ++fr.devices_with_findings;
    ++fr.devices_by_highest[static_cast<size_t>(*r.highest)];
    if (*r.highest >= Severity::kHigh) fr.critical_or_high.push_back(i);
    std::set<std::string> ids;
    for (const auto& f : d.findings) ids.insert(f.id);
    for (const auto& id : ids) {
      ++fr.by_finding[id];
      if (id.rfind("policy.", 0) == 0) fr.by_policy[id].push_back(i);
    }
  }
  return fr;
}

}  // namespace anshin
