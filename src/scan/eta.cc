#include "scan/eta.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "i18n/catalog.h"

namespace anshin::scan {

void EtaEstimator::observe(double elapsed_s, uint64_t done, uint64_t total) {
  total_ = total;
  const double dt = elapsed_s - last_time_;
  if (dt <= 0) return;
  const double instant = static_cast<double>(done >= last_done_ ? done - last_done_ : 0) / dt;
  if (!have_rate_) {
    if (done > 0 && elapsed_s >= 1.0) {  // the first estimate: the average so far
      rate_ = static_cast<double>(done) / elapsed_s;
      have_rate_ = true;
    }
  } else {
    const double weight = 1.0 - std::exp(-dt / tau_);
    rate_ += weight * (instant - rate_);
  }
  last_time_ = elapsed_s;
  last_done_ = done;
  if (done >= total) {
    shown_ = 0;
    return;
  }
  if (!have_rate_ || rate_ <= 0) return;
  const double raw = static_cast<double>(total - done) / rate_;
  // The shown value moves towards the estimate, and never faster than time passes plus a fraction of the
  // gap: a burst does not make it drop to nothing, a stall does not make it leap.
  if (!shown_) {
    shown_ = raw;
  } else {
    const double ticking = std::max(0.0, *shown_ - dt);
    shown_ = ticking + std::min(1.0, dt / tau_) * (raw - ticking);
  }
}

std::optional<double> EtaEstimator::seconds_left() const {
  if (total_ > 0 && last_done_ >= total_) return 0.0;
  return shown_;
}

std::string format_eta(std::optional<double> seconds, std::string_view lang) {
  if (!seconds) return i18n::tr(lang, "scan.eta.unknown");
  const auto s = static_cast<long long>(std::llround(std::max(0.0, *seconds)));
  if (s < 60) return i18n::tr(lang, "scan.eta.seconds", {{"s", std::to_string(s)}});
  if (s < 3600) return i18n::tr(lang, "scan.eta.minutes", {{"m", std::to_string(s / 60)}, {"s", fmt::format("{:02}", s % 60)}});
  return i18n::tr(lang, "scan.eta.hours",
                  {{"h", std::to_string(s / 3600)}, {"m", fmt::format("{:02}", (s % 3600) / 60)}});
}

}  // namespace anshin::scan
