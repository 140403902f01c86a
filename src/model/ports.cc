#include "model/ports.h"

#include <algorithm>
#include <array>

namespace anshin {
namespace {

constexpr PortRole kPlain = PortRole::kPlain, kTls = PortRole::kTls;
constexpr PortRole kRtsp = PortRole::kRtsp, kBanner = PortRole::kBanner;

// Ascending by port. The alternates 2323 (telnet) and 8322 (RTSP) have a role but no conventional name:
// IANA assigns them to other services.
constexpr std::array<WellKnownPort, 22> kPorts = {{
    {21, "ftp", kBanner, true},
    {22, "ssh", kBanner, true},
    {23, "telnet", kBanner, true},
    {80, "http", kPlain, true},
    {81, "http", kPlain, true},
    {322, "rtsp", kRtsp, false},
    {443, "https", kTls, true},
    {554, "rtsp", kRtsp, true},
    {2323, "", kBanner, false},
    {5000, "http", kPlain, true},
    {5554, "rtsp", kRtsp, false},
    {8000, "hikvision-sdk", kPlain, true},
    {8001, "http", kPlain, true},
    {8080, "http", kPlain, true},
    {8081, "http", kPlain, true},
    {8322, "", kRtsp, false},
    {8443, "https", kTls, true},
    {8554, "rtsp", kRtsp, true},
    {8899, "onvif", kPlain, true},
    {9000, "reolink-baichuan", kPlain, true},
    {9100, "jetdirect", kPlain, false},
    {37777, "dahua-sdk", kPlain, true},
}};

}  // namespace

std::span<const WellKnownPort> well_known_ports() { return kPorts; }

const WellKnownPort* find_well_known_port(uint16_t port) {
  auto it = std::lower_bound(kPorts.begin(), kPorts.end(), port,
                             [](const WellKnownPort& row, uint16_t p) { return row.port < p; });
  return it != kPorts.end() && it->port == port ? &*it : nullptr;
}

std::string_view conventional_service(uint16_t port) {
  const WellKnownPort* row = find_well_known_port(port);
  return row && !row->service.empty() ? row->service : "unknown";
}

PortRole port_role(uint16_t port) {
  const WellKnownPort* row = find_well_known_port(port);
  return row ? row->role : PortRole::kPlain;
}

}  // namespace anshin
