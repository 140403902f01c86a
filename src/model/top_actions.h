// "Top actions": the fleet's security findings grouped into the actions that remove them, ranked so the
// action that removes the most risk comes first. Pure function over the devices' findings (the reports
// render the result; the caller says which CVE findings are known to be exploited).
//
// Grouping: every CVE finding ("cve.*") is fixed by a firmware update from the device's manufacturer, so
// CVE findings are grouped by (manufacturer, category): "update 6 Hikvision cameras: CVE-2021-36260, ...".
// Every other security finding ("exposure.*", "auth.*", "tls.*", ...) is its own action across makers:
// "telnet is open: 3 devices". Procurement ("policy.*") and identification ("identity.*") findings are
// no security risk (risk.h) and yield no action.
//
// Ranking: highest severity removed, then whether a removed CVE is exploited (CISA KEV), then the number of
// devices, then the group's key (stable, so equal actions keep one order across runs).
#pragma once
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "model/device.h"

namespace anshin {

enum class ActionKind { kUpdateFirmware, kFixFinding };

// One finding an action removes, with how many of the action's devices carry it.
struct ActionFinding {
  std::string finding_id;            // "cve.CVE-2021-36260", "exposure.telnet"
  Severity severity = Severity::kInfo;  // the highest severity it has on these devices
  bool exploited = false;            // in `exploited_ids` (CISA KEV)
  size_t devices = 0;
};

struct TopAction {
  ActionKind kind = ActionKind::kFixFinding;
  std::string manufacturer;          // kUpdateFirmware: whose firmware; "" for kFixFinding
  Category category = Category::kUnknown;  // kUpdateFirmware: the devices' category
  Severity severity = Severity::kInfo;     // the highest severity the action removes
  bool exploited = false;            // one of `findings` is exploited
  std::vector<ActionFinding> findings;     // exploited first, then by severity, then by id
  std::vector<const Device*> devices;      // in the order of the input
  // kFixFinding: the finding's title and remediation as the first device carrying it states them.
  std::string title;
  std::string remediation;
};

// `exploited_ids`: finding ids ("cve.CVE-...") known to be exploited. Devices must outlive the result.
std::vector<TopAction> top_actions(const std::vector<Device>& devices, const std::set<std::string>& exploited_ids);

}  // namespace anshin
