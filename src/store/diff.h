// What changed between two scans. Pure: works on two snapshots plus the identity of each device
// (Store::identified_snapshot). Without identities (empty ids) devices are matched by the store's
// rules in memory: MAC, then serial, then address.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/device.h"
#include "store/store.h"

namespace anshin::store {

struct MovedDevice {
  DeviceId id = 0;
  IpAddr from;
  Device device;                     // as seen in the newer scan
};

struct FirmwareChange {
  DeviceId id = 0;
  std::optional<std::string> from;
  std::optional<std::string> to;
  Device device;                     // as seen in the newer scan
  bool downgrade = false;            // `to` is older than `from` (FirmwareOrder said so)
};

// Another unit in a device's place: the same address and model, but a serial number or MAC address that
// differs (a camera swapped after a fault, or a look-alike put in its place).
struct ReplacedDevice {
  Device before;                     // as seen in the older scan
  Device after;                      // as seen in the newer scan
};

struct FindingsChange {
  DeviceId id = 0;
  std::vector<std::string> added;    // finding ids, sorted
  std::vector<std::string> removed;
  Device device;                     // as seen in the newer scan
  Device before;                     // as seen in the older scan (the removed findings' texts)
};

// -1 / 0 / +1 comparing two firmware texts of `device` (older scan's, newer scan's); nullopt when the two
// cannot be compared. Comes from the knowledge base's version schemes (assess::firmware_order).
using FirmwareOrder =
    std::function<std::optional<int>(const Device& device, const std::string& from, const std::string& to)>;

struct ScanDiff {
  ScanInfo old_scan;
  ScanInfo new_scan;
  std::vector<Device> added;         // in the newer scan only (ordered by address)
  std::vector<Device> gone;          // in the older scan only
  std::vector<ReplacedDevice> replaced;  // paired from added and gone: same address and model, another unit
  std::vector<MovedDevice> moved;    // same identity, another address
  std::vector<FirmwareChange> firmware_changed;
  std::vector<FindingsChange> findings_changed;

  bool empty() const {
    return added.empty() && gone.empty() && replaced.empty() && moved.empty() && firmware_changed.empty() &&
           findings_changed.empty();
  }
};

// Which stored scans a comparison pairs: both finished, of one site and of one kind (model/device.h
// ScanKind). A traffic capture lists only the devices that talked while it ran; compared with an active
// scan, every quiet device would look gone, so the two kinds are never compared with each other.
struct ScanPair {
  ScanNumber older = 0, newer = 0;
  ScanKind kind = ScanKind::kActive;
  std::vector<ScanNumber> skipped;   // finished scans of the site newer than `newer`, of the other kind
};
// The newest comparable pair of `site` among `scans` (oldest first, as Store::list_scans); nullopt when
// neither kind has two finished scans there.
std::optional<ScanPair> newest_comparable_pair(const std::vector<StoredScan>& scans, const std::string& site);

ScanDiff diff_scans(const IdentifiedSnapshot& older, const IdentifiedSnapshot& newer,
                    const FirmwareOrder& firmware_order = {});

// What `anshin reassess` changed: the same hosts judged twice, matched by address.
struct SeverityChange {
  std::string finding;               // finding id
  Severity from = Severity::kInfo, to = Severity::kInfo;
  size_t devices = 0;
};
struct FindingCount {
  std::string finding;
  Severity severity = Severity::kInfo; // the highest seen
  size_t devices = 0;
};
struct IdentityChange {
  IpAddr address;
  std::string what;                  // "manufacturer" | "brand" | "model" | "category"
  std::string from, to;              // "" = unknown
};
struct ReassessChanges {
  std::vector<SeverityChange> severity;  // by finding id, then from, to
  std::vector<FindingCount> added;       // findings present only after
  std::vector<FindingCount> removed;     // only before
  std::vector<IdentityChange> identity;  // by address
  bool empty() const { return severity.empty() && added.empty() && removed.empty() && identity.empty(); }
};
ReassessChanges reassessment_changes(const ScanSnapshot& before, const ScanSnapshot& after);

// JSON for scripts: {"schema": "anshin.diff/1", "old": {...scan}, "new": {...}, "new_devices": [...],
// "gone": [...], "moved": [...], "firmware_changed": [...], "findings_changed": [...]}.
// Device strings are made valid UTF-8 (U+FFFD) as in report/json.h.
std::string diff_to_json(const ScanDiff& diff, int indent = 2);

// A readable list in `lang` ("ja" or "en"; the catalog entries cli.diff.* in data/i18n); findings by
// their titles (the texts in `lang` when the inventory holds them: model/device.h localized); every
// device string passes through text::escape_for_terminal.
std::string diff_to_text(const ScanDiff& diff, std::string_view lang = "en");

}  // namespace anshin::store
