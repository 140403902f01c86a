#include <string_view>

#include "model/device.h"
#include "model/observation.h"

namespace anshin {

const char* transport_name(Transport t) { return t == Transport::kTcp ? "tcp" : "udp"; }

const char* probe_status_name(ProbeStatus s) {
  switch (s) {
    case ProbeStatus::kSuccess: return "success";
    case ProbeStatus::kRefused: return "refused";
    case ProbeStatus::kTimeout: return "timeout";
    case ProbeStatus::kClosed: return "closed";
    case ProbeStatus::kTlsError: return "tls-error";
    case ProbeStatus::kProtocolMismatch: return "protocol-mismatch";
    case ProbeStatus::kAuthRequired: return "auth-required";
    case ProbeStatus::kAppError: return "app-error";
    case ProbeStatus::kOutOfScope: return "out-of-scope";
    case ProbeStatus::kSkipped: return "skipped";
  }
  return "unknown";
}

bool service_spoke(const ServiceRecord& s) {
  if (!s.observations.empty()) return true;
  switch (s.status) {
    case ProbeStatus::kSuccess:
    case ProbeStatus::kAuthRequired:
    case ProbeStatus::kProtocolMismatch:
    case ProbeStatus::kAppError:
      return true;
    default:
      return false;
  }
}

static constexpr const char* kCategoryNames[] = {"camera", "nvr",      "dvr",   "encoder",
                                                 "intercom", "vms",    "other", "unknown"};

const char* category_name(Category c) { return kCategoryNames[static_cast<int>(c)]; }

std::optional<Category> parse_category(std::string_view name) {
  for (int i = 0; i < 8; ++i)
    if (name == kCategoryNames[i]) return static_cast<Category>(i);
  return std::nullopt;
}

static constexpr const char* kSeverityNames[] = {"info", "low", "medium", "high", "critical"};

const char* severity_name(Severity s) { return kSeverityNames[static_cast<int>(s)]; }

std::optional<Severity> parse_severity(std::string_view name) {
  for (int i = 0; i < 5; ++i)
    if (name == kSeverityNames[i]) return static_cast<Severity>(i);
  return std::nullopt;
}

}  // namespace anshin

namespace anshin {
const char* maker_proof_name(MakerProof p) {
  switch (p) {
    case MakerProof::kNone: return "none";
    case MakerProof::kPossible: return "possible";
    case MakerProof::kIndicated: return "indicated";
    case MakerProof::kProven: return "proven";
  }
  return "none";
}

std::optional<MakerProof> parse_maker_proof(std::string_view name) {
  for (auto p : {MakerProof::kNone, MakerProof::kPossible, MakerProof::kIndicated, MakerProof::kProven})
    if (name == maker_proof_name(p)) return p;
  return std::nullopt;
}

ScanKind scan_kind(const ScanInfo& scan) {
  if (scan.targets.empty()) return ScanKind::kActive;
  for (const auto& t : scan.targets)
    if (t.rfind("pcap:", 0) != 0 && t.rfind("zeek:", 0) != 0) return ScanKind::kActive;
  return ScanKind::kTraffic;
}

const char* scan_kind_name(ScanKind kind) { return kind == ScanKind::kTraffic ? "traffic" : "active"; }

}  // namespace anshin
