#include "store/site_tables.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "support/store.h"
#include "support/store_backends.h"

namespace anshin::store {
namespace {

using testutil::OnBothBackends;

SiteConfig site(const std::string& name, const std::string& runner = "server") {
  SiteConfig s;
  s.name = name;
  s.targets = {"127.0.0.0/29", "127.0.1.1"};
  s.settings_json = R"({"ports":"80,554"})";
  s.schedule = "0 3 * * *";
  s.runner = runner;
  return s;
}

class SiteTablesTest : public OnBothBackends {
 protected:
  void SetUp() override {
    OnBothBackends::SetUp();
    if (IsSkipped()) return;
    auto opened = Store::open(db("inv.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_.emplace(std::move(*opened));
  }
  Store& store() { return *store_; }
  std::optional<Store> store_;
};

TEST_P(SiteTablesTest, SitesRoundTripAndReplaceByName) {
  ASSERT_TRUE(SiteTables::put_site(store(), site("tokyo-01"), "2026-12-06T00:00:00Z"));
  ASSERT_TRUE(SiteTables::put_site(store(), site("osaka \xff bytes"), "2026-12-06T00:00:00Z"));
  auto changed = site("tokyo-01", "sensor");
  changed.schedule.reset();
  changed.targets = {"127.0.2.0/24"};
  ASSERT_TRUE(SiteTables::put_site(store(), changed, "2026-12-06T01:00:00Z"));

  auto all = SiteTables::list_sites(store());
  ASSERT_TRUE(all) << all.error().message;
  ASSERT_EQ(all->size(), 2u);
  auto osaka = SiteTables::find_site(store(), "osaka \xff bytes");
  ASSERT_TRUE(osaka && *osaka) << "a name that is not UTF-8 round-trips";
  auto found = SiteTables::find_site(store(), "tokyo-01");
  ASSERT_TRUE(found && *found);
  const auto& tokyo = **found;
  EXPECT_EQ(tokyo.runner, "sensor");
  EXPECT_FALSE(tokyo.schedule);
  EXPECT_EQ(tokyo.targets, std::vector<std::string>{"127.0.2.0/24"});
  EXPECT_EQ(tokyo.settings_json, R"({"ports":"80,554"})");
  EXPECT_EQ(tokyo.updated, "2026-12-06T01:00:00Z");
  auto missing = SiteTables::find_site(store(), "nowhere");
  ASSERT_TRUE(missing);
  EXPECT_FALSE(*missing);
}

TEST_P(SiteTablesTest, OneActiveJobPerSiteAndLastDueAdvances) {
  ASSERT_TRUE(SiteTables::put_site(store(), site("a"), "t0"));
  ASSERT_TRUE(SiteTables::put_site(store(), site("b"), "t0"));
  auto first = SiteTables::enqueue_job(store(), "a", "schedule", "2026-12-06T03:00:00Z", "2026-12-06T03:00:01Z");
  ASSERT_TRUE(first) << first.error().message;
  ASSERT_TRUE(*first);
  auto second = SiteTables::enqueue_job(store(), "a", "manual", "2026-12-06T04:00:00Z", "2026-12-06T04:00:00Z");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second) << "a second active job for the same site";
  auto other = SiteTables::enqueue_job(store(), "b", "manual", "2026-12-06T04:00:00Z", "2026-12-06T04:00:00Z");
  ASSERT_TRUE(other);
  EXPECT_TRUE(*other);
  // The skipped schedule still moved last_due, so a restarted scheduler does not catch it up.
  auto a = SiteTables::find_site(store(), "a");
  ASSERT_TRUE(a && *a);
  EXPECT_EQ((*a)->last_due, "2026-12-06T04:00:00Z");
  // An earlier due time never moves it back.
  ASSERT_TRUE(SiteTables::enqueue_job(store(), "a", "manual", "2026-12-01T00:00:00Z", "x"));
  EXPECT_EQ((*SiteTables::find_site(store(), "a"))->last_due, "2026-12-06T04:00:00Z");

  auto unknown = SiteTables::enqueue_job(store(), "nowhere", "manual", "t", "t");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kNotFound);

