#include "report/html.h"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "core/text.h"
#include "i18n/catalog.h"
#include "model/risk.h"
#include "model/top_actions.h"
#include "report/actions_text.h"
#include "report/html_assets.h"
#include "report/terminal.h"

namespace anshin::report {
namespace {

// ---- SHA-256 (FIPS 180-4), for the CSP hash of the constant script -------------------------------------

std::array<uint8_t, 32> sha256(std::string_view data) {
  static constexpr uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98,
      0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
      0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8,
      0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
      0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
      0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
      0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  std::string msg(data);
  const uint64_t bits = static_cast<uint64_t>(data.size()) * 8;
  msg += static_cast<char>(0x80);
  while (msg.size() % 64 != 56) msg += '\0';
  for (int i = 7; i >= 0; --i) msg += static_cast<char>((bits >> (i * 8)) & 0xff);
  const auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
  for (size_t off = 0; off < msg.size(); off += 64) {
    uint32_t w[64];
    for (int i = 0; i < 16; ++i) {
      w[i] = 0;
      for (int b = 0; b < 4; ++b) w[i] = (w[i] << 8) | static_cast<uint8_t>(msg[off + i * 4 + b]);
    }
    for (int i = 16; i < 64; ++i) {
      const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
      const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
      w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; ++i) {
      const uint32_t t1 = hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
      const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
      hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  std::array<uint8_t, 32> out{};
  for (int i = 0; i < 8; ++i)
    for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<uint8_t>(h[i] >> (24 - b * 8));
  return out;
}

std::string base64(const uint8_t* p, size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (size_t i = 0; i < n; i += 3) {
    const uint32_t v = (uint32_t{p[i]} << 16) | (i + 1 < n ? uint32_t{p[i + 1]} << 8 : 0) | (i + 2 < n ? p[i + 2] : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

// ---- escaping -------------------------------------------------------------------------------------------

// Valid UTF-8 in; appends it with C0/C1 controls (but TAB/LF/CR) and DEL shown as "\xNN".
template <typename Emit>
void each_visible(std::string_view utf8, Emit emit) {
  for (size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f) {
      emit(fmt::format("\\x{:02x}", c));
    } else if (c == 0xc2 && i + 1 < utf8.size() && static_cast<unsigned char>(utf8[i + 1]) < 0xa0) {
      emit(fmt::format("\\x{:02x}", static_cast<unsigned char>(utf8[++i])));
    } else {
      emit(std::string_view(&utf8[i], 1));
    }
  }
}

using Lang = const i18n::Catalog&;

std::string percent(size_t part, size_t whole) {
  if (whole == 0) return "0%";
  return std::to_string((part * 100 + whole / 2) / whole) + "%";
}

std::string sev_class(int sev) { return sev < 0 ? "sev-none" : std::string("sev-") + severity_name(static_cast<Severity>(sev)); }

std::string sev_badge(Lang L, int sev) {
  const std::string label(sev < 0 ? L.get("severity.none") : L.get(std::string("severity.") + severity_name(static_cast<Severity>(sev))));
  return fmt::format("<span class=\"sev {}\">{}</span>", sev_class(sev), html_text(label));
}

// Cuts valid UTF-8 to at most width terminal columns, adding "…" when cut.
std::string clip(const std::string& utf8, size_t width) {
  if (text::display_width(utf8) <= width) return utf8;
  std::string out;
  size_t w = 0;
  for (size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    const size_t n = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    const std::string ch = utf8.substr(i, n);
    const size_t cw = text::display_width(ch);
    if (w + cw + 1 > width) break;
    out += ch;
    w += cw;
    i += n;
  }
  return out + "…";
}

std::string address_sort_key(const IpAddr& a) {
  if (a.is_v4()) return fmt::format("4:{:08x}", a.v4_value());
  std::string k = "6:";
  for (const uint8_t b : a.v6_bytes()) k += fmt::format("{:02x}", b);
  return k;
}

std::string host_anchor(const Device& d) { return "host-" + d.address.to_string(); }

std::string maker_text(const DeviceVerdict& v) {
  std::string m = v.manufacturer.value_or("");
  if (v.brand && (!v.manufacturer || *v.brand != *v.manufacturer)) m += (m.empty() ? "" : " / ") + *v.brand;
  return m;
}

bool has_policy(const Device& d, std::string_view policy) {
  return std::any_of(d.findings.begin(), d.findings.end(), [&](const Finding& f) { return f.id.starts_with(policy); });
}

bool is_surveillance(const Device& d) { return d.verdict.category != Category::kOther; }

struct Bar {
  std::string label;
  size_t count;
  std::string css;
};

std::string hbar_chart(const std::vector<Bar>& bars, const std::string& title, Lang L) {
  constexpr int kWidth = 520, kLabelRight = 172, kBarX = 180, kMaxBar = 290, kRow = 28;
  size_t max_count = 1;
  for (const auto& b : bars) max_count = std::max(max_count, b.count);
  const int height = static_cast<int>(bars.size()) * kRow + 8;
  std::string s = fmt::format(
      "<svg class=\"chart\" viewBox=\"0 0 {} {}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">",
      kWidth, height, html_attr(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    const int y = 4 + static_cast<int>(i) * kRow;
    const int w = b.count == 0 ? 0 : std::max(2, static_cast<int>(b.count * kMaxBar / max_count));
    s += fmt::format(
        "<g><title>{}</title><text class=\"lbl\" x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
        "<rect class=\"bar {}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"18\" rx=\"2\"/>"
        "<text class=\"val\" x=\"{}\" y=\"{}\">{}</text></g>",
        html_text(i18n::format(L.get("chart.bar_label"), {{"label", b.label}, {"count", std::to_string(b.count)}})),
        kLabelRight, y + 18, html_text(clip(text::sanitize_utf8(b.label), 26)), html_attr(b.css), kBarX, y + 5, w,
        kBarX + w + 6, y + 18, b.count);
  }
  return s + "</svg>";
}

std::string share_bar(size_t part, size_t whole) {
  const int w = whole == 0 ? 0 : static_cast<int>(part * 120 / whole);
  return fmt::format("<span class=\"share\"><svg viewBox=\"0 0 120 10\" width=\"120\" height=\"10\">"
                     "<rect class=\"bar\" x=\"0\" y=\"0\" width=\"{}\" height=\"10\"/></svg></span>",
                     w);
}

std::string or_not_learned(Lang L, const std::optional<std::string>& v) {
  if (!v || v->empty()) return "<span class=\"na\">" + html_text(L.get("device.not_learned")) + "</span>";
  return html_text(*v);
}

// Rules that name no vendor (and records kept out of findings): date, label, issuer and scope; no counts.
std::string render_policy_context(Lang L, const std::vector<PolicyInfo>& policies) {
  std::string s;
  for (const auto& p : policies) {
    if (!p.context) continue;
    if (s.empty())
      s = "<h3>" + html_text(L.get("summary.context_heading")) + "</h3>\n<p class=\"note\">" +
          html_text(L.get("summary.context_note")) + "</p>\n<ul class=\"policy-context\">\n";
    // The catalog's pattern is escaped as text; the pieces are escaped before they are put in.
    const std::string item = i18n::format(html_text(L.get("summary.context_item")),
                                          {{"label", "<strong>" + html_text(p.label) + "</strong>"},
                                           {"date", html_text(p.effective)},
                                           {"issuer", html_text(p.issuer)},
                                           {"scope", html_text(p.scope)}});
    s += fmt::format("<li data-policy=\"{}\">{}</li>\n", html_attr(p.finding_id), item);
  }
  return s.empty() ? s : s + "</ul>\n";
}

// The parts of a device's section: identity, services, evidence, findings.
std::string identity_html(Lang L, const Device& d) {
  std::string s;
  const auto& v = d.verdict;
  s += "<h4>" + html_text(L.get("device.identity")) + "</h4>\n<dl class=\"identity\">";
  const auto item = [&](const char* key, const std::string& html_value) {
    s += fmt::format("<dt>{}</dt><dd>{}</dd>", html_text(L.get(key)), html_value);
  };
  item("column.category", html_text(L.get(std::string("category.") + category_name(v.category))));
  item("column.manufacturer", or_not_learned(L, v.manufacturer));
  item("column.brand", or_not_learned(L, v.brand));
  item("column.model", or_not_learned(L, v.model));
  item("column.firmware", or_not_learned(L, v.firmware));
  item("column.serial", or_not_learned(L, v.serial));
  item("column.mac", or_not_learned(L, d.mac));
  item("column.confidence", v.manufacturer ? percent(static_cast<size_t>(v.confidence * 1000 + 0.5), 1000)
                                           : "<span class=\"na\">-</span>");
  s += "</dl>\n";
  if (!v.clues.empty()) {
    s += "<h4>" + html_text(L.get("device.clues")) + "</h4><ul class=\"clues\">";
    for (const auto& c : v.clues) s += "<li><code>" + html_text(c.source) + "</code> " + html_text(c.value) + "</li>";
    s += "</ul>\n";
  }
  if (!v.conflicts.empty()) {
    s += "<h4>" + html_text(L.get("device.conflicts")) + "</h4><ul>";
    for (const auto& c : v.conflicts) s += "<li>" + html_text(c) + "</li>";
    s += "</ul>\n";
  }
  return s;
}

std::string services_html(Lang L, const Device& d) {
  std::string s;
  s += "<h4>" + html_text(L.get("device.services")) + "</h4>\n";
  if (d.services.empty()) {
    s += "<p class=\"note\">" + html_text(L.get("device.no_services")) + "</p>\n";
  } else {
    s += fmt::format("<div class=\"scroll\"><table class=\"services\"><thead><tr><th class=\"n\">{}</th><th>{}</th><th>{}</th><th>{}</th>"
                     "<th>{}</th></tr></thead><tbody>",
                     html_text(L.get("service.port")), html_text(L.get("service.transport")),
                     html_text(L.get("service.protocol")), html_text(L.get("service.tls")),
                     html_text(L.get("service.product")));
    for (const auto& sv : d.services)
      s += fmt::format("<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", sv.port,
                       transport_name(sv.transport), html_text(sv.protocol),
                       html_text(L.get(sv.tls ? "service.tls_yes" : "service.tls_no")),
                       sv.product ? html_text(*sv.product) : std::string("-"));
    s += "</tbody></table></div>\n";
  }
  return s;
}

std::string evidence_html(Lang L, const Device& d) {
  std::string s;
  const auto& v = d.verdict;
  s += "<h4>" + html_text(L.get("device.evidence")) + "</h4>\n";
  if (v.evidence.empty()) {
    s += "<p class=\"note\">" + html_text(L.get("device.no_evidence")) + "</p>\n";
  } else {
    s += fmt::format("<div class=\"scroll\"><table class=\"evidence\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th><th>{}</th>"
                     "<th>{}</th></tr></thead><tbody>",
                     html_text(L.get("evidence.source")), html_text(L.get("evidence.port")),
                     html_text(L.get("evidence.value")), html_text(L.get("evidence.implies")),
                     html_text(L.get("evidence.rule")));
    for (const auto& e : v.evidence) {
      std::string implies;
      for (const auto& [k, val] : e.implies) {
        if (!implies.empty()) implies += "<br>";
        implies += html_text(k) + " = " + html_text(val);
      }
      s += fmt::format("<tr><td><code>{}</code></td><td class=\"n\">{}</td><td><code>{}</code></td><td>{}</td>"
                       "<td><code>{}</code></td></tr>",
                       html_text(e.source), e.port == 0 ? std::string("-") : std::to_string(e.port),
                       html_text(e.value), implies, html_text(e.rule));
    }
    s += "</tbody></table></div>\n";
  }
  return s;
}

std::string findings_html(Lang L, const Device& d) {
  std::string s;
  s += "<h4>" + html_text(L.get("device.findings")) + "</h4>\n";
  if (d.findings.empty()) s += "<p class=\"note\">" + html_text(L.get("device.no_findings")) + "</p>\n";
  std::vector<const Finding*> findings;
  for (const auto& f : d.findings) findings.push_back(&f);
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding* a, const Finding* b) { return a->severity > b->severity; });
  for (const Finding* f : findings) {
    const int fs = static_cast<int>(f->severity);
    s += fmt::format("<article class=\"finding {}\" data-finding=\"{}\"><header>{} <span class=\"title\">{}</span> "
                     "<code>{}</code></header>",
                     sev_class(fs), html_attr(f->id), sev_badge(L, fs), html_text(f->title.str()), html_text(f->id));
    if (!f->detail.empty()) s += "<p>" + html_text(f->detail.str()) + "</p>";
    s += "<dl>";
    if (!f->remediation.empty())
      s += fmt::format("<dt>{}</dt><dd>{}</dd>", html_text(L.get("finding.remediation")), html_text(f->remediation.str()));
    if (!f->references.empty()) {
      s += fmt::format("<dt>{}</dt><dd><ul class=\"refs\">", html_text(L.get("finding.references")));
      for (const auto& r : f->references) {
        if (is_linkable_url(r))
          s += fmt::format("<li><a href=\"{}\" rel=\"noopener noreferrer\" target=\"_blank\">{}</a></li>", html_attr(r),
                           html_text(r));
        else
          s += "<li><span class=\"mono\">" + html_text(r) + "</span></li>";
      }
      s += "</ul></dd>";
    }
    s += "</dl></article>\n";
  }
  return s;
}

std::string render_device_section(Lang L, const Device& d) {
  const auto& v = d.verdict;
  const int sev = summarize(d.findings).security_rank();
  std::string s = fmt::format("<section class=\"device\" id=\"{}\" data-address=\"{}\">\n", html_attr(host_anchor(d)),
                              html_attr(d.address.to_string()));
  std::string heading = d.address.to_string();
  const std::string maker = maker_text(v);
  if (!maker.empty()) heading += " — " + maker;
  if (v.model) heading += " " + *v.model;
  s += fmt::format("<h3>{} <span>{}</span></h3>\n", sev_badge(L, sev), html_text(heading));

  s += identity_html(L, d) + findings_html(L, d);
  // Services and the evidence chain are there to check a verdict, not to read first: collapsed.
  s += "<details class=\"proof\"><summary>" +
       html_text(i18n::format(L.get("device.evidence_summary"),
                              {{"services", std::to_string(d.services.size())},
                               {"evidence", std::to_string(v.evidence.size())}})) +
       "</summary>\n" + services_html(L, d) + evidence_html(L, d) + "</details>\n";
  s += "<p class=\"back\"><a href=\"#devices\">" + html_text(L.get("device.back")) + "</a></p>\n</section>\n";
  return s;
}

}  // namespace

namespace {

// Escapes one visible piece for element content; false when the piece needs no entity.
bool append_text_entity(std::string& out, char c) {
  switch (c) {
    case '&': out += "&amp;"; return true;
    case '<': out += "&lt;"; return true;
    case '>': out += "&gt;"; return true;
    case '"': out += "&quot;"; return true;
    case '\'': out += "&#39;"; return true;
    default: return false;
  }
}

}  // namespace

std::string html_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  each_visible(text::sanitize_utf8(s), [&](std::string_view piece) {
    if (piece.size() != 1 || !append_text_entity(out, piece[0])) out += piece;
  });
  return out;
}

// As html_text, plus the characters that matter inside a double-quoted attribute value.
std::string html_attr(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  each_visible(text::sanitize_utf8(s), [&](std::string_view piece) {
    if (piece.size() != 1 || append_text_entity(out, piece[0])) {
      if (piece.size() != 1) out += piece;
      return;
    }
    switch (piece[0]) {
      case '`': out += "&#96;"; break;
      case '\t': out += "&#9;"; break;
      case '\n': out += "&#10;"; break;
      case '\r': out += "&#13;"; break;
      default: out += piece;
    }
  });
  return out;
}

namespace {

// The UTC instant of "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339 as anshin writes it), nullopt for anything else.
std::optional<std::time_t> parse_utc(std::string_view t) {
  if (t.size() != 20 || t[4] != '-' || t[7] != '-' || t[10] != 'T' || t[13] != ':' || t[16] != ':' || t[19] != 'Z')
    return std::nullopt;
  const auto num = [&](size_t at, size_t n) {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (t[i] < '0' || t[i] > '9') return -1;
      v = v * 10 + (t[i] - '0');
    }
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour < 0 ||
      tm.tm_hour > 23 || tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 || tm.tm_sec > 60)
    return std::nullopt;
  return timegm(&tm);
}

struct LocalTime {
  std::string text;  // "2026-12-06 21:09 JST (+09:00)"
  long offset_minutes = 0;
};

std::optional<LocalTime> to_local(std::string_view rfc3339_utc) {
  const auto utc = parse_utc(rfc3339_utc);
  if (!utc) return std::nullopt;
  std::tm local{};
  if (!localtime_r(&*utc, &local)) return std::nullopt;
  char when[32], zone[16];
  std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", &local);
  std::strftime(zone, sizeof zone, "%Z", &local);
  const long offset = local.tm_gmtoff / 60;
  const long abs_offset = offset < 0 ? -offset : offset;
  const std::string sign = offset < 0 ? "-" : "+";
  std::string text = when;
  // Zones without an abbreviation name themselves by their offset ("+09"): the offset alone says it.
  if (zone[0] != '\0' && zone[0] != '+' && zone[0] != '-') text += std::string(" ") + zone;
  text += fmt::format(" ({}{:02}:{:02})", sign, abs_offset / 60, abs_offset % 60);
  return LocalTime{text, offset};
}

}  // namespace

std::string local_time_text(std::string_view rfc3339_utc) {
  const auto local = to_local(rfc3339_utc);
  return local ? local->text : std::string(rfc3339_utc);
}

bool is_linkable_url(std::string_view url) {
  const auto lower_starts = [&](std::string_view p) { return url.size() > p.size() && text::istarts_with(url, p); };
  if (!lower_starts("http://") && !lower_starts("https://")) return false;
  return std::none_of(url.begin(), url.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c <= 0x20 || c == 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '\\' || ch == '`';
  });
}

namespace {

// A time for the reader: <time> keeps the UTC instant and the offset it was rendered in, so the script can
// re-render it in the browser's zone when that differs.
std::string time_html(const std::string& rfc3339_utc) {
  const auto local = to_local(rfc3339_utc);
  if (!local) return html_text(rfc3339_utc);
  return fmt::format("<time datetime=\"{}\" data-offset=\"{}\">{}</time>", html_attr(rfc3339_utc),
                     local->offset_minutes, html_text(local->text));
}

// The document head (hash-pinned CSP for the inline script) and the report header, up to <main>.
std::string document_head(const ScanSnapshot& snap, const std::string& lang, Lang L, const std::string& script) {
  const auto T = [&](std::string_view key) { return html_text(L.get(key)); };
  const auto TR = [&](std::string_view key, std::initializer_list<i18n::Arg> args) {
    return html_text(i18n::format(L.get(key), args));
  };
  const auto digest = sha256(script);
  const std::string csp = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" +
                          base64(digest.data(), digest.size()) +
                          "'; img-src data:; base-uri 'none'; form-action 'none'";
  std::string h;
  h.reserve(64 * 1024);
  h += "<!DOCTYPE html>\n<html lang=\"" + html_attr(lang) + "\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + html_attr(csp) + "\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<meta name=\"referrer\" content=\"no-referrer\">\n<meta name=\"color-scheme\" content=\"light\">\n";
  h += "<meta name=\"generator\" content=\"anshin " + html_attr(snap.scan.tool_version) + "\">\n";
  h += "<title>" + T("report.title") + (snap.scan.id.empty() ? "" : " — " + html_text(snap.scan.id)) + "</title>\n";
  h += std::string("<style>") + assets::kStyle + "</style>\n</head>\n<body>\n";

  // Header
  h += "<header class=\"top\">\n<div class=\"tool\">" +
       TR("report.generated_by", {{"tool_version", snap.scan.tool_version}}) + "</div>\n<h1>" + T("report.title") +
       "</h1>\n<dl class=\"meta\">";
  std::string targets;
  for (const auto& t : snap.scan.targets) targets += (targets.empty() ? "" : ", ") + t;
  const auto meta = [&](const char* key, const std::string& value, const std::string& value_html) {
    if (!value.empty()) h += fmt::format("<div><dt>{}</dt><dd>{}</dd></div>", T(key), value_html);
  };
  meta("header.scan_id", snap.scan.id, html_text(snap.scan.id));
  meta("header.targets", targets, html_text(targets));
  meta("header.addresses", std::to_string(snap.scan.addresses), html_text(std::to_string(snap.scan.addresses)));
  meta("header.started", snap.scan.started, time_html(snap.scan.started));
  meta("header.finished", snap.scan.finished, time_html(snap.scan.finished));
  h += "</dl>\n</header>\n<main>\n";
  if (snap.scan.interrupted)
    h += "<div class=\"banner\" role=\"alert\" id=\"interrupted\">" + T("summary.interrupted") + "</div>\n";
  return h;
}

// Devices by manufacturer (top ten, the rest as one bar) and findings by severity.
std::string charts_html(const std::vector<const Device*>& rows, const size_t (&per_severity)[5], Lang L) {
  const auto T = [&](std::string_view key) { return html_text(L.get(key)); };
  std::string h;
  std::map<std::string, size_t> by_maker;
  for (const Device* d : rows)
    ++by_maker[d->verdict.manufacturer ? text::sanitize_utf8(*d->verdict.manufacturer)
                                       : std::string(L.get("chart.unknown_manufacturer"))];
  std::vector<Bar> maker_bars;
  for (const auto& [name, n] : by_maker) maker_bars.push_back({name, n, ""});
  std::stable_sort(maker_bars.begin(), maker_bars.end(), [](const Bar& a, const Bar& b) { return a.count > b.count; });
  constexpr size_t kTop = 10;
  if (maker_bars.size() > kTop + 1) {
    size_t rest = 0;
    for (size_t i = kTop; i < maker_bars.size(); ++i) rest += maker_bars[i].count;
    const size_t others = maker_bars.size() - kTop;
    maker_bars.resize(kTop);
    maker_bars.push_back({i18n::format(L.get("chart.other_manufacturers"), {{"count", std::to_string(others)}}),
                          rest, ""});
  }
  std::vector<Bar> sev_bars;
  for (int s = 4; s >= 0; --s)
    sev_bars.push_back({std::string(L.get(std::string("severity.") + severity_name(static_cast<Severity>(s)))),
                        per_severity[s], sev_class(s)});
  h += "<section id=\"charts\" class=\"charts\">\n";
  h += "<figure id=\"chart-manufacturer\"><figcaption>" + T("chart.by_manufacturer") + "</figcaption>" +
       hbar_chart(maker_bars, std::string(L.get("chart.by_manufacturer")), L) + "</figure>\n";
  h += "<figure id=\"chart-severity\"><figcaption>" + T("chart.by_severity") + "</figcaption>" +
       hbar_chart(sev_bars, std::string(L.get("chart.by_severity")), L) + "</figure>\n</section>\n";
  return h;
}

// "Update the firmware of 6 Hikvision cameras" / "Telnet is open: 3 devices" (catalog patterns).

// The ranked actions (model/top_actions.h), the first kShown of them.
std::string top_actions_html(const ScanSnapshot& snap, const std::set<std::string>& exploited, Lang L) {
  const auto T = [&](std::string_view key) { return html_text(L.get(key)); };
  constexpr size_t kShown = 10, kAddresses = 8;
  const auto actions = top_actions(snap.devices, exploited);
  std::string h = "<section id=\"actions\">\n<h2>" + T("actions.heading") + "</h2>\n<p class=\"note\">" +
                  T("actions.note") + "</p>\n";
  if (actions.empty()) return h + "<p class=\"lead\" id=\"no-actions\">" + T("actions.none") + "</p>\n</section>\n";
  const std::string kev = "<span class=\"kev\">" + T("actions.exploited") + "</span>";
  const std::string kev_short = "<span class=\"kev\">" + T("actions.exploited_short") + "</span>";
  h += "<ol class=\"actions\">\n";
  for (size_t i = 0; i < actions.size() && i < kShown; ++i) {
    const TopAction& a = actions[i];
    const int sev = static_cast<int>(a.severity);
    h += fmt::format("<li class=\"action {}\" data-kind=\"{}\" data-devices=\"{}\"><div class=\"what\">{} <strong>{}</strong>{}</div>",
                     sev_class(sev), a.kind == ActionKind::kUpdateFirmware ? "update-firmware" : "fix-finding",
                     a.devices.size(), sev_badge(L, sev), html_text(action_headline(L, a)), a.exploited ? " " + kev : "");
    if (a.kind == ActionKind::kUpdateFirmware) {
      std::string ids;
      for (const auto& f : a.findings) {
        const std::string cve = f.finding_id.starts_with("cve.") ? f.finding_id.substr(4) : f.finding_id;
        ids += fmt::format("{}<span class=\"fix\" data-finding=\"{}\"><code>{}</code>{}{}</span>", ids.empty() ? "" : ", ",
                           html_attr(f.finding_id), html_text(cve), f.exploited ? " " + kev_short : "",
                           a.devices.size() > 1 ? html_text(i18n::format(
                                                      L.get(f.devices == 1 ? "actions.on_one" : "actions.on_devices"),
                                                      {{"count", std::to_string(f.devices)}}))
                                                : "");
      }
      h += "<div class=\"fixes\">" + T("actions.removes") + " " + ids + "</div>";
    } else if (!a.remediation.empty()) {
      h += "<div class=\"fixes\">" + html_text(a.remediation) + "</div>";
    }
    std::string hosts;
    for (size_t d = 0; d < a.devices.size() && d < kAddresses; ++d)
      hosts += fmt::format("{}<a href=\"#{}\">{}</a>", d ? ", " : "", html_attr(host_anchor(*a.devices[d])),
                           html_text(a.devices[d]->address.to_string()));
    if (a.devices.size() > kAddresses)
      hosts += " " + html_text(i18n::format(L.get("actions.more_devices"),
                                            {{"count", std::to_string(a.devices.size() - kAddresses)}}));
    h += "<div class=\"hosts\">" + T("actions.devices") + " " + hosts + "</div></li>\n";
  }
  h += "</ol>\n";
  if (actions.size() > kShown)
    h += "<p class=\"note\" id=\"more-actions\">" +
         html_text(i18n::format(L.get("actions.more"), {{"count", std::to_string(actions.size() - kShown)}})) + "</p>\n";
  return h + "</section>\n";
}

// The sortable, filterable device table (the script in html_assets.h drives it).
std::string device_table_html(const std::vector<const Device*>& rows, Lang L) {
  const auto T = [&](std::string_view key) { return html_text(L.get(key)); };
  std::string h;
  h += "<section id=\"devices\">\n<h2>" + T("table.heading") + "</h2>\n";
  h += fmt::format("<div class=\"controls\"><label for=\"filter\">{}</label><input id=\"filter\" type=\"search\" "
                   "placeholder=\"{}\" autocomplete=\"off\" spellcheck=\"false\">"
                   "<span id=\"filter-status\" aria-live=\"polite\" data-template=\"{}\"></span>"
                   "<span class=\"hint\">{}</span></div>\n",
                   T("table.filter_label"), html_attr(L.get("table.filter_placeholder")),
                   html_attr(L.get("table.filter_status")), T("table.sort_hint"));
  struct Col { const char* key; const char* type; bool numeric_align; };
  static constexpr Col kCols[] = {{"column.address", "text", false},  {"column.category", "text", false},
                                  {"column.maker", "text", false},    {"column.model", "text", false},
                                  {"column.firmware", "text", false}, {"column.services", "text", false},
                                  {"column.severity", "number", false}, {"column.findings", "number", false},
                                  {"column.policy", "number", false}};
  h += "<p class=\"print-only note\">" + T("table.print_note") + "</p>\n";
  h += "<div class=\"scroll\"><table id=\"device-table\" class=\"devices\"><thead><tr>";
  for (const auto& c : kCols)
    h += fmt::format("<th data-type=\"{}\" aria-sort=\"none\"><button type=\"button\">{}</button></th>", c.type,
                     T(c.key));
  h += "</tr></thead>\n<tbody>\n";
  for (const Device* d : rows) {
    const auto& v = d->verdict;
    std::string search, services, services_html;
    for (const auto& f : d->findings) search += f.id + ' ' + f.title + ' ';
    for (const auto& sv : d->services) {
      if (!services.empty()) services += ' ';
      services += std::to_string(sv.port) + "/" + (sv.protocol.empty() ? "?" : sv.protocol);
      services_html += "<span class=\"svc\">" + html_text(services.substr(services.rfind(' ') + 1)) + "</span> ";
    }
    const DeviceRisk risk = summarize(d->findings);
    // Severity and counts over security findings only; the policy column counts procurement rules.
    const int sev = risk.security_rank();
    const auto& counts = risk.security_counts;
    std::string sevlist;
    for (int s = 4; s >= 0; --s)
      if (counts[s])
        sevlist += fmt::format("<span class=\"sev {}\">{} {}</span>", sev_class(s), counts[s],
                               html_text(L.get(std::string("severity.") + severity_name(static_cast<Severity>(s)))));
    if (sevlist.empty()) sevlist = "<span class=\"na\">" + T("table.no_findings") + "</span>";
    const std::string policy_cell =
        risk.policy_ids.empty() ? "<span class=\"na\">" + T("table.no_policy") + "</span>"
                                : "<span class=\"policy-count\">" +
                                      html_text(i18n::format(L.get("table.policy_count"),
                                                             {{"count", std::to_string(risk.policy_ids.size())}})) +
                                      "</span>";
    h += fmt::format(
        "<tr data-address=\"{}\" data-search=\"{}\"><td data-sort=\"{}\"><a href=\"#{}\">{}</a></td><td>{}</td>"
        "<td>{}</td><td>{}</td><td>{}</td><td class=\"mono\">{}</td><td data-sort=\"{}\">{}</td>"
        "<td data-sort=\"{}\" class=\"sevlist\">{}</td><td data-sort=\"{}\">{}</td></tr>\n",
        html_attr(d->address.to_string()), html_attr(search), address_sort_key(d->address), html_attr(host_anchor(*d)),
        html_text(d->address.to_string()), T(std::string("category.") + category_name(v.category)),
        html_text(maker_text(v)), v.model ? html_text(*v.model) : "", v.firmware ? html_text(*v.firmware) : "",
        services_html, sev, sev_badge(L, sev), risk.security_total, sevlist, risk.policy_ids.size(), policy_cell);
  }
  h += "</tbody></table></div>\n<p class=\"note\" id=\"security-note\">" + T("table.security_note") + "</p>\n";
  h += "<p id=\"no-match\" class=\"note\" hidden>" + T("table.no_match") + "</p>\n</section>\n";
  return h;
}

}  // namespace

std::string render_html(const ScanSnapshot& snap, const HtmlOptions& opt) {
  const std::string lang = i18n::normalize_lang(opt.lang);
  const i18n::Catalog& L = i18n::catalog(lang);
  const auto T = [&](std::string_view key) { return html_text(L.get(key)); };
  const auto TR = [&](std::string_view key, std::initializer_list<i18n::Arg> args) {
    return html_text(i18n::format(L.get(key), args));
  };

  std::vector<const Device*> rows;
  for (const auto& d : snap.devices) rows.push_back(&d);
  std::stable_sort(rows.begin(), rows.end(), [](const Device* a, const Device* b) { return riskier(*a, *b); });

  const size_t total = rows.size();
  size_t surveillance = 0, critical_high = 0, policy_any = 0;
  std::vector<size_t> per_policy(opt.policies.size(), 0);
  size_t per_severity[5] = {};
  for (const Device* d : rows) {
    if (is_surveillance(*d)) ++surveillance;
    const DeviceRisk risk = summarize(d->findings);
    if (risk.security_critical_or_high()) ++critical_high;
    bool any = false;
    for (size_t p = 0; p < opt.policies.size(); ++p)
      if (!opt.policies[p].context && has_policy(*d, opt.policies[p].finding_id)) { ++per_policy[p]; any = true; }
    if (any) ++policy_any;
    for (size_t s = 0; s < risk.security_counts.size(); ++s) per_severity[s] += risk.security_counts[s];
  }

  const std::string script = assets::kScript;
  std::string h = document_head(snap, lang, L, script);

  // Executive summary
  h += "<section id=\"summary\" class=\"summary\">\n<h2>" + T("summary.heading") + "</h2>\n<div class=\"cards\">\n";
  const auto card = [&](const char* metric, const char* css, size_t value, const char* label, const std::string& note) {
    h += fmt::format("<div class=\"card {}\"><div class=\"num\" data-metric=\"{}\">{}</div><div class=\"label\">{}</div>"
                     "<div class=\"note\">{}</div></div>\n",
                     css, metric, value, T(label), note);
  };
  const bool traffic = scan_kind(snap.scan) == ScanKind::kTraffic;  // a capture: only devices that talked
  card("devices", "", total, traffic ? "summary.devices_traffic" : "summary.devices",
       TR(traffic ? "summary.devices_note_traffic" : "summary.devices_note",
          {{"addresses", std::to_string(snap.scan.addresses)}}));
  card("surveillance", "", surveillance, "summary.surveillance", T("summary.surveillance_note"));
  card("critical-high", "alert", critical_high, "summary.critical_high",
       TR("summary.of_total", {{"percent", percent(critical_high, total)}}));
  card("policy-named", "policy", policy_any, "summary.policy_named",
       TR("summary.of_total", {{"percent", percent(policy_any, total)}}));
  h += "</div>\n";
  if (total == 0) {
    h += "<p class=\"lead\" id=\"no-devices\">" + T("summary.no_devices") + "</p>\n";
  } else {
    h += "<p class=\"lead\">" +
         (critical_high == 0 ? T("summary.sentence_clean")
                             : TR("summary.sentence_risk", {{"count", std::to_string(critical_high)},
                                                            {"total", std::to_string(total)},
                                                            {"percent", percent(critical_high, total)}})) +
         "</p>\n";
    h += "<p class=\"lead\">" +
         TR("summary.sentence_policy", {{"named", std::to_string(policy_any)},
                                        {"total", std::to_string(total)},
                                        {"percent", percent(policy_any, total)}}) +
         "</p>\n";
  }
  h += "<h3>" + T("summary.policy_heading") + "</h3>\n";
  h += fmt::format("<div class=\"scroll\"><table class=\"policy-table\"><thead><tr><th>{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead>"
                   "<tbody>\n",
                   T("summary.policy_column"), T("summary.devices_column"), T("summary.share_column"));
  for (size_t p = 0; p < opt.policies.size(); ++p) {
    const PolicyInfo& pol = opt.policies[p];
    if (pol.context) continue;
    h += fmt::format("<tr data-policy=\"{}\"><td>{}</td><td class=\"n\" data-count=\"{}\">{}</td><td>{}{}</td></tr>\n",
                     html_attr(pol.finding_id), html_text(pol.label), per_policy[p], per_policy[p],
                     share_bar(per_policy[p], total), percent(per_policy[p], total));
  }
  h += "</tbody></table></div>\n<p class=\"note\">" + T("summary.policy_note") + "</p>\n";
  h += render_policy_context(L, opt.policies);
  h += "</section>\n";

  if (total > 0) {
    h += charts_html(rows, per_severity, L);
    h += top_actions_html(snap, opt.exploited, L);
    h += device_table_html(rows, L);
    // Per-device sections
    h += "<section id=\"details\">\n<h2>" + T("device.heading") + "</h2>\n";
    for (const Device* d : rows) h += render_device_section(L, *d);
    h += "</section>\n";
  }
  h += "</main>\n<footer>\n";
  h += "<p>" + TR("footer.generated", {{"tool_version", snap.scan.tool_version}, {"kb_version", snap.scan.kb_version}}) +
       "</p>\n";
  // The catalog's pattern is escaped as text; the pieces are escaped before they are put in.
  h += "<p>" + i18n::format(html_text(L.get("footer.scan")), {{"id", html_text(snap.scan.id)},
                                                             {"started", time_html(snap.scan.started)},
                                                             {"finished", time_html(snap.scan.finished)}}) +
       "</p>\n";
  h += "<p>" + T("footer.disclaimer") + "</p>\n</footer>\n";
  h += "<script>" + script + "</script>\n</body>\n</html>\n";
  return h;
}

}  // namespace anshin::report
