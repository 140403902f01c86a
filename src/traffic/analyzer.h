// Passive evidence from traffic: what each internal host of a capture (or of Zeek logs) revealed about
// itself, and which outside services it talked to. Pure aggregation over already-decoded events; the
// pcap path feeds decoded frames (packet()), the Zeek path feeds log records (connection(), dns(), ...).
//
// Kept per internal host (loopback, RFC 1918, RFC 6598, ULA, link-local): observations with the keys of
// data/vocab/fields.yaml (DHCP options, SADP/DHIP/SSDP announcements, mDNS names, Server headers and
// realms of its HTTP/RTSP replies, its HTTP User-Agents, its listening TCP ports), its contacts (remote
// address -> names, first/last seen, connections, bytes each way, the vendor service matched), and the
// cleartext logins that crossed to or from it (protocol, scheme, peer, count: never the credentials).
// Payloads are read where they arrive and dropped: nothing but these summaries is kept. Two streams are
// followed across TCP segments (analyzer_streams.cc): DNS over TCP (port 53; its messages count like UDP
// DNS) and telnet (23, 2323; a line typed after a password prompt is a cleartext login, its bytes counted,
// never kept).
//
// Memory is bounded by Limits, whatever the input: beyond a limit new hosts, contacts, names or
// observations are not added (Stats counts what was dropped), and a full flow table is swept of idle and
// closed flows, or cleared when that frees less than half of it (a connection seen again after a clear
// is counted again).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codec/packet/packet.h"
#include "core/ip.h"
#include "kb/services.h"
#include "model/observation.h"

namespace anshin::traffic {

// Per-connection reassembly state of the streams read across segments (DNS over TCP, telnet logins):
// analyzer_streams.cc. Held by the capture path's flow table, at most Limits::max_streams at a time.
struct StreamState;
struct StreamStateDeleter {
  void operator()(StreamState* s) const noexcept;
};
using StreamPtr = std::unique_ptr<StreamState, StreamStateDeleter>;

struct IpHash {
  size_t operator()(const IpAddr& a) const noexcept;
};

struct Limits {
  size_t max_hosts = 65536;
  size_t max_contacts_per_host = 4096;
  size_t max_flows = 262144;
  size_t max_observations_per_host = 256;
  size_t max_names_per_contact = 8;
  size_t max_resolved_per_host = 8192;
  size_t max_cleartext_per_host = 64;
  size_t max_open_ports_per_host = 64;
  size_t max_streams = 4096;             // connections followed across segments at once (DNS/TCP, telnet)
  // Totals over all hosts, so that many hosts cannot multiply the per-host limits (about 200 MB at most).
  size_t max_total_contacts = 1 << 20;
  size_t max_total_resolved = 1 << 20;
  size_t max_total_observations = 1 << 20;
};

struct Contact {
  IpAddr remote;
  std::vector<std::string> names;        // DNS / SNI / Host names seen for it, first ones kept
  const kb::VendorService* service = nullptr;
  std::string matched_by;                // "dns", "tls", "http", "address"
  int64_t first_us = 0, last_us = 0;
  uint64_t connections = 0;              // flows the internal host opened to it
  uint64_t bytes_out = 0, bytes_in = 0;  // IP bytes from / to the internal host
  std::vector<uint16_t> ports;           // remote ports, first 8
};

// A vendor name the host asked its resolver for (the service it is about to reach, even when the
// capture holds no connection after it).
struct ServiceQuery {
  const kb::VendorService* service = nullptr;
  std::vector<std::string> names;
  int64_t first_us = 0, last_us = 0;
  uint64_t queries = 0;
};

struct CleartextLogin {
  IpAddr client, server;
  uint16_t port = 0;
  std::string protocol;                  // "http", "rtsp", "ftp", "telnet"
  std::string scheme;                    // "Basic", "USER/PASS", "login/password"
  int64_t first_us = 0, last_us = 0;
  uint64_t count = 0;
};

struct HostState {
  IpAddr address;
  std::optional<std::string> mac;        // from Ethernet frames it sent, or DHCP
  int64_t first_us = 0, last_us = 0;
  std::vector<Observation> observations; // probe "traffic"
  std::vector<uint16_t> open_tcp_ports;  // ports it answered a SYN on
  std::unordered_map<IpAddr, Contact, IpHash> contacts;     // outside addresses it talked to
  std::unordered_map<IpAddr, std::string, IpHash> resolved; // its DNS answers: address -> name
  std::map<std::string, ServiceQuery> service_queries;      // by service id
  std::vector<CleartextLogin> cleartext;
};

struct Stats {
  uint64_t packets = 0, undecoded = 0, truncated = 0;
  uint64_t records = 0;                  // Zeek log records read
  uint64_t hosts_dropped = 0, contacts_dropped = 0, observations_dropped = 0;
  uint64_t flow_sweeps = 0, flow_table_resets = 0;
  uint64_t streams_dropped = 0;          // connections not followed: max_streams were in use
  uint64_t dns_tcp_messages = 0, dns_tcp_lost = 0;  // DNS/TCP messages read; directions ended by a gap
};

// One Zeek conn.log record (or any connection summary).
struct ConnectionRecord {
  int64_t time_us = 0, duration_us = 0;
  IpAddr orig, resp;
  uint16_t orig_port = 0, resp_port = 0;
  bool tcp = true;
  uint64_t orig_bytes = 0, resp_bytes = 0;   // IP bytes when known, else payload bytes
  bool resp_answered = false;                // the responder sent something (a listening port)
};

class Analyzer {
 public:
  // `services` must outlive the analyzer (it is usually the knowledge base's).
  explicit Analyzer(const kb::ServiceTable& services, Limits limits = {});
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // ---- capture path ----
  void packet(int64_t time_us, const codec::packet::Frame& frame);
  void undecoded_packet() { ++stats_.undecoded; ++stats_.packets; }

