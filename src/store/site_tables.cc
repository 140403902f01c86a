#include "store/site_tables.h"

#include <nlohmann/json.hpp>

#include "store/sqlite_util.h"
#include "store/store_impl.h"

namespace anshin::store {

namespace {

constexpr std::string_view kStateNames[] = {"queued", "running", "done", "failed", "cancelled"};

std::string targets_json(const std::vector<std::string>& targets) { return nlohmann::json(targets).dump(); }

std::optional<std::vector<std::string>> parse_targets(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& t : j) {
    if (!t.is_string()) return std::nullopt;
    out.push_back(t.get<std::string>());
  }
  return out;
}

constexpr const char* kSiteColumns = "SELECT name, targets, settings, schedule, runner, last_due, updated FROM sites ";

Result<SiteConfig> site_from_row(sql::Stmt& st) {
  SiteConfig s;
  s.name = st.col_string(0);
  auto targets = parse_targets(st.col_string(1));
  if (!targets) return Error{Errc::kProtocol, "the inventory's site " + s.name + " has unreadable targets"};
  s.targets = std::move(*targets);
  s.settings_json = st.col_string(2);
  s.schedule = st.col_opt_string(3);
  s.runner = st.col_string(4);
  s.last_due = st.col_opt_string(5);
  s.updated = st.col_string(6);
  return s;
}

constexpr const char* kJobColumns =
    "SELECT id, site, reason, due, created, state, runner, claimed, heartbeat, scan, finished, error FROM scan_jobs ";

Result<ScanJob> job_from_row(sql::Stmt& st) {
  ScanJob j;
  j.id = st.col_int(0);
  j.site = st.col_string(1);
  j.reason = st.col_string(2);
  j.due = st.col_string(3);
  j.created = st.col_string(4);
  auto state = parse_job_state(st.col_string(5));
  if (!state) return Error{Errc::kProtocol, "the inventory's scan job " + std::to_string(j.id) + " has an unknown state"};
  j.state = *state;
  j.runner = st.col_opt_string(6);
  j.claimed = st.col_opt_string(7);
  j.heartbeat = st.col_opt_string(8);
  if (!st.is_null(9)) j.scan = st.col_int(9);
  j.finished = st.col_opt_string(10);
  j.error = st.col_opt_string(11);
  return j;
}

Result<std::optional<ScanJob>> read_job(sqlite3* db, JobId job) {
  sql::Stmt st(db, std::string(kJobColumns) + "WHERE id = ?1");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading a scan job");
  st.bind_int(1, job);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<ScanJob>();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading a scan job");
  auto j = job_from_row(st);
  if (!j) return j.error();
  return std::optional<ScanJob>(std::move(*j));
}

}  // namespace

std::string_view job_state_name(JobState state) { return kStateNames[static_cast<int>(state)]; }

std::optional<JobState> parse_job_state(std::string_view text) {
  for (size_t i = 0; i < std::size(kStateNames); ++i)
    if (kStateNames[i] == text) return static_cast<JobState>(i);
  return std::nullopt;
}

const char* const kSiteTablesSql = R"sql(
CREATE TABLE sites (
  name      TEXT PRIMARY KEY,                 -- as `scan --site`
  targets   TEXT NOT NULL DEFAULT '[]',       -- JSON array: the only scope its scans may cover
  settings  TEXT NOT NULL DEFAULT '{}',       -- JSON: scan settings (the scheduler defines the keys)
  schedule  TEXT,                             -- cron expression; NULL: on request only
  runner    TEXT NOT NULL DEFAULT 'server',   -- server | sensor
  last_due  TEXT,                             -- RFC 3339 UTC: newest due time a job was queued for
  updated   TEXT NOT NULL
);
CREATE TABLE scan_jobs (
  id         INTEGER PRIMARY KEY,
  site       TEXT NOT NULL REFERENCES sites(name) ON DELETE CASCADE,
  reason     TEXT NOT NULL,                   -- schedule | catch-up | manual
  due        TEXT NOT NULL,                   -- RFC 3339 UTC: not claimed before
  created    TEXT NOT NULL,
  state      TEXT NOT NULL DEFAULT 'queued',  -- queued | running | done | failed | cancelled
  runner     TEXT,                            -- server | sensor:<name>
  claimed    TEXT,
  heartbeat  TEXT,
  scan       INTEGER REFERENCES scans(number),
  finished   TEXT,
  error      TEXT
);
CREATE UNIQUE INDEX scan_jobs_one_active ON scan_jobs(site) WHERE state IN ('queued', 'running');
CREATE INDEX scan_jobs_state ON scan_jobs(state, due);
)sql";

