#include "probes/prober.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <algorithm>
#include <csignal>
#include <functional>
#include <optional>

#include "model/ports.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

namespace asio = boost::asio;

// One probe on one port; a probe bug (an exception) becomes an error record, never a crash.
asio::awaitable<ServiceRecord> run_one(Probe& probe, ProbeContext& ctx, uint16_t port) {
  try {
    co_return co_await probe.run(ctx, port);
  } catch (const std::exception& e) {
    ServiceRecord rec;
    rec.probe = std::string(probe.info().name);
    rec.port = port;
    rec.status = ProbeStatus::kAppError;
    rec.error = Error{Errc::kIo, std::string("probe failed: ") + e.what()};
    co_return rec;
  }
}

// The intrusive pass: every probe on every port it applies to, one at a time, in registry order.
asio::awaitable<void> run_probes(const std::vector<std::unique_ptr<Probe>>& probes, ProbeContext& ctx,
                                 HostRecord& host, const std::atomic<bool>& stop) {
  for (const auto& probe : probes) {
    for (uint16_t port : host.open_tcp_ports) {
      if (stop.load()) {
        host.interrupted = true;
        co_return;
      }
      if (!probe->applies(ctx, port)) continue;
      host.services.push_back(co_await run_one(*probe, ctx, port));
    }
  }
}

// Runs task(0) .. task(n - 1) with at most `width` of them at once; returns when all are done.
asio::awaitable<void> run_limited(size_t n, size_t width, const std::function<asio::awaitable<void>(size_t)>& task) {
  auto executor = co_await asio::this_coro::executor;
  size_t next = 0;
  size_t running = 0;
  asio::steady_timer all_done(executor);
  auto worker = [&]() -> asio::awaitable<void> {
    while (next < n) co_await task(next++);
  };
  for (size_t k = 0; k < std::min(n, width); ++k) {
    ++running;
    asio::co_spawn(executor, worker(), [&](std::exception_ptr) {
      if (--running == 0) all_done.cancel();
    });
  }
  while (running > 0) {
    all_done.expires_at(asio::steady_timer::time_point::max());
    co_await all_done.async_wait(asio::as_tuple(asio::use_awaitable));
  }
}

// Identification: first every service probe (registry()[0, service_probe_count())) on every port it
// applies to, side by side; then each later probe as its own chain over the ports (a chain sees what
// it found on earlier ports, e.g. onvif stops after its first success), the chains side by side. Each
// exchange holds one connection, so at most kMaxProbeConnections are open to the host at once.
// Records land in registry order, then port order, whatever order the exchanges finish in.
asio::awaitable<void> identify(ProbeContext& ctx, HostRecord& host, const std::atomic<bool>& stop) {
  net::RttEstimator replies;  // shared by the host's probes (ProbeContext::replies)
  ctx.replies = &replies;
  const auto& probes = registry();
  const size_t services = std::min(service_probe_count(), probes.size());
  std::vector<std::pair<Probe*, uint16_t>> jobs;
  for (size_t i = 0; i < services; ++i)
    for (uint16_t port : host.open_tcp_ports)
      if (probes[i]->applies(ctx, port)) jobs.emplace_back(probes[i].get(), port);
  std::vector<std::optional<ServiceRecord>> found(jobs.size());
  co_await run_limited(jobs.size(), kMaxProbeConnections, [&](size_t j) -> asio::awaitable<void> {
    if (stop.load()) co_return;
    ProbeContext own = ctx;  // a probe may adjust its own timeout
    found[j] = co_await run_one(*jobs[j].first, own, jobs[j].second);
  });
  for (auto& rec : found)
    if (rec) host.services.push_back(std::move(*rec));

  const size_t chains = probes.size() - services;
  std::vector<std::vector<ServiceRecord>> chained(chains);
  co_await run_limited(chains, kMaxProbeConnections, [&](size_t c) -> asio::awaitable<void> {
    Probe& probe = *probes[services + c];
    HostRecord view = host;  // what the service probes found, plus this chain's own records
    ProbeContext own{ctx.dialer, view, ctx.timeout, ctx.stop};
    own.replies = ctx.replies;
    for (uint16_t port : host.open_tcp_ports) {
      if (stop.load()) co_return;
      if (!probe.applies(own, port)) continue;
      view.services.push_back(co_await run_one(probe, own, port));
      chained[c].push_back(view.services.back());
    }
  });
  for (auto& records : chained)
    for (auto& rec : records) host.services.push_back(std::move(rec));
  if (stop.load()) host.interrupted = true;
}

