// `anshin lab`: serve the simulated fleet on loopback until SIGINT/SIGTERM (docs/lab.md).
#include <fmt/core.h>
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "lab/fleet.h"
#include "lab/server.h"

namespace anshin::cli {

int run_lab(const LabOptions& o) {
  auto net = lab::parse_loopback_cidr(o.bind);
  if (!net) return usage_error(net.error());
  auto fleet = lab::Fleet::load(o.fleet, o.fleet_dir.empty() ? std::nullopt : std::optional<std::string>(o.fleet_dir));
  if (!fleet) return usage_error(fleet.error());

  // Block the stop signals before the serving threads start, so they inherit the mask and sigwait() below
  // receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  lab::LabServer server;
  lab::ServeOptions so;
  so.bind = o.bind;
  so.scale = o.scale;
  so.log_file = o.log_file;
  so.threads = o.threads;
  if (auto r = server.start(*fleet, so); !r) return fail(r.error().code == Errc::kIo ? 2 : 1, with_prefix(r.error(), "lab: "));
  auto devices = server.devices();
  if (o.scale <= 0) {
    for (const auto& d : devices) {
      std::string ports;
      for (const auto& p : d.ports) {
        if (!ports.empty()) ports += ' ';
        ports += std::to_string(p.port) + "/" + p.transport + "(" + p.kind + (p.tls ? "+tls" : "") + ")";
      }
      std::printf("%-15s %-22s %s\n", d.address.c_str(), d.id.c_str(), ports.c_str());
    }
  }
  std::printf("%s\n", msg("cli.lab.serving", {{"devices", std::to_string(devices.size())},
                                               {"bind", o.bind},
                                               {"listeners", std::to_string(server.listener_count())},
                                               {"seconds", fmt::format("{:.2f}", server.start_seconds())}})
                         .c_str());
  std::fflush(stdout);
  if (!o.ready_file.empty()) {
    std::ofstream rf(o.ready_file);
    rf << "ready " << devices.size() << "\n";
    if (!rf) {
      server.stop();
      return usage_error("cli.lab.ready_file", {{"path", o.ready_file}});
    }
  }
  int sig = 0;
  sigwait(&set, &sig);
  server.stop();
  std::fprintf(stderr, "%s\n", msg("cli.lab.stopped", {{"signal", sig == SIGINT ? "SIGINT" : "SIGTERM"}}).c_str());
  return 0;
}

}  // namespace anshin::cli
