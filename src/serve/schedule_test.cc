#include "serve/schedule.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <thread>

#include "serve/job_texts.h"
#include "serve/scan_settings.h"
#include "support/store.h"

namespace anshin::serve {
namespace {

using store::JobState;
using store::SiteTables;
using store::testutil::TempDir;

SysTime at(const char* text) { return parse_utc(text).value(); }

// Starts nothing real: remembers the jobs and ends them when the test says.
class FakeLauncher : public ScanLauncher {
 public:
  Result<void> start(const store::ScanJob& job, const store::SiteConfig& site) override {
    if (fail_start) return Error{Errc::kIo, "cannot start"};
    running_.insert(job.id);
    started.push_back({job.id, site.name});
    resumed.push_back(job.scan);
    return {};
  }
  std::vector<ScanOutcome> finished() override {
    auto out = std::move(ended_);
    ended_.clear();
    return out;
  }
  size_t running() const override { return running_.size(); }
  void stop_all() override { running_.clear(); }
  void end(store::JobId job, bool ok, std::string error = "") {
    running_.erase(job);
    ended_.push_back({job, ok, std::move(error)});
  }
  bool fail_start = false;
  std::vector<std::pair<store::JobId, std::string>> started;
  std::vector<std::optional<store::ScanNumber>> resumed;  // per start: the scan it continues

 private:
  std::set<store::JobId> running_;
  std::vector<ScanOutcome> ended_;
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TZ", "UTC", 1);
    tzset();
    auto opened = store::Store::open(dir_.file("inv.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_.emplace(std::move(*opened));
  }
  void TearDown() override {
    unsetenv("TZ");
    tzset();
  }
  void put(const std::string& name, std::optional<std::string> schedule, const char* saved,
           const std::string& runner = "server") {
    store::SiteConfig s;
    s.name = name;
    s.targets = {"127.0.0.0/29"};
    s.schedule = std::move(schedule);
    s.runner = runner;
    ASSERT_TRUE(validate_site(s));
    ASSERT_TRUE(SiteTables::put_site(*store_, s, saved));
  }
  std::vector<store::ScanJob> jobs(const std::string& site) {
    auto all = SiteTables::list_jobs(*store_, site, 100);
    EXPECT_TRUE(all);
    return all ? *all : std::vector<store::ScanJob>{};
  }
  Scheduler::TickReport tick(Scheduler& s, const char* now) {
    auto r = s.tick(at(now));
    EXPECT_TRUE(r) << r.error().message;
    return r ? *r : Scheduler::TickReport{};
  }
  TempDir dir_;
  std::optional<store::Store> store_;
  FakeLauncher launcher_;
};

TEST_F(SchedulerTest, QueuesWhenDueSkipsWhileRunningAndDoesNotCatchUpASkippedRun) {
  put("tokyo", "0 * * * *", "2026-12-06T10:05:00Z");
  Scheduler s(*store_, launcher_, {});
  EXPECT_TRUE(tick(s, "2026-12-06T10:30:00Z").queued.empty());  // saved after 10:00: nothing due yet

  auto r = tick(s, "2026-12-06T11:00:10Z");
  ASSERT_EQ(r.queued.size(), 1u);
  ASSERT_EQ(r.started, r.queued);
  auto j = jobs("tokyo");
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0].reason, "schedule");
  EXPECT_EQ(j[0].due, "2026-12-06T11:00:00Z");
  EXPECT_EQ(j[0].state, JobState::kRunning);
  EXPECT_EQ(j[0].runner, "server");

  r = tick(s, "2026-12-06T12:00:05Z");  // still running at the next fire time: skipped
  EXPECT_TRUE(r.queued.empty());
  EXPECT_EQ(r.skipped, std::vector<std::string>{"tokyo"});
  EXPECT_EQ(jobs("tokyo").size(), 1u);

