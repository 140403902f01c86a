// Raw observations of a scan as JSON lines (one host per line): what every probe saw, before the
// knowledge base interpreted it. For fingerprint authors and for checking a verdict by hand
// (`anshin scan --observations FILE`). Device strings are made valid UTF-8, otherwise unchanged.
#pragma once
#include <string>
#include <vector>

#include "model/observation.h"

namespace anshin::report {

std::string observations_jsonl(const std::vector<HostRecord>& hosts);

}  // namespace anshin::report
