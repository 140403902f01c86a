// Sites and the scan-job queue (schema 7): what `anshin serve` schedules and what runs the scans,
// the server itself or a site's sensor (`anshin sensor`).
//
// A SITE is a name (as `scan --site`), the targets its scans may cover, the scan settings, an optional
// cron schedule and who runs its scans ("server" or "sensor"). A JOB is one requested scan of a site:
//
//   queued ──claim_job──▶ running ──finish_job──▶ done | failed
//      │  ◀──requeue_job──┘   (the server stopped during the scan: the job's scan resumes at the next claim)
//      └─────────cancel (finish_job kCancelled)──────▶ cancelled
//
// ONE AT A TIME: a site has at most one job that is queued or running (a partial unique index
// enforces it in the database, so two servers or a server and a sensor cannot break it):
// enqueue_job returns nullopt when the site already has one. A schedule that fires while its site's
// previous scan is still running is therefore skipped, not stacked.
//
// CATCH-UP: enqueue_job advances sites.last_due to the job's due time, in the same transaction. A
// scheduler that restarts computes the newest due time after last_due and not after now; when there
// is one, it queues exactly one job for it (reason "catch-up"), however many runs were missed.
//
// Times are RFC 3339 UTC texts ("2026-12-06T15:00:00Z"), which order as strings.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace anshin::store {

using JobId = int64_t;

struct SiteConfig {
  std::string name;                      // as `scan --site`
  std::vector<std::string> targets;      // as given to `scan` (CIDR, range, address); the only scope allowed
  std::string settings_json = "{}";      // scan settings (ports, rate, ...); the scheduler defines the keys
  std::optional<std::string> schedule;   // cron expression; nullopt: scanned only on request
  std::string runner = "server";         // "server" or "sensor"
  std::optional<std::string> last_due;   // the newest due time a job was queued for
  std::string updated;                   // set by put_site
};

enum class JobState { kQueued, kRunning, kDone, kFailed, kCancelled };
std::string_view job_state_name(JobState state);  // "queued", "running", ...
std::optional<JobState> parse_job_state(std::string_view text);

struct ScanJob {
  JobId id = 0;
  std::string site;
  std::string reason;                    // "schedule", "catch-up" or "manual"
  std::string due;                       // not claimed before this time
  std::string created;
  JobState state = JobState::kQueued;
  std::optional<std::string> runner;     // who claimed it: "server" or "sensor:<name>"
  std::optional<std::string> claimed;
  std::optional<std::string> heartbeat;  // last sign of life from the runner
  std::optional<ScanNumber> scan;        // the scan it made, once begun
  std::optional<std::string> finished;
  std::optional<std::string> error;      // why it failed or was cancelled
};

// The tables of migration 7 (sites, scan_jobs), in SQLite's and PostgreSQL's dialects.
extern const char* const kSiteTablesSql;
extern const char* const kSiteTablesPostgres;

struct SiteTables {
  // Insert or replace by name; keeps last_due. `now` becomes updated.
  static Result<void> put_site(Store& store, const SiteConfig& site, const std::string& now);
  static Result<std::optional<SiteConfig>> find_site(Store& store, const std::string& name);
  static Result<std::vector<SiteConfig>> list_sites(Store& store);  // by name
  // Removes a site and its jobs that are not running; false when there is no such site. A site
  // whose job is running is refused (kInvalidInput).
  static Result<bool> remove_site(Store& store, const std::string& name);

  // Queues a scan of `site` not to start before `due`, and advances the site's last_due to `due`
  // when later. nullopt: the site has a queued or running job already (nothing changed, except
  // last_due, so a skipped schedule is not caught up later). kNotFound for an unknown site.
  static Result<std::optional<JobId>> enqueue_job(Store& store, const std::string& site, const std::string& reason,
                                                  const std::string& due, const std::string& now);
  // Takes the oldest queued job due by `now` whose site is run by `site_runner` ("server" or
  // "sensor"), restricted to `only_site` when given, and marks it running for `runner`. Two
  // claimers never get the same job.
  static Result<std::optional<ScanJob>> claim_job(Store& store, const std::string& runner,
                                                  const std::string& site_runner,
                                                  const std::optional<std::string>& only_site,
                                                  const std::string& now);
  static Result<void> set_job_scan(Store& store, JobId job, ScanNumber scan);
  static Result<void> heartbeat_job(Store& store, JobId job, const std::string& now);
  // Ends a job (kDone, kFailed or kCancelled). Ending a job that has ended already is a no-op, so a
  // runner may repeat it after a crash.
  static Result<void> finish_job(Store& store, JobId job, JobState state, const std::optional<std::string>& error,
                                 const std::string& now);
  // Puts a running job back in the queue, keeping its due time and its site's one active slot, with the
  // scan it had begun (nullopt: none yet) and `note` as its error text until it ends. false when the job
  // was not running (nothing changed).
  static Result<bool> requeue_job(Store& store, JobId job, std::optional<ScanNumber> scan, const std::string& note);
  // Ends every running job claimed by `runner` (e.g. the server's own after a restart) with `state`;
  // returns how many.
  static Result<int> release_jobs(Store& store, const std::string& runner, JobState state, const std::string& error,
                                  const std::string& now);
  // Ends as failed every running job of a sensor ("sensor:<name>") whose last heartbeat is older than
  // `heartbeat_before`: a sensor that never comes back must not hold its site's one active job forever.
  // Returns the jobs ended.
  static Result<std::vector<JobId>> fail_silent_sensor_jobs(Store& store, const std::string& heartbeat_before,
                                                           const std::string& now);
  static Result<std::optional<ScanJob>> find_job(Store& store, JobId job);
  // Newest first; all sites when `site` is nullopt.
  static Result<std::vector<ScanJob>> list_jobs(Store& store, const std::optional<std::string>& site, size_t limit);
};

}  // namespace anshin::store
