#include "scan/eta.h"

#include <gtest/gtest.h>

#include <cmath>

namespace anshin::scan {
namespace {

TEST(Eta, NothingUntilOneSecondAndOneHost) {
  EtaEstimator e;
  e.observe(0.25, 0, 1000);
  EXPECT_FALSE(e.seconds_left());
  e.observe(0.5, 10, 1000);
  EXPECT_FALSE(e.seconds_left());  // under a second: not yet
  e.observe(1.0, 100, 1000);
  ASSERT_TRUE(e.seconds_left());
  EXPECT_NEAR(*e.seconds_left(), 9.0, 0.01);  // 100 hosts/s, 900 left
}

TEST(Eta, SteadyPaceCountsDownWithTime) {
  EtaEstimator e;
  for (int tick = 4; tick <= 40; ++tick) e.observe(tick * 0.25, static_cast<uint64_t>(tick) * 25, 4000);
  ASSERT_TRUE(e.seconds_left());
  EXPECT_NEAR(*e.seconds_left(), 30.0, 0.5);  // 100 hosts/s, 3000 left
}

TEST(Eta, ABurstDoesNotCollapseItAndAStallDoesNotMakeItLeap) {
  EtaEstimator e;
  double t = 0;
  uint64_t done = 0;
  for (int i = 0; i < 40; ++i) e.observe(t += 0.25, done += 25, 10000);  // 100 hosts/s
  const double before = *e.seconds_left();
  e.observe(t += 0.25, done += 1000, 10000);  // a burst of 1,000 hosts in one tick
  const double after_burst = *e.seconds_left();
  EXPECT_GT(after_burst, before * 0.8) << "a single burst moves the estimate only a little";
  e.observe(t += 0.25, done, 10000);  // then nothing for a tick
  EXPECT_LT(*e.seconds_left(), after_burst * 1.2) << "a single quiet tick does not make it leap";
}

TEST(Eta, ASustainedChangeOfPaceIsFollowed) {
  EtaEstimator e;
  double t = 0;
  uint64_t done = 0;
  for (int i = 0; i < 40; ++i) e.observe(t += 0.25, done += 25, 100000);   // 100 hosts/s for 10 s
  EXPECT_NEAR(*e.seconds_left(), (100000.0 - done) / 100.0, 50);
  for (int i = 0; i < 160; ++i) e.observe(t += 0.25, done += 100, 100000);  // then 400 hosts/s for 40 s
  const double expected = static_cast<double>(100000 - done) / 400.0;
  EXPECT_NEAR(*e.seconds_left(), expected, expected * 0.15);
}

TEST(Eta, DoneIsZeroAndFormatting) {
  EtaEstimator e;
  e.observe(2.0, 50, 50);
  EXPECT_EQ(e.seconds_left(), 0.0);
  EXPECT_EQ(format_eta(std::nullopt), "--");
  EXPECT_EQ(format_eta(9.4), "9s");
  EXPECT_EQ(format_eta(125), "2m05s");
  EXPECT_EQ(format_eta(7380), "2h03m");
  EXPECT_EQ(format_eta(125, "ja"), "約 2 分 05 秒");
  EXPECT_EQ(format_eta(std::nullopt, "ja"), "計算中");
}

}  // namespace
}  // namespace anshin::scan
