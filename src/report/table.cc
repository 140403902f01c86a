#include "report/table.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <numeric>

#include "core/text.h"

namespace anshin::report {
namespace {

constexpr size_t kGap = 2;

size_t utf8_length(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

size_t line_width(const FittedTable& fit) {
  if (fit.widths.empty()) return 0;
  return std::accumulate(fit.widths.begin(), fit.widths.end(), size_t{0}) + kGap * (fit.widths.size() - 1);
}

}  // namespace

std::string cut_to_width(const std::string& cell, size_t width) {
  if (text::display_width(cell) <= width) return cell;
  if (width == 0) return "";
  std::string out;
  size_t used = 0;
  for (size_t i = 0; i < cell.size();) {
    const size_t n = std::min(utf8_length(static_cast<unsigned char>(cell[i])), cell.size() - i);
    const std::string ch = cell.substr(i, n);
    const size_t w = text::display_width(ch);
    if (used + w + 1 > width) break;  // keep one column for the ellipsis
    out += ch;
    used += w;
    i += n;
  }
  return out + "…";
}

FittedTable fit_table(const std::vector<TextColumn>& columns, const std::vector<std::vector<std::string>>& rows,
                      size_t width) {
  std::vector<size_t> natural(columns.size()), floor(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    const size_t header = text::display_width(columns[c].header);
    size_t w = header;
    for (const auto& r : rows)
      if (c < r.size()) w = std::max(w, text::display_width(r[c]));
    if (columns[c].max) w = std::min(w, std::max(columns[c].max, header));
    natural[c] = w;
    floor[c] = columns[c].min ? std::min(w, columns[c].min) : w;  // a cut column may cut its header too
  }
  std::vector<size_t> order;  // the columns that may go, last to be dropped first
  for (size_t c = 0; c < columns.size(); ++c)
    if (columns[c].drop_order > 0) order.push_back(c);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return columns[a].drop_order > columns[b].drop_order; });
  std::vector<bool> dropped(columns.size(), false);
  for (size_t attempt = 0;; ++attempt) {
    FittedTable fit;
    for (size_t c = 0; c < columns.size(); ++c)
      if (!dropped[c]) fit.shown.push_back(c), fit.widths.push_back(natural[c]);
    // Cut the widest column that can still give a column, one at a time, until it fits.
    while (width && line_width(fit) > width) {
      size_t best = fit.widths.size();
      for (size_t i = 0; i < fit.widths.size(); ++i)
        if (fit.widths[i] > floor[fit.shown[i]] && (best == fit.widths.size() || fit.widths[i] > fit.widths[best]))
          best = i;
      if (best == fit.widths.size()) break;
      --fit.widths[best];
    }
    if (!width || line_width(fit) <= width || attempt >= order.size()) return fit;
    dropped[order[attempt]] = true;
  }
}

std::string table_line(const FittedTable& fit, const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < fit.shown.size(); ++i) {
    const size_t c = fit.shown[i];
    std::string cell = cut_to_width(c < cells.size() ? cells[c] : std::string(), fit.widths[i]);
    if (i + 1 < fit.shown.size()) cell += std::string(fit.widths[i] - text::display_width(cell) + kGap, ' ');
    line += cell;
  }
  return line;
}

size_t terminal_width(int fd) {
  winsize ws{};
  if (::isatty(fd) && ::ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    const long n = std::strtol(columns, &end, 10);
    if (end && *end == '\0' && n >= 20 && n <= 1000) return static_cast<size_t>(n);
  }
  return 0;
}

}  // namespace anshin::report
