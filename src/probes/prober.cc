#include "probes/prober.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <csignal>

#include "probes/registry.h"

namespace anshin::probes {
namespace {

boost::asio::awaitable<void> run_probes(const std::vector<std::unique_ptr<Probe>>& probes, ProbeContext& ctx,
                                        HostRecord& host, const std::atomic<bool>& stop) {
  for (const auto& probe : probes) {
    for (uint16_t port : host.open_tcp_ports) {
      if (stop.load()) {
        host.interrupted = true;
        co_return;
      }
      if (!probe->applies(ctx, port)) continue;
      ServiceRecord rec;
      try {
        rec = co_await probe->run(ctx, port);
      } catch (const std::exception& e) {  // a probe bug must not take the scan down
        rec.probe = std::string(probe->info().name);
        rec.port = port;
        rec.status = ProbeStatus::kAppError;
        rec.error = Error{Errc::kIo, std::string("probe failed: ") + e.what()};
      }
      host.services.push_back(std::move(rec));
    }
  }
}

}  // namespace

boost::asio::awaitable<void> RegistryProber::probe(HostRecord& host, const std::atomic<bool>& stop) {
  ProbeContext ctx{dialer_, host, timeout_, stop};
  co_await run_probes(registry(), ctx, host, stop);
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
