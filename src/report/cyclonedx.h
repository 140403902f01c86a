// Bill-of-materials export (docs/contract.md `report --format cyclonedx`): a CycloneDX 1.6 JSON document.
// Each device is a component of type "device" (manufacturer, supplier = the brand it is sold under, name =
// model, version = firmware, properties anshin:address/mac/serial/category); each CVE (findings `cve.*`) is one
// vulnerability whose `affects` names every device it was found on, with the worst severity among them.
// Pure: renders a ScanSnapshot; device strings are JSON-escaped and invalid UTF-8 becomes U+FFFD.
#pragma once
#include <string>

#include "model/device.h"

namespace anshin::report {

inline constexpr const char* kCycloneDxSpecVersion = "1.6";

std::string render_cyclonedx(const ScanSnapshot& snapshot, int indent = 2);

}  // namespace anshin::report
