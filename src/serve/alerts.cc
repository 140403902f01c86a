#include "serve/alerts.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace anshin::serve {

namespace {

Alert base(const std::string& kind, const Device& d, const std::string& scan_id, const std::string& identity_extra) {
  Alert a;
  a.kind = kind;
  a.scan_id = scan_id;
  a.address = d.address.to_string();
  a.mac = d.mac;
  a.manufacturer = d.verdict.manufacturer;
  a.model = d.verdict.model;
  const std::string who = d.mac ? *d.mac : (d.verdict.serial ? "serial:" + *d.verdict.serial : a.address);
  a.key = kind + "|" + scan_id + "|" + who + (identity_extra.empty() ? "" : "|" + identity_extra);
  return a;
}

bool security_finding(const Finding& f) { return !f.id.starts_with("policy.") && !f.id.starts_with("identity."); }

std::string sd_escape(std::string_view s) {
  std::string out;
  for (char c : text::escape_for_terminal(s)) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

int syslog_severity(Severity s) {
  switch (s) {
    case Severity::kCritical: return 2;
    case Severity::kHigh: return 3;
    case Severity::kMedium: return 4;
    case Severity::kLow: return 5;
    default: return 6;
  }
}

}  // namespace

std::vector<Alert> alerts_for(const store::ScanDiff& diff) {
  std::vector<Alert> out;
  const std::string& scan = diff.new_scan.id;
  // A replaced unit (same address and model, another serial or MAC) is another device: the old one is gone,
  // a new one appeared, and each raises its alert.
  std::vector<const Device*> appeared, disappeared;
  for (const auto& d : diff.added) appeared.push_back(&d);
  for (const auto& d : diff.gone) disappeared.push_back(&d);
  for (const auto& r : diff.replaced) appeared.push_back(&r.after), disappeared.push_back(&r.before);
  for (const Device* device : appeared) {
    const Device& d = *device;
    Alert a = base("device.new", d, scan, "");
    a.severity = Severity::kMedium;
    out.push_back(a);
    std::string policies;
    for (const auto& f : d.findings)
      if (f.id.starts_with("policy.")) policies += (policies.empty() ? "" : ",") + f.id;
    if (!policies.empty()) {
      Alert p = base("policy.maker_appeared", d, scan, "");
      p.severity = Severity::kHigh;
      p.detail = policies;
      out.push_back(p);
    }
  }
  for (const Device* d : disappeared) {
    Alert a = base("device.gone", *d, scan, "");
    a.severity = Severity::kMedium;
    out.push_back(a);
  }
  for (const auto& c : diff.findings_changed) {
    for (const auto& id : c.added) {
      const auto f = std::find_if(c.device.findings.begin(), c.device.findings.end(),
                                  [&](const Finding& x) { return x.id == id; });
      if (f == c.device.findings.end() || !security_finding(*f) || f->severity < Severity::kHigh) continue;
      Alert a = base("finding.new", c.device, scan, id);
      a.severity = f->severity;
      a.detail = id;
      out.push_back(a);
    }
  }
  for (const auto& c : diff.firmware_changed) {
    const bool down = c.downgrade;  // the diff's firmware order: the knowledge base's version schemes
    Alert a = base(down ? "firmware.downgraded" : "firmware.changed", c.device, scan, "");
    a.severity = down ? Severity::kHigh : Severity::kLow;
    a.detail = c.from.value_or("?") + " -> " + c.to.value_or("?");
    out.push_back(a);
  }
  return out;
}

std::string webhook_body(const Alert& a) {
  using nlohmann::ordered_json;
  const auto opt = [](const std::optional<std::string>& s) {
    return s ? ordered_json(text::sanitize_utf8(*s)) : ordered_json(nullptr);
  };
  ordered_json doc;
  doc["schema"] = "anshin.alert/1";
  doc["kind"] = a.kind;
  doc["key"] = text::sanitize_utf8(a.key);
  doc["severity"] = severity_name(a.severity);
  doc["scan"] = text::sanitize_utf8(a.scan_id);
  doc["device"] = {{"address", a.address}, {"mac", opt(a.mac)}, {"manufacturer", opt(a.manufacturer)},
                   {"model", opt(a.model)}};
  doc["detail"] = text::sanitize_utf8(a.detail);
  return doc.dump();
}

std::string webhook_signature(std::string_view secret, std::string_view body) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), reinterpret_cast<const unsigned char*>(body.data()),
       body.size(), mac, &len);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "sha256=";
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[mac[i] >> 4]);
    out.push_back(kHex[mac[i] & 0xf]);
  }
  return out;
}

std::string syslog_line(const Alert& a, std::string_view timestamp, std::string_view hostname) {
  const int pri = 16 * 8 + syslog_severity(a.severity);  // local0
  std::string line = "<" + std::to_string(pri) + ">1 " + std::string(timestamp) + " " +
                     (hostname.empty() ? std::string("-") : std::string(hostname)) + " anshin - " + a.kind + " ";
  line += "[anshin@32473 key=\"" + sd_escape(a.key) + "\" address=\"" + sd_escape(a.address) + "\" severity=\"" +
          severity_name(a.severity) + "\" scan=\"" + sd_escape(a.scan_id) + "\"]";
  std::string message = a.kind + " " + a.address;
  if (a.manufacturer) message += " " + *a.manufacturer;
  if (a.model) message += " " + *a.model;
  if (!a.detail.empty()) message += ": " + a.detail;
  line += " \xEF\xBB\xBF" + text::escape_for_terminal(message);  // MSG: BOM + UTF-8 (RFC 5424 6.4)
  return line;
}

}  // namespace anshin::serve
