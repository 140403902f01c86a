#include "net/pacer.h"

#include <gtest/gtest.h>

namespace anshin::net {
namespace {

using namespace std::chrono_literals;

TEST(Pacer, DisabledWithoutRate) {
  EXPECT_FALSE(Pacer(0).enabled());
  EXPECT_TRUE(Pacer(0.5).enabled());
}

TEST(Pacer, ReservesAnEvenGridThatDoesNotDrift) {
  Pacer p(100);  // 10 ms apart
  const auto first = p.reserve();
  auto last = first;
  for (int i = 1; i <= 1000; ++i) last = p.reserve();
  EXPECT_EQ(last - first, 1000 * 10ms);  // slots on the grid, whatever the caller's lateness
}

TEST(Pacer, CapsStartsPerWindow) {
  Pacer p(4);  // at most 4 starts in any one-second window
  const auto t0 = Pacer::Clock::now();
  EXPECT_LE(p.earliest_start(), t0);  // nothing started yet
  for (int i = 0; i < 4; ++i) {
    EXPECT_LE(p.earliest_start(), t0 + i * 1ms);
    p.started(t0 + i * 1ms);  // a late timer bunched four starts together
  }
  EXPECT_EQ(p.earliest_start(), t0 + 1s);  // the fifth waits until the first is a second old
  p.started(t0 + 1s);
  EXPECT_EQ(p.earliest_start(), t0 + 1ms + 1s);
}

TEST(Pacer, FractionalRatesUseAShorterWindow) {
  Pacer p(2.5);  // cap 2 starts per 0.8 s
  const auto t0 = Pacer::Clock::now();
  p.started(t0);
  p.started(t0);
  EXPECT_EQ(p.earliest_start(), t0 + 800ms);
}

TEST(Pacer, VeryHighRatesKeepBoundedMemory) {
  Pacer p(1e7);  // cap kMaxCap over kMaxCap / 1e7 s
  const auto t0 = Pacer::Clock::now();
  for (size_t i = 0; i < Pacer::kMaxCap; ++i) p.started(t0);
  const auto window = p.earliest_start() - t0;
  EXPECT_NEAR(std::chrono::duration<double>(window).count(), static_cast<double>(Pacer::kMaxCap) / 1e7, 1e-6);
}

}  // namespace
}  // namespace anshin::net
