#include "serve/schedule.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "core/text.h"
#include "serve/job_texts.h"
#include "serve/scan_settings.h"

namespace anshin::serve {

namespace {

// The last bytes a failed scan wrote on stderr, one line, escaped.
std::string tail_of(int fd) {
  constexpr off_t kTail = 400;
  const off_t size = lseek(fd, 0, SEEK_END);
  if (size <= 0) return "";
  const off_t from = std::max<off_t>(0, size - kTail);
  std::string buf(static_cast<size_t>(size - from), '\0');
  const ssize_t n = pread(fd, buf.data(), buf.size(), from);
  buf.resize(n > 0 ? static_cast<size_t>(n) : 0);
  while (!buf.empty() && (buf.back() == '\n' || buf.back() == '\r')) buf.pop_back();
  if (const size_t nl = buf.rfind('\n'); nl != std::string::npos) buf = buf.substr(nl + 1);
  return text::escape_for_terminal(text::sanitize_utf8(buf));
}

Result<store::ScanNumber> newest_scan_of(store::Store& store, const std::string& site) {
  auto scans = store.list_scans();
  if (!scans) return scans.error();
  store::ScanNumber newest = 0;
  for (const auto& s : *scans)
    if (s.info.site == site && !s.reassessed_from) newest = std::max(newest, s.number);
  return newest;
}

}  // namespace

// ---- ProcessLauncher ----

ProcessLauncher::ProcessLauncher(std::string binary, std::string db, std::string default_lang)
    : binary_(std::move(binary)), db_(std::move(db)), default_lang_(std::move(default_lang)) {}

ProcessLauncher::~ProcessLauncher() { stop_all(); }

Result<void> ProcessLauncher::start(const store::ScanJob& job, const store::SiteConfig& site) {
  auto settings = parse_scan_settings(site.settings_json);
  if (!settings) return settings.error();
  std::vector<std::string> args = job.scan ? resume_arguments(*job.scan, db_)
                                           : scan_arguments(site, *settings, db_, default_lang_);
  args.insert(args.begin(), binary_);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  char path[] = "/tmp/anshin-scan-stderr-XXXXXX";
  const int err_fd = mkstemp(path);
  if (err_fd < 0) return Error{Errc::kIo, job_text("no_temp_file")};
  unlink(path);
  const int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {  // the child: only async-signal-safe calls until exec
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(err_fd, 2);
    close_range(3, ~0U, 0);  // the server's sockets and inventory stay with the server
    execv(argv[0], argv.data());
    static constexpr char kCannotRun[] = "cannot run the anshin binary for the scan\n";
    (void)!write(2, kCannotRun, sizeof kCannotRun - 1);
    _exit(127);
  }
  if (null_fd >= 0) close(null_fd);
  if (pid < 0) {
    close(err_fd);
    return Error{Errc::kIo, job_text("cannot_start")};
  }
  children_[job.id] = Child{pid, err_fd};
  return {};
}

std::vector<ScanOutcome> ProcessLauncher::finished() {
  std::vector<ScanOutcome> out;
  for (auto it = children_.begin(); it != children_.end();) {
    int status = 0;
    if (waitpid(it->second.pid, &status, WNOHANG) != it->second.pid) {
      ++it;
      continue;
    }
    ScanOutcome o{it->first, false, ""};
    if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)) {
      o.ok = true;
    } else {
      const std::string tail = tail_of(it->second.stderr_fd);
      const bool exited = WIFEXITED(status);
      const std::string number = std::to_string(exited ? WEXITSTATUS(status) : WTERMSIG(status));
      if (exited) o.error = tail.empty() ? job_text("scan_exited", {{"status", number}})
                                         : job_text("scan_exited_tail", {{"status", number}, {"tail", tail}});
      else o.error = tail.empty() ? job_text("scan_signal", {{"signal", number}})
                                  : job_text("scan_signal_tail", {{"signal", number}, {"tail", tail}});
    }
    close(it->second.stderr_fd);
    out.push_back(std::move(o));
    it = children_.erase(it);
  }
  return out;
}

void ProcessLauncher::stop_all() {
  for (auto& [job, child] : children_) kill(child.pid, SIGTERM);
  for (auto& [job, child] : children_) {
    int status = 0;
    for (int waited = 0; waited < 50 && waitpid(child.pid, &status, WNOHANG) == 0; ++waited)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (waitpid(child.pid, &status, WNOHANG) == 0) {
      kill(child.pid, SIGKILL);
      waitpid(child.pid, &status, 0);
    }
    close(child.stderr_fd);
  }
  children_.clear();
}

// ---- Scheduler ----

Scheduler::Scheduler(store::Store& store, ScanLauncher& launcher, SchedulerOptions options)
    : store_(store), launcher_(launcher), options_(std::move(options)) {}

Result<int> Scheduler::recover(SysTime now) {
  return store::SiteTables::release_jobs(store_, options_.runner, store::JobState::kFailed,
                                         job_text("server_restarted"), format_utc(now));
}

std::optional<SysTime> Scheduler::next_run(const store::SiteConfig& site, SysTime now) {
  if (!site.schedule) return std::nullopt;
  auto spec = parse_cron(*site.schedule);
  if (!spec) return std::nullopt;
  return next_fire(*spec, now);
}

Result<Scheduler::TickReport> Scheduler::tick(SysTime now) {
  TickReport report;
  if (auto r = reap(now, report); !r) return r.error();
  if (auto q = queue_due(now, report); !q) return q.error();
  first_pass_ = false;
  if (auto s = start_claimed(now, report); !s) return s.error();
  return report;
}

