// The seam between the sweep and identification: after a host's ports are swept, the scan engine
// runs HostProber::probe() beside the sweep (the lane goes on). Implementations (src/probes) run their protocol probes
// on the host's open ports, append ServiceRecords, never throw, and keep at most kMaxConnectionsPerHost
// connections to the host at once. It lives in net/ so that probes/ and discovery/ implement it without
// depending on scan/ (docs/architecture.md). Asio-based: include only from .cc files.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <atomic>

#include "model/observation.h"

namespace anshin::net {

class HostProber {
 public:
  virtual ~HostProber() = default;
  // `stop` becomes true when the user interrupts: finish quickly, keep what was observed.
  virtual boost::asio::awaitable<void> probe(HostRecord& host, const std::atomic<bool>& stop) = 0;
};

// Work that runs beside the sweep on the engine's event loop (e.g. UDP discovery). The engine waits
// for every task before run() returns; a task must return soon after `stop` becomes true.
class BackgroundTask {
 public:
  virtual ~BackgroundTask() = default;
  virtual boost::asio::awaitable<void> run(const std::atomic<bool>& stop) = 0;
};

}  // namespace anshin::net
