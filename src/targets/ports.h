// TCP port lists: parsing the user's -p/--ports text and the default camera port set.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::targets {

// Parses a comma-separated list of ports and inclusive ranges, e.g. "80,443,8000-8010".
// Spaces around items are allowed. Every port must be 1..65535; a range's end must not be below its
// start. The result is ascending and free of duplicates. Errors (Errc::kInvalidInput) name the item:
// empty list, empty item ("80,,443"), non-numeric text, port 0 or > 65535, reversed range.
Result<std::vector<uint16_t>> parse_ports(std::string_view text);

// The default port set (ascending): the rows of model/ports.h marked scanned_by_default, i.e.
// 21,22,23,80,81,443,554,5000,8000,8001,8080,8081,8443,8554,8899,9000,37777 (sources there).
std::span<const uint16_t> default_camera_ports();

// "80,443,8000-8010": the ascending list with runs of three or more written as ranges.
std::string format_ports(std::span<const uint16_t> ports);

}  // namespace anshin::targets
