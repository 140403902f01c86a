// Raw observations of a scan as JSON lines (one host per line): what every probe saw, before the
// knowledge base interpreted it. For fingerprint authors and for checking a verdict by hand
// (`anshin scan --observations FILE`). Device strings are made valid UTF-8, otherwise unchanged.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "model/observation.h"

namespace anshin::report {

std::string observations_jsonl(const std::vector<HostRecord>& hosts);

// One line of that file back into a host record (the input of `anshin kb suggest`). The file is user
// input holding device bytes: bounded (a line of at most 4 MiB, 256 services, 4,096 observations per
// host, 4 KiB per value; the rest is dropped) and never trusted. Errc::kInvalidInput with a reason when the
// line is not JSON of that shape (an address is required).
Result<HostRecord> parse_observations_line(std::string_view line);

}  // namespace anshin::report
