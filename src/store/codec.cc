#include "store/codec.h"

#include <nlohmann/json.hpp>

#include "i18n/catalog.h"
#include "store/sqlite_util.h"

namespace anshin::store::codec {
namespace {

using nlohmann::json;

constexpr char kHex[] = "0123456789abcdef";

json enc(const std::string& s) {
  if (sql::is_clean_text(s)) return s;
  std::string hex;
  hex.reserve(s.size() * 2);
  for (unsigned char c : s) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xF]);
  }
  return json{{"hex", hex}};
}

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

struct Corrupt {};

std::string dec(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (!j.is_object() || !j.contains("hex") || !j["hex"].is_string()) throw Corrupt{};
  const auto& hex = j["hex"].get_ref<const std::string&>();
  if (hex.size() % 2 != 0) throw Corrupt{};
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hexval(hex[i]);
    const int lo = hexval(hex[i + 1]);
    if (hi < 0 || lo < 0) throw Corrupt{};
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

json enc_opt(const std::optional<std::string>& s) { return s ? enc(*s) : json(nullptr); }
std::optional<std::string> dec_opt(const json& j) {
  if (j.is_null()) return std::nullopt;
  return dec(j);
}

const json& field(const json& obj, const char* key) {
  if (!obj.is_object()) throw Corrupt{};
  auto it = obj.find(key);
  if (it == obj.end()) throw Corrupt{};
  return *it;
}

uint16_t port_of(const json& j) {
  if (!j.is_number_unsigned() && !j.is_number_integer()) throw Corrupt{};
  const auto v = j.get<int64_t>();
  if (v < 0 || v > 65535) throw Corrupt{};
  return static_cast<uint16_t>(v);
}

json strings_json(const std::vector<std::string>& v) {
  json a = json::array();
  for (const auto& s : v) a.push_back(enc(s));
  return a;
}

std::vector<std::string> strings_from(const json& a) {
  if (!a.is_array()) throw Corrupt{};
  std::vector<std::string> out;
  out.reserve(a.size());
  for (const auto& s : a) out.push_back(dec(s));
  return out;
}

json evidence_json(const std::vector<Evidence>& v) {
  json a = json::array();
  for (const auto& e : v) {
    // implies as a list of pairs: its keys may be any bytes, JSON object keys may not.
    json implies = json::array();
    for (const auto& [k, val] : e.implies) implies.push_back(json::array({enc(k), enc(val)}));
    a.push_back(json{{"source", enc(e.source)}, {"port", e.port}, {"value", enc(e.value)},
                     {"implies", implies}, {"rule", enc(e.rule)}});
  }
  return a;
}

std::vector<Evidence> evidence_from(const json& a) {
  if (!a.is_array()) throw Corrupt{};
  std::vector<Evidence> out;
  for (const auto& j : a) {
    Evidence e;
    e.source = dec(field(j, "source"));
    e.port = port_of(field(j, "port"));
    e.value = dec(field(j, "value"));
    const auto& implies = field(j, "implies");
    if (!implies.is_array()) throw Corrupt{};
    for (const auto& pair : implies) {
      if (!pair.is_array() || pair.size() != 2) throw Corrupt{};
      e.implies[dec(pair[0])] = dec(pair[1]);
    }
    e.rule = dec(field(j, "rule"));
    out.push_back(std::move(e));
  }
  return out;
}

template <class T, class F>
Result<T> guarded(const std::string& text, F&& from) {
  try {
    return from(json::parse(text));
  } catch (const Corrupt&) {
  } catch (const json::exception&) {
  }
  return i18n::error(Errc::kProtocol, "error.store.corrupt_json");
}

}  // namespace

std::string encode_strings(const std::vector<std::string>& v) { return strings_json(v).dump(); }
std::string encode_evidence(const std::vector<Evidence>& v) { return evidence_json(v).dump(); }

std::string encode_services(const std::vector<ServiceSummary>& v) {
  json a = json::array();
  for (const auto& s : v) {
    a.push_back(json{{"port", s.port}, {"transport", transport_name(s.transport)},
                     {"protocol", enc(s.protocol)}, {"tls", s.tls}, {"product", enc_opt(s.product)}});
  }
  return a.dump();
}

// A finding's texts in the other languages: {"ja": {"title": ..., "detail": ..., "remediation": ...}}; a
// language whose texts equal the finding's own is left out (it reads the same from the fields above).
json texts_json(const Finding& f) {
  json t = json::object();
  const FindingText own{f.title, f.detail, f.remediation};
  for (const auto& [lang, text] : f.texts) {
    if (text == own) continue;
    t[lang] =
        json{{"title", enc(text.title)}, {"detail", enc(text.detail)}, {"remediation", enc(text.remediation)}};
  }
  return t;
}

std::string encode_findings(const std::vector<Finding>& v) {
  json a = json::array();
  for (const auto& f : v) {
    json j{{"id", enc(f.id)},
           {"severity", severity_name(f.severity)},
           {"title", enc(f.title)},
           {"detail", enc(f.detail)},
           {"remediation", enc(f.remediation)},
           {"references", strings_json(f.references)},
           {"evidence", evidence_json(f.evidence)}};
    json texts = texts_json(f);
    if (!texts.empty()) j["texts"] = std::move(texts);
    a.push_back(std::move(j));
  }
  return a.dump();
}