Result<void> SiteTables::put_site(Store& store, const SiteConfig& site, const std::string& now) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db,
               "INSERT INTO sites (name, targets, settings, schedule, runner, updated) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
               "ON CONFLICT(name) DO UPDATE SET targets = excluded.targets, settings = excluded.settings, "
               "schedule = excluded.schedule, runner = excluded.runner, updated = excluded.updated");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "writing a site");
  st.bind_bytes(1, site.name);
  st.bind_text(2, targets_json(site.targets));
  st.bind_text(3, site.settings_json);
  st.bind_opt_bytes(4, site.schedule);
  st.bind_text(5, site.runner);
  st.bind_text(6, now);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "writing a site");
  return {};
}

Result<std::optional<SiteConfig>> SiteTables::find_site(Store& store, const std::string& name) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, std::string(kSiteColumns) + "WHERE name = ?1");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading a site");
  st.bind_bytes(1, name);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<SiteConfig>();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading a site");
  auto s = site_from_row(st);
  if (!s) return s.error();
  return std::optional<SiteConfig>(std::move(*s));
}

Result<std::vector<SiteConfig>> SiteTables::list_sites(Store& store) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, std::string(kSiteColumns) + "ORDER BY name");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading sites");
  std::vector<SiteConfig> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto s = site_from_row(st);
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading sites");
  return out;
}

Result<bool> SiteTables::remove_site(Store& store, const std::string& name) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::WriteTx tx(db);
  if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), "removing a site");
  {
    sql::Stmt running(db, "SELECT 1 FROM scan_jobs WHERE site = ?1 AND state = 'running'");
    running.bind_bytes(1, name);
    const int rc = running.step();
    if (rc == SQLITE_ROW) return Error{Errc::kInvalidInput, "site " + name + " has a scan running; remove it when the scan ends"};
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "removing a site");
  }
  for (const char* text : {"DELETE FROM scan_jobs WHERE site = ?1", "DELETE FROM sites WHERE name = ?1"}) {
    sql::Stmt st(db, text);
    if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "removing a site");
    st.bind_bytes(1, name);
    const int rc = st.step();
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "removing a site");
  }
  const bool removed = sqlite3_changes(db) > 0;
  const int rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "removing a site");
  return removed;
}

Result<std::optional<JobId>> SiteTables::enqueue_job(Store& store, const std::string& site, const std::string& reason,
                                                     const std::string& due, const std::string& now) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::WriteTx tx(db);
  if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), "queueing a scan");
  {
    sql::Stmt st(db, "UPDATE sites SET last_due = ?2 WHERE name = ?1 AND (last_due IS NULL OR last_due < ?2)");
    st.bind_bytes(1, site);
    st.bind_text(2, due);
    const int rc = st.step();
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "queueing a scan");
  }
  {
    sql::Stmt known(db, "SELECT 1 FROM sites WHERE name = ?1");
    known.bind_bytes(1, site);
    const int rc = known.step();
    if (rc == SQLITE_DONE) return Error{Errc::kNotFound, "no site named " + site};
    if (rc != SQLITE_ROW) return sql::error_from(db, rc, "queueing a scan");
  }
  // The partial unique index refuses a second active job; DO NOTHING turns that into "no row".
  sql::Stmt st(db, "INSERT INTO scan_jobs (site, reason, due, created) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT DO NOTHING RETURNING id");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "queueing a scan");
  st.bind_bytes(1, site);
  st.bind_text(2, reason);
  st.bind_text(3, due);
  st.bind_text(4, now);
  int rc = st.step();
  std::optional<JobId> id;
  if (rc == SQLITE_ROW) {
    id = st.col_int(0);
    rc = st.step();
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "queueing a scan");
  st.reset();
  rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "queueing a scan");
  return id;
}

