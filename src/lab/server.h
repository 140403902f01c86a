// LabServer: serves a Fleet's personalities on loopback addresses, on its own threads (each with its own
// Asio io_context; no Asio in this header). Used by `anshin lab`, `anshin demo`, tests and benchmarks.
//
//   auto fleet = anshin::lab::Fleet::load("default");
//   anshin::lab::LabServer lab;
//   if (auto r = lab.start(*fleet, {.bind = "127.77.250.0/24"}); !r) ...;
//   for (const auto& d : lab.devices()) ...;   // address, personality id, ground truth, ports
//   lab.count({.address = "127.77.250.10", .method = "DESCRIBE"});
//   lab.stop();
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "lab/fleet.h"

namespace anshin::lab {

struct LabPort {
  uint16_t port = 0;
  std::string transport;  // "tcp" or "udp"
  std::string kind;       // http, rtsp, banner, silent, wsd, sadp, dhip, ssdp
  bool tls = false;
};

struct LabDevice {
  std::string address;    // "127.77.0.10"
  std::string id;         // personality id
  int index = 0;          // replica number of this personality (0 without --scale)
  std::string mac;        // "44:19:b6:00:00:00", "" when the personality has no mac_oui
  Expect expect;          // rendered ground truth
  std::vector<LabPort> ports;
};

// One request or datagram a device received.
struct LogEntry {
  double time = 0;        // seconds since the Unix epoch
  std::string address;    // device address
  std::string device;     // personality id
  uint16_t port = 0;
  std::string transport;  // tcp / udp
  std::string kind;       // service kind
  std::string method;     // GET, POST, DESCRIBE, ...; "DATA" on banner/silent ports; the probe kind on UDP
  std::string target;     // path[?query] (HTTP/RTSP, RTSP URLs reduced to the path); "" otherwise
  std::string op;         // SOAP operation / JSON-RPC method of a POST body, the first line of banner data
  int status = 0;         // reply status (0 = no reply)
  bool authorization = false;  // the request carried an Authorization header (a login attempt)
};

struct LogQuery {
  std::optional<std::string> address, device, kind, method, target, op;
  std::optional<uint16_t> port;
  std::optional<bool> authorization;  // only requests with (true) / without (false) an Authorization header
  bool matches(const LogEntry& e) const;
};

struct ServeOptions {
  std::string bind = "127.77.0.0/24";
  int scale = 0;          // 0 = the fleet as written (address = network + suffix); N = N devices round-robin
  std::string log_file;   // JSON lines, one per LogEntry; "" = none
  int threads = 2;        // io_context threads; devices are spread over them
  size_t log_memory = 200000;  // entries kept in memory for log(); count() keeps counting beyond
  // Also answer WS-Discovery, SADP, DHIP and SSDP probes sent to their multicast groups, as devices on a
  // segment do. Takes effect only where loopback carries multicast (a test's network namespace, e.g.
  // tests/integration/multicast_netns.py); on a stock host lo has no IFF_MULTICAST and nothing joins a group.
  // Replies still go only to 127/8 senders (or, with `reply_to: group`, to the group on lo).
  bool multicast = true;
};

// A loopback IPv4 network: the one-line error for anything outside 127.0.0.0/8.
struct LoopbackNet {
  uint32_t network = 0;   // host order
  int prefix = 0;
  uint64_t size() const { return uint64_t{1} << (32 - prefix); }
};
Result<LoopbackNet> parse_loopback_cidr(std::string_view cidr);

class LabServer {
 public:
  LabServer();
  ~LabServer();
  LabServer(const LabServer&) = delete;
  LabServer& operator=(const LabServer&) = delete;

  // Binds every listener, then returns; serving continues on background threads until stop().
  // Errors: kOutOfScope (bind outside 127/8), kInvalidInput (fleet does not fit), kIo (bind failed;
  // the message names address:port and says when root is needed). These are keyed (error.lab.* in
  // data/i18n): the command line shows them in the user's language.
  Result<void> start(const Fleet& fleet, const ServeOptions& options);
  Result<void> start(const Fleet& fleet, std::string bind, int scale = 0) {
    ServeOptions o;
    o.bind = std::move(bind);
    o.scale = scale;
    return start(fleet, o);
  }
  void stop();
  bool running() const;

  std::vector<LabDevice> devices() const;
  size_t listener_count() const;     // TCP listeners + UDP sockets
  size_t multicast_groups() const;   // group sockets joined on loopback (0 outside a namespace)
  double start_seconds() const;      // wall time start() took

  // No filter: every entry since start / clear_log(); with a filter: over the entries kept in memory.
  uint64_t count(const LogQuery& q = {}) const;
  std::vector<LogEntry> log(const LogQuery& q = {}) const;  // the entries kept in memory
  void clear_log();
  uint64_t connections() const;      // TCP connections accepted

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace anshin::lab
