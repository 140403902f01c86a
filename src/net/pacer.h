// The --rate pacer shared by the TCP sweep (scan/engine.cc) and UDP discovery: single-threaded, one
// per user. No Asio: callers sleep until the times it hands out.
//
//   net::Pacer pacer(rate);
//   if (pacer.enabled()) { sleep until pacer.reserve(); sleep until pacer.earliest_start(); }
//   connect() or send_to();
//   if (pacer.enabled()) pacer.started(Clock::now());
#pragma once
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace anshin::net {

// Global pacing for --rate. reserve() hands out evenly spaced start times on an ideal grid (so the
// achieved rate does not drift with timer latency). A timer that fires late lets reserved slots bunch
// up, so a second gate caps actual starts: the last `cap` of them are kept, and a start waits until
// the oldest is a full `window` old. With cap = rate (for rates up to kMaxCap per second) the window is
// one second: no one-second window ever holds more than rate starts.
class Pacer {
 public:
  using Clock = std::chrono::steady_clock;

  static constexpr size_t kMaxCap = 65536;  // 512 KiB of time points at most; faster rates use a shorter window

  explicit Pacer(double rate)
      : interval_(rate > 0 ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate)) : Clock::duration::zero()) {
    if (!enabled()) return;
    const size_t cap = std::clamp<size_t>(static_cast<size_t>(rate), 1, kMaxCap);
    window_ = std::chrono::nanoseconds(static_cast<int64_t>(1e9 * static_cast<double>(cap) / rate));
    recent_.assign(cap, Clock::time_point::min());
  }
  bool enabled() const { return interval_ != Clock::duration::zero(); }
  Clock::time_point reserve() {
    const auto now = Clock::now();
    if (next_ < now) next_ = now;
    const auto slot = next_;
    next_ += interval_;
    return slot;
  }
  // The earliest time the next start keeps within the cap.
  Clock::time_point earliest_start() const {
    const auto oldest = recent_[oldest_];
    return oldest == Clock::time_point::min() ? oldest : oldest + window_;
  }
  void started(Clock::time_point when) {
    recent_[oldest_] = when;
    oldest_ = (oldest_ + 1) % recent_.size();
  }

 private:
  Clock::duration interval_;
  Clock::duration window_{};
  Clock::time_point next_{};
  std::vector<Clock::time_point> recent_;  // ring of the last `cap` starts; min() = none yet
  size_t oldest_ = 0;
};

}  // namespace anshin::net