  launcher_.end(j[0].id, true);
  r = tick(s, "2026-12-06T12:10:00Z");
  EXPECT_EQ(r.ended, std::vector<store::JobId>{j[0].id});
  EXPECT_TRUE(r.queued.empty()) << "the skipped 12:00 run is not made up later";
  EXPECT_EQ(jobs("tokyo")[0].state, JobState::kDone);

  r = tick(s, "2026-12-06T13:00:01Z");
  EXPECT_EQ(r.queued.size(), 1u);
  EXPECT_EQ(jobs("tokyo").size(), 2u);
}

TEST_F(SchedulerTest, ASensorSilentTooLongLosesItsJobAndTheScheduleGoesOn) {
  put("shop", "0 * * * *", "2026-12-06T10:05:00Z", "sensor");
  Scheduler s(*store_, launcher_, {});
  auto r = tick(s, "2026-12-06T11:00:10Z");
  ASSERT_EQ(r.queued.size(), 1u);
  EXPECT_TRUE(r.started.empty()) << "a sensor's site is not scanned by the server";
  auto claimed = SiteTables::claim_job(*store_, "sensor:shop-1", "sensor", std::string("shop"), "2026-12-06T11:00:20Z");
  ASSERT_TRUE(claimed && *claimed);

  EXPECT_TRUE(tick(s, "2026-12-06T11:14:00Z").silent.empty()) << "silent for 13 min 40 s: still its job";
  r = tick(s, "2026-12-06T11:16:00Z");
  EXPECT_EQ(r.silent, std::vector<store::JobId>{(*claimed)->id});
  EXPECT_EQ(jobs("shop")[0].state, JobState::kFailed);
  r = tick(s, "2026-12-06T12:00:05Z");
  EXPECT_EQ(r.queued.size(), 1u) << "the site is free: the next run is queued, not skipped";
}

TEST_F(SchedulerTest, CatchesUpOnceAfterARestart) {
  put("osaka", "*/10 * * * *", "2026-12-06T09:00:00Z");
  {
    Scheduler first(*store_, launcher_, {});
    tick(first, "2026-12-06T09:30:00Z");  // the first pass after start: catch-up of 09:30
    ASSERT_EQ(jobs("osaka").size(), 1u);
    EXPECT_EQ(jobs("osaka")[0].reason, "catch-up");
    launcher_.end(jobs("osaka")[0].id, true);
    tick(first, "2026-12-06T09:35:00Z");
    EXPECT_EQ(jobs("osaka")[0].state, JobState::kDone);
  }  // the server stops; 09:40 ... 15:20 are missed
  {
    Scheduler second(*store_, launcher_, {});
    ASSERT_TRUE(second.recover(at("2026-12-06T15:25:00Z")));
    auto r = tick(second, "2026-12-06T15:25:00Z");
    ASSERT_EQ(r.queued.size(), 1u) << "one catch-up job, not one per missed run";
    auto j = jobs("osaka");
    ASSERT_EQ(j.size(), 2u);
    EXPECT_EQ(j[0].reason, "catch-up");
    EXPECT_EQ(j[0].due, "2026-12-06T15:20:00Z");
    EXPECT_TRUE(tick(second, "2026-12-06T15:26:00Z").queued.empty());
    launcher_.end(j[0].id, true);
    tick(second, "2026-12-06T15:27:00Z");
  }
  {
    Scheduler third(*store_, launcher_, {});  // restarted again before the next fire time: nothing to catch up
    EXPECT_TRUE(tick(third, "2026-12-06T15:29:00Z").queued.empty());
    auto r = tick(third, "2026-12-06T15:30:00Z");
    ASSERT_EQ(r.queued.size(), 1u);
    EXPECT_EQ(jobs("osaka")[0].reason, "schedule");
  }
  EXPECT_EQ(jobs("osaka").size(), 3u);
}

TEST_F(SchedulerTest, ARunningJobLeftByACrashEndsAsFailedAndIsNotRunTwice) {
  put("nagoya", "0 3 * * *", "2026-12-01T00:00:00Z");
  store::JobId crashed = 0;
  {
    Scheduler before_crash(*store_, launcher_, {});
    auto r = tick(before_crash, "2026-12-06T03:00:30Z");
    ASSERT_EQ(r.started.size(), 1u);
    crashed = r.started[0];
  }  // the process dies: the job stays "running" in the inventory
  FakeLauncher after;
  Scheduler restarted(*store_, after, {});
  auto released = restarted.recover(at("2026-12-06T03:05:00Z"));
  ASSERT_TRUE(released);
  EXPECT_EQ(*released, 1);
  auto job = SiteTables::find_job(*store_, crashed);
  ASSERT_TRUE(job && *job);
  EXPECT_EQ((*job)->state, JobState::kFailed);
  EXPECT_NE((*job)->error.value_or("").find("restarted"), std::string::npos);
  auto r = tick(restarted, "2026-12-06T03:05:00Z");
  EXPECT_TRUE(r.queued.empty()) << "03:00 was queued before the crash: not again";
  EXPECT_TRUE(after.started.empty());
}

TEST_F(SchedulerTest, AScanStoppedWithTheServerResumesOnceAfterTheRestart) {
  put("osaka", "0 3 * * *", "2026-12-01T00:00:00Z");
  put("kobe", std::nullopt, "2026-12-01T00:00:00Z");
  store::JobId job = 0, early = 0;
  store::ScanNumber scan = 0;
  {
    Scheduler before_stop(*store_, launcher_, {});
    auto manual = before_stop.start_now("kobe", at("2026-12-06T03:00:00Z"));
    ASSERT_TRUE(manual && *manual);
    early = **manual;
    auto r = tick(before_stop, "2026-12-06T03:00:30Z");
    ASSERT_EQ(r.started.size(), 2u);
    job = r.started[0] == early ? r.started[1] : r.started[0];
    auto info = store::testutil::scan_info("osaka-scan");  // what the osaka child stored before the stop
    info.site = "osaka";
    auto begun = store_->begin_scan(info);
    ASSERT_TRUE(begun && store_->put_device(*begun, store::testutil::device("127.0.0.3")));
    ASSERT_TRUE(store_->finish_scan(*begun, "2026-12-06T03:01:00Z", true));
    scan = *begun;
    auto stopped = before_stop.stop_and_requeue();
    ASSERT_TRUE(stopped) << stopped.error().message;
    EXPECT_EQ(*stopped, 2);
    EXPECT_EQ(launcher_.running(), 0u);
  }
  auto requeued = SiteTables::find_job(*store_, job);
  ASSERT_TRUE(requeued && *requeued);
  EXPECT_EQ((*requeued)->state, JobState::kQueued) << "not failed";
  EXPECT_EQ((*requeued)->scan, scan);
  EXPECT_NE((*requeued)->error.value_or("").find("resumes"), std::string::npos);
  EXPECT_FALSE((*SiteTables::find_job(*store_, early))->scan) << "kobe's scan had not begun";

  FakeLauncher after;
  Scheduler restarted(*store_, after, {});
  EXPECT_EQ(*restarted.recover(at("2026-12-06T04:00:00Z")), 0) << "nothing was left running";
  auto r = tick(restarted, "2026-12-06T04:00:00Z");
  EXPECT_TRUE(r.queued.empty()) << "no catch-up beside the requeued job";
  ASSERT_EQ(after.started.size(), 2u);
  for (size_t i = 0; i < after.started.size(); ++i) {
    if (after.started[i].first == job) EXPECT_EQ(after.resumed[i], scan) << "the same scan continues";
    else EXPECT_FALSE(after.resumed[i]) << "a fresh scan where none had begun";
  }
  ASSERT_TRUE(store_->finish_scan(scan, "2026-12-06T04:02:00Z", false));  // the resumed child completes it
  after.end(job, true);
  r = tick(restarted, "2026-12-06T04:03:00Z");
  EXPECT_EQ(r.ended, std::vector<store::JobId>{job});
  auto done = SiteTables::find_job(*store_, job);
  EXPECT_EQ((*done)->state, JobState::kDone);
  EXPECT_EQ((*done)->scan, scan);
  EXPECT_FALSE((*done)->error);
  EXPECT_EQ(jobs("osaka").size(), 1u) << "one job, run once";

  // A requeued job whose scan had completed before the stop ends as done without running again.
  auto again = restarted.start_now("osaka", at("2026-12-06T05:00:00Z"));
  ASSERT_TRUE(again && *again);
  tick(restarted, "2026-12-06T05:00:00Z");
  ASSERT_TRUE(restarted.stop_and_requeue());
  ASSERT_TRUE(SiteTables::find_job(*store_, **again).value()->state == JobState::kQueued);
  ASSERT_TRUE(SiteTables::set_job_scan(*store_, **again, scan));  // a completed scan
  FakeLauncher third;
  Scheduler once_more(*store_, third, {});
  r = tick(once_more, "2026-12-06T05:10:00Z");
  EXPECT_TRUE(std::find(r.ended.begin(), r.ended.end(), **again) != r.ended.end());
  EXPECT_EQ((*SiteTables::find_job(*store_, **again))->state, JobState::kDone);
  for (const auto& [started_job, site] : third.started) EXPECT_NE(started_job, **again);
}

TEST_F(SchedulerTest, GlobalCapAndOneJobPerSite) {
  for (const char* name : {"a", "b", "c"}) put(name, "0 * * * *", "2026-12-06T09:00:00Z");
  Scheduler s(*store_, launcher_, {.max_concurrent = 2});
  auto r = tick(s, "2026-12-06T10:00:00Z");
  EXPECT_EQ(r.queued.size(), 3u);
  ASSERT_EQ(r.started.size(), 2u);
  EXPECT_EQ(launcher_.running(), 2u);

  auto again = s.start_now(launcher_.started[0].second, at("2026-12-06T10:01:00Z"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again) << "a site with a running job gets no second one";

  launcher_.end(r.started[0], false, "scan exited with status 2: boom");
  r = tick(s, "2026-12-06T10:02:00Z");
  ASSERT_EQ(r.started.size(), 1u) << "the freed slot takes the queued job";
  EXPECT_EQ(launcher_.running(), 2u);
  auto failed = SiteTables::find_job(*store_, r.ended.at(0));
  ASSERT_TRUE(failed && *failed);
  EXPECT_EQ((*failed)->state, JobState::kFailed);
  EXPECT_EQ((*failed)->error, "scan exited with status 2: boom");
  std::set<std::string> sites;
  for (const auto& [job, site] : launcher_.started) sites.insert(site);
  EXPECT_EQ(sites.size(), 3u);
}

TEST_F(SchedulerTest, ManualStartsAndSensorSites) {
  put("manual-only", std::nullopt, "2026-12-06T09:00:00Z");
  put("far-away", "0 * * * *", "2026-12-06T09:00:00Z", "sensor");
  Scheduler s(*store_, launcher_, {});
  auto queued = s.start_now("manual-only", at("2026-12-06T09:10:00Z"));
  ASSERT_TRUE(queued && *queued);
  auto r = tick(s, "2026-12-06T10:00:00Z");
  EXPECT_EQ(r.started, std::vector<store::JobId>{**queued});
  EXPECT_EQ(jobs("manual-only")[0].reason, "manual");
  ASSERT_EQ(jobs("far-away").size(), 1u) << "a sensor site's schedule is queued by the server";
  EXPECT_EQ(jobs("far-away")[0].state, JobState::kQueued) << "and left for the sensor";
  auto unknown = s.start_now("nowhere", at("2026-12-06T10:00:00Z"));
  EXPECT_FALSE(unknown);
  EXPECT_FALSE(Scheduler::next_run(*SiteTables::find_site(*store_, "manual-only").value(), at("2026-12-06T10:00:00Z")));
  auto next = Scheduler::next_run(*SiteTables::find_site(*store_, "far-away").value(), at("2026-12-06T10:00:00Z"));
  ASSERT_TRUE(next);
  EXPECT_EQ(format_utc(*next), "2026-12-06T11:00:00Z");
}

TEST_F(SchedulerTest, AJobThatCannotStartFails) {
  put("broken", std::nullopt, "2026-12-06T09:00:00Z");
  launcher_.fail_start = true;
  Scheduler s(*store_, launcher_, {});
  auto queued = s.start_now("broken", at("2026-12-06T09:10:00Z"));
  ASSERT_TRUE(queued && *queued);
  tick(s, "2026-12-06T09:10:00Z");
  EXPECT_EQ(jobs("broken")[0].state, JobState::kFailed);
  EXPECT_EQ(jobs("broken")[0].error, "cannot start");
}

// A stand-in for the anshin binary: records its arguments, fails when the site is "bad".
std::string fake_binary(const TempDir& dir) {
  const std::string path = dir.file("fake-anshin");
  std::ofstream(path) << "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" << dir.file("args") << "\"\n"
                      << "case \"$*\" in *--site=bad*) echo 'first line' >&2; echo 'anshin: it broke' >&2; exit 2;; esac\n"
                      << "exit 3\n";
  chmod(path.c_str(), 0755);
  return path;
}

TEST(ProcessLauncher, RunsTheScanCommandAndReportsItsEnd) {
  TempDir dir;
  ProcessLauncher launcher(fake_binary(dir), "/data/inv.db", "ja");
  store::SiteConfig site;
  site.name = "tokyo 01";
  site.targets = {"127.0.0.0/29", "127.0.1.5"};
  site.settings_json = R"({"ports":"80,554","excludes":["127.0.0.3"],"no_multicast":true})";
  store::ScanJob job;
  job.id = 7;
  ASSERT_TRUE(launcher.start(job, site));
  EXPECT_EQ(launcher.running(), 1u);
  std::vector<ScanOutcome> ended;
  for (int i = 0; i < 100 && ended.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ended = launcher.finished();
  }
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].job, 7);
  EXPECT_TRUE(ended[0].ok) << "exit 3 (findings at --fail-on) is a finished scan";
  std::ifstream in(dir.file("args"));
  std::vector<std::string> args;
  for (std::string line; std::getline(in, line);) args.push_back(line);
  const std::vector<std::string> expected = {"scan", "--db=/data/inv.db", "--site=tokyo 01", "-q", "--rate=100",
                                             "--concurrency=64", "--policy=all", "--lang=ja", "--ports=80,554",
                                             "--no-multicast", "--exclude=127.0.0.3", "--", "127.0.0.0/29", "127.0.1.5"};
  EXPECT_EQ(args, expected);

