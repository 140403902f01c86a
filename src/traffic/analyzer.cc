#include "traffic/analyzer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <tuple>

#include "codec/auth/auth.h"
#include "codec/dhcp/dhcp.h"
#include "codec/dns/dns.h"
#include "codec/http/http.h"
#include "codec/http/request_head.h"
#include "codec/tls/client_hello.h"
#include "discovery/replies.h"

namespace anshin::traffic {

namespace packet = codec::packet;

namespace {
uint64_t mix64(uint64_t x) {  // splitmix64's finaliser: every input bit reaches every output bit
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
}  // namespace

size_t IpHash::operator()(const IpAddr& a) const noexcept {
  if (a.is_v4()) return static_cast<size_t>(mix64(a.v4_value()));
  uint64_t hi = 0, lo = 0;
  for (size_t i = 0; i < 8; ++i) {
    hi = (hi << 8) | a.v6_bytes()[i];
    lo = (lo << 8) | a.v6_bytes()[8 + i];
  }
  return static_cast<size_t>(mix64(hi ^ mix64(lo)));
}

bool is_internal(const IpAddr& a) { return a.is_internal(); }

bool is_outside(const IpAddr& a) {
  if (a.is_internal()) return false;
  if (a.is_v4()) {
    const uint32_t v = a.v4_value();
    return v != 0 && v != 0xffffffffu && (v >> 28) != 0xe && (v >> 28) != 0xf;  // not multicast, reserved
  }
  return a.v6_bytes()[0] != 0xff && a != IpAddr::v6({});
}

// ------------------------------------------------------------------------------------------- flows
namespace {

struct FlowKey {
  IpAddr a, b;        // a <= b (with ports): the same key for both directions
  uint16_t pa = 0, pb = 0;
  uint8_t proto = 0;
  bool operator==(const FlowKey&) const = default;
};

struct FlowKeyHash {
  size_t operator()(const FlowKey& k) const noexcept {
    const IpHash h;
    return mix64(h(k.a) ^ (h(k.b) * 31) ^ (static_cast<uint64_t>(k.pa) << 24 | static_cast<uint64_t>(k.pb) << 8 | k.proto));
  }
};

// One TCP/UDP flow, both directions. The host and contact pointers cache the lookups of its endpoints
// (hosts and contacts are never erased, and unordered_map nodes do not move).
struct Flow {
  int64_t last_us = 0;
  bool a_is_orig = true;
  bool closed = false;
  HostState* host_a = nullptr;  // the internal endpoint a, once it sent
  HostState* host_b = nullptr;
  Contact* contact = nullptr;   // internal <-> outside: the internal host's contact
  bool contact_looked_up = false;
  StreamPtr stream;             // DNS over TCP / telnet state, for those ports only
};

constexpr int64_t kIdleUs = 60LL * 1000000;

}  // namespace

struct Analyzer::Flows {
  std::unordered_map<FlowKey, Flow, FlowKeyHash> table;
};

Analyzer::Analyzer(const kb::ServiceTable& services, Limits limits)
    : services_(services), limits_(limits), flows_(std::make_unique<Flows>()) {}
Analyzer::~Analyzer() = default;

// ------------------------------------------------------------------------------------------- state
HostState* Analyzer::host(const IpAddr& address, int64_t time_us) {
  auto it = hosts_.find(address);
  if (it == hosts_.end()) {
    if (hosts_.size() >= limits_.max_hosts) {
      ++stats_.hosts_dropped;
      return nullptr;
    }
    it = hosts_.emplace(address, HostState{}).first;
    it->second.address = address;
    it->second.first_us = time_us;
  }
  HostState& h = it->second;
  if (time_us < h.first_us) h.first_us = time_us;
  if (time_us > h.last_us) h.last_us = time_us;
  return &h;
}

Contact* Analyzer::contact(HostState& h, const IpAddr& remote, int64_t time_us) {
  auto it = h.contacts.find(remote);
  if (it == h.contacts.end()) {
    if (h.contacts.size() >= limits_.max_contacts_per_host || total_contacts_ >= limits_.max_total_contacts) {
      ++stats_.contacts_dropped;
      return nullptr;
    }
    ++total_contacts_;
    it = h.contacts.emplace(remote, Contact{}).first;
    Contact& c = it->second;
    c.remote = remote;
    c.first_us = c.last_us = time_us;
    if (const auto* s = services_.by_address(remote)) {
      c.service = s;
      c.matched_by = "address";
    }
    if (auto r = h.resolved.find(remote); r != h.resolved.end()) {
      const std::string name = r->second;
      name_for(h, remote, name, "dns", time_us);
    }
  }
  Contact& c = it->second;
  if (time_us < c.first_us) c.first_us = time_us;
  if (time_us > c.last_us) c.last_us = time_us;
  return &c;
}

void Analyzer::name_for(HostState& h, const IpAddr& remote, std::string_view name, const char* how, int64_t time_us) {
  if (name.empty()) return;
  Contact* c = contact(h, remote, time_us);
  if (c == nullptr) return;
  if (std::find(c->names.begin(), c->names.end(), name) == c->names.end() && c->names.size() < limits_.max_names_per_contact)
    c->names.emplace_back(name);
  if (c->service == nullptr) {
    if (const auto* s = services_.by_name(name)) {
      c->service = s;
      c->matched_by = how;
    }
  }
}

void Analyzer::observation(int64_t time_us, const IpAddr& address, std::string key, std::string value, uint16_t port) {
  if (value.empty() || !is_internal(address)) return;
  HostState* h = host(address, time_us);
  if (h == nullptr) return;
  for (const auto& o : h->observations)
    if (o.key == key && o.value == value && o.port == port) return;
  if (h->observations.size() >= limits_.max_observations_per_host || total_observations_ >= limits_.max_total_observations) {
    ++stats_.observations_dropped;
    return;
  }
  ++total_observations_;
  h->observations.push_back({std::move(key), discovery::bounded_value(value), port, "traffic"});
}

// ------------------------------------------------------------------------------------- log events
void Analyzer::connection(const ConnectionRecord& r) {
  const int64_t end = r.time_us + std::max<int64_t>(r.duration_us, 0);
  if (is_internal(r.orig) && is_outside(r.resp)) {
    if (HostState* h = host(r.orig, r.time_us)) {
      host(r.orig, end);
      if (Contact* c = contact(*h, r.resp, r.time_us)) {
        ++c->connections;
        c->bytes_out += r.orig_bytes;
        c->bytes_in += r.resp_bytes;
        if (end > c->last_us) c->last_us = end;
        if (c->ports.size() < 8 && std::find(c->ports.begin(), c->ports.end(), r.resp_port) == c->ports.end())
          c->ports.push_back(r.resp_port);
      }
    }
  }
  if (r.tcp && r.resp_answered && is_internal(r.resp)) {
    if (HostState* h = host(r.resp, r.time_us)) {
      auto& ports = h->open_tcp_ports;
      if (ports.size() < limits_.max_open_ports_per_host && std::find(ports.begin(), ports.end(), r.resp_port) == ports.end())
        ports.push_back(r.resp_port);
    }
  }
}

void Analyzer::dns_answer(int64_t time_us, const IpAddr& client, std::string_view name, const IpAddr& address) {
  if (!is_internal(client) || name.empty()) return;
  HostState* h = host(client, time_us);
  if (h == nullptr) return;
  if (auto it = h->resolved.find(address); it != h->resolved.end()) {
    it->second = std::string(name);
  } else if (h->resolved.size() < limits_.max_resolved_per_host && total_resolved_ < limits_.max_total_resolved) {
    ++total_resolved_;
    h->resolved.emplace(address, std::string(name));
  }
  if (h->contacts.count(address)) name_for(*h, address, name, "dns", time_us);
}

void Analyzer::dns_query(int64_t time_us, const IpAddr& client, std::string_view name) {
  const kb::VendorService* s = services_.by_name(name);
  if (s == nullptr || !is_internal(client)) return;
  HostState* h = host(client, time_us);
  if (h == nullptr) return;
  ServiceQuery& q = h->service_queries[s->id];
  if (q.queries++ == 0) q.first_us = time_us;
  q.service = s;
  q.first_us = std::min(q.first_us, time_us);
  q.last_us = std::max(q.last_us, time_us);
  if (q.names.size() < limits_.max_names_per_contact && std::find(q.names.begin(), q.names.end(), name) == q.names.end())
    q.names.emplace_back(name);
}

void Analyzer::tls_server_name(int64_t time_us, const IpAddr& client, const IpAddr& server, std::string_view name) {
  if (!is_internal(client) || !is_outside(server)) return;
  if (HostState* h = host(client, time_us)) name_for(*h, server, name, "tls", time_us);
}

void Analyzer::http_host(int64_t time_us, const IpAddr& client, const IpAddr& server, std::string_view host_header) {
  std::string_view name = host_header;
  if (!name.empty() && name.front() == '[') return;  // an IPv6 literal
  if (const size_t colon = name.rfind(':'); colon != std::string_view::npos) name = name.substr(0, colon);
  if (name.empty() || IpAddr::parse(name)) return;
  if (name.size() > 253) return;
  std::string lower(name);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool host_char = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_';
    if (!host_char) return;  // not a host name: nothing to match, nothing to show
  }
  if (!is_internal(client) || !is_outside(server)) return;
  if (HostState* h = host(client, time_us)) name_for(*h, server, lower, "http", time_us);
}

void Analyzer::http_user_agent(int64_t time_us, const IpAddr& client, uint16_t server_port, std::string_view agent) {
  observation(time_us, client, "http.request.user_agent", std::string(agent), server_port);
}

void Analyzer::cleartext_login(int64_t time_us, const IpAddr& client, const IpAddr& server, uint16_t port,
                               std::string_view protocol, std::string_view scheme) {
  for (const IpAddr* side : {&client, &server}) {
    if (!is_internal(*side)) continue;
    HostState* h = host(*side, time_us);
    if (h == nullptr) continue;
    auto it = std::find_if(h->cleartext.begin(), h->cleartext.end(), [&](const CleartextLogin& l) {
      return l.client == client && l.server == server && l.port == port && l.protocol == protocol && l.scheme == scheme;
    });
    if (it == h->cleartext.end()) {
      if (h->cleartext.size() >= limits_.max_cleartext_per_host) continue;
      h->cleartext.push_back({client, server, port, std::string(protocol), std::string(scheme), time_us, time_us, 0});
      it = h->cleartext.end() - 1;
    }
    ++it->count;
    it->first_us = std::min(it->first_us, time_us);
    it->last_us = std::max(it->last_us, time_us);
  }
}

// ------------------------------------------------------------------------------------- capture path
namespace {

bool usable_mac(const std::array<uint8_t, 6>& m) {
  if (m[0] & 0x01) return false;  // group address
  return std::any_of(m.begin(), m.end(), [](uint8_t b) { return b != 0; });
}

}  // namespace

struct FlowStep {
  Flow* flow = nullptr;
  bool opened = false;          // the packet opens a new connection
  bool sender_is_orig = true;   // ...and its sender is the side that opened the flow
  bool sender_is_a = true;
};

// Flow bookkeeping of one TCP/UDP packet.
static FlowStep track_flow(std::unordered_map<FlowKey, Flow, FlowKeyHash>& table, const packet::Frame& f,
                           int64_t time_us, Stats& stats, size_t max_flows) {
  FlowKey k{f.src, f.dst, f.src_port, f.dst_port, f.protocol};
  const bool swapped = std::tie(k.b, k.pb) < std::tie(k.a, k.pa);
  if (swapped) {
    std::swap(k.a, k.b);
    std::swap(k.pa, k.pb);
  }
  if (table.size() >= max_flows) {
    ++stats.flow_sweeps;
    std::erase_if(table, [&](const auto& e) { return time_us - e.second.last_us > kIdleUs || e.second.closed; });
    if (table.size() > max_flows / 2) {  // a sweep must free half the table, or the next insert sweeps again
      ++stats.flow_table_resets;
      table.clear();
    }
  }
  const bool syn = f.protocol == packet::kTcp && (f.tcp_flags & packet::kTcpSyn);
  const bool ack = f.tcp_flags & packet::kTcpAck;
  auto [it, inserted] = table.try_emplace(k);
  Flow& flow = it->second;
  FlowStep step{&flow, inserted || (syn && !ack && (flow.closed || time_us - flow.last_us > kIdleUs)), true, !swapped};
  if (step.opened) {
    bool sender_orig = true;
    if (syn) sender_orig = !ack;                           // SYN: the sender; SYN-ACK: the receiver
    else if (inserted) sender_orig = f.src_port >= f.dst_port;  // mid-stream: the ephemeral (higher) port opened it
    flow.a_is_orig = swapped ? !sender_orig : sender_orig;
    flow.closed = false;
  }
  flow.last_us = time_us;
  if (f.protocol == packet::kTcp && (f.tcp_flags & (packet::kTcpFin | packet::kTcpRst))) flow.closed = true;
  step.sender_is_orig = swapped ? !flow.a_is_orig : flow.a_is_orig;
  return step;
}

namespace {
void touch(HostState& h, int64_t time_us) {
  if (time_us < h.first_us) h.first_us = time_us;
  if (time_us > h.last_us) h.last_us = time_us;
}
void touch(Contact& c, int64_t time_us) {
  if (time_us < c.first_us) c.first_us = time_us;
  if (time_us > c.last_us) c.last_us = time_us;
}
}  // namespace

void Analyzer::packet(int64_t time_us, const packet::Frame& f) {
  ++stats_.packets;
  if (f.truncated) ++stats_.truncated;
  if (f.fragment || (f.protocol != packet::kTcp && f.protocol != packet::kUdp)) {
    if (HostState* h = is_internal(f.src) ? host(f.src, time_us) : nullptr; h && f.has_mac && !h->mac && usable_mac(f.src_mac))
      h->mac = packet::mac_text(f.src_mac);
    return;
  }
  const FlowStep step = track_flow(flows_->table, f, time_us, stats_, limits_.max_flows);
  Flow& flow = *step.flow;
  HostState*& src_slot = step.sender_is_a ? flow.host_a : flow.host_b;
  if (src_slot == nullptr && is_internal(f.src)) src_slot = host(f.src, time_us);
  HostState* src_host = src_slot;
  if (src_host) {
    touch(*src_host, time_us);
    if (f.has_mac && !src_host->mac && usable_mac(f.src_mac)) src_host->mac = packet::mac_text(f.src_mac);
  }
  // Bytes and connections between an internal host and an outside address.
  if (!flow.contact_looked_up) {
    flow.contact_looked_up = true;
    if (src_host && is_outside(f.dst)) {
      flow.contact = contact(*src_host, f.dst, time_us);
    } else if (is_outside(f.src) && is_internal(f.dst)) {
      if (auto it = hosts_.find(f.dst); it != hosts_.end()) flow.contact = contact(it->second, f.src, time_us);
      else flow.contact_looked_up = false;  // the internal side has not spoken yet
    }
  }
  if (Contact* c = flow.contact) {
    touch(*c, time_us);
    const bool outbound = is_internal(f.src);
    (outbound ? c->bytes_out : c->bytes_in) += f.ip_length;
    if (step.opened && step.sender_is_orig == outbound) {
      ++c->connections;
      const uint16_t remote_port = outbound ? f.dst_port : f.src_port;
      if (c->ports.size() < 8 && std::find(c->ports.begin(), c->ports.end(), remote_port) == c->ports.end())
        c->ports.push_back(remote_port);
    }
  }
  if (f.protocol == packet::kTcp) {
    const uint8_t flags = f.tcp_flags;
    if (src_host && (flags & packet::kTcpSyn) && (flags & packet::kTcpAck)) {
      auto& ports = src_host->open_tcp_ports;
      if (ports.size() < limits_.max_open_ports_per_host && std::find(ports.begin(), ports.end(), f.src_port) == ports.end())
        ports.push_back(f.src_port);
    }
    if (!f.payload.empty() && !tcp_stream(time_us, f, step.sender_is_orig, flow.stream))
      payload(time_us, f, step.sender_is_orig, nullptr, nullptr);
  } else if (!f.payload.empty()) {
    udp_payload(time_us, f);
  }
}

// ------------------------------------------------------------------------------------------ finish
void Analyzer::finish() {
  std::map<std::string, std::vector<IpAddr>> by_mac;
  for (auto& [address, h] : hosts_)
    if (h.mac) by_mac[*h.mac].push_back(address);
  // A MAC that sent from many addresses is a router's: it says nothing about those hosts.
  for (const auto& [mac, addresses] : by_mac)
    if (addresses.size() > 4)
      for (const auto& a : addresses) hosts_[a].mac.reset();
  for (auto& [mac, facts] : dhcp_by_mac_) {
    std::optional<IpAddr> address;
    if (auto it = by_mac.find(mac); it != by_mac.end() && it->second.size() == 1) address = it->second.front();
    else if (auto d = dhcp_address_by_mac_.find(mac); d != dhcp_address_by_mac_.end()) address = d->second;
    if (!address) continue;
    HostState* h = host(*address, facts.first_us);
    if (h == nullptr) continue;
    h->mac = mac;
    for (auto& o : facts.observations) observation(facts.first_us, *address, o.key, o.value, o.port);
  }
}

}  // namespace anshin::traffic
