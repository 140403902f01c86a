#include "report/cyclonedx.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "core/text.h"

namespace anshin::report {
namespace {

using nlohmann::ordered_json;

constexpr std::string_view kCvePrefix = "cve.";

std::string str(std::string_view s) { return text::sanitize_utf8(s); }

// The component's bom-ref: unique within the document (one device per address in a scan).
std::string device_ref(const Device& d) { return "device:" + d.address.to_string(); }

void add_property(ordered_json& props, const char* name, const std::optional<std::string>& value) {
  if (value && !value->empty()) props.push_back({{"name", name}, {"value", str(*value)}});
}

ordered_json device_component(const Device& d) {
  const auto& v = d.verdict;
  ordered_json c;
  c["type"] = "device";
  c["bom-ref"] = device_ref(d);
  if (v.manufacturer) c["manufacturer"] = {{"name", str(*v.manufacturer)}};
  if (v.brand) c["supplier"] = {{"name", str(*v.brand)}};
  // `name` is required: the model as the device reports it, else what is known about the device.
  c["name"] = v.model ? str(*v.model) : "unknown " + std::string(category_name(v.category));
  if (v.firmware) c["version"] = str(*v.firmware);
  ordered_json props = ordered_json::array();
  add_property(props, "anshin:address", d.address.to_string());
  add_property(props, "anshin:mac", d.mac);
  add_property(props, "anshin:serial", v.serial);
  add_property(props, "anshin:brand", v.brand);
  add_property(props, "anshin:category", std::string(category_name(v.category)));
  c["properties"] = props;
  return c;
}

struct CveEntry {
  const Finding* first = nullptr;  // texts and references of the first device it was found on
  Severity worst = Severity::kInfo;
  std::vector<std::string> refs;   // device bom-refs, in snapshot order, each once
};

// The CVE findings of the scan by CVE id, in order of first appearance.
std::vector<std::pair<std::string, CveEntry>> collect_cves(const ScanSnapshot& snap) {
  std::vector<std::pair<std::string, CveEntry>> out;
  std::map<std::string, size_t> index;
  for (const auto& d : snap.devices) {
    std::set<std::string> seen_on_device;
    for (const auto& f : d.findings) {
      if (f.id.rfind(kCvePrefix, 0) != 0) continue;
      const std::string cve = f.id.substr(kCvePrefix.size());
      auto [it, inserted] = index.emplace(cve, out.size());
      if (inserted) out.push_back({cve, CveEntry{.first = &f, .worst = f.severity, .refs = {}}});
      CveEntry& e = out[it->second].second;
      if (f.severity > e.worst) e.worst = f.severity;
      if (seen_on_device.insert(cve).second) e.refs.push_back(device_ref(d));
    }
  }
  return out;
}

ordered_json vulnerability(const std::string& cve, const CveEntry& e) {
  ordered_json v;
  v["bom-ref"] = "vulnerability:" + str(cve);
  v["id"] = str(cve);
  if (cve.rfind("CVE-", 0) == 0) {
    v["source"] = {{"name", "NVD"}, {"url", "https://nvd.nist.gov/vuln/detail/" + str(cve)}};
  }
  v["ratings"] = ordered_json::array({{{"severity", severity_name(e.worst)}, {"method", "other"}}});
  v["description"] = str(e.first->title.str());
  v["detail"] = str(e.first->detail.str());
  v["recommendation"] = str(e.first->remediation.str());
  ordered_json advisories = ordered_json::array();
  for (const auto& r : e.first->references) advisories.push_back({{"url", str(r)}});
  if (!advisories.empty()) v["advisories"] = advisories;
  ordered_json affects = ordered_json::array();
  for (const auto& ref : e.refs) affects.push_back({{"ref", ref}});
  v["affects"] = affects;
  return v;
}

ordered_json metadata(const ScanInfo& scan) {
  ordered_json m;
  const std::string& when = scan.finished.empty() ? scan.started : scan.finished;
  if (!when.empty()) m["timestamp"] = str(when);
  m["tools"] = {{"components", ordered_json::array({{{"type", "application"},
                                                     {"name", "anshin"},
                                                     {"version", str(scan.tool_version)}}})}};
  ordered_json props = ordered_json::array();
  add_property(props, "anshin:scan-id", scan.id);
  add_property(props, "anshin:kb-version", scan.kb_version);
  for (const auto& t : scan.targets) add_property(props, "anshin:target", t);
  m["properties"] = props;
  return m;
}

}  // namespace

std::string render_cyclonedx(const ScanSnapshot& snap, int indent) {
  ordered_json bom;
  bom["bomFormat"] = "CycloneDX";
  bom["specVersion"] = kCycloneDxSpecVersion;
  bom["version"] = 1;
  bom["metadata"] = metadata(snap.scan);
  ordered_json components = ordered_json::array();
  for (const auto& d : snap.devices) components.push_back(device_component(d));
  bom["components"] = components;
  ordered_json vulns = ordered_json::array();
  for (const auto& [cve, entry] : collect_cves(snap)) vulns.push_back(vulnerability(cve, entry));
  bom["vulnerabilities"] = vulns;
  return bom.dump(indent) + "\n";
}

}  // namespace anshin::report
