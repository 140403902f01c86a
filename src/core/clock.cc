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

namespace {

std::optional<std::time_t> parse_rfc3339_utc(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  return timegm(&tm);
}

}  // namespace

std::optional<long long> seconds_between(const std::string& from_rfc3339, const std::string& to_rfc3339) {
  const auto a = parse_rfc3339_utc(from_rfc3339);
  const auto b = parse_rfc3339_utc(to_rfc3339);
  if (!a || !b) return std::nullopt;
  return static_cast<long long>(*b - *a);
}

std::string local_time_text(const std::string& rfc3339) {
  const auto parsed = parse_rfc3339_utc(rfc3339);
  if (!parsed) return rfc3339;
  const std::time_t secs = *parsed;
  std::tm local{};
  localtime_r(&secs, &local);
  const long offset = local.tm_gmtoff;
  const long minutes = (offset < 0 ? -offset : offset) / 60;
  char day[24];
  std::strftime(day, sizeof day, "%Y-%m-%d %H:%M", &local);
  return fmt::format("{} {}{:02}:{:02}", day, offset < 0 ? '-' : '+', minutes / 60, minutes % 60);
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
