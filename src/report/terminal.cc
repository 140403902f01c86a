#include "report/terminal.h"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

#include "core/clock.h"
#include "core/text.h"
#include "i18n/catalog.h"
#include "model/risk.h"
#include "model/top_actions.h"
#include "report/actions_text.h"
#include "report/table.h"

namespace anshin::report {
namespace {

const char* severity_colour(int sev) {
  switch (sev) {
    case 4: return "\033[1;31m";
    case 3: return "\033[31m";
    case 2: return "\033[33m";
    case 1: return "\033[36m";
    default: return "";
  }
}


// The first three top actions (model/top_actions.h), one line each: "[Critical] Update the firmware of 6
// Hikvision cameras, exploited (CISA KEV): CVE-2021-36260". The HTML report lists more, with devices.
void print_top_actions(const ScanSnapshot& snap, const TerminalOptions& opt, const i18n::Catalog& L, std::FILE* out) {
  constexpr size_t kShown = 3, kIds = 3;
  const auto actions = top_actions(snap.devices, opt.exploited);
  if (actions.empty()) return;
  fmt::print(out, "{}\n", L.get("terminal.actions_heading"));
  for (size_t i = 0; i < actions.size() && i < kShown; ++i) {
    const TopAction& a = actions[i];
    std::string line = fmt::format("  {}. [{}] {}", i + 1, L.get(std::string("severity.") + severity_name(a.severity)),
                                   text::escape_for_terminal(action_headline(L, a)));
    if (a.exploited) line += ", " + std::string(L.get("actions.exploited"));
    if (a.kind == ActionKind::kUpdateFirmware) {
      std::string ids;
      for (size_t f = 0; f < a.findings.size() && f < kIds; ++f)
        ids += (f ? ", " : "") + text::escape_for_terminal(a.findings[f].finding_id.substr(a.findings[f].finding_id.find('.') + 1));
      if (a.findings.size() > kIds) ids += ", …";
      line += ": " + ids;
    }
    fmt::print(out, "{}\n", line);
  }
}

// One device's row: address, category, maker, model, firmware, services, security findings, policies.
std::vector<std::string> terminal_cells(const Device& d, const DeviceRisk& risk, const i18n::Catalog& L) {
  const auto& v = d.verdict;
  const auto esc = [](const std::optional<std::string>& s) { return s ? text::escape_for_terminal(*s) : std::string("-"); };
  std::string maker = esc(v.manufacturer);
  if (v.brand && v.manufacturer && *v.brand != *v.manufacturer) maker += " / " + esc(v.brand);
  // No maker: the maker clone-prone tells suggest ("Hikvision?"), else the strongest clue ("? IPCAM").
  if (!v.manufacturer && v.possible_manufacturer) maker = esc(v.possible_manufacturer) + "?";
  else if (!v.manufacturer && !v.clues.empty()) maker = "? " + text::escape_for_terminal(v.clues.front().value);
  std::string services;
  for (const auto& s : d.services) {
    if (!services.empty()) services += ' ';
    services += fmt::format("{}/{}", s.port, text::escape_for_terminal(s.protocol.empty() ? "?" : s.protocol));
  }
  const auto& counts = risk.security_counts;
  std::string findings;
  for (int s = 4; s >= 0; --s) {
    if (!counts[s]) continue;
    const auto label = L.get(std::string("terminal.severity_short.") + severity_name(static_cast<Severity>(s)));
    findings += fmt::format("{}{} {}", findings.empty() ? "" : ", ", counts[s], label);
  }
  if (findings.empty()) findings = "-";
  return {d.address.to_string(),
          std::string(L.get(std::string("terminal.category_short.") + category_name(v.category))),
          maker,
          esc(v.model),
          esc(v.firmware),
          services,
          findings,
          risk.policy_ids.empty() ? std::string("-") : std::to_string(risk.policy_ids.size())};
}

}  // namespace

bool riskier(const Device& a, const Device& b) {
  const int by_risk = compare_risk(summarize(a.findings), summarize(b.findings));
  if (by_risk != 0) return by_risk < 0;
  if (a.findings.size() != b.findings.size()) return a.findings.size() > b.findings.size();
  return a.address < b.address;
}

void render_terminal(const ScanSnapshot& snap, std::FILE* out, const TerminalOptions& opt) {
  const i18n::Catalog& L = i18n::catalog(opt.lang);
  std::vector<const Device*> rows;
  for (const auto& d : snap.devices) rows.push_back(&d);
  std::sort(rows.begin(), rows.end(), [](const Device* a, const Device* b) { return riskier(*a, *b); });

  // The findings column counts security findings only; the policy column counts procurement rules naming the
  // maker; identification notes (identity.*) appear in neither (they are in the device's detail and JSON).
  // Columns, with what is cut first and dropped first when the table is wider than the terminal.
  std::vector<TextColumn> columns = {
      {std::string(L.get("terminal.address")), 0, 0, 0},   {std::string(L.get("terminal.category")), 0, 0, 2},
      {std::string(L.get("terminal.maker")), 32, 16, 0},    {std::string(L.get("terminal.model")), 22, 14, 0},
      {std::string(L.get("terminal.firmware")), 26, 12, 3}, {std::string(L.get("terminal.services")), 40, 16, 4},
      {std::string(L.get("terminal.findings")), 0, 0, 0},  {std::string(L.get("terminal.policy")), 0, 0, 1}};
  std::vector<std::vector<std::string>> table;
  std::vector<int> row_severity;
  for (const Device* d : rows) {
    const DeviceRisk risk = summarize(d->findings);
    table.push_back(terminal_cells(*d, risk, L));
    row_severity.push_back(risk.security_rank());
  }
  const FittedTable fit = fit_table(columns, table, opt.width);
  if (!table.empty()) {
    std::vector<std::string> headers;
    for (const auto& c : columns) headers.push_back(c.header);
    fmt::print(out, "{}{}{}\n", opt.color ? "\033[1m" : "", table_line(fit, headers), opt.color ? "\033[0m" : "");
    for (size_t r = 0; r < table.size(); ++r) {
      const char* colour = opt.color ? severity_colour(row_severity[r]) : "";
      fmt::print(out, "{}{}{}\n", colour, table_line(fit, table[r]), *colour ? "\033[0m" : "");
    }
  }
  // When, in the reader's time zone with its offset (UTC stays in JSON), and how long.
  std::string elapsed;
  if (!snap.scan.started.empty()) {
    const auto seconds = seconds_between(snap.scan.started, snap.scan.finished);
    elapsed = seconds ? i18n::format(L.get("terminal.elapsed"), {{"start", local_time_text(snap.scan.started)},
                                                                 {"seconds", std::to_string(*seconds)}})
                      : local_time_text(snap.scan.started);
  }
  if (snap.devices.empty()) fmt::print(out, "{}\n", L.get("terminal.none"));
  fmt::print(out, "{}\n",
             // "1 device", not "1 devices": the catalogs have a sentence for one
             i18n::format(L.get(scan_kind(snap.scan) == ScanKind::kTraffic
                                    ? (snap.devices.size() == 1 ? "terminal.summary_traffic_one" : "terminal.summary_traffic")
                                    : (snap.devices.size() == 1 ? "terminal.summary_one" : "terminal.summary")),
                          {{"devices", std::to_string(snap.devices.size())},
                                                      {"addresses", std::to_string(snap.scan.addresses)},
                                                      {"elapsed", elapsed}}));
  if (!snap.devices.empty()) {
    size_t security = 0, policy = 0;
    for (const auto& d : snap.devices) {
      const DeviceRisk risk = summarize(d.findings);
      if (risk.security_critical_or_high()) ++security;
      if (!risk.policy_ids.empty()) ++policy;
    }
    fmt::print(out, "{}\n",
               i18n::format(L.get(snap.devices.size() == 1 ? "terminal.risk_summary_one" : "terminal.risk_summary"),
                            {{"security", std::to_string(security)},
                                                             {"policy", std::to_string(policy)},
                                                             {"devices", std::to_string(snap.devices.size())}}));
  }
  print_top_actions(snap, opt, L, out);
  if (snap.scan.interrupted) fmt::print(out, "{}\n", L.get("terminal.interrupted"));
}

}  // namespace anshin::report
