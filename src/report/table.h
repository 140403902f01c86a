// Plain-text tables for terminals: columns padded by display width (CJK counts 2), fitted to a width.
// Cells are shown as given: the caller escapes device strings (text::escape_for_terminal) before.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace anshin::report {

struct TextColumn {
  std::string header;
  size_t max = 0;       // widest a cell is shown (longer cells end in "…"); 0 = no limit
  size_t min = 0;       // narrowest it may be cut to when the table does not fit; 0 = never cut
  int drop_order = 0;   // 0 = always shown; columns with higher numbers are dropped first when cutting is not enough
};

struct FittedTable {
  std::vector<size_t> shown;     // indexes of the columns kept, in order
  std::vector<size_t> widths;    // their widths
};

// Column widths for `rows` within `width` display columns (0 = no limit): every column at its natural
// width (header and cells, capped at max); when the line is wider than `width`, the widest cuttable
// columns are cut towards their min, then columns are dropped by drop_order (highest first).
// Two spaces separate columns.
FittedTable fit_table(const std::vector<TextColumn>& columns, const std::vector<std::vector<std::string>>& rows,
                      size_t width);

// One line (no newline) of the fitted table: cells cut to their width ("…") and padded.
std::string table_line(const FittedTable& fit, const std::vector<std::string>& cells);

// The cell cut to `width` display columns, ending in "…" when it was cut.
std::string cut_to_width(const std::string& cell, size_t width);

// The width of the terminal `fd` is attached to (TIOCGWINSZ), else $COLUMNS, else 0 (no limit: output
// to a file or pipe is not cut).
size_t terminal_width(int fd);

}  // namespace anshin::report