  // Once the job ends, the site can be queued again.
  ASSERT_TRUE(SiteTables::finish_job(store(), **first, JobState::kCancelled, "by test", "t1"));
  auto again = SiteTables::enqueue_job(store(), "a", "manual", "2026-12-06T05:00:00Z", "t2");
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again);
}

TEST_P(SiteTablesTest, ClaimTakesDueJobsOfTheRightRunnerOnce) {
  ASSERT_TRUE(SiteTables::put_site(store(), site("server-site"), "t0"));
  ASSERT_TRUE(SiteTables::put_site(store(), site("sensor-site", "sensor"), "t0"));
  auto later = SiteTables::enqueue_job(store(), "server-site", "schedule", "2026-12-06T10:00:00Z", "t");
  auto sensor_job = SiteTables::enqueue_job(store(), "sensor-site", "manual", "2026-12-06T01:00:00Z", "t");
  ASSERT_TRUE(later && *later && sensor_job && *sensor_job);

  auto none = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T09:59:59Z");
  ASSERT_TRUE(none) << "code " << static_cast<int>(none.error().code) << ": [" << none.error().message << "]";
  EXPECT_FALSE(*none) << "not due yet, and the other site is a sensor's";

  auto got = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T10:00:00Z");
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->id, **later);
  EXPECT_EQ((*got)->state, JobState::kRunning);
  EXPECT_EQ((*got)->runner, "server");
  auto twice = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T11:00:00Z");
  ASSERT_TRUE(twice);
  EXPECT_FALSE(*twice);

  auto wrong_site = SiteTables::claim_job(store(), "sensor:x", "sensor", std::string("server-site"), "2026-12-07T00:00:00Z");
  ASSERT_TRUE(wrong_site);
  EXPECT_FALSE(*wrong_site) << "a sensor restricted to one site takes no other site's job";
  auto sensor = SiteTables::claim_job(store(), "sensor:x", "sensor", std::string("sensor-site"), "2026-12-07T00:00:00Z");
  ASSERT_TRUE(sensor && *sensor);
  EXPECT_EQ((*sensor)->site, "sensor-site");

  auto scan = store().begin_scan(testutil::scan_info("scan-of-job"));
  ASSERT_TRUE(scan) << scan.error().message;
  ASSERT_TRUE(SiteTables::set_job_scan(store(), (*got)->id, *scan));
  ASSERT_TRUE(SiteTables::finish_job(store(), (*got)->id, JobState::kDone, std::nullopt, "2026-12-06T10:05:00Z"));
  // Repeating the end after a crash changes nothing.
  ASSERT_TRUE(SiteTables::finish_job(store(), (*got)->id, JobState::kFailed, "late", "2026-12-06T11:00:00Z"));
  auto done = SiteTables::find_job(store(), (*got)->id);
  ASSERT_TRUE(done && *done);
  EXPECT_EQ((*done)->state, JobState::kDone);
  EXPECT_EQ((*done)->scan, *scan);
  EXPECT_EQ((*done)->finished, "2026-12-06T10:05:00Z");
  EXPECT_FALSE((*done)->error);
}