Result<std::optional<ScanJob>> SiteTables::claim_job(Store& store, const std::string& runner,
                                                     const std::string& site_runner,
                                                     const std::optional<std::string>& only_site,
                                                     const std::string& now) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::WriteTx tx(db);
  if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), "taking a scan job");
  // On PostgreSQL this SELECT takes FOR UPDATE OF j SKIP LOCKED; on SQLite BEGIN IMMEDIATE already
  // makes the read and the update below one step for every other connection.
  JobId id = 0;
  {
    sql::Stmt pick(db,
                   "SELECT j.id FROM scan_jobs j JOIN sites s ON s.name = j.site WHERE j.state = 'queued' "
                   "AND j.due <= ?1 AND s.runner = ?2 AND (?3 IS NULL OR j.site = ?3) ORDER BY j.due, j.id LIMIT 1");
    if (!pick.ok()) return sql::error_from(db, pick.prepare_rc(), "taking a scan job");
    pick.bind_text(1, now);
    pick.bind_text(2, site_runner);
    pick.bind_opt_bytes(3, only_site);
    const int rc = pick.step();
    if (rc == SQLITE_DONE) return std::optional<ScanJob>();
    if (rc != SQLITE_ROW) return sql::error_from(db, rc, "taking a scan job");
    id = pick.col_int(0);
  }
  {
    sql::Stmt take(db, "UPDATE scan_jobs SET state = 'running', runner = ?2, claimed = ?3, heartbeat = ?3 "
                       "WHERE id = ?1 AND state = 'queued'");
    take.bind_int(1, id);
    take.bind_text(2, runner);
    take.bind_text(3, now);
    const int rc = take.step();
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "taking a scan job");
  }
  auto job = read_job(db, id);
  if (!job) return job.error();
  const int rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "taking a scan job");
  return job;
}

Result<void> SiteTables::set_job_scan(Store& store, JobId job, ScanNumber scan) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "UPDATE scan_jobs SET scan = ?2 WHERE id = ?1");
  st.bind_int(1, job);
  st.bind_int(2, scan);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "updating a scan job");
  return {};
}

Result<void> SiteTables::heartbeat_job(Store& store, JobId job, const std::string& now) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "UPDATE scan_jobs SET heartbeat = ?2 WHERE id = ?1 AND state = 'running'");
  st.bind_int(1, job);
  st.bind_text(2, now);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "updating a scan job");
  return {};
}

Result<void> SiteTables::finish_job(Store& store, JobId job, JobState state, const std::optional<std::string>& error,
                                    const std::string& now) {
  if (state == JobState::kQueued || state == JobState::kRunning)
    return Error{Errc::kInvalidInput, "a scan job ends as done, failed or cancelled"};
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, "UPDATE scan_jobs SET state = ?2, error = ?3, finished = ?4 "
                   "WHERE id = ?1 AND state IN ('queued', 'running')");
  st.bind_int(1, job);
  st.bind_text(2, job_state_name(state));
  st.bind_opt_bytes(3, error);
  st.bind_text(4, now);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "ending a scan job");
  return {};
}

Result<int> SiteTables::release_jobs(Store& store, const std::string& runner, JobState state, const std::string& error,
                                     const std::string& now) {
  if (state == JobState::kRunning) return Error{Errc::kInvalidInput, "released jobs cannot stay running"};
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  const bool requeue = state == JobState::kQueued;
  sql::Stmt st(db, requeue ? "UPDATE scan_jobs SET state = 'queued', runner = NULL, claimed = NULL, heartbeat = NULL, "
                             "error = ?2 WHERE runner = ?1 AND state = 'running'"
                           : "UPDATE scan_jobs SET state = ?3, error = ?2, finished = ?4 "
                             "WHERE runner = ?1 AND state = 'running'");
  st.bind_text(1, runner);
  st.bind_bytes(2, error);
  if (!requeue) {
    st.bind_text(3, job_state_name(state));
    st.bind_text(4, now);
  }
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "releasing scan jobs");
  return sqlite3_changes(db);
}

Result<std::optional<ScanJob>> SiteTables::find_job(Store& store, JobId job) {
  std::lock_guard lock(store.impl_->mu);
  return read_job(store.impl_->db, job);
}

Result<std::vector<ScanJob>> SiteTables::list_jobs(Store& store, const std::optional<std::string>& site,
                                                   size_t limit) {
  std::lock_guard lock(store.impl_->mu);
  sqlite3* db = store.impl_->db;
  sql::Stmt st(db, std::string(kJobColumns) + "WHERE (?1 IS NULL OR site = ?1) ORDER BY id DESC LIMIT ?2");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading scan jobs");
  st.bind_opt_bytes(1, site);
  st.bind_int(2, static_cast<int64_t>(limit));
  std::vector<ScanJob> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto j = job_from_row(st);
    if (!j) return j.error();
    out.push_back(std::move(*j));
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading scan jobs");
  return out;
}

}  // namespace anshin::store
