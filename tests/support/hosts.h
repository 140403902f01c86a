// Host records for unit tests: what the probes and discovery would have recorded, built by hand.
//
//   HostRecord h = testing::host("192.0.2.10", {80, 554},
//                                {testing::service("http", 80, {{"http.status", "200"}}),
//                                 testing::service("sadp", 37020, {{"sadp.activated", "false"}})});
//
// A record whose probe is a UDP discovery protocol (wsd, sadp, dhip, ssdp) gets Transport::kUdp.
// The lab fleet (lab/fleets/default.yaml) is the end-to-end source of such records; unit tests of
// modules below lab (assess, verdict, scan planning) build them here instead, because they may not
// depend on the lab (docs/architecture.md).
// Header-only: only *_test.cc files include it.
#pragma once
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/observation.h"

namespace anshin::testing {

// One probe's answer on a port: status kSuccess, protocol = the probe's name unless given, every
// observation on that port.
inline ServiceRecord service(std::string_view probe, uint16_t port,
                             std::vector<std::pair<std::string, std::string>> observations, bool tls = false,
                             std::string_view protocol = {}) {
  ServiceRecord s;
  s.probe = std::string(probe);
  s.port = port;
  s.status = ProbeStatus::kSuccess;
  s.protocol = std::string(protocol.empty() ? probe : protocol);
  s.tls = tls;
  for (const std::string_view udp : {"wsd", "sadp", "dhip", "ssdp"})
    if (probe == udp) s.transport = Transport::kUdp;
  for (auto& [key, value] : observations) s.observations.push_back({key, value, port, std::string(probe)});
  return s;
}

// A host with its open TCP ports (ascending) and what answered.
inline HostRecord host(std::string_view address, std::vector<uint16_t> open_tcp_ports,
                       std::vector<ServiceRecord> services = {}) {
  HostRecord h;
  if (auto a = IpAddr::parse(address)) h.address = *a;
  h.open_tcp_ports = std::move(open_tcp_ports);
  h.services = std::move(services);
  return h;
}

}  // namespace anshin::testing