TEST_P(SiteTablesTest, ReleaseRequeuesOrFailsOnlyTheRunnersJobs) {
  ASSERT_TRUE(SiteTables::put_site(store(), site("a"), "t0"));
  ASSERT_TRUE(SiteTables::put_site(store(), site("b", "sensor"), "t0"));
  ASSERT_TRUE(SiteTables::enqueue_job(store(), "a", "manual", "t", "t"));
  ASSERT_TRUE(SiteTables::enqueue_job(store(), "b", "manual", "t", "t"));
  ASSERT_TRUE(SiteTables::claim_job(store(), "server", "server", std::nullopt, "u"));
  ASSERT_TRUE(SiteTables::claim_job(store(), "sensor:b1", "sensor", std::string("b"), "u"));

  auto requeued = SiteTables::release_jobs(store(), "server", JobState::kQueued, "server restarted", "v");
  ASSERT_TRUE(requeued) << requeued.error().message;
  EXPECT_EQ(*requeued, 1);
  auto jobs = SiteTables::list_jobs(store(), std::nullopt, 10);
  ASSERT_TRUE(jobs);
  ASSERT_EQ(jobs->size(), 2u);
  EXPECT_EQ((*jobs)[0].site, "b");
  EXPECT_EQ((*jobs)[0].state, JobState::kRunning);
  EXPECT_EQ((*jobs)[1].state, JobState::kQueued);
  EXPECT_FALSE((*jobs)[1].runner);
  EXPECT_EQ((*jobs)[1].error, "server restarted");

  auto failed = SiteTables::release_jobs(store(), "sensor:b1", JobState::kFailed, "token revoked", "w");
  ASSERT_TRUE(failed);
  EXPECT_EQ(*failed, 1);
  auto b_jobs = SiteTables::list_jobs(store(), std::string("b"), 10);
  ASSERT_TRUE(b_jobs);
  ASSERT_EQ(b_jobs->size(), 1u);
  EXPECT_EQ((*b_jobs)[0].state, JobState::kFailed);
  EXPECT_EQ((*b_jobs)[0].finished, "w");

  // A site with a running job cannot be removed; with none, its jobs go with it.
  ASSERT_TRUE(SiteTables::claim_job(store(), "server", "server", std::nullopt, "x"));
  auto refused = SiteTables::remove_site(store(), "a");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::kInvalidInput);
  auto removed = SiteTables::remove_site(store(), "b");
  ASSERT_TRUE(removed);
  EXPECT_TRUE(*removed);
  EXPECT_TRUE(SiteTables::list_jobs(store(), std::string("b"), 10)->empty());
  EXPECT_FALSE(*SiteTables::remove_site(store(), "b"));
}

TEST_P(SiteTablesTest, ARequeuedJobKeepsItsScanDueAndSlotAndIsClaimedAgain) {
  ASSERT_TRUE(SiteTables::put_site(store(), site("a"), "t0"));
  auto id = SiteTables::enqueue_job(store(), "a", "schedule", "2026-12-06T09:00:00Z", "2026-12-06T09:00:00Z");
  ASSERT_TRUE(id && *id);
  auto got = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T10:00:00Z");
  ASSERT_TRUE(got && *got);
  auto scan = store().begin_scan(testutil::scan_info("stopped-scan"));
  ASSERT_TRUE(scan);

  auto requeued = SiteTables::requeue_job(store(), **id, *scan, "server stopped");
  ASSERT_TRUE(requeued) << requeued.error().message;
  EXPECT_TRUE(*requeued);
  auto job = SiteTables::find_job(store(), **id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->state, JobState::kQueued);
  EXPECT_EQ((*job)->scan, *scan);
  EXPECT_EQ((*job)->due, "2026-12-06T09:00:00Z");
  EXPECT_EQ((*job)->reason, "schedule");
  EXPECT_FALSE((*job)->runner);
  EXPECT_FALSE((*job)->claimed);
  EXPECT_EQ((*job)->error, "server stopped");
  auto second = SiteTables::enqueue_job(store(), "a", "manual", "2026-12-06T10:01:00Z", "2026-12-06T10:01:00Z");
  ASSERT_TRUE(second);
  EXPECT_FALSE(*second) << "the requeued job still holds its site's one active slot";
  EXPECT_FALSE(*SiteTables::requeue_job(store(), **id, std::nullopt, "again")) << "only a running job is requeued";

  auto again = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T10:02:00Z");
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->id, **id);
  EXPECT_EQ((*again)->scan, *scan) << "the next claimer sees the scan to resume";
  // Requeued without a scan (none had begun), the one recorded earlier stays.
  ASSERT_TRUE(*SiteTables::requeue_job(store(), **id, std::nullopt, "server stopped"));
  EXPECT_EQ((*SiteTables::find_job(store(), **id))->scan, *scan);
  again = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T10:03:00Z");
  ASSERT_TRUE(again && *again);
  ASSERT_TRUE(SiteTables::finish_job(store(), **id, JobState::kDone, std::nullopt, "2026-12-06T10:09:00Z"));
  job = SiteTables::find_job(store(), **id);
  EXPECT_EQ((*job)->state, JobState::kDone);
  EXPECT_FALSE((*job)->error) << "the note goes when the job ends well";
}