  site.name = "bad";
  job.id = 8;
  ASSERT_TRUE(launcher.start(job, site));
  ended.clear();
  for (int i = 0; i < 100 && ended.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ended = launcher.finished();
  }
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_FALSE(ended[0].ok);
  EXPECT_EQ(ended[0].error, "scan exited with status 2: anshin: it broke");

  ProcessLauncher missing(dir.file("no-such-binary"), "inv.db", "en");
  job.id = 9;
  ASSERT_TRUE(missing.start(job, site));
  ended.clear();
  for (int i = 0; i < 100 && ended.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ended = missing.finished();
  }
  ASSERT_EQ(ended.size(), 1u);
  EXPECT_EQ(ended[0].error, "scan exited with status 127: cannot run the anshin binary for the scan");
}

TEST(JobTexts, TheServersOwnTextsReadInTheRequestsLanguageOthersAsStored) {
  EXPECT_EQ(job_text("server_restarted"), "server restarted while the scan ran");
  EXPECT_EQ(localize_job_text(job_text("server_restarted"), "ja"), "スキャンの実行中にサーバーが再起動されました");
  const std::string failed = job_text("scan_exited_tail", {{"status", "2"}, {"tail", "anshin: it broke: x"}});
  EXPECT_EQ(failed, "scan exited with status 2: anshin: it broke: x");
  EXPECT_EQ(localize_job_text(failed, "ja"), "スキャンが終了コード 2 で終了しました：anshin: it broke: x")
      << "the first value stops at the first separator; the scan's own line is kept whole";
  EXPECT_EQ(localize_job_text(job_text("scan_signal", {{"signal", "9"}}), "ja"), "スキャンがシグナル 9 で終了しました");
  // Written by the inventory's SQL (store/site_tables.cc): the same English words.
  EXPECT_EQ(localize_job_text("no heartbeat from sensor:q since 2026-12-06T10:00:00Z", "ja"),
            "sensor:q から 2026-12-06T10:00:00Z 以降ハートビートがありません");
  EXPECT_EQ(localize_job_text(failed, "en"), failed);
  EXPECT_EQ(localize_job_text("a sensor's own reason", "ja"), "a sensor's own reason");
}

