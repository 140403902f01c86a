// anshin.scan/1 JSON (docs/contract.md). Pure: renders a ScanSnapshot; invalid UTF-8 from devices is
// replaced with U+FFFD so the document always parses.
#pragma once
#include <string>

#include "model/device.h"

namespace anshin::report {

inline constexpr const char* kScanSchema = "anshin.scan/1";

std::string to_json(const ScanSnapshot& snapshot, int indent = 2);

}  // namespace anshin::report
