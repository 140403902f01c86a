#include "report/observations.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace anshin::report {

std::string observations_jsonl(const std::vector<HostRecord>& hosts) {
  std::string out;
  for (const auto& h : hosts) {
    nlohmann::ordered_json j;
    j["address"] = h.address.to_string();
    j["open_tcp_ports"] = h.open_tcp_ports;
    if (h.mac) j["mac"] = text::sanitize_utf8(*h.mac);
    if (h.interrupted) j["interrupted"] = true;
    auto services = nlohmann::ordered_json::array();
    for (const auto& s : h.services) {
      nlohmann::ordered_json sj;
      sj["probe"] = text::sanitize_utf8(s.probe);
      sj["port"] = s.port;
      sj["transport"] = transport_name(s.transport);
      sj["status"] = probe_status_name(s.status);
      sj["protocol"] = text::sanitize_utf8(s.protocol);
      sj["tls"] = s.tls;
      if (s.error) sj["error"] = text::sanitize_utf8(s.error->message);
      auto obs = nlohmann::ordered_json::array();
      for (const auto& o : s.observations)
        obs.push_back({{"key", text::sanitize_utf8(o.key)}, {"value", text::sanitize_utf8(o.value)}});
      sj["observations"] = obs;
      services.push_back(sj);
    }
    j["services"] = services;
    out += j.dump() + "\n";
  }
  return out;
}

}  // namespace anshin::report
