// CSV export: one row per device (riskiest first, like every report), header row in the report language.
// RFC 4180 quoting; cells are defended against spreadsheet formula injection (a device-provided cell that
// starts with = + - @ TAB CR, or their full-width forms, gets a leading apostrophe); control characters
// become visible "\xNN" text and invalid UTF-8 becomes U+FFFD. Category and severity columns hold the
// stable ids of docs/contract.md (camera, high, ...) so spreadsheets and scripts can filter on them.
#pragma once
#include <string>

#include "model/device.h"

namespace anshin::report {

struct CsvOptions {
  std::string lang = "en";  // header language: "en" or "ja"
  bool excel = false;       // UTF-8 BOM and CRLF line ends, so Excel (also Japanese Excel) opens it as UTF-8
};

std::string render_csv(const ScanSnapshot& snapshot, const CsvOptions& options = {});

// One CSV cell, quoted when needed. With defend, a leading formula character is neutralised with "'".
std::string csv_cell(std::string_view value, bool defend = true);

}  // namespace anshin::report
