// Scheduled audits inside `anshin serve`: queues the scans of sites whose cron schedule is due, and runs the
// jobs of the server's own sites (runner "server"); sensor sites' jobs wait for `anshin sensor`.
//
// DUE: a site's schedule is due when it fires in (max(last_due, updated), now] (cron.h, local time). Then
// ONE job is queued (reason "schedule"), due at the newest such fire time, however many fire times the span
// holds; sites.last_due moves to it (store/site_tables.h), so it is never queued twice. A site that still has
// a queued or running job is skipped (the queue keeps one per site), and that fire time is not caught up.
// CATCH-UP: the first pass after start does the same with reason "catch-up": a run missed while the server
// was down is queued once, not once per missed fire time. A site saved (`updated`) after its last run counts
// from the save: a new or changed schedule does not fire for times before it existed.
// RUNNING: the server claims its sites' queued jobs, oldest due first, while fewer than max_concurrent
// scans run; a site never has two (the queue). A scan is a child process, `anshin scan ... --site NAME
// --db DB` (scan_settings.h): a crashing scan cannot take the server down, and the child is killed with
// the server (PR_SET_PDEATHSIG). Exit 0 or 3 (findings at --fail-on) is done, anything else failed with the
// end of its stderr. The job's scan is the newest scan of the site stored while the job ran.
// STOP: when the server stops (SIGTERM, SIGINT), its scans are stopped (SIGTERM: a scan stores what it has,
// marked interrupted) and their jobs go back to the queue with the scan each had begun (SiteTables::
// requeue_job), keeping the site's one active slot: the next server to claim such a job runs
// `anshin scan --resume-scan N` (the same scan continues, its devices stored once), or a fresh scan when
// none had begun; a job whose scan completed anyway ends as done. The restart's catch-up adds nothing for
// the site while its requeued job waits.
// RESTART: jobs this server was running when it died without stopping (SIGKILL, power cut) end as failed
// ("server restarted") before the first pass, as their scan child may still be storing its last hosts: nothing
// stays running for ever and nothing is run twice; the catch-up decides what runs again.
#pragma once
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/result.h"
#include "serve/cron.h"
#include "store/site_tables.h"
#include "store/store.h"

namespace anshin::serve {

struct ScanOutcome {
  store::JobId job = 0;
  bool ok = false;
  std::string error;  // when !ok
};

// What runs a claimed job. The scheduler decides; a launcher starts scans and reports their ends.
class ScanLauncher {
 public:
  virtual ~ScanLauncher() = default;
  // A job with a scan (requeued when the server stopped) resumes that scan; otherwise a new scan of the site.
  virtual Result<void> start(const store::ScanJob& job, const store::SiteConfig& site) = 0;
  virtual std::vector<ScanOutcome> finished() = 0;  // jobs that ended since the last call
  virtual size_t running() const = 0;
  virtual void stop_all() = 0;                      // ends every scan still running (server shutdown)
};

// `BINARY scan ...` as a child process per job.
class ProcessLauncher : public ScanLauncher {
 public:
  ProcessLauncher(std::string binary, std::string db, std::string default_lang);
  ~ProcessLauncher() override;
  Result<void> start(const store::ScanJob& job, const store::SiteConfig& site) override;
  std::vector<ScanOutcome> finished() override;
  size_t running() const override { return children_.size(); }
  void stop_all() override;

 private:
  struct Child {
    int pid = -1;
    int stderr_fd = -1;  // an unlinked temporary file
  };
  std::string binary_, db_, default_lang_;
  std::map<store::JobId, Child> children_;
};

struct SchedulerOptions {
  size_t max_concurrent = 2;      // scans the server runs at once, all sites together
  std::string runner = "server";  // the jobs' runner name
  // A sensor's running job with no heartbeat for this long ends as failed, freeing its site (sensors beat
  // every 15 s by default; a scan never goes a minute without one).
  std::chrono::seconds sensor_silence{15 * 60};
};

class Scheduler {
 public:
  Scheduler(store::Store& store, ScanLauncher& launcher, SchedulerOptions options);

  // Before the first tick: this server's running jobs (left by a crash) end as failed; returns how many.
  Result<int> recover(SysTime now);
  struct TickReport {
    std::vector<store::JobId> queued;
    std::vector<std::string> skipped;  // sites due while their previous job was queued or running
    std::vector<store::JobId> started;
    std::vector<store::JobId> ended;
    std::vector<store::JobId> silent;  // sensors' jobs ended for want of a heartbeat
  };
  // One pass at `now`: reaps ended scans, queues what is due, starts what may start.
  Result<TickReport> tick(SysTime now);
  // Queues a scan of `site` now (reason "manual"); nullopt when it has a queued or running job.
  Result<std::optional<store::JobId>> start_now(const std::string& site, SysTime now);
  // When the site's schedule fires next after `now`; nullopt without a (valid) schedule.
  static std::optional<SysTime> next_run(const store::SiteConfig& site, SysTime now);

  // Makes run() tick at once (a job was queued through the API).
  void wake();
  // Stops the running scans and puts their jobs back in the queue to resume (STOP above); returns how many.
  Result<int> stop_and_requeue();
  // tick() every `interval` (and at once after wake or start_now) until stopped; then stop_and_requeue().
  void run(std::stop_token stop, std::chrono::milliseconds interval);

 private:
  Result<void> reap(SysTime now, TickReport& report);
  Result<void> queue_due(SysTime now, TickReport& report);
  Result<void> start_claimed(SysTime now, TickReport& report);
  // The scan `active` made so far: the site's newest scan begun since the job started, if any.
  Result<std::optional<store::ScanNumber>> scan_of(store::JobId job, const std::string& site) const;

  store::Store& store_;
  ScanLauncher& launcher_;
  SchedulerOptions options_;
  bool first_pass_ = true;
  struct Active {
    std::string site;
    store::ScanNumber newest_before = 0;  // the site's newest scan when the job started
  };
  std::map<store::JobId, Active> active_;
  std::mutex wake_mu_;
  std::condition_variable_any wake_;
  bool wake_requested_ = false;
};

}  // namespace anshin::serve
