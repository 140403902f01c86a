#include "traffic/devices.h"

#include "core/clock.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "verdict/verdict.h"

namespace anshin::traffic {
namespace {

using Args = std::vector<std::pair<std::string, std::string>>;

// The protocol a passive observation came from, by its key's first part.
std::string protocol_of(const std::string& key) { return key.substr(0, key.find('.')); }

bool udp_protocol(const std::string& protocol) {
  return protocol == "dhcp" || protocol == "sadp" || protocol == "dhip" || protocol == "ssdp" || protocol == "upnp" ||
         protocol == "mdns";
}

std::string endpoint(const IpAddr& a, uint16_t port) {
  const std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
  return port ? host + ":" + std::to_string(port) : host;
}

std::string join(const std::vector<std::string>& items, const char* sep) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

struct Totals {
  int64_t first = 0, last = 0;
  uint64_t connections = 0, out = 0, in = 0;
  void add(const Contact& c) {
    first = first == 0 ? c.first_us : std::min(first, c.first_us);
    last = std::max(last, c.last_us);
    connections += c.connections;
    out += c.bytes_out;
    in += c.bytes_in;
  }
  void add_times(int64_t f, int64_t l) {
    first = first == 0 ? f : std::min(first, f);
    last = std::max(last, l);
  }
  void put(Args& args) const {
    args.push_back({"first", rfc3339(first)});
    args.push_back({"last", rfc3339(last)});
    args.push_back({"connections", std::to_string(connections)});
    args.push_back({"bytes_out", byte_text(out)});
    args.push_back({"bytes_in", byte_text(in)});
  }
};

std::string contact_text(const Contact& c) {
  std::string s = endpoint(c.remote, c.ports.empty() ? 0 : c.ports.front());
  if (!c.names.empty()) s += " (" + join(c.names, ", ") + ")";
  s += ", " + std::to_string(c.connections) + " conn., " + byte_text(c.bytes_out) + " out, " + byte_text(c.bytes_in) +
       " in, " + rfc3339(c.first_us) + " - " + rfc3339(c.last_us);
  return s;
}

std::optional<Finding> vendor_cloud_finding(const HostState& h, const DeviceOptions& o) {
  std::map<std::string, std::vector<const Contact*>> by_service;
  for (const auto& [remote, c] : h.contacts)
    if (c.service) by_service[c.service->id].push_back(&c);
  for (const auto& [id, q] : h.service_queries) by_service[id];
  if (by_service.empty()) return std::nullopt;
  Totals t;
  std::vector<std::string> services;
  std::vector<Evidence> evidence;
  for (auto& [id, contacts] : by_service) {
    std::sort(contacts.begin(), contacts.end(), [](auto* a, auto* b) { return a->remote < b->remote; });
    const kb::VendorService* s = contacts.empty() ? h.service_queries.at(id).service : contacts.front()->service;
    services.push_back(s->name);
    for (const Contact* c : contacts) {
      t.add(*c);
      evidence.push_back({"traffic.service", c->ports.empty() ? uint16_t{0} : c->ports.front(),
                          s->name + " by " + c->matched_by + ": " + contact_text(*c), {}, s->id});
    }
    if (auto q = h.service_queries.find(id); q != h.service_queries.end()) {
      t.add_times(q->second.first_us, q->second.last_us);
      evidence.push_back({"traffic.dns_query", 53,
                          s->name + ": " + std::to_string(q->second.queries) + " DNS quer" +
                              (q->second.queries == 1 ? "y" : "ies") + " for " + join(q->second.names, ", ") + ", " +
                              rfc3339(q->second.first_us) + " - " + rfc3339(q->second.last_us),
                          {}, s->id});
    }
  }
  Args args{{"services", join(services, ", ")}};
  t.put(args);
  Finding f = o.assessor->render_finding("traffic.vendor-cloud", args, o.assess);
  if (evidence.size() > 16) evidence.resize(16);
  f.evidence = std::move(evidence);
  return f;
}

std::optional<Finding> outbound_finding(const HostState& h, const DeviceOptions& o) {
  std::vector<const Contact*> plain;
  for (const auto& [remote, c] : h.contacts)
    if (!c.service && c.connections > 0) plain.push_back(&c);
  if (plain.empty()) return std::nullopt;
  std::sort(plain.begin(), plain.end(), [](auto* a, auto* b) {
    const uint64_t x = a->bytes_out + a->bytes_in, y = b->bytes_out + b->bytes_in;
    return x != y ? x > y : a->remote < b->remote;
  });
  Totals t;
  for (const Contact* c : plain) t.add(*c);
  Args args{{"destinations", std::to_string(plain.size())}, {"top", contact_text(*plain.front())}};
  t.put(args);
  Finding f = o.assessor->render_finding("traffic.outbound", args, o.assess);
  for (size_t i = 0; i < plain.size() && i < 10; ++i)
    f.evidence.push_back({"traffic.contact", plain[i]->ports.empty() ? uint16_t{0} : plain[i]->ports.front(),
                          contact_text(*plain[i]), {}, "traffic.outbound"});
  return f;
}

std::optional<Finding> cleartext_finding(const HostState& h, const DeviceOptions& o) {
  if (h.cleartext.empty()) return std::nullopt;
  Totals t;
  uint64_t count = 0;
  std::vector<std::string> logins;
  Finding f;
  std::vector<Evidence> evidence;
  for (const auto& l : h.cleartext) {
    count += l.count;
    t.add_times(l.first_us, l.last_us);
    const std::string what = l.scheme + " over " + l.protocol + ", " + l.client.to_string() + " -> " + endpoint(l.server, l.port);
    if (logins.size() < 4) logins.push_back(what);
    evidence.push_back({"traffic.cleartext_login", l.port,
                        what + ", " + std::to_string(l.count) + " time(s), " + rfc3339(l.first_us) + " - " + rfc3339(l.last_us),
                        {}, "traffic.cleartext-auth"});
  }
  Args args{{"count", std::to_string(count)}, {"logins", join(logins, "; ")}};
  t.put(args);
  f = o.assessor->render_finding("traffic.cleartext-auth", args, o.assess);
  if (evidence.size() > 16) evidence.resize(16);
  f.evidence = std::move(evidence);
  return f;
}

bool surveillance_like(const Device& d) {
  const auto& v = d.verdict;
  if (v.category == Category::kOther) return false;
  return !v.evidence.empty() || !v.clues.empty() || v.maker_proof != MakerProof::kNone;
}

// The inventory address of the known device `h` is (by address, else by MAC), or nullopt.
std::optional<IpAddr> known_address(const HostState& h, const DeviceOptions& o) {
  if (o.known_addresses.count(h.address)) return h.address;
  if (h.mac)
    if (auto it = o.known_macs.find(*h.mac); it != o.known_macs.end()) return it->second;
  return std::nullopt;
}

// What the active scan saw of a device, with what its traffic showed added (the traffic's address and MAC).
HostRecord with_passive(HostRecord seen, const HostRecord& passive) {
  seen.address = passive.address;
  if (passive.mac) seen.mac = passive.mac;
  for (uint16_t port : passive.open_tcp_ports)
    if (std::find(seen.open_tcp_ports.begin(), seen.open_tcp_ports.end(), port) == seen.open_tcp_ports.end())
      seen.open_tcp_ports.push_back(port);
  std::sort(seen.open_tcp_ports.begin(), seen.open_tcp_ports.end());
  seen.services.insert(seen.services.end(), passive.services.begin(), passive.services.end());
  return seen;
}

}  // namespace

HostRecord host_record(const HostState& h) {
  HostRecord rec;
  rec.address = h.address;
  rec.mac = h.mac;
  rec.open_tcp_ports = h.open_tcp_ports;
  std::sort(rec.open_tcp_ports.begin(), rec.open_tcp_ports.end());
  std::map<std::pair<std::string, uint16_t>, ServiceRecord> services;
  std::vector<Observation> observations = h.observations;
  std::set<std::string> reached;  // the vendor services it reached, as clone-tier evidence (data/fingerprints)
  for (const auto& [remote, c] : h.contacts)
    if (c.service) reached.insert(c.service->id);
  for (const auto& [id, q] : h.service_queries) reached.insert(id);
  for (const auto& id : reached) observations.push_back({"traffic.service", id, 0, "traffic"});
  for (const auto& o : observations) {
    const std::string protocol = protocol_of(o.key);
    auto& s = services[{protocol, o.port}];
    s.probe = "traffic";
    s.port = o.port;
    s.transport = udp_protocol(protocol) ? Transport::kUdp : Transport::kTcp;
    s.status = ProbeStatus::kSuccess;
    s.protocol = protocol == "upnp" ? "ssdp" : protocol;
    s.observations.push_back(o);
  }
  for (auto& [key, s] : services) rec.services.push_back(std::move(s));
  return rec;
}

std::vector<PassiveDevice> build_devices(const Analyzer& analyzer, const DeviceOptions& o, size_t* others) {
  std::vector<const HostState*> hosts;
  for (const auto& [address, h] : analyzer.hosts()) hosts.push_back(&h);
  std::sort(hosts.begin(), hosts.end(), [](auto* a, auto* b) { return a->address < b->address; });
  std::vector<PassiveDevice> out;
  size_t left_out = 0;
  for (const HostState* h : hosts) {
    PassiveDevice pd{{}, host_record(*h)};
    const auto known = known_address(*h, o);
    std::optional<HostRecord> seen = known && o.known_record ? o.known_record(*known) : std::nullopt;
    pd.device = verdict::decide(seen ? with_passive(std::move(*seen), pd.host) : pd.host, *o.kb);
    pd.device.source = "passive";
    auto cloud = o.assessor ? vendor_cloud_finding(*h, o) : std::nullopt;
    if (!known && !cloud && !surveillance_like(pd.device)) {
      ++left_out;
      continue;
    }
    if (o.assessor) {
      pd.device.findings = o.assessor->assess(pd.device, pd.host, o.assess);
      for (auto f : {cloud, outbound_finding(*h, o), cleartext_finding(*h, o)})
        if (f) pd.device.findings.push_back(std::move(*f));
      std::stable_sort(pd.device.findings.begin(), pd.device.findings.end(),
                       [](const Finding& a, const Finding& b) { return a.severity > b.severity; });
    }
    out.push_back(std::move(pd));
  }
  if (others) *others = left_out;
  return out;
}

std::string rfc3339(int64_t time_us) {
  return rfc3339_utc(std::chrono::system_clock::time_point(std::chrono::microseconds(time_us)));
}

std::string byte_text(uint64_t bytes) {
  char buf[32];
  if (bytes < 1000) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else if (bytes < 1000000) std::snprintf(buf, sizeof buf, "%.1f kB", bytes / 1e3);
  else if (bytes < 1000000000) std::snprintf(buf, sizeof buf, "%.1f MB", bytes / 1e6);
  else std::snprintf(buf, sizeof buf, "%.2f GB", bytes / 1e9);
  return buf;
}

}  // namespace anshin::traffic
