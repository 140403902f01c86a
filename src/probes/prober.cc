#include "probes/prober.h"

#include "probes/registry.h"

namespace anshin::probes {

boost::asio::awaitable<void> RegistryProber::probe(HostRecord& host, const std::atomic<bool>& stop) {
  ProbeContext ctx{dialer_, host, timeout_, stop};
  for (const auto& probe : registry()) {
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

}  // namespace anshin::probes
