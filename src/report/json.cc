#include "report/json.h"

#include <nlohmann/json.hpp>
#include <ostream>

#include "core/text.h"

namespace anshin::report {
namespace {

using nlohmann::ordered_json;

ordered_json str(const std::string& s) { return text::sanitize_utf8(s); }

ordered_json opt(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return str(*s);
}

ordered_json evidence_json(const Evidence& e) {
  ordered_json j;
  j["source"] = str(e.source);
  j["port"] = e.port;
  j["value"] = str(e.value);
  ordered_json implies = ordered_json::object();
  for (const auto& [k, v] : e.implies) implies[text::sanitize_utf8(k)] = str(v);
  j["implies"] = implies;
  j["rule"] = str(e.rule);
  return j;
}

// Appends `element` to `out` as it would appear inside an array at depth `depth` of a document dumped
// with `indent` (nlohmann's layout: one level = indent spaces; indent < 0 = compact). Device strings
// never hold a raw newline in the dump (JSON escapes them), so re-indenting line starts is exact.
void append_element(std::string& out, const ordered_json& element, int indent, int depth) {
  std::string dumped = element.dump(indent);
  if (indent < 0) {
    out += dumped;
    return;
  }
  const std::string pad(static_cast<size_t>(indent * depth), ' ');
  out += pad;
  for (char c : dumped) {
    out += c;
    if (c == '\n') out += pad;
  }
}

}  // namespace

// A DOM of the whole scan (nlohmann nodes per value) cost more than the snapshot itself for thousands
// of devices, so the document is produced device by device (the golden tests hold the text to the
// one-DOM layout).
void write_json(const ScanSnapshot& snap, const JsonSink& sink, int indent) {
  ordered_json doc;
  doc["schema"] = kScanSchema;
  ordered_json scan;
  scan["id"] = str(snap.scan.id);
  scan["started"] = str(snap.scan.started);
  scan["finished"] = str(snap.scan.finished);
  ordered_json targets = ordered_json::array();
  for (const auto& t : snap.scan.targets) targets.push_back(str(t));
  scan["targets"] = targets;
  scan["addresses"] = snap.scan.addresses;
  scan["tool_version"] = str(snap.scan.tool_version);
  scan["kb_version"] = str(snap.scan.kb_version);
  scan["site"] = snap.scan.site.empty() ? nlohmann::ordered_json(nullptr) : str(snap.scan.site);
  scan["interrupted"] = snap.scan.interrupted;
  doc["scan"] = scan;

  doc["devices"] = ordered_json::array();
  std::string out = doc.dump(indent);
  doc = nullptr;
  // The dump ends with the empty array of the last key: `"devices": []` then the closing brace.
  out.resize(out.rfind("[]"));
  out += snap.devices.empty() ? "[]" : indent < 0 ? "[" : "[\n";
  bool first = true;
  for (const auto& d : snap.devices) {
    const auto& v = d.verdict;
    ordered_json j;
    j["address"] = d.address.to_string();
    j["mac"] = opt(d.mac);
    j["category"] = category_name(v.category);
    j["manufacturer"] = opt(v.manufacturer);
    j["brand"] = opt(v.brand);
    j["model"] = opt(v.model);
    j["firmware"] = opt(v.firmware);
    j["serial"] = opt(v.serial);
    j["confidence"] = v.confidence;
    ordered_json ev = ordered_json::array();
    for (const auto& e : v.evidence) ev.push_back(evidence_json(e));
    j["evidence"] = ev;
    if (!v.clues.empty()) {
      ordered_json clues = ordered_json::array();
      for (const auto& c : v.clues) clues.push_back({{"source", str(c.source)}, {"port", c.port}, {"value", str(c.value)}});
      j["clues"] = clues;
    }
    if (!v.conflicts.empty()) {
      ordered_json c = ordered_json::array();
      for (const auto& note : v.conflicts) c.push_back(str(note));
      j["conflicts"] = c;
    }
    ordered_json services = ordered_json::array();
    for (const auto& s : d.services) {
      ordered_json sj;
      sj["port"] = s.port;
      sj["transport"] = transport_name(s.transport);
      sj["protocol"] = str(s.protocol);
      sj["tls"] = s.tls;
      sj["product"] = opt(s.product);
      services.push_back(sj);
    }
    j["services"] = services;
    ordered_json findings = ordered_json::array();
    for (const auto& f : d.findings) {
      ordered_json fj;
      fj["id"] = str(f.id);
      fj["severity"] = severity_name(f.severity);
      fj["title"] = str(f.title);
      fj["detail"] = str(f.detail);
      fj["remediation"] = str(f.remediation);
      ordered_json refs = ordered_json::array();
      for (const auto& r : f.references) refs.push_back(str(r));
      fj["references"] = refs;
      if (!f.evidence.empty()) {
        ordered_json fe = ordered_json::array();
        for (const auto& e : f.evidence) fe.push_back(evidence_json(e));
        fj["evidence"] = fe;
      }
      findings.push_back(fj);
    }
    j["findings"] = findings;
    if (!first) out += indent < 0 ? "," : ",\n";
    first = false;
    append_element(out, j, indent, 2);
    sink(out);
    out.clear();
  }
  if (!snap.devices.empty()) out += indent < 0 ? "]" : "\n" + std::string(static_cast<size_t>(indent), ' ') + "]";
  out += indent < 0 ? "}" : "\n}";
  out += "\n";
  sink(out);
}

void write_json(const ScanSnapshot& snapshot, std::ostream& out, int indent) {
  write_json(snapshot, [&out](std::string_view piece) { out.write(piece.data(), static_cast<std::streamsize>(piece.size())); },
             indent);
}

void write_json(const ScanSnapshot& snapshot, std::FILE* out, int indent) {
  write_json(snapshot, [out](std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), out); }, indent);
}

std::string to_json(const ScanSnapshot& snapshot, int indent) {
  std::string text;
  write_json(snapshot, [&text](std::string_view piece) { text += piece; }, indent);
  return text;
}

}  // namespace anshin::report
