#include "probes/registry.h"

namespace anshin::probes {

const std::vector<std::unique_ptr<Probe>>& registry() {
  static const std::vector<std::unique_ptr<Probe>> probes = [] {
    std::vector<std::unique_ptr<Probe>> v;
    v.push_back(make_banner_probe());     // 21, 22, 23: server-first banners
    v.push_back(make_rtsp_probe());       // 554, 8554, ...: OPTIONS, DESCRIBE
    v.push_back(make_http_probe());       // every other port: GET /, favicon, TLS certificate
    v.push_back(make_rtsp_fallback_probe());  // ports nothing identified yet: one RTSP OPTIONS
    v.push_back(make_onvif_probe());      // web ports: ONVIF device service (pre-auth calls)
    v.push_back(make_hikvision_probe());  // first web port: ISAPI deviceInfo, login page
    v.push_back(make_dahua_probe());      // first web port: magicBox CGI, RPC2_Login challenge
    v.push_back(make_axis_probe());       // first web port: VAPIX basic device info
    v.push_back(make_paths_probe());      // first web port: vendor API paths that exist behind a login
    return v;
  }();
  return probes;
}

size_t service_probe_count() { return 3; }  // banner, rtsp, http

const std::vector<std::unique_ptr<Probe>>& intrusive_registry() {
  static const std::vector<std::unique_ptr<Probe>> probes = [] {
    std::vector<std::unique_ptr<Probe>> v;
    v.push_back(make_cve_active_probe());  // first web port: read-only auth-bypass-read confirmations
    v.push_back(make_creds_probe());       // first web port: documented default / --credentials pairs
    return v;
  }();
  return probes;
}

}  // namespace anshin::probes