Result<std::vector<std::string>> decode_strings(const std::string& text) {
  return guarded<std::vector<std::string>>(text, [](const json& a) { return strings_from(a); });
}

Result<std::vector<Evidence>> decode_evidence(const std::string& text) {
  return guarded<std::vector<Evidence>>(text, [](const json& a) { return evidence_from(a); });
}

Result<std::vector<ServiceSummary>> decode_services(const std::string& text) {
  return guarded<std::vector<ServiceSummary>>(text, [](const json& a) {
    if (!a.is_array()) throw Corrupt{};
    std::vector<ServiceSummary> out;
    for (const auto& j : a) {
      ServiceSummary s;
      s.port = port_of(field(j, "port"));
      const auto& t = field(j, "transport");
      if (t == "tcp") {
        s.transport = Transport::kTcp;
      } else if (t == "udp") {
        s.transport = Transport::kUdp;
      } else {
        throw Corrupt{};
      }
      s.protocol = dec(field(j, "protocol"));
      const auto& tls = field(j, "tls");
      if (!tls.is_boolean()) throw Corrupt{};
      s.tls = tls.get<bool>();
      s.product = dec_opt(field(j, "product"));
      out.push_back(std::move(s));
    }
    return out;
  });
}

Result<std::vector<Finding>> decode_findings(const std::string& text) {
  return guarded<std::vector<Finding>>(text, [](const json& a) {
    if (!a.is_array()) throw Corrupt{};
    std::vector<Finding> out;
    for (const auto& j : a) {
      Finding f;
      f.id = dec(field(j, "id"));
      const auto& sev = field(j, "severity");
      if (!sev.is_string()) throw Corrupt{};
      const auto parsed = parse_severity(sev.get_ref<const std::string&>());
      if (!parsed) throw Corrupt{};
      f.severity = *parsed;
      f.title = dec(field(j, "title"));
      f.detail = dec(field(j, "detail"));
      f.remediation = dec(field(j, "remediation"));
      f.references = strings_from(field(j, "references"));
      // Absent in rows written before findings carried evidence: tolerated.
      if (j.contains("evidence")) f.evidence = evidence_from(j["evidence"]);
      // Absent in rows written before findings kept their texts in every language (and when they all read the same).
      if (j.contains("texts")) {
        const auto& texts = j["texts"];
        if (!texts.is_object() || texts.size() > 8) throw Corrupt{};
        for (const auto& [lang, t] : texts.items()) {
          if (lang.size() > 8) throw Corrupt{};
          f.texts[lang] = FindingText{dec(field(t, "title")), dec(field(t, "detail")), dec(field(t, "remediation"))};
        }
      }
      out.push_back(std::move(f));
    }
    return out;
  });
}

std::string encode_host_record(const HostRecord& h) {
  json services = json::array();
  size_t dropped = 0;
  size_t budget = kMaxRecordValueBytes;
  for (size_t i = 0; i < h.services.size(); ++i) {
    const ServiceRecord& r = h.services[i];
    if (i >= kMaxRecordServices) {
      dropped += r.observations.size();
      continue;
    }
    json obs = json::array();
    for (size_t k = 0; k < r.observations.size(); ++k) {
      const Observation& o = r.observations[k];
      const std::string value = o.value.substr(0, kMaxObservationBytes);
      if (k >= kMaxRecordObservations || value.size() > budget) {
        ++dropped;
        continue;
      }
      budget -= value.size();
      obs.push_back({{"key", enc(o.key)}, {"value", enc(value)}, {"port", o.port}, {"probe", enc(o.probe)}});
    }
    services.push_back({{"probe", enc(r.probe)}, {"port", r.port}, {"transport", r.transport == Transport::kUdp ? "udp" : "tcp"},
                        {"status", static_cast<int>(r.status)}, {"protocol", enc(r.protocol)}, {"tls", r.tls},
                        {"observations", std::move(obs)}});
  }
  json ports = json::array();
  for (uint16_t p : h.open_tcp_ports) ports.push_back(p);
  return json{{"address", h.address.to_string()}, {"ports", std::move(ports)}, {"mac", enc_opt(h.mac)},
              {"services", std::move(services)}, {"dropped", dropped}}
      .dump();
}