TEST(ScanSettings, KeysBoundsAndDefaults) {
  auto d = parse_scan_settings("{}");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rate, 100);
  EXPECT_EQ(d->concurrency, 64);
  auto all = parse_scan_settings(R"({"ports":"1-1024","rate":20.5,"concurrency":8,"timeout_ms":500,"retries":0,
    "policy":"us-ndaa,jp-gov","lang":"ja","sweep_only":true,"no_multicast":true,"check_default_creds":true,
    "check_cves_active":true,"allow_public":true,"excludes":["10.0.0.1"]})");
  ASSERT_TRUE(all) << all.error().message;
  EXPECT_EQ(all->retries, 0);
  EXPECT_TRUE(all->allow_public && all->sweep_only);
  for (const char* bad : {"[]", "nope", R"({"rate":0})", R"({"rate":"fast"})", R"({"concurrency":5000})",
                          R"({"timeout_ms":1.5})", R"({"retries":6})", R"({"ports":"99999"})", R"({"lang":"fr"})",
                          R"({"policy":"all; rm -rf /"})", R"({"sweep_only":"yes"})", R"({"excludes":["@/etc/passwd"]})",
                          R"({"excludes":["-p1"]})", R"({"unknown":1})"}) {
    auto s = parse_scan_settings(bad);
    EXPECT_FALSE(s) << bad;
  }
}

