#include "model/top_actions.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "model/risk.h"

namespace anshin {
namespace {

// What makes two findings the same action: firmware updates per (manufacturer, category), other findings
// per finding id.
using GroupKey = std::tuple<ActionKind, std::string, Category, std::string>;

GroupKey group_key(const Device& d, const Finding& f) {
  if (f.id.starts_with("cve."))
    return {ActionKind::kUpdateFirmware, d.verdict.manufacturer.value_or(""), d.verdict.category, ""};
  return {ActionKind::kFixFinding, "", Category::kUnknown, f.id};
}

void add_finding(TopAction& a, const Finding& f, bool exploited, bool new_device_for_finding) {
  auto it = std::find_if(a.findings.begin(), a.findings.end(),
                         [&](const ActionFinding& x) { return x.finding_id == f.id; });
  if (it == a.findings.end()) {
    a.findings.push_back({f.id, f.severity, exploited, 0});
    it = a.findings.end() - 1;
  }
  it->severity = std::max(it->severity, f.severity);
  if (new_device_for_finding) ++it->devices;
  a.severity = std::max(a.severity, f.severity);
  a.exploited = a.exploited || exploited;
}

bool finding_first(const ActionFinding& x, const ActionFinding& y) {
  if (x.exploited != y.exploited) return x.exploited;
  if (x.severity != y.severity) return x.severity > y.severity;
  return x.finding_id < y.finding_id;
}

}  // namespace

std::vector<TopAction> top_actions(const std::vector<Device>& devices, const std::set<std::string>& exploited_ids) {
  std::map<GroupKey, TopAction> groups;
  for (const Device& d : devices) {
    std::set<GroupKey> device_counted;           // a device counts once per action
    std::set<std::pair<GroupKey, std::string>> finding_counted;  // and once per finding of that action
    for (const Finding& f : d.findings) {
      if (finding_kind(f.id) != FindingKind::kSecurity) continue;
      const GroupKey key = group_key(d, f);
      auto [it, created] = groups.try_emplace(key);
      TopAction& a = it->second;
      if (created) {
        a.kind = std::get<0>(key);
        a.manufacturer = std::get<1>(key);
        a.category = std::get<2>(key);
        a.severity = f.severity;
        if (a.kind == ActionKind::kFixFinding) {
          a.title = f.title;
          a.remediation = f.remediation;
        }
      }
      if (device_counted.insert(key).second) a.devices.push_back(&d);
      add_finding(a, f, exploited_ids.contains(f.id), finding_counted.insert({key, f.id}).second);
    }
  }
  std::vector<std::pair<GroupKey, TopAction>> ranked(groups.begin(), groups.end());
  std::stable_sort(ranked.begin(), ranked.end(), [](const auto& x, const auto& y) {
    const TopAction &a = x.second, &b = y.second;
    if (a.severity != b.severity) return a.severity > b.severity;
    if (a.exploited != b.exploited) return a.exploited;
    if (a.devices.size() != b.devices.size()) return a.devices.size() > b.devices.size();
    return x.first < y.first;
  });
  std::vector<TopAction> out;
  out.reserve(ranked.size());
  for (auto& [key, action] : ranked) {
    std::stable_sort(action.findings.begin(), action.findings.end(), finding_first);
    out.push_back(std::move(action));
  }
  return out;
}

}  // namespace anshin
