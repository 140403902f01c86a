// RegistryProber: the scan engine's HostProber, running every registered probe that applies to each
// open port of a host, one at a time (one connection to the host at a time), in registry order.
#pragma once
#include <chrono>
#include <memory>

#include "net/dialer.h"
#include "scan/host_prober.h"

namespace anshin::probes {

class RegistryProber final : public scan::HostProber {
 public:
  // `dialer` must outlive the prober and run on the engine's event loop.
  RegistryProber(net::Dialer& dialer, std::chrono::milliseconds timeout) : dialer_(dialer), timeout_(timeout) {}
  boost::asio::awaitable<void> probe(HostRecord& host, const std::atomic<bool>& stop) override;

 private:
  net::Dialer& dialer_;
  std::chrono::milliseconds timeout_;
};

}  // namespace anshin::probes
