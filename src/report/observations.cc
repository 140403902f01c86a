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

namespace {
constexpr size_t kMaxLine = 4u << 20, kMaxServices = 256, kMaxObservations = 4096, kMaxValue = 4096;

std::string text_of(const nlohmann::json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return {};
  std::string s = it->get<std::string>();
  if (s.size() > kMaxValue) s.resize(kMaxValue);
  return s;
}
}  // namespace

Result<HostRecord> parse_observations_line(std::string_view line) {
  if (line.size() > kMaxLine) return make_error(Errc::kInvalidInput, "observation line longer than 4 MiB");
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return make_error(Errc::kInvalidInput, "not a JSON object");
  HostRecord h;
  auto addr = IpAddr::parse(text_of(j, "address"));
  if (!addr) return make_error(Errc::kInvalidInput, "no valid \"address\"");
  h.address = *addr;
  if (auto m = text_of(j, "mac"); !m.empty()) h.mac = m;
  if (auto p = j.find("open_tcp_ports"); p != j.end() && p->is_array())
    for (const auto& x : *p)
      if (x.is_number_unsigned() && x.get<uint64_t>() <= 65535 && h.open_tcp_ports.size() < 65536)
        h.open_tcp_ports.push_back(static_cast<uint16_t>(x.get<uint64_t>()));
  size_t observations = 0;
  if (auto svcs = j.find("services"); svcs != j.end() && svcs->is_array()) {
    for (const auto& sj : *svcs) {
      if (!sj.is_object() || h.services.size() >= kMaxServices) continue;
      ServiceRecord r;
      r.probe = text_of(sj, "probe");
      r.protocol = text_of(sj, "protocol");
      if (auto p = sj.find("port"); p != sj.end() && p->is_number_unsigned() && p->get<uint64_t>() <= 65535)
        r.port = static_cast<uint16_t>(p->get<uint64_t>());
      r.transport = text_of(sj, "transport") == "udp" ? Transport::kUdp : Transport::kTcp;
      const std::string status = text_of(sj, "status");
      r.status = status == "success"         ? ProbeStatus::kSuccess
                 : status == "auth-required" ? ProbeStatus::kAuthRequired
                                             : ProbeStatus::kProtocolMismatch;
      if (auto t = sj.find("tls"); t != sj.end() && t->is_boolean()) r.tls = t->get<bool>();
      if (auto obs = sj.find("observations"); obs != sj.end() && obs->is_array())
        for (const auto& o : *obs) {
          if (!o.is_object() || observations >= kMaxObservations) continue;
          std::string key = text_of(o, "key");
          if (key.empty()) continue;
          r.observations.push_back({std::move(key), text_of(o, "value"), r.port, r.probe});
          ++observations;
        }
      h.services.push_back(std::move(r));
    }
  }
  return h;
}

}  // namespace anshin::report