// Whether a host with many open ports also accepts a connection on kCanaryPort (model/ports.h): one
// connection, closed at once, nothing sent. A host whose sweep already found the canary port open does
// not need it.
asio::awaitable<bool> accepts_any_port(net::Dialer& dialer, const HostRecord& host, std::chrono::milliseconds timeout) {
  if (host.open_tcp_ports.size() < kAcceptAnyCheckMinOpen) co_return false;
  if (std::binary_search(host.open_tcp_ports.begin(), host.open_tcp_ports.end(), kCanaryPort)) co_return true;
  auto stream = co_await dialer.connect(host.address, kCanaryPort, net::Clock::now() + timeout);
  co_return stream.has_value();
}

// On a host that accepts any port: only the services that spoke, and only their ports as open.
void keep_what_spoke(HostRecord& host) {
  std::erase_if(host.services, [](const ServiceRecord& s) { return !service_spoke(s); });
  std::vector<uint16_t> spoke;
  for (const auto& s : host.services)
    if (s.transport == Transport::kTcp) spoke.push_back(s.port);
  std::sort(spoke.begin(), spoke.end());
  spoke.erase(std::unique(spoke.begin(), spoke.end()), spoke.end());
  host.open_tcp_ports = std::move(spoke);
}

}  // namespace

boost::asio::awaitable<void> RegistryProber::probe(HostRecord& host, const std::atomic<bool>& stop) {
  ProbeContext ctx{dialer_, host, timeout_, stop};
  host.accepts_any_port = co_await accepts_any_port(dialer_, host, timeout_);
  co_await identify(ctx, host, stop);
  if (host.accepts_any_port) keep_what_spoke(host);
}

boost::asio::awaitable<void> RegistryProber::probe_intrusive(HostRecord& host, const IntrusivePlan& plan,
                                                             const std::atomic<bool>& stop) {
  ProbeContext ctx{dialer_, host, timeout_, stop};
  ctx.intrusive = &plan;
  co_await run_probes(intrusive_registry(), ctx, host, stop);
}

void run_intrusive_pass(std::vector<IntrusiveJob>& jobs, net::ScopeCheck in_scope, std::chrono::milliseconds timeout,
                        int parallel, bool handle_signals, std::atomic<bool>& stop) {
  if (jobs.empty()) return;
  boost::asio::io_context io;
  auto dialer = net::make_tcp_dialer(io.get_executor(), std::move(in_scope));
  RegistryProber prober(*dialer, timeout);
  std::optional<boost::asio::signal_set> signals;
  if (handle_signals) {
    signals.emplace(io, SIGINT, SIGTERM);
    signals->async_wait([&stop](const boost::system::error_code& ec, int) {
      if (!ec) stop = true;
    });
  }
  size_t next = 0;
  int running = 0;
  auto lane = [&]() -> boost::asio::awaitable<void> {
    while (next < jobs.size()) {
      IntrusiveJob& job = jobs[next++];
      if (stop.load()) {
        job.host->interrupted = true;
        continue;
      }
      co_await prober.probe_intrusive(*job.host, job.plan, stop);
    }
    if (--running == 0 && signals) signals->cancel();
  };
  const int lanes = std::max(1, std::min<int>(parallel, static_cast<int>(jobs.size())));
  running = lanes;
  for (int i = 0; i < lanes; ++i) boost::asio::co_spawn(io, lane(), boost::asio::detached);
  io.run();
}

}  // namespace anshin::probes
