#include "model/risk.h"

#include <algorithm>
#include <set>

namespace anshin {

FindingKind finding_kind(std::string_view finding_id) {
  if (finding_id.starts_with("policy.")) return FindingKind::kPolicy;
  if (finding_id.starts_with("identity.")) return FindingKind::kIdentification;
  return FindingKind::kSecurity;
}

DeviceRisk summarize(const std::vector<Finding>& findings) {
  DeviceRisk r;
  for (const auto& f : findings) {
    ++r.counts[static_cast<size_t>(f.severity)];
    ++r.total;
    if (!r.highest || f.severity > *r.highest) r.highest = f.severity;
    switch (finding_kind(f.id)) {
      case FindingKind::kSecurity:
        ++r.security_counts[static_cast<size_t>(f.severity)];
        ++r.security_total;
        if (!r.security_highest || f.severity > *r.security_highest) r.security_highest = f.severity;
        break;
      case FindingKind::kPolicy:
        if (std::find(r.policy_ids.begin(), r.policy_ids.end(), f.id) == r.policy_ids.end()) r.policy_ids.push_back(f.id);
        break;
      case FindingKind::kIdentification:
        break;
    }
  }
  return r;
}

int compare_risk(const DeviceRisk& a, const DeviceRisk& b) {
  if (a.security_rank() != b.security_rank()) return a.security_rank() > b.security_rank() ? -1 : 1;
  if (a.policy_ids.size() != b.policy_ids.size()) return a.policy_ids.size() > b.policy_ids.size() ? -1 : 1;
  if (a.security_total != b.security_total) return a.security_total > b.security_total ? -1 : 1;
  return 0;
}

FleetRisk summarize_fleet(const std::vector<Device>& devices) {
  FleetRisk fr;
  fr.devices = devices.size();
  for (size_t i = 0; i < devices.size(); ++i) {
    const auto& d = devices[i];
    auto r = summarize(d.findings);
    for (size_t s = 0; s < 5; ++s) {
      fr.findings_by_severity[s] += r.counts[s];
      fr.security_findings_by_severity[s] += r.security_counts[s];
    }
    if (!r.highest) continue;
    ++fr.devices_with_findings;
    ++fr.devices_by_highest[static_cast<size_t>(*r.highest)];
    if (*r.highest >= Severity::kHigh) fr.critical_or_high.push_back(i);
    if (r.security_critical_or_high()) fr.security_critical_or_high.push_back(i);
    if (!r.policy_ids.empty()) fr.policy_exposed.push_back(i);
    std::set<std::string> ids;
    for (const auto& f : d.findings) ids.insert(f.id);
    for (const auto& id : ids) {
      ++fr.by_finding[id];
      if (finding_kind(id) == FindingKind::kPolicy) fr.by_policy[id].push_back(i);
    }
  }
  return fr;
}

}  // namespace anshin
