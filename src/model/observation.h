// The probe -> knowledge-base contract. A probe reports what it saw as Observations: a field key
// from data/vocab/fields.yaml (e.g. "http.header.server"), the raw value exactly as the device sent
// it (already bounded by the probe, not escaped), and where it was seen. Probes never interpret.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/ip.h"
#include "core/result.h"

namespace anshin {

enum class Transport : uint8_t { kTcp, kUdp };
const char* transport_name(Transport t);

struct Observation {
  std::string key;    // e.g. "rtsp.header.server", "onvif.scope.hardware", "sadp.software_version"
  std::string value;  // device bytes, bounded; may contain anything (escape before display)
  uint16_t port = 0;  // where it was seen (0 when not port-bound, e.g. a neighbour-table MAC)
  std::string probe;  // which probe emitted it, e.g. "http", "sadp"
};

// Closed set of outcomes for one probe on one endpoint (zgrab2's status enum).
enum class ProbeStatus : uint8_t {
  kSuccess,           // spoke the protocol and produced observations
  kRefused,           // connection refused
  kTimeout,           // no (complete) answer in time
  kClosed,            // peer closed or reset before a complete answer
  kTlsError,          // TLS handshake failed
  kProtocolMismatch,  // something answered, but not this protocol
  kAuthRequired,      // the protocol answered, but only with an authentication challenge
  kAppError,          // protocol-level error reply (e.g. SOAP fault)
  kOutOfScope,        // the probe would have had to leave the allowed scope (e.g. foreign XAddr)
  kSkipped,           // not run (budget exhausted, not applicable)
};
const char* probe_status_name(ProbeStatus s);

// One probe's result on one port of one host.
struct ServiceRecord {
  std::string probe;               // "http", "rtsp", "onvif", ...
  uint16_t port = 0;
  Transport transport = Transport::kTcp;
  ProbeStatus status = ProbeStatus::kSkipped;
  std::string protocol;            // what actually answered: "http", "https", "rtsp", "telnet", ...
  bool tls = false;
  std::vector<Observation> observations;
  std::optional<Error> error;      // set when status is not kSuccess/kAuthRequired
};

// A UDP discovery reply, before it is attributed to a host.
struct DiscoveryReply {
  IpAddr from;
  uint16_t from_port = 0;
  uint16_t probe_port = 0;         // the well-known port the probe went to (3702, 37020, ...)
  std::string protocol;            // "wsd", "sadp", "dhip", "ssdp"
  std::string payload;             // raw datagram bytes
};

// Everything observed about one address during a scan: the input to identification.
struct HostRecord {
  IpAddr address;
  std::vector<uint16_t> open_tcp_ports;  // ascending
  std::vector<ServiceRecord> services;   // probe results, including UDP discovery
  std::optional<std::string> mac;        // "aa:bb:cc:dd:ee:ff" when learned
  bool interrupted = false;              // probing was cut short by Ctrl-C
  // The host accepted a connection on kCanaryPort too (model/ports.h): open_tcp_ports and services hold
  // only what spoke; the ports that merely accepted were dropped.
  bool accepts_any_port = false;
};

// Whether a probe's result shows that something spoke on the port (an answer, even a wrong or refusing
// one), not merely that a connection was accepted.
bool service_spoke(const ServiceRecord& s);

}  // namespace anshin
