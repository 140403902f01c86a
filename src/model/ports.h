// The well-known TCP ports of surveillance devices, in one table: the default port set (targets), the
// port roles the probes use (RTSP, TLS, server-first banner) and the name shown for an open port that no
// probe identified (scan). Sources:
//   IANA service name registry https://www.iana.org/assignments/service-names-port-numbers/ (21, 22, 23,
//   80, 443, 554); RTSP alternates 8554/5554/322/8322: cameradar's default ports
//   (https://github.com/Ullaakut/cameradar, README); 8000 Hikvision SDK "CommandPort":
//   https://github.com/cameronnewman/hikvision-tooling (internal/sadp); 37777 Dahua DVRIP, reported by DHIP
//   discovery as Port; 9000 Reolink "Baichuan": https://github.com/thirtythreeforty/neolink; 8899 ONVIF on
//   Xiongmai-based cameras: https://github.com/Ullaakut/cameradar/issues/481.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace anshin {

// A host that accepts a connection on kCanaryPort accepts connections on any port (a firewall's SYN proxy
// or a tarpit answers for it), so its open ports prove nothing: only services that say something count.
// 49151 is the last port of IANA's registered range and is itself "Reserved" in the IANA registry
// (https://www.iana.org/assignments/service-names-port-numbers/), so no service should listen there.
// Asked once, of hosts with at least kAcceptAnyCheckMinOpen open ports (cameras open a handful).
inline constexpr uint16_t kCanaryPort = 49151;
inline constexpr size_t kAcceptAnyCheckMinOpen = 8;

// What the probes do on a port before anything answered.
enum class PortRole : uint8_t {
  kPlain,   // plain TCP: the http probe tries it (the default for ports not listed)
  kTls,     // HTTPS: the web probes connect with TLS
  kRtsp,    // the RTSP probe's ports; the http probe leaves them alone
  kBanner,  // server-first protocols (FTP, SSH, telnet): the banner probe reads what they send
};

struct WellKnownPort {
  uint16_t port;
  std::string_view service;  // conventional name for an unidentified open port; "" = none ("unknown")
  PortRole role;
  bool scanned_by_default;   // in the default port set (-p omitted)
};

// Every row, ascending by port.
std::span<const WellKnownPort> well_known_ports();
// The row of `port`, nullptr when the table has none.
const WellKnownPort* find_well_known_port(uint16_t port);
// The name shown for an open port no probe identified: the row's service, else "unknown".
std::string_view conventional_service(uint16_t port);
// The role of `port` (kPlain when the table has no row).
PortRole port_role(uint16_t port);

}  // namespace anshin
