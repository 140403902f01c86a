#include "report/terminal.h"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

#include "core/text.h"
#include "i18n/catalog.h"
#include "model/risk.h"

namespace anshin::report {
namespace {

std::string pad(const std::string& s, size_t width) {
  const size_t w = text::display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string truncate(const std::string& s, size_t width) {
  if (text::display_width(s) <= width) return s;
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    size_t n = 1;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0xf0) n = 4; else if (c >= 0xe0) n = 3; else if (c >= 0xc0) n = 2;
    const std::string ch = s.substr(i, n);
    const size_t cw = text::display_width(ch);
    if (w + cw + 1 > width) break;
    out += ch;
    w += cw;
    i += n;
  }
  return out + "…";
}

const char* severity_colour(int sev) {
  switch (sev) {
    case 4: return "\033[1;31m";
    case 3: return "\033[31m";
    case 2: return "\033[33m";
    case 1: return "\033[36m";
    default: return "";
  }
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
  constexpr int kColumns = 8;
  struct Row { std::string cells[kColumns]; int sev; };
  std::vector<Row> table;
  for (const Device* d : rows) {
    const auto& v = d->verdict;
    const auto esc = [](const std::optional<std::string>& s) { return s ? text::escape_for_terminal(*s) : std::string("-"); };
    std::string maker = esc(v.manufacturer);
    if (v.brand && v.manufacturer && *v.brand != *v.manufacturer) maker += " / " + esc(v.brand);
    // No maker: the maker clone-prone tells suggest ("Hikvision?"), else the strongest clue ("? IPCAM").
    if (!v.manufacturer && v.possible_manufacturer) maker = esc(v.possible_manufacturer) + "?";
    else if (!v.manufacturer && !v.clues.empty()) maker = "? " + text::escape_for_terminal(v.clues.front().value);
    std::string services;
    for (const auto& s : d->services) {
      if (!services.empty()) services += ' ';
      services += fmt::format("{}/{}", s.port, text::escape_for_terminal(s.protocol.empty() ? "?" : s.protocol));
    }
    const DeviceRisk risk = summarize(d->findings);
    const auto& counts = risk.security_counts;
    std::string findings;
    for (int s = 4; s >= 0; --s) {
      if (!counts[s]) continue;
      const auto label = L.get(std::string("terminal.severity_short.") + severity_name(static_cast<Severity>(s)));
      findings += fmt::format("{}{} {}", findings.empty() ? "" : ", ", counts[s], label);
    }
    if (findings.empty()) findings = "-";
    table.push_back({{d->address.to_string(), std::string(L.get(std::string("terminal.category_short.") + category_name(v.category))), truncate(maker, 32), truncate(esc(v.model), 22),
                      truncate(esc(v.firmware), 26), truncate(services, 40), findings,
                      risk.policy_ids.empty() ? std::string("-") : std::to_string(risk.policy_ids.size())},
                     risk.security_rank()});
  }

  std::string headers[kColumns];
  static constexpr const char* kHeaderKeys[kColumns] = {
      "terminal.address",  "terminal.category", "terminal.maker",   "terminal.model",
      "terminal.firmware", "terminal.services", "terminal.findings", "terminal.policy"};
  for (int c = 0; c < kColumns; ++c) headers[c] = L.get(kHeaderKeys[c]);
  size_t widths[kColumns];
  for (int c = 0; c < kColumns; ++c) {
    widths[c] = text::display_width(headers[c]);
    for (const auto& r : table) widths[c] = std::max(widths[c], text::display_width(r.cells[c]));
  }
  if (!table.empty()) {
    std::string line;
    for (int c = 0; c < kColumns; ++c) line += pad(headers[c], widths[c]) + (c < kColumns - 1 ? "  " : "");
    fmt::print(out, "{}{}{}\n", opt.color ? "\033[1m" : "", line, opt.color ? "\033[0m" : "");
    for (const auto& r : table) {
      std::string row;
      for (int c = 0; c < kColumns; ++c) row += pad(r.cells[c], widths[c]) + (c < kColumns - 1 ? "  " : "");
      const char* colour = opt.color ? severity_colour(r.sev) : "";
      fmt::print(out, "{}{}{}\n", colour, row, *colour ? "\033[0m" : "");
    }
  }
  const std::string elapsed = snap.scan.started.empty() ? "" : snap.scan.started + " .. " + snap.scan.finished;
  if (snap.devices.empty()) fmt::print(out, "{}\n", L.get("terminal.none"));
  fmt::print(out, "{}\n",
             // "1 device", not "1 devices": the catalogs have a sentence for one
             i18n::format(L.get(snap.devices.size() == 1 ? "terminal.summary_one" : "terminal.summary"),
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
  if (snap.scan.interrupted) fmt::print(out, "{}\n", L.get("terminal.interrupted"));
}

}  // namespace anshin::report
