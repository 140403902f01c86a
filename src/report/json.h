// anshin.scan/1 JSON (docs/contract.md). Pure: renders a ScanSnapshot; invalid UTF-8 from devices is
// replaced with U+FFFD so the document always parses.
#pragma once
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>

#include "model/device.h"

namespace anshin::report {

inline constexpr const char* kScanSchema = "anshin.scan/1";

// Receives the document in pieces, in order.
using JsonSink = std::function<void(std::string_view)>;

// Writes the document to `sink` one device at a time: neither a DOM nor the text of the whole scan is
// held, so memory stays flat however many devices there are. The text is byte-identical to dumping
// one nlohmann DOM with `indent` (< 0 = compact).
void write_json(const ScanSnapshot& snapshot, const JsonSink& sink, int indent = 2);

// write_json into a stream or a C file (stdout), piece by piece.
void write_json(const ScanSnapshot& snapshot, std::ostream& out, int indent = 2);
void write_json(const ScanSnapshot& snapshot, std::FILE* out, int indent = 2);

// write_json into a string.
std::string to_json(const ScanSnapshot& snapshot, int indent = 2);

}  // namespace anshin::report
