#include "report/csv.h"

#include <fmt/core.h>

#include <algorithm>
#include <vector>

#include "core/clock.h"
#include "core/text.h"
#include "i18n/catalog.h"
#include "model/risk.h"
#include "report/terminal.h"

namespace anshin::report {
namespace {

// Valid UTF-8 in, with C0 controls other than TAB/LF/CR, DEL and C1 controls shown as "\xNN".
std::string neutralise_controls(std::string_view utf8) {
  std::string out;
  out.reserve(utf8.size());
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      out += fmt::format("\\x{:02x}", c);
    } else if (c == 0xc2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) < 0xa0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(utf8[i + 1]));  // U+0080..U+009F
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

bool starts_formula(std::string_view s) {
  if (s.empty()) return false;
  switch (s.front()) {
    case '=': case '+': case '-': case '@': case '\t': case '\r': case '\n': return true;
    default: break;
  }
  // Full-width ＝ ＋ － ＠ (U+FF1D, U+FF0B, U+FF0D, U+FF20): some spreadsheet locales normalise them.
  for (const std::string_view wide : {"\xef\xbc\x9d", "\xef\xbc\x8b", "\xef\xbc\x8d", "\xef\xbc\xa0"})
    if (s.starts_with(wide)) return true;
  return false;
}

}  // namespace

std::string csv_cell(std::string_view value, bool defend) {
  std::string v = neutralise_controls(text::sanitize_utf8(value));
  if (defend && starts_formula(v)) v.insert(v.begin(), '\'');
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (const char ch : v) {
    if (ch == '"') q += '"';
    q += ch;
  }
  return q + '"';
}

std::string render_csv(const ScanSnapshot& snap, const CsvOptions& opt) {
  const i18n::Catalog& L = i18n::catalog(opt.lang);
  const char* eol = opt.excel ? "\r\n" : "\n";
  std::string out = opt.excel ? "\xef\xbb\xbf" : "";

  // Every row carries the scan's date (the reader's time zone, with its offset) and site, so rows of several
  // exports can be pasted into one sheet; category and severity are words of the report's language.
  static constexpr const char* kColumns[] = {
      "column.scan_started", "column.site", "column.address",  "column.mac",      "column.category",
      "column.manufacturer", "column.brand", "column.model",    "column.firmware", "column.serial",
      "column.confidence",   "column.services", "column.finding_ids", "column.finding_titles",
      "column.highest_severity", "column.finding_count", "column.policy_ids", "column.policy_count", "column.clues"};
  const std::string started = csv_cell(local_time_text(snap.scan.started));
  const std::string site = csv_cell(snap.scan.site);
  bool first = true;
  for (const char* key : kColumns) {
    if (!first) out += ',';
    out += csv_cell(L.get(key), false);
    first = false;
  }
  out += eol;

  std::vector<const Device*> rows;
  for (const auto& d : snap.devices) rows.push_back(&d);
  std::stable_sort(rows.begin(), rows.end(), [](const Device* a, const Device* b) { return riskier(*a, *b); });

  const auto opt_cell = [](const std::optional<std::string>& s) { return s ? csv_cell(*s) : std::string(); };
  for (const Device* d : rows) {
    const auto& v = d->verdict;
    std::string services, ids, titles, clues;
    for (const auto& c : v.clues) clues += (clues.empty() ? "" : "; ") + c.source + "=" + c.value;
    for (const auto& s : d->services) {
      if (!services.empty()) services += ' ';
      services += fmt::format("{}/{}", s.port, s.protocol.empty() ? "?" : s.protocol);
    }
    for (const auto& f : d->findings) {
      if (!ids.empty()) ids += ' ', titles += "; ";
      ids += f.id;
      titles += f.title.empty() ? f.id : f.title.str();
    }
    // Highest severity over security findings only; procurement exposure has its own two columns.
    const DeviceRisk risk = summarize(d->findings);
    std::string policy_ids;
    for (const auto& id : risk.policy_ids) policy_ids += (policy_ids.empty() ? "" : " ") + id;
    const std::vector<std::string> cells = {
        started,
        site,
        csv_cell(d->address.to_string()),
        opt_cell(d->mac),
        csv_cell(L.get(std::string("terminal.category_short.") + category_name(v.category))),
        opt_cell(v.manufacturer),
        opt_cell(v.brand),
        opt_cell(v.model),
        opt_cell(v.firmware),
        opt_cell(v.serial),
        fmt::format("{:.2f}", v.confidence),
        csv_cell(services),
        csv_cell(ids),
        csv_cell(titles),
        risk.security_highest ? csv_cell(L.get(std::string("severity.") + severity_name(*risk.security_highest)))
                              : std::string(),
        std::to_string(d->findings.size()),
        csv_cell(policy_ids),
        std::to_string(risk.policy_ids.size()),
        csv_cell(clues),
    };
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i) out += ',';
      out += cells[i];
    }
    out += eol;
  }
  return out;
}

}  // namespace anshin::report
