// RegistryProber: the scan engine's HostProber, running every registered probe that applies to each
// open port of a host: the service probes side by side, then the probes that build on what they found
// side by side (prober.cc identify()), at most kMaxProbeConnections connections to the host at once;
// records in registry order.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <vector>

#include "net/dialer.h"
#include "probes/probe.h"
#include "net/host_prober.h"

namespace anshin::probes {

// Connections one host's identification may hold at once (the engine's per-host cap).
inline constexpr size_t kMaxProbeConnections = 4;

class RegistryProber final : public net::HostProber {
 public:
  // `dialer` must outlive the prober and run on the engine's event loop.
  RegistryProber(net::Dialer& dialer, std::chrono::milliseconds timeout) : dialer_(dialer), timeout_(timeout) {}
  boost::asio::awaitable<void> probe(HostRecord& host, const std::atomic<bool>& stop) override;
  // The intrusive pass on one host (intrusive_registry(), with ctx.intrusive = &plan); appends records.
  boost::asio::awaitable<void> probe_intrusive(HostRecord& host, const IntrusivePlan& plan,
                                               const std::atomic<bool>& stop);

 private:
  net::Dialer& dialer_;
  std::chrono::milliseconds timeout_;
};

// One host of the intrusive pass and what may be tried on it.
struct IntrusiveJob {
  HostRecord* host = nullptr;
  IntrusivePlan plan;
};

// Runs the intrusive pass after the sweep, on its own event loop and its own dialer (which reaches
// only addresses for which `in_scope` is true): `parallel` hosts at once, each host's checks one
// request at a time. SIGINT/SIGTERM (when handle_signals) or `stop` end it early (hosts not finished
// are marked interrupted).
void run_intrusive_pass(std::vector<IntrusiveJob>& jobs, net::ScopeCheck in_scope, std::chrono::milliseconds timeout,
                        int parallel, bool handle_signals, std::atomic<bool>& stop);

}  // namespace anshin::probes