Result<HostRecord> decode_host_record(const std::string& text) {
  return guarded<HostRecord>(text, [](const json& j) {
    HostRecord h;
    const auto& address = field(j, "address");
    if (!address.is_string()) throw Corrupt{};
    auto parsed = IpAddr::parse(address.get_ref<const std::string&>());
    if (!parsed) throw Corrupt{};
    h.address = *parsed;
    const auto& ports = field(j, "ports");
    if (!ports.is_array()) throw Corrupt{};
    for (const auto& p : ports) h.open_tcp_ports.push_back(port_of(p));
    h.mac = dec_opt(field(j, "mac"));
    const auto& services = field(j, "services");
    if (!services.is_array() || services.size() > kMaxRecordServices) throw Corrupt{};
    for (const auto& sj : services) {
      ServiceRecord r;
      r.probe = dec(field(sj, "probe"));
      r.port = port_of(field(sj, "port"));
      const auto& t = field(sj, "transport");
      if (t == "tcp") r.transport = Transport::kTcp;
      else if (t == "udp") r.transport = Transport::kUdp;
      else throw Corrupt{};
      const auto& st = field(sj, "status");
      if (!st.is_number_integer() || st.get<int64_t>() < 0 || st.get<int64_t>() > static_cast<int>(ProbeStatus::kSkipped))
        throw Corrupt{};
      r.status = static_cast<ProbeStatus>(st.get<int>());
      r.protocol = dec(field(sj, "protocol"));
      const auto& tls = field(sj, "tls");
      if (!tls.is_boolean()) throw Corrupt{};
      r.tls = tls.get<bool>();
      const auto& obs = field(sj, "observations");
      if (!obs.is_array() || obs.size() > kMaxRecordObservations) throw Corrupt{};
      for (const auto& oj : obs) {
        Observation o;
        o.key = dec(field(oj, "key"));
        o.value = dec(field(oj, "value"));
        if (o.value.size() > kMaxObservationBytes) throw Corrupt{};
        o.port = port_of(field(oj, "port"));
        o.probe = dec(field(oj, "probe"));
        r.observations.push_back(std::move(o));
      }
      h.services.push_back(std::move(r));
    }
    return h;
  });
}

std::string encode_device(const Device& d) {
  const auto& v = d.verdict;
  return json{{"address", d.address.to_string()}, {"mac", enc_opt(d.mac)},
              {"category", category_name(v.category)}, {"maker_proof", maker_proof_name(v.maker_proof)},
              {"possible_manufacturer", enc_opt(v.possible_manufacturer)},
              {"possible_manufacturer_id", enc_opt(v.possible_manufacturer_id)},
              {"manufacturer", enc_opt(v.manufacturer)}, {"brand", enc_opt(v.brand)},
              {"manufacturer_id", enc_opt(v.manufacturer_id)}, {"brand_id", enc_opt(v.brand_id)},
              {"model", enc_opt(v.model)}, {"firmware", enc_opt(v.firmware)}, {"serial", enc_opt(v.serial)},
              {"confidence", v.confidence}, {"evidence", evidence_json(v.evidence)},
              {"conflicts", strings_json(v.conflicts)}, {"clues", evidence_json(v.clues)},
              {"services", json::parse(encode_services(d.services))},
              {"findings", json::parse(encode_findings(d.findings))}}
      .dump();
}

Result<Device> decode_device(const std::string& text) {
  auto fields = guarded<Device>(text, [](const json& j) {
    Device d;
    const auto& address = field(j, "address");
    if (!address.is_string()) throw Corrupt{};
    auto parsed = IpAddr::parse(address.get_ref<const std::string&>());
    if (!parsed) throw Corrupt{};
    d.address = *parsed;
    d.mac = dec_opt(field(j, "mac"));
    auto& v = d.verdict;
    const auto& category = field(j, "category");
    const auto& proof = field(j, "maker_proof");
    if (!category.is_string() || !proof.is_string()) throw Corrupt{};
    auto c = parse_category(category.get<std::string>());
    auto p = parse_maker_proof(proof.get<std::string>());
    if (!c || !p) throw Corrupt{};
    v.category = *c;
    v.maker_proof = *p;
    v.possible_manufacturer = dec_opt(field(j, "possible_manufacturer"));
    v.possible_manufacturer_id = dec_opt(field(j, "possible_manufacturer_id"));
    v.manufacturer = dec_opt(field(j, "manufacturer"));
    v.brand = dec_opt(field(j, "brand"));
    v.manufacturer_id = dec_opt(field(j, "manufacturer_id"));
    v.brand_id = dec_opt(field(j, "brand_id"));
    v.model = dec_opt(field(j, "model"));
    v.firmware = dec_opt(field(j, "firmware"));
    v.serial = dec_opt(field(j, "serial"));
    const auto& confidence = field(j, "confidence");
    if (!confidence.is_number()) throw Corrupt{};
    v.confidence = confidence.get<double>();
    v.evidence = evidence_from(field(j, "evidence"));
    v.conflicts = strings_from(field(j, "conflicts"));
    v.clues = evidence_from(field(j, "clues"));
    (void)field(j, "services");  // decoded below
    (void)field(j, "findings");
    return d;
  });
  if (!fields) return fields.error();
  // Services and findings through their own decoders (the same formats as the inventory's columns).
  const json j = json::parse(text);
  auto services = decode_services(j.at("services").dump());
  if (!services) return services.error();
  auto findings = decode_findings(j.at("findings").dump());
  if (!findings) return findings.error();
  fields->services = std::move(*services);
  fields->findings = std::move(*findings);
  return fields;
}

}  // namespace anshin::store::codec
