// The explicit, ordered list of probes (zmap's probe_modules array idea): a probe that is not listed
// here does not run. Order matters: service probes (banner, rtsp, http) run before the application
// probes that build on what they found (the RTSP fallback, onvif, hikvision, dahua, axis, paths);
// records are kept in this order whatever order the exchanges finish in.
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
// Probes [0, service_probe_count()) of registry() decide from the port alone (their applies() reads
// nothing other probes found), so they may run side by side; the later ones read what those found.
size_t service_probe_count();
// The intrusive probes (Intrusiveness::kIntrusive), run only by RegistryProber::probe_intrusive when
// the user passed the contract's flags, with ProbeContext::intrusive set.
const std::vector<std::unique_ptr<Probe>>& intrusive_registry();

}  // namespace anshin::probes
