// SIEM export (docs/contract.md `report --format jsonl`): one JSON object per finding, one finding per line,
// each line complete on its own (scan, site, device identity, finding id, severity, title). Pure: renders a
// ScanSnapshot; device strings are JSON-escaped and invalid UTF-8 becomes U+FFFD, so a raw newline or quote
// from a device can never split or forge a line.
#pragma once
#include <string>

#include "report/json.h"

namespace anshin::report {

// Every finding of every device, in snapshot order, streamed to `sink` one line at a time.
void write_jsonl(const ScanSnapshot& snapshot, const JsonSink& sink);

std::string to_jsonl(const ScanSnapshot& snapshot);

}  // namespace anshin::report
