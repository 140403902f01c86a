// Round-trip times measured from connection attempts, and the deadlines derived from them (RFC 6298's
// SRTT/RTTVAR smoothing with a floor and a ceiling). Pure code, no Asio, no clock reads: callers hand in
// the samples they measured. Used by the scan engine (per-host and per-subnet connect deadlines) and by
// probes (how long to wait for a device that may or may not speak first).
//
//   RttEstimator e;                     // no sample yet: e.timeout(limits) == limits.ceiling
//   e.add(std::chrono::microseconds(800));
//   e.timeout(limits);                  // SRTT + max(4 RTTVAR, SRTT/4, granularity), within [floor, ceiling]
#pragma once
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>

#include "core/ip.h"

namespace anshin::net {

using Micros = std::chrono::microseconds;

struct RttLimits {
  Micros floor{100'000};      // never wait less than this for an answer (timer and scheduling noise)
  Micros ceiling{1'000'000};  // never wait more (the user's --timeout); also the wait before any sample
};

// Timer granularity term of RFC 6298 (the G in SRTT + max(G, K*RTTVAR)).
inline constexpr Micros kRttGranularity{10'000};

class RttEstimator {
 public:
  bool has_sample() const { return samples_ > 0; }
  uint32_t samples() const { return samples_; }
  Micros srtt() const { return Micros(srtt_); }

  // RFC 6298 2.2/2.3 with alpha = 1/8, beta = 1/4. Negative samples count as zero.
  void add(Micros sample) {
    const int64_t r = std::max<int64_t>(0, sample.count());
    if (samples_ == 0) {
      srtt_ = r;
      rttvar_ = r / 2;
    } else {
      const int64_t diff = srtt_ > r ? srtt_ - r : r - srtt_;
      rttvar_ = (3 * rttvar_ + diff) / 4;
      srtt_ = (7 * srtt_ + r) / 8;
    }
    if (samples_ < UINT32_MAX) ++samples_;
  }

  // How long to wait for an answer: the ceiling before any sample; then SRTT plus the largest of
  // 4 RTTVAR, SRTT/4 (a steady path's variance decays to nothing) and the granularity, within the limits.
  Micros timeout(const RttLimits& limits) const {
    if (samples_ == 0) return limits.ceiling;
    const int64_t margin = std::max({4 * rttvar_, srtt_ / 4, static_cast<int64_t>(kRttGranularity.count())});
    const int64_t rto = srtt_ + margin;
    const int64_t floor = std::min(limits.floor.count(), limits.ceiling.count());
    return Micros(std::clamp<int64_t>(rto, floor, limits.ceiling.count()));
  }

 private:
  int64_t srtt_ = 0;    // microseconds
  int64_t rttvar_ = 0;  // microseconds
  uint32_t samples_ = 0;
};

// The subnet an address belongs to for RTT purposes: its /24 (IPv4) or /64 (IPv6), as one 64-bit key.
inline uint64_t subnet_key(const IpAddr& address) {
  if (address.is_v4()) return (uint64_t{1} << 63) | (address.v4_value() >> 8);
  uint64_t key = 0;
  const auto& b = address.v6_bytes();
  for (int i = 0; i < 8; ++i) key = (key << 8) | b[static_cast<size_t>(i)];
  return key & ~(uint64_t{1} << 63);
}

// Estimators for the subnets seen most recently, in a fixed-size table (memory does not grow with the
// range): a subnet whose entry was taken over by another one starts again without samples, which only
// makes its next deadlines conservative.
class SubnetRtts {
 public:
  static constexpr size_t kEntries = 4096;

  // The estimator for `key`; one without samples when the subnet has none (or lost its entry).
  RttEstimator& at(uint64_t key) {
    Entry& e = entries_[index(key)];
    if (e.key != key) e = Entry{key, {}};
    return e.rtt;
  }
  const RttEstimator* find(uint64_t key) const {
    const Entry& e = entries_[index(key)];
    return e.key == key ? &e.rtt : nullptr;
  }

 private:
  struct Entry {
    uint64_t key = ~uint64_t{0};
    RttEstimator rtt;
  };
  static size_t index(uint64_t key) {
    key ^= key >> 29;
    key *= 0xbf58476d1ce4e5b9ULL;
    key ^= key >> 32;
    return static_cast<size_t>(key % kEntries);
  }
  std::array<Entry, kEntries> entries_{};
};

// The deadline budget for one connection attempt to a host: the host's own estimate once it has
// answered, else its subnet's, else the ceiling. A retry (`previous` > 0: the budget of the attempt that
// timed out) backs off to at least twice that budget, as TCP does, still within the ceiling.
inline Micros attempt_timeout(const RttEstimator* host, const RttEstimator* subnet, const RttLimits& limits,
                              Micros previous = Micros::zero()) {
  Micros t = limits.ceiling;
  if (host && host->has_sample()) t = host->timeout(limits);
  else if (subnet && subnet->has_sample()) t = subnet->timeout(limits);
  if (previous > Micros::zero()) t = std::max(t, std::min(limits.ceiling, 2 * previous));
  return t;
}

}  // namespace anshin::net
