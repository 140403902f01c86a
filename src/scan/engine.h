// The scan engine: a single-threaded Boost.Asio event loop that sweeps TCP ports host by host, in the
// order of a pseudo-random permutation, with bounded global concurrency, at most
// kMaxConnectionsPerHost connections per host, an optional global connection rate, and per-connection
// deadlines measured from round trips (net/rtt.h: the host's own once it answered, else its /24's, else
// the --timeout ceiling; never below rtt_floor). Timed-out ports are retried only on hosts that
// answered something (loss is likely there): a second try always, more (up to `retries`) while the
// loss measured from answers that came only on a retry makes losing every attempt likely. An address
// that never answers costs one attempt per port, and one more round only when that loss makes "all of
// its first attempts lost" likely. When a host's sweep ends with open ports, its identification (the HostProber) runs beside the
// sweep while the lane goes on to its next host (as many hosts in identification as there are lanes). Ctrl-C (SIGINT/SIGTERM) stops new work, cancels what is in flight and returns what was
// found. No Asio types in this header.
#pragma once
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "model/observation.h"

namespace anshin::net {
class HostProber;
class BackgroundTask;
}  // namespace anshin::net

namespace anshin::scan {

inline constexpr int kMaxConnectionsPerHost = 4;

// A host to sweep and the ports to try on it.
struct HostTarget {
  IpAddr address;
  std::span<const uint16_t> ports;
};

// Where hosts come from: index -> host, in whatever order the caller wants them swept.
// Must be cheap and must not allocate per call (it is on the hot path).
class HostSource {
 public:
  virtual ~HostSource() = default;
  virtual uint64_t host_count() const = 0;
  virtual HostTarget host(uint64_t index) const = 0;
};

struct EngineOptions {
  int concurrency = 512;                        // connections in flight across all hosts
  double rate = 0;                              // new connections per second; 0 = unlimited
  std::chrono::milliseconds timeout{1000};      // per connection attempt: the ceiling, and the wait before any RTT sample
  std::chrono::milliseconds rtt_floor{100};     // the shortest deadline, however fast the network answers
  int retries = 5;                              // at most this many extra attempts after a timeout (engine.cc worth_retry)
  bool progress = false;                        // print a progress line on stderr
  std::string lang = "en";                      // language of the progress line (data/i18n scan.progress)
  bool handle_signals = true;                   // stop cleanly on SIGINT/SIGTERM
  uint64_t start_index = 0;                     // resume: hosts before this source index are done
};

struct EngineStats {
  uint64_t hosts_total = 0;
  uint64_t hosts_done = 0;
  uint64_t connects = 0;          // attempts, including retries
  uint64_t open = 0;
  uint64_t refused = 0;
  uint64_t timeouts = 0;          // attempts that hit the deadline
  uint64_t errors = 0;            // other failures (unreachable, resource limits)
  int max_inflight = 0;           // peak connections in flight
  int max_inflight_per_host = 0;  // peak connections in flight to one host (<= kMaxConnectionsPerHost)
  // Hosts that accepted a connection on every port tried, the unused canary port included, and where no
  // service said anything (a firewall's SYN proxy or a tarpit): not devices, not in the results.
  uint64_t accept_any_silent = 0;
  bool interrupted = false;       // stopped by a signal or request_stop()
  double seconds = 0;
};

// Hooks, all optional. Called on the engine's thread.
struct EngineObserver {
  std::function<void(const IpAddr&, uint16_t)> on_connect_start;  // every connection attempt (tests)
  std::function<void(const IpAddr&, uint16_t)> on_connect_end;
  // Skip this host (already stored by an interrupted scan being resumed).
  std::function<bool(const IpAddr&)> skip_host;
  // A host finished (swept and probed): `record` is null when it had no open port. `completed_prefix`
  // is the low-water mark: every host at source index < completed_prefix is finished. A host cut
  // short by a stop still arrives here (record->interrupted set) but does not advance the mark.
  std::function<void(HostRecord* record, uint64_t completed_prefix)> on_host_done;
};

using net::HostProber;      // net/host_prober.h (Asio-based); may be null: sweep only
using net::BackgroundTask;  // net/host_prober.h: work beside the sweep (UDP discovery)

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Runs to completion (or until stopped). `hosts` receives one HostRecord per host that had an
  // open port or that the prober found answering; records arrive in completion order.
  EngineStats run(const HostSource& source, HostProber* prober, std::vector<HostRecord>& hosts,
                  const EngineObserver* observer = nullptr, std::span<BackgroundTask* const> background = {});

  // Thread-safe; makes run() return soon with what it has.
  void request_stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anshin::scan
