// anshin scans: the stored scans, oldest first: number, id, start (the reader's local time), kind (an
// active scan or a traffic capture: model/device.h ScanKind), site, targets, devices, findings by
// severity, status. --json writes anshin.scans/1 (UTC times, language-neutral).
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/clock.h"
#include "core/text.h"
#include "report/table.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

struct ScanRow {
  store::StoredScan scan;
  std::array<uint64_t, 5> findings{};
};

nlohmann::ordered_json nullable(const std::string& v) {
  return v.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(text::sanitize_utf8(v));
}

// "completed", "interrupted" or "running" (also a scan whose process died): JSON's value, and the
// terminal's text through cli.scans.completed / cli.scans.interrupted / cli.scans.running.
std::string status_key(const store::StoredScan& s) {
  if (s.completed) return "completed";
  if (s.info.interrupted) return "interrupted";
  return "running";
}

std::string status_text_key(const store::StoredScan& s) {
  if (s.completed) return "cli.scans.completed";
  if (s.info.interrupted) return "cli.scans.interrupted";
  return "cli.scans.running";
}

std::string scans_json(const std::vector<ScanRow>& rows) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& r : rows) {
    const auto& s = r.scan;
    nlohmann::ordered_json j;
    j["number"] = s.number;
    j["id"] = text::sanitize_utf8(s.info.id);
    j["started"] = text::sanitize_utf8(s.info.started);
    j["finished"] = nullable(s.info.finished);
    j["site"] = nullable(s.info.site);
    j["kind"] = scan_kind_name(scan_kind(s.info));
    nlohmann::ordered_json targets = nlohmann::ordered_json::array();
    for (const auto& t : s.info.targets) targets.push_back(text::sanitize_utf8(t));
    j["targets"] = targets;
    j["addresses"] = s.info.addresses;
    j["devices"] = s.devices;
    nlohmann::ordered_json counts;
    for (int sev = 4; sev >= 0; --sev) counts[severity_name(static_cast<Severity>(sev))] = r.findings[sev];
    j["findings"] = counts;
    j["status"] = status_key(s);
    j["reassessed_from"] = s.reassessed_from ? nlohmann::ordered_json(*s.reassessed_from) : nlohmann::ordered_json(nullptr);
    j["kb_version"] = text::sanitize_utf8(s.info.kb_version);
    list.push_back(j);
  }
  nlohmann::ordered_json doc;
  doc["schema"] = "anshin.scans/1";
  doc["scans"] = list;
  return doc.dump(2) + "\n";
}

std::string scans_text(const std::vector<ScanRow>& rows, const std::string& lang, size_t width) {
  const auto T = [&lang](std::string_view key, std::initializer_list<i18n::Arg> args = {}) {
    return i18n::tr(lang, key, args);
  };
  const std::vector<report::TextColumn> columns = {
      {T("cli.scans.number")},        {T("cli.scans.id"), 0, 0, 4},      {T("cli.scans.started")},
      {T("cli.scans.kind")},
      {T("cli.scans.site"), 24, 8},   {T("cli.scans.targets"), 40, 10, 3}, {T("cli.scans.devices")},
      {T("cli.scans.findings")},      {T("cli.scans.status"), 0, 0, 2}};
  std::vector<std::vector<std::string>> table;
  for (const auto& r : rows) {
    const auto& s = r.scan;
    std::string targets;
    for (const auto& t : s.info.targets) targets += (targets.empty() ? "" : " ") + text::escape_for_terminal(t);
    const std::string status = s.reassessed_from
                                   ? T("cli.scans.reassessed", {{"from", std::to_string(*s.reassessed_from)}})
                                   : T(status_text_key(s));
    table.push_back({std::to_string(s.number), text::escape_for_terminal(s.info.id),
                     local_time_text(s.info.started),
                     T(scan_kind(s.info) == ScanKind::kTraffic ? "cli.scans.kind_traffic" : "cli.scans.kind_active"),
                     s.info.site.empty() ? "-" : text::escape_for_terminal(s.info.site),
                     targets, std::to_string(s.devices),
                     std::to_string(r.findings[4]) + "/" + std::to_string(r.findings[3]) + "/" +
                         std::to_string(r.findings[2]) + "/" + std::to_string(r.findings[1]),
                     status});
  }
  const auto fit = report::fit_table(columns, table, width);
  std::vector<std::string> headers;
  for (const auto& c : columns) headers.push_back(c.header);
  std::string out = report::table_line(fit, headers) + "\n";
  for (const auto& row : table) out += report::table_line(fit, row) + "\n";
  return out;
}

}  // namespace

int run_scans(const ScansOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  auto db = store::Store::open(o.db, store::OpenOptions{.create = false});
  if (!db) return fail(store::exit_status_for(db.error()), db.error());
  auto all = db->list_scans();
  if (!all) return fail(store::exit_status_for(all.error()), all.error());
  std::vector<ScanRow> rows;
  for (auto& s : *all) {
    if (o.site_given && s.info.site != o.site) continue;
    auto counts = db->finding_counts(s.number);
    if (!counts) return fail(store::exit_status_for(counts.error()), counts.error());
    rows.push_back({std::move(s), *counts});
  }
  std::string out;
  if (o.json) out = scans_json(rows);
  else if (rows.empty()) out = i18n::tr(*lang, "cli.scans.none", {{"path", quote_value(db->path())}}) + "\n";
  else out = scans_text(rows, *lang, report::terminal_width(fileno(stdout)));
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) return 2;
  return 0;
}

}  // namespace anshin::cli
