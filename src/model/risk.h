// Risk summaries for reports: per device (highest severity, counts) and per fleet (devices named by each
// policy, devices with critical/high findings). Pure functions over findings; the one place the reports
// (HTML, terminal, CSV) take a device's severity, counts and policy exposure from.
//
// Security findings and procurement exposure are kept apart: a "policy.*" finding says a procurement rule
// names the device's maker, not that the device is vulnerable, so it never counts towards a security severity.
#pragma once
#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/device.h"

namespace anshin {

// kSecurity: cve.*, auth.*, exposure.*, tls.* and any other id not listed below.
// kPolicy: "policy.*" (a procurement rule names the maker).
// kIdentification: "identity.*" (a note on how sure the identification is): its own kind, neither a security
// risk nor procurement exposure; it counts only in the all-findings totals.
enum class FindingKind { kSecurity, kPolicy, kIdentification };
FindingKind finding_kind(std::string_view finding_id);

struct DeviceRisk {
  // All findings of every kind.
  std::optional<Severity> highest;     // nullopt = no findings
  std::array<size_t, 5> counts{};      // by Severity (info..critical)
  size_t total = 0;
  // Security findings only (FindingKind::kSecurity).
  std::optional<Severity> security_highest;  // nullopt = no security finding
  std::array<size_t, 5> security_counts{};
  size_t security_total = 0;
  // Procurement exposure: the distinct policy finding ids, in first-seen order.
  std::vector<std::string> policy_ids;

  size_t count(Severity s) const { return counts[static_cast<size_t>(s)]; }
  // The highest severity as a number (Severity's order), -1 without findings.
  int highest_rank() const { return highest ? static_cast<int>(*highest) : -1; }
  // The highest security severity as a number, -1 without security findings: the reports' first sort key.
  int security_rank() const { return security_highest ? static_cast<int>(*security_highest) : -1; }
  bool security_critical_or_high() const { return security_highest && *security_highest >= Severity::kHigh; }
};
DeviceRisk summarize(const std::vector<Finding>& findings);

// Riskiest first: higher security severity, then more policy findings, then more security findings.
// Returns <0 when a is riskier than b, >0 when b is, 0 when these keys tie.
int compare_risk(const DeviceRisk& a, const DeviceRisk& b);

struct FleetRisk {
  size_t devices = 0;
  size_t devices_with_findings = 0;
  std::array<size_t, 5> devices_by_highest{};                 // devices whose highest finding (any kind) is this
  std::vector<size_t> critical_or_high;                       // any kind, policy included; indexes into the list
  std::vector<size_t> security_critical_or_high;              // security findings only
  std::vector<size_t> policy_exposed;                         // devices with at least one policy finding
  std::map<std::string, std::vector<size_t>> by_policy;       // "policy.us.fcc-covered" -> device indexes
  std::map<std::string, size_t> by_finding;                   // finding id -> devices carrying it
  std::array<size_t, 5> findings_by_severity{};               // all kinds
  std::array<size_t, 5> security_findings_by_severity{};      // security findings only
};
FleetRisk summarize_fleet(const std::vector<Device>& devices);

}  // namespace anshin