TEST_P(SiteTablesTest, ASilentSensorsJobEndsAsFailedAndFreesTheSite) {
  ASSERT_TRUE(SiteTables::put_site(store(), site("quiet", "sensor"), "t0"));
  ASSERT_TRUE(SiteTables::put_site(store(), site("busy", "sensor"), "t0"));
  ASSERT_TRUE(SiteTables::put_site(store(), site("local"), "t0"));
  for (const char* name : {"quiet", "busy", "local"})
    ASSERT_TRUE(SiteTables::enqueue_job(store(), name, "manual", "2026-12-06T00:00:00Z", "2026-12-06T00:00:00Z"));
  auto quiet = SiteTables::claim_job(store(), "sensor:q", "sensor", std::string("quiet"), "2026-12-06T10:00:00Z");
  auto busy = SiteTables::claim_job(store(), "sensor:b", "sensor", std::string("busy"), "2026-12-06T10:00:00Z");
  auto local = SiteTables::claim_job(store(), "server", "server", std::nullopt, "2026-12-06T10:00:00Z");
  ASSERT_TRUE(quiet && *quiet && busy && *busy && local && *local);
  ASSERT_TRUE(SiteTables::heartbeat_job(store(), (*busy)->id, "2026-12-06T10:20:00Z"));

  auto ended = SiteTables::fail_silent_sensor_jobs(store(), "2026-12-06T10:15:00Z", "2026-12-06T10:30:00Z");
  ASSERT_TRUE(ended) << ended.error().message;
  EXPECT_EQ(*ended, std::vector<JobId>{(*quiet)->id}) << "only the sensor silent since before the limit";
  auto job = SiteTables::find_job(store(), (*quiet)->id);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->state, JobState::kFailed);
  EXPECT_EQ((*job)->error, "no heartbeat from sensor:q since 2026-12-06T10:00:00Z");
  EXPECT_EQ((*SiteTables::find_job(store(), (*local)->id))->state, JobState::kRunning) << "the server's own job is not a sensor's";
  auto again = SiteTables::enqueue_job(store(), "quiet", "manual", "2026-12-06T10:31:00Z", "2026-12-06T10:31:00Z");
  ASSERT_TRUE(again);
  EXPECT_TRUE(*again) << "the site is free for its next scan";
}

// Two connections (as a server and a sensor process would hold) racing for the same queue never
// take the same job.
TEST_P(SiteTablesTest, ConcurrentClaimersNeverShareAJob) {
  for (int i = 0; i < 20; ++i) {
    const std::string name = "site-" + std::to_string(i);
    ASSERT_TRUE(SiteTables::put_site(store(), site(name), "t0"));
    ASSERT_TRUE(SiteTables::enqueue_job(store(), name, "manual", "t", "t"));
  }
  auto other = Store::open(db("inv.db"));
  ASSERT_TRUE(other) << other.error().message;
  std::vector<JobId> taken[2];
  auto claimer = [](Store& s, const std::string& who, std::vector<JobId>& out) {
    int failures = 0;
    for (;;) {
      auto job = SiteTables::claim_job(s, who, "server", std::nullopt, "z");
      if (!job) {  // "locked" under contention: try again, a bounded number of times
        if (++failures > 1000) return;
        continue;
      }
      if (!*job) return;
      out.push_back((*job)->id);
    }
  };
  std::thread a(claimer, std::ref(store()), "server:a", std::ref(taken[0]));
  std::thread b(claimer, std::ref(*other), "server:b", std::ref(taken[1]));
  a.join();
  b.join();
  std::set<JobId> all(taken[0].begin(), taken[0].end());
  all.insert(taken[1].begin(), taken[1].end());
  EXPECT_EQ(taken[0].size() + taken[1].size(), 20u);
  EXPECT_EQ(all.size(), 20u);
}

INSTANTIATE_TEST_SUITE_P(Backends, SiteTablesTest, testutil::kBothBackends, testutil::backend_name);

}  // namespace
}  // namespace anshin::store
