// The remaining time the progress line shows: smoothed so it does not jump with every burst of
// replies or stall (a sweep's pace changes as silent addresses time out in waves). Pure; the engine
// feeds it every progress tick.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace anshin::scan {

class EtaEstimator {
 public:
  // `time_constant_s`: how many seconds of history the host rate mostly reflects.
  explicit EtaEstimator(double time_constant_s = 5.0) : tau_(time_constant_s) {}

  // A sample at `elapsed_s` since the start: `done` of `total` hosts finished.
  void observe(double elapsed_s, uint64_t done, uint64_t total);
  // Seconds left; nullopt until it means something (at least 1 s and one host in, or nothing left to do).
  std::optional<double> seconds_left() const;

 private:
  double tau_;
  double last_time_ = 0;
  uint64_t last_done_ = 0;
  uint64_t total_ = 0;
  double rate_ = 0;          // hosts per second, exponentially weighted
  bool have_rate_ = false;
  std::optional<double> shown_;
};

// "12s", "4m05s", "2h03m", "--" for nullopt (ja: "約 12 秒", "約 4 分 05 秒", "約 2 時間 03 分", "計算中");
// the catalog entries scan.eta.*.
std::string format_eta(std::optional<double> seconds, std::string_view lang = "en");

}  // namespace anshin::scan