  // ---- log path (also used by packet()) ----
  void connection(const ConnectionRecord& c);
  void dns_answer(int64_t time_us, const IpAddr& client, std::string_view name, const IpAddr& address);
  void dns_query(int64_t time_us, const IpAddr& client, std::string_view name);
  void tls_server_name(int64_t time_us, const IpAddr& client, const IpAddr& server, std::string_view name);
  void http_host(int64_t time_us, const IpAddr& client, const IpAddr& server, std::string_view host);
  void http_user_agent(int64_t time_us, const IpAddr& client, uint16_t server_port, std::string_view agent);
  void cleartext_login(int64_t time_us, const IpAddr& client, const IpAddr& server, uint16_t port,
                       std::string_view protocol, std::string_view scheme);
  void observation(int64_t time_us, const IpAddr& host, std::string key, std::string value, uint16_t port);
  void record_read() { ++stats_.records; }

  // After the last event: DHCP facts seen by MAC are attached to the address that MAC used.
  void finish();

  const std::unordered_map<IpAddr, HostState, IpHash>& hosts() const { return hosts_; }
  const Stats& stats() const { return stats_; }
  const Limits& limits() const { return limits_; }

  struct Flows;  // the capture path's flow table (analyzer.cc)

 private:
  HostState* host(const IpAddr& address, int64_t time_us);
  Contact* contact(HostState& h, const IpAddr& remote, int64_t time_us);
  void name_for(HostState& h, const IpAddr& remote, std::string_view name, const char* how, int64_t time_us);
  void payload(int64_t time_us, const codec::packet::Frame& f, bool from_client, HostState* client_host,
               HostState* server_host);
  void udp_payload(int64_t time_us, const codec::packet::Frame& f);
  void unicast_dns(int64_t time_us, std::string_view message, const IpAddr& src, const IpAddr& dst);
  // True when the segment belongs to a stream followed across segments (DNS on port 53, telnet on 23 or
  // 2323) and was read here.
  bool tcp_stream(int64_t time_us, const codec::packet::Frame& f, bool from_client, StreamPtr& state);
  void dhcp(int64_t time_us, const codec::packet::Frame& f);

  const kb::ServiceTable& services_;
  Limits limits_;
  Stats stats_;
  std::unordered_map<IpAddr, HostState, IpHash> hosts_;
  // DHCP facts by client MAC until the MAC's address is known; MAC -> addresses it sent from.
  struct DhcpFacts {
    int64_t first_us = 0;
    std::vector<Observation> observations;
  };
  std::map<std::string, DhcpFacts> dhcp_by_mac_;
  std::map<std::string, IpAddr> dhcp_address_by_mac_;
  std::unique_ptr<Flows> flows_;
  size_t total_contacts_ = 0, total_resolved_ = 0, total_observations_ = 0;
  size_t live_streams_ = 0;
};

// An address the analysis keeps state for: loopback, private, shared or link-local.
bool is_internal(const IpAddr& a);
// An address that can be "outside": not internal, not multicast, broadcast or unspecified.
bool is_outside(const IpAddr& a);

}  // namespace anshin::traffic
