// `anshin lab`: serve the simulated fleet on loopback until SIGINT/SIGTERM (docs/lab.md).
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "cli/commands.h"
#include "lab/fleet.h"
#include "lab/server.h"

namespace anshin::cli {

int run_lab(const LabOptions& o) {
  auto net = lab::parse_loopback_cidr(o.bind);
  if (!net) return usage_error(net.error().message);
  auto fleet = lab::Fleet::load(o.fleet, o.fleet_dir.empty() ? std::nullopt : std::optional<std::string>(o.fleet_dir));
  if (!fleet) return usage_error(fleet.error().message);

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
  if (auto r = server.start(*fleet, so); !r) {
    std::fprintf(stderr, "anshin: lab: %s\n", r.error().message.c_str());
    return r.error().code == Errc::kIo ? 2 : 1;
  }
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
  std::printf("lab: %zu devices on %s (%zu listeners, started in %.2f s), Ctrl-C to stop\n", devices.size(),
              o.bind.c_str(), server.listener_count(), server.start_seconds());
  std::fflush(stdout);
  if (!o.ready_file.empty()) {
    std::ofstream rf(o.ready_file);
    rf << "ready " << devices.size() << "\n";
    if (!rf) {
      server.stop();
      return usage_error("cannot write --ready-file " + o.ready_file);
    }
  }
  int sig = 0;
  sigwait(&set, &sig);
  server.stop();
  std::fprintf(stderr, "lab: stopped (%s)\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}

}  // namespace anshin::cli
