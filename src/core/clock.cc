#include "core/clock.h"

#include <fmt/core.h>
#include <sys/random.h>

#include <ctime>

namespace anshin {

std::string rfc3339_utc(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

uint64_t random_u64() {
  uint64_t v = 0;
  while (v == 0) {
    if (getrandom(&v, sizeof v, 0) != sizeof v) {
      v = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) * 0x9e3779b97f4a7c15ull;
    }
  }
  return v;
}

std::string new_scan_id(std::chrono::system_clock::time_point started) {
  return fmt::format("{}-{:04x}", rfc3339_utc(started), static_cast<unsigned>(random_u64() & 0xffff));
}

}  // namespace anshin