TEST(ScanSettings, SitesAreValidatedWhenSaved) {
  store::SiteConfig s;
  s.name = "東京 01";
  s.targets = {"192.168.1.0/24", "cam-01.example.lan", "127.0.0.1-20"};
  s.schedule = "@daily";
  EXPECT_TRUE(validate_site(s));
  auto with = [&](auto change) {
    store::SiteConfig c = s;
    change(c);
    return validate_site(c);
  };
  EXPECT_FALSE(with([](auto& c) { c.targets = {"8.8.8.0/24"}; })) << "public targets need allow_public";
  EXPECT_TRUE(with([](auto& c) {
    c.targets = {"8.8.8.8"};
    c.settings_json = R"({"allow_public":true})";
  }));
  EXPECT_FALSE(with([](auto& c) { c.targets = {"@/etc/passwd"}; }));
  EXPECT_FALSE(with([](auto& c) { c.targets = {"--allow-public"}; }));
  EXPECT_FALSE(with([](auto& c) { c.targets = {}; }));
  EXPECT_FALSE(with([](auto& c) { c.schedule = "61 * * * *"; }));
  EXPECT_FALSE(with([](auto& c) { c.runner = "cloud"; }));
  EXPECT_FALSE(with([](auto& c) { c.name = "a/b"; }));
  EXPECT_FALSE(with([](auto& c) { c.name = "bell\x07"; }));
  EXPECT_FALSE(with([](auto& c) { c.name = "  "; }));
  EXPECT_FALSE(with([](auto& c) { c.settings_json = R"({"rate":-1})"; }));
}

}  // namespace
}  // namespace anshin::serve
