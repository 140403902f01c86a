// The explicit, ordered list of probes (zmap's probe_modules array idea): a probe that is not listed
// here does not run. Order matters: service probes (banner, rtsp, http) run before the application
// probes that build on what http found (onvif, hikvision, dahua, axis, paths).
#pragma once
#include <memory>
#include <vector>

#include "probes/probe.h"

namespace anshin::probes {

std::unique_ptr<Probe> make_banner_probe();
std::unique_ptr<Probe> make_rtsp_probe();
std::unique_ptr<Probe> make_http_probe();
std::unique_ptr<Probe> make_onvif_probe();
std::unique_ptr<Probe> make_hikvision_probe();
std::unique_ptr<Probe> make_dahua_probe();
std::unique_ptr<Probe> make_axis_probe();
std::unique_ptr<Probe> make_paths_probe();

// Every probe, in run order.
const std::vector<std::unique_ptr<Probe>>& registry();

}  // namespace anshin::probes
