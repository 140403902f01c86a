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
std::unique_ptr<Probe> make_rtsp_fallback_probe();
std::unique_ptr<Probe> make_http_probe();
std::unique_ptr<Probe> make_onvif_probe();
std::unique_ptr<Probe> make_hikvision_probe();
std::unique_ptr<Probe> make_dahua_probe();
std::unique_ptr<Probe> make_axis_probe();
std::unique_ptr<Probe> make_paths_probe();

std::unique_ptr<Probe> make_creds_probe();       // intrusive: --check-default-creds / --credentials
std::unique_ptr<Probe> make_cve_active_probe();  // intrusive: --check-cves-active (read-only requests)

// Every identification probe, in run order (never an intrusive one).
const std::vector<std::unique_ptr<Probe>>& registry();
// The intrusive probes (Intrusiveness::kIntrusive), run only by RegistryProber::probe_intrusive when
// the user passed the contract's flags, with ProbeContext::intrusive set.
const std::vector<std::unique_ptr<Probe>>& intrusive_registry();

}  // namespace anshin::probes
