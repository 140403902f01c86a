#include "verdict/services.h"

#include <map>
#include <string>
#include <utility>

#include "core/text.h"

namespace anshin::verdict {
namespace {

struct Slot {
  ServiceSummary summary;
  bool identified = false;
  double product_weight = -1.0;
};

using Key = std::pair<int, uint16_t>;  // (transport, port)

Key key_of(Transport t, uint16_t port) { return {static_cast<int>(t), port}; }

Slot& slot(std::map<Key, Slot>& slots, Transport t, uint16_t port) {
  Slot& s = slots[key_of(t, port)];
  s.summary.port = port;
  s.summary.transport = t;
  if (s.summary.protocol.empty()) s.summary.protocol = "unknown";
  return s;
}

}  // namespace

std::vector<ServiceSummary> summarize_services(const HostRecord& host, const std::vector<kb::Match>& matches) {
  std::map<Key, Slot> slots;
  for (uint16_t p : host.open_tcp_ports) slot(slots, Transport::kTcp, p);
  for (const auto& rec : host.services) {
    bool answered = rec.status == ProbeStatus::kSuccess || rec.status == ProbeStatus::kAuthRequired;
    bool known = slots.count(key_of(rec.transport, rec.port)) != 0;
    if ((!answered && !known) || rec.port == 0) continue;
    Slot& s = slot(slots, rec.transport, rec.port);
    if (rec.tls) s.summary.tls = true;
    if (answered && !s.identified && !rec.protocol.empty()) {
      s.summary.protocol = rec.protocol;
      s.identified = true;
    }
  }
  for (const auto& m : matches) {
    auto p = m.set.find("service.product");
    if (p == m.set.end() || m.observation.port == 0) continue;
    // the observation's transport: UDP when only a UDP record on that port exists, else TCP
    Transport t = Transport::kTcp;
    if (!slots.count(key_of(Transport::kTcp, m.observation.port)) && slots.count(key_of(Transport::kUdp, m.observation.port)))
      t = Transport::kUdp;
    auto it = slots.find(key_of(t, m.observation.port));
    if (it == slots.end()) continue;
    Slot& s = it->second;
    double w = m.weight < 0 ? 0 : m.weight > 1 ? 1 : m.weight;
    if (w <= s.product_weight) continue;
    s.product_weight = w;
    std::string prod(text::trim(p->second));
    auto ver = m.set.find("service.version");
    if (ver != m.set.end() && !text::trim(ver->second).empty()) prod += " " + std::string(text::trim(ver->second));
    s.summary.product = prod;
  }
  std::vector<ServiceSummary> out;
  for (auto& [k, s] : slots) out.push_back(std::move(s.summary));
  return out;
}

}  // namespace anshin::verdict
