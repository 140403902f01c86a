#include "report/jsonl.h"

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace anshin::report {
namespace {

using nlohmann::ordered_json;

ordered_json opt(const std::optional<std::string>& s) {
  if (!s) return nullptr;
  return text::sanitize_utf8(*s);
}

}  // namespace

void write_jsonl(const ScanSnapshot& snap, const JsonSink& sink) {
  const std::string scan_id = text::sanitize_utf8(snap.scan.id);
  const std::string time = text::sanitize_utf8(snap.scan.finished.empty() ? snap.scan.started : snap.scan.finished);
  const ordered_json site = snap.scan.site.empty() ? ordered_json(nullptr) : ordered_json(text::sanitize_utf8(snap.scan.site));
  for (const auto& d : snap.devices) {
    const auto& v = d.verdict;
    for (const auto& f : d.findings) {
      ordered_json line;
      line["time"] = time;
      line["scan_id"] = scan_id;
      line["site"] = site;
      line["address"] = d.address.to_string();
      line["mac"] = opt(d.mac);
      line["category"] = category_name(v.category);
      line["manufacturer"] = opt(v.manufacturer);
      line["brand"] = opt(v.brand);
      line["model"] = opt(v.model);
      line["firmware"] = opt(v.firmware);
      line["finding_id"] = text::sanitize_utf8(f.id);
      line["severity"] = severity_name(f.severity);
      line["title"] = text::sanitize_utf8(f.title.str());
      sink(line.dump() + "\n");
    }
  }
}

std::string to_jsonl(const ScanSnapshot& snapshot) {
  std::string text;
  write_jsonl(snapshot, [&text](std::string_view piece) { text += piece; });
  return text;
}

}  // namespace anshin::report
