// Human summary on a terminal: one row per device, riskiest first. Every device-provided string is
// passed through text::escape_for_terminal; colour only when asked (TTY and NO_COLOR unset).
#pragma once
#include <cstddef>
#include <cstdio>
#include <set>
#include <string>

#include "model/device.h"

namespace anshin::report {

struct TerminalOptions {
  bool color = false;
  std::string lang = "en";  // "en" or "ja"
  size_t width = 0;         // display columns to fit the table in (report::terminal_width); 0 = no limit
  std::set<std::string> exploited;  // finding ids known to be exploited (CISA KEV): the top actions' ranking
};

void render_terminal(const ScanSnapshot& snapshot, std::FILE* out, const TerminalOptions& options);

// Sort key used by every report: highest severity first, then number of findings, then address.
bool riskier(const Device& a, const Device& b);

}  // namespace anshin::report
