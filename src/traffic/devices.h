// Analyzer results -> inventory devices: each internal host that the traffic shows to be surveillance
// equipment (the verdict names a maker, a category or clues from what it revealed), that reached a vendor
// service, or that the inventory already knows, becomes a Device identified by the same verdict engine as
// a scan (verdict::decide over its passive observations, plus, for a known device, what the inventory's
// active scan saw of it) and assessed like one, plus the traffic.*
// findings with their evidence (first/last seen, connections, bytes, names; never a payload or a password).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "assess/assess.h"
#include "kb/kb.h"
#include "model/device.h"
#include "model/observation.h"
#include "traffic/analyzer.h"

namespace anshin::traffic {

struct DeviceOptions {
  const kb::KnowledgeBase* kb = nullptr;
  const assess::Assessor* assessor = nullptr;  // null: verdicts only, no findings
  assess::AssessOptions assess;
  std::set<IpAddr> known_addresses;            // devices of the inventory (--db): always reported
  std::map<std::string, IpAddr> known_macs;    // lower case "aa:bb:..." -> its address in the inventory
  // What the inventory's scan saw of the known device at that address (null or nullopt: nothing). A known
  // device is identified from that and its traffic together; its findings come from its traffic and that
  // identity (a capture repeats no finding that only the active probes can show).
  std::function<std::optional<HostRecord>(const IpAddr& known_address)> known_record;
};

struct PassiveDevice {
  Device device;
  HostRecord host;   // the observations it was decided from (probe "traffic")
};

// Hosts of `analyzer` (after finish()) that qualify, by address. `others` counts the internal hosts left out.
std::vector<PassiveDevice> build_devices(const Analyzer& analyzer, const DeviceOptions& options, size_t* others = nullptr);

// The host record verdict::decide reads for one analyzed host.
HostRecord host_record(const HostState& host);

// "2026-12-06T10:00:00Z"
std::string rfc3339(int64_t time_us);
// "532 B", "12.3 kB", "4.5 MB", "1.2 GB"
std::string byte_text(uint64_t bytes);

}  // namespace anshin::traffic
