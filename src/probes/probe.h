// Probes observe; they never interpret. A probe talks one protocol to one port of one host through
// the Dialer and reports Observations (docs/observation-keys.md) in a ServiceRecord: no vendor logic,
// no verdicts. Every probe is bounded in bytes and time, never throws, and never sends a request that
// changes device state. A probe holds at most one connection at a time; the prober runs several probes
// of a host side by side (at most kMaxProbeConnections, prober.h), in stages given by registry.h.
//
// Adding a protocol: one folder here with a make_<name>_probe() factory, and one line in registry.cc.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/observation.h"
#include "net/dialer.h"
#include "net/rtt.h"

namespace anshin::probes {

enum class Intrusiveness { kPassive, kSafe, kIntrusive };  // intrusive only behind contract flags

struct ProbeInfo {
  std::string_view name;                  // "http", "rtsp", ...
  Intrusiveness level = Intrusiveness::kSafe;
  std::span<const std::string_view> emits;  // observation keys this probe can emit
};

// ---- intrusive checks (only with --check-default-creds / --credentials / --check-cves-active) ----
// The pipeline decides what may be tried on a host (from the verdict and data/credentials/) and passes
// it here; probes never read the knowledge base. `password` is a secret: it is sent to the device in
// an Authorization header and nowhere else (never observed, logged, stored or printed).
struct CredentialCandidate {
  std::string username;
  std::string password;
  std::string origin;  // "default" (data/credentials/defaults.yaml) | "credentials-file" (--credentials)
  std::string ref;     // what a finding cites: "defaults.yaml csv:2 (confidence manual; source ...)"
};

struct IntrusivePlan {
  std::vector<CredentialCandidate> credentials;  // in order; at most kMaxLoginAttempts are tried
  std::vector<std::string> active_cves;          // CVE ids whose read-only active check may be sent
  std::string skip_reason;                       // non-empty: no login attempt at all (e.g. not activated)
  std::string login_path = "/";                  // a read-only GET behind the login (ISAPI deviceInfo, ...)
  bool empty() const { return credentials.empty() && active_cves.empty() && skip_reason.empty(); }
};

inline constexpr int kMaxLoginAttempts = 3;  // per device per scan (docs/assessment.md)

struct ProbeContext {
  net::Dialer& dialer;
  HostRecord& host;                       // read what earlier probes found; the runner appends records
  std::chrono::milliseconds timeout{3000};  // per exchange (connect + request + reply)
  const std::atomic<bool>& stop;
  const IntrusivePlan* intrusive = nullptr;  // set only for the intrusive pass (registry.h intrusive_registry)
  // How long this host takes to start answering a request, learnt from its earlier replies (shared by
  // the host's probes; null: nothing learnt). Bounds the wait of a guess (common.h read_reply_start).
  net::RttEstimator* replies = nullptr;
  net::Deadline deadline() const { return net::Clock::now() + timeout; }
};

class Probe {
 public:
  virtual ~Probe() = default;
  virtual const ProbeInfo& info() const = 0;
  // Whether this probe should run on `port`, given what earlier probes recorded in ctx.host.
  virtual bool applies(const ProbeContext& ctx, uint16_t port) const = 0;
  // One ServiceRecord for this port (status tells what happened). Never throws.
  virtual boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) = 0;
};

}  // namespace anshin::probes
