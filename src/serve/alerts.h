// Alerts on change: which alerts a newly finished scan raises against the finished scan before it, and their
// two wire forms (a signed webhook body, an RFC 5424 syslog line). Pure; alert_watch.h finds the scans, keeps
// the alerts in the inventory and delivers them.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/device.h"
#include "store/diff.h"

namespace anshin::serve {

struct Alert {
  // "device.new", "device.gone", "finding.new" (a critical or high security finding appeared on a known device),
  // "firmware.changed", "firmware.downgraded", "policy.maker_appeared" (a new device whose maker a policy names).
  std::string kind;
  // The same change gives the same key (kind, newer scan, device identity, finding): delivery sends a key once.
  std::string key;
  Severity severity = Severity::kInfo;
  std::string scan_id;                    // the newer scan
  std::string address;
  std::optional<std::string> mac;
  std::optional<std::string> manufacturer;
  std::optional<std::string> model;
  std::string detail;                     // finding id, "FROM -> TO" firmware, or the policy ids
};

// A firmware change is "firmware.downgraded" exactly when the diff flagged it (store::diff_scans with the
// knowledge base's FirmwareOrder, the same order /api/v1/diff and `anshin diff` use); otherwise "firmware.changed".
std::vector<Alert> alerts_for(const store::ScanDiff& diff);

// {"schema": "anshin.alert/1", "kind": ..., "key": ..., "severity": ..., "scan": ..., "device": {...}, "detail": ...}
std::string webhook_body(const Alert& alert);
// The X-Anshin-Signature header value: "sha256=" + hex HMAC-SHA256 of the body with the shared secret.
std::string webhook_signature(std::string_view secret, std::string_view body);
// One RFC 5424 line (facility local0, severity from the alert's), device strings with control characters shown
// as \xNN and SD-PARAM values escaped ("\", "\"", "]").
std::string syslog_line(const Alert& alert, std::string_view timestamp, std::string_view hostname);

}  // namespace anshin::serve