Result<std::optional<store::ScanNumber>> Scheduler::scan_of(store::JobId job, const std::string& site) const {
  const auto active = active_.find(job);
  if (active == active_.end()) return std::optional<store::ScanNumber>();
  auto newest = newest_scan_of(store_, site);
  if (!newest) return newest.error();
  if (*newest > active->second.newest_before) return std::optional<store::ScanNumber>(*newest);
  return std::optional<store::ScanNumber>();
}

Result<void> Scheduler::reap(SysTime now, TickReport& report) {
  const std::string now_text = format_utc(now);
  for (const auto& ended : launcher_.finished()) {
    const auto active = active_.find(ended.job);
    if (active != active_.end()) {
      auto made = scan_of(ended.job, active->second.site);
      if (!made) return made.error();
      if (*made)
        if (auto set = store::SiteTables::set_job_scan(store_, ended.job, **made); !set) return set.error();
      active_.erase(active);
    }
    auto done = store::SiteTables::finish_job(store_, ended.job, ended.ok ? store::JobState::kDone : store::JobState::kFailed,
                                              ended.ok ? std::nullopt : std::optional<std::string>(ended.error), now_text);
    if (!done) return done.error();
    report.ended.push_back(ended.job);
  }
  for (const auto& [job, active] : active_)
    if (auto beat = store::SiteTables::heartbeat_job(store_, job, now_text); !beat) return beat.error();
  auto silent = store::SiteTables::fail_silent_sensor_jobs(store_, format_utc(now - options_.sensor_silence), now_text);
  if (!silent) return silent.error();
  report.silent = std::move(*silent);
  return {};
}

Result<void> Scheduler::queue_due(SysTime now, TickReport& report) {
  auto sites = store::SiteTables::list_sites(store_);
  if (!sites) return sites.error();
  const std::string now_text = format_utc(now);
  for (const auto& site : *sites) {
    if (!site.schedule) continue;
    auto spec = parse_cron(*site.schedule);
    if (!spec) continue;  // refused when saved; an older row stays unscheduled
    SysTime from = parse_utc(site.updated).value_or(now);
    if (site.last_due)
      if (auto last = parse_utc(*site.last_due)) from = std::max(from, *last);
    const auto due = last_fire_between(*spec, from, now);
    if (!due) continue;
    auto queued = store::SiteTables::enqueue_job(store_, site.name, first_pass_ ? "catch-up" : "schedule",
                                                 format_utc(*due), now_text);
    if (!queued) return queued.error();
    if (*queued) report.queued.push_back(**queued);
    else report.skipped.push_back(site.name);
  }
  return {};
}

Result<void> Scheduler::start_claimed(SysTime now, TickReport& report) {
  const std::string now_text = format_utc(now);
  while (launcher_.running() < options_.max_concurrent) {
    auto claimed = store::SiteTables::claim_job(store_, options_.runner, "server", std::nullopt, now_text);
    if (!claimed) return claimed.error();
    if (!*claimed) break;
    const store::ScanJob& job = **claimed;
    auto site = store::SiteTables::find_site(store_, job.site);
    if (!site) return site.error();
    auto newest = newest_scan_of(store_, job.site);
    if (!newest) return newest.error();
    if (job.scan) {  // requeued when a server stopped: that scan resumes, unless it completed anyway
      auto unfinished = store_.unfinished_scan(*job.scan);
      if (!unfinished) return unfinished.error();
      if (!*unfinished) {
        if (auto done = store::SiteTables::finish_job(store_, job.id, store::JobState::kDone, std::nullopt, now_text); !done)
          return done.error();
        report.ended.push_back(job.id);
        continue;
      }
      *newest = *job.scan - 1;  // the job's scan is the resumed one, not a newer scan of the site
    }
    Result<void> started = *site ? launcher_.start(job, **site)
                                 : Result<void>(Error{Errc::kNotFound, job_text("site_gone")});
    if (!started) {
      auto failed = store::SiteTables::finish_job(store_, job.id, store::JobState::kFailed, started.error().message, now_text);
      if (!failed) return failed.error();
      continue;
    }
    active_[job.id] = Active{job.site, *newest};
    report.started.push_back(job.id);
  }
  return {};
}

Result<std::optional<store::JobId>> Scheduler::start_now(const std::string& site, SysTime now) {
  const std::string now_text = format_utc(now);
  auto queued = store::SiteTables::enqueue_job(store_, site, "manual", now_text, now_text);
  if (queued && *queued) wake();
  return queued;
}

void Scheduler::wake() {
  std::lock_guard lock(wake_mu_);
  wake_requested_ = true;
  wake_.notify_all();
}

Result<int> Scheduler::stop_and_requeue() {
  launcher_.stop_all();
  int requeued = 0;
  std::optional<Error> first_error;
  for (const auto& [job, active] : active_) {
    auto made = scan_of(job, active.site);
    auto back = made ? store::SiteTables::requeue_job(store_, job, *made, job_text("server_stopped")) : Result<bool>(made.error());
    if (!back && !first_error) first_error = back.error();
    if (back && *back) ++requeued;
  }
  active_.clear();
  if (first_error) return *first_error;
  return requeued;
}

void Scheduler::run(std::stop_token stop, std::chrono::milliseconds interval) {
  while (!stop.stop_requested()) {
    (void)tick(std::chrono::system_clock::now());
    std::unique_lock lock(wake_mu_);
    wake_.wait_for(lock, stop, interval, [this] { return wake_requested_; });
    wake_requested_ = false;
  }
  (void)stop_and_requeue();
}

}  // namespace anshin::serve
