#include "report/terminal.h"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

#include "core/text.h"

namespace anshin::report {
namespace {

struct Labels {
  const char* address;
  const char* category;
  const char* maker;
  const char* model;
  const char* firmware;
  const char* services;
  const char* findings;
  const char* summary;  // fmt: devices, addresses, seconds
  const char* none;
  const char* interrupted;
};

constexpr Labels kEn{"ADDRESS", "CATEGORY", "MANUFACTURER / BRAND", "MODEL", "FIRMWARE", "SERVICES", "FINDINGS",
                     "{} devices answered out of {} addresses scanned ({}).", "no device answered.",
                     "scan interrupted: the results cover only what was probed before the stop."};
constexpr Labels kJa{"アドレス", "種別", "製造元 / ブランド", "型番", "ファームウェア", "サービス", "指摘事項",
                     "{1} アドレス中 {0} 台の機器が応答しました（{2}）。", "応答した機器はありません。",
                     "スキャンは中断されました。結果は中断までに調べた範囲のみです。"};

int max_severity(const Device& d) {
  int m = -1;
  for (const auto& f : d.findings) m = std::max(m, static_cast<int>(f.severity));
  return m;
}

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
  const int sa = max_severity(a), sb = max_severity(b);
  if (sa != sb) return sa > sb;
  if (a.findings.size() != b.findings.size()) return a.findings.size() > b.findings.size();
  return a.address < b.address;
}

void render_terminal(const ScanSnapshot& snap, std::FILE* out, const TerminalOptions& opt) {
  const Labels& L = opt.lang == "ja" ? kJa : kEn;
  std::vector<const Device*> rows;
  for (const auto& d : snap.devices) rows.push_back(&d);
  std::sort(rows.begin(), rows.end(), [](const Device* a, const Device* b) { return riskier(*a, *b); });

  struct Row { std::string cells[7]; int sev; };
  std::vector<Row> table;
  for (const Device* d : rows) {
    const auto& v = d->verdict;
    const auto esc = [](const std::optional<std::string>& s) { return s ? text::escape_for_terminal(*s) : std::string("-"); };
    std::string maker = esc(v.manufacturer);
    if (v.brand && v.manufacturer && *v.brand != *v.manufacturer) maker += " / " + esc(v.brand);
    std::string services;
    for (const auto& s : d->services) {
      if (!services.empty()) services += ' ';
      services += fmt::format("{}/{}", s.port, text::escape_for_terminal(s.protocol.empty() ? "?" : s.protocol));
    }
    int counts[5] = {};
    for (const auto& f : d->findings) ++counts[static_cast<int>(f.severity)];
    std::string findings;
    static constexpr const char* kShort[] = {"info", "low", "med", "high", "crit"};
    for (int s = 4; s >= 0; --s)
      if (counts[s]) findings += fmt::format("{}{} {}", findings.empty() ? "" : ", ", counts[s], kShort[s]);
    if (findings.empty()) findings = "-";
    table.push_back({{d->address.to_string(), category_name(v.category), truncate(maker, 32), truncate(esc(v.model), 22),
                      truncate(esc(v.firmware), 26), truncate(services, 40), findings},
                     max_severity(*d)});
  }

  const char* headers[7] = {L.address, L.category, L.maker, L.model, L.firmware, L.services, L.findings};
  size_t widths[7];
  for (int c = 0; c < 7; ++c) {
    widths[c] = text::display_width(headers[c]);
    for (const auto& r : table) widths[c] = std::max(widths[c], text::display_width(r.cells[c]));
  }
  if (!table.empty()) {
    std::string line;
    for (int c = 0; c < 7; ++c) line += pad(headers[c], widths[c]) + (c < 6 ? "  " : "");
    fmt::print(out, "{}{}{}\n", opt.color ? "\033[1m" : "", line, opt.color ? "\033[0m" : "");
    for (const auto& r : table) {
      std::string row;
      for (int c = 0; c < 7; ++c) row += pad(r.cells[c], widths[c]) + (c < 6 ? "  " : "");
      const char* colour = opt.color ? severity_colour(r.sev) : "";
      fmt::print(out, "{}{}{}\n", colour, row, *colour ? "\033[0m" : "");
    }
  }
  const std::string elapsed = snap.scan.started.empty() ? "" : snap.scan.started + " .. " + snap.scan.finished;
  if (snap.devices.empty()) fmt::print(out, "{}\n", L.none);
  fmt::print(out, fmt::runtime(L.summary), snap.devices.size(), snap.scan.addresses, elapsed);
  fmt::print(out, "\n");
  if (snap.scan.interrupted) fmt::print(out, "{}\n", L.interrupted);
}

}  // namespace anshin::report
