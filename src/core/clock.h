// Wall-clock helpers for scan ids and report timestamps (UTC, RFC 3339, second precision).
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace anshin {

std::string rfc3339_utc(std::chrono::system_clock::time_point t);
inline std::string now_rfc3339_utc() { return rfc3339_utc(std::chrono::system_clock::now()); }
// "2026-11-27T10:00:00Z" as the reader's local time with its offset from UTC, in the time zone of the
// process (TZ, else /etc/localtime): "2026-11-27 19:00 +09:00". The text unchanged when it is not
// RFC 3339 UTC ("YYYY-MM-DDTHH:MM:SSZ").
std::string local_time_text(const std::string& rfc3339);
// Seconds from one RFC 3339 UTC time to another; nullopt when either does not parse.
std::optional<long long> seconds_between(const std::string& from_rfc3339, const std::string& to_rfc3339);
// A fresh scan id: "<started RFC 3339>-<4 hex>", e.g. "2026-11-27T10:00:00Z-3f2a".
std::string new_scan_id(std::chrono::system_clock::time_point started);
// 64 random bits from the OS (for permutation seeds, ids). Never 0.
uint64_t random_u64();

}  // namespace anshin
