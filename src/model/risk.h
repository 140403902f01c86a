// Risk summaries for reports: per device (highest severity, counts) and per fleet (devices named by each
// policy, devices with critical/high findings). Pure functions over findings; the one place the reports
// (HTML, terminal, CSV) take a device's highest severity and its counts by severity from.
#pragma once
#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/device.h"

namespace anshin {

struct DeviceRisk {
  std::optional<Severity> highest;     // nullopt = no findings
  std::array<size_t, 5> counts{};      // by Severity (info..critical)
  size_t total = 0;
  size_t count(Severity s) const { return counts[static_cast<size_t>(s)]; }
  // The highest severity as a number (Severity's order), -1 without findings: a sort key for reports.
  int highest_rank() const { return highest ? static_cast<int>(*highest) : -1; }
};
DeviceRisk summarize(const std::vector<Finding>& findings);

struct FleetRisk {
  size_t devices = 0;
  size_t devices_with_findings = 0;
  std::array<size_t, 5> devices_by_highest{};                 // devices whose highest finding is this severity
  std::vector<size_t> critical_or_high;                       // indexes into the device list
  std::map<std::string, std::vector<size_t>> by_policy;       // "policy.us.fcc-covered" -> device indexes
  std::map<std::string, size_t> by_finding;                   // finding id -> devices carrying it
  std::array<size_t, 5> findings_by_severity{};
};
FleetRisk summarize_fleet(const std::vector<Device>& devices);

}  // namespace anshin
