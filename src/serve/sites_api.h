// Sites, their schedules and scan jobs over the API (docs/api.md): the JSON of a configured site and of a
// job, used by GET /api/v1/sites (api.cc) and by the App routes of sites_api.cc:
//   GET /api/v1/sites/{name}, PUT /api/v1/sites/{name} (admin), DELETE /api/v1/sites/{name} (admin),
//   POST /api/v1/sites/{name}/scan (admin: queue a scan now), GET /api/v1/jobs?site=&limit=.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "serve/cron.h"
#include "store/site_tables.h"

namespace anshin::serve {

// {"id", "site", "reason", "due", "created", "state", "runner", "claimed", "heartbeat", "scan", "finished", "error"};
// the server's own error texts in `lang` (job_texts.h).
nlohmann::json job_json(const store::ScanJob& job, const std::string& lang = "en");
// {"name", "targets", "settings", "schedule", "runner", "last_due", "updated", "next_run", "job"}: job is the
// site's queued or running job, or null.
Result<nlohmann::json> site_config_json(store::Store& store, const store::SiteConfig& site, SysTime now,
                                       const std::string& lang = "en");

}  // namespace anshin::serve
