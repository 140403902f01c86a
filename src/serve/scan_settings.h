// A site's scan settings (sites.settings, a JSON object) and what a server-run scan of the site is: the
// command line of `anshin scan` for its targets. Pure; validated when a site is saved (sites_api.cc), so
// the scheduler only ever runs settings that parsed.
//
// KEYS (all optional; anything else is refused):
//   ports            string   as `scan -p` ("80,443,554", "1-1024")            default: the camera port set
//   rate             number   new connections per second, 0.1-10000           default: 100 (gentle)
//   concurrency      integer  1-2048                                          default: 64 (gentle)
//   timeout_ms       integer  10-60000                                        default: scan's (1000)
//   retries          integer  0-5                                             default: scan's
//   policy           string   policy ids, comma-separated, or "all"           default: "all"
//   lang             string   "en" or "ja": the stored finding texts' language default: the server's
//   sweep_only, no_multicast, check_default_creds, check_cves_active, allow_public   booleans, default false
//   excludes         array of target expressions never scanned
// A site's targets are target expressions (address, CIDR, range, host name; no @FILE), internal addresses
// only unless allow_public is true; the scan re-checks its scope as always.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/site_tables.h"

namespace anshin::serve {

struct ScanSettings {
  std::optional<std::string> ports;
  double rate = 100;
  int concurrency = 64;
  std::optional<int> timeout_ms;
  std::optional<int> retries;
  std::string policy = "all";
  std::optional<std::string> lang;
  bool sweep_only = false;
  bool no_multicast = false;
  bool check_default_creds = false;
  bool check_cves_active = false;
  bool allow_public = false;
  std::vector<std::string> excludes;
};

inline constexpr size_t kMaxSettingsBytes = 16 * 1024;
inline constexpr size_t kMaxSiteTargets = 256;

// Errors are Errc::kInvalidInput naming the key.
Result<ScanSettings> parse_scan_settings(std::string_view json_text);

// A site name (as `scan --site`): 1-100 bytes of UTF-8, no control characters, not only spaces, no "/".
bool valid_site_name(std::string_view name);

// The whole site: name, runner ("server" or "sensor"), schedule (a cron expression), settings, targets.
Result<void> validate_site(const store::SiteConfig& site);

// The arguments after the binary that continue stored scan `scan` (interrupted or killed) with its own settings.
std::vector<std::string> resume_arguments(store::ScanNumber scan, const std::string& db);

// The arguments after the binary: scan TARGETS of the site into `db` with --site, its settings, -q.
std::vector<std::string> scan_arguments(const store::SiteConfig& site, const ScanSettings& settings,
                                        const std::string& db, const std::string& default_lang);

}  // namespace anshin::serve
