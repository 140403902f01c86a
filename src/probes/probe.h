// Probes observe; they never interpret. A probe talks one protocol to one port of one host through
// the Dialer and reports Observations (docs/observation-keys.md) in a ServiceRecord: no vendor logic,
// no verdicts. Every probe is bounded in bytes and time, never throws, and never sends a request that
// changes device state. Probes run one after another per host (at most one connection to a host at a
// time during identification), in the order of registry.cc.
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

namespace anshin::probes {

enum class Intrusiveness { kPassive, kSafe, kIntrusive };  // intrusive only behind contract flags

struct ProbeInfo {
  std::string_view name;                  // "http", "rtsp", ...
  Intrusiveness level = Intrusiveness::kSafe;
  std::span<const std::string_view> emits;  // observation keys this probe can emit
};

struct ProbeContext {
  net::Dialer& dialer;
  HostRecord& host;                       // read what earlier probes found; the runner appends records
  std::chrono::milliseconds timeout{3000};  // per exchange (connect + request + reply)
  const std::atomic<bool>& stop;
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
