// Wall-clock helpers for scan ids and report timestamps (UTC, RFC 3339, second precision).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace anshin {

std::string rfc3339_utc(std::chrono::system_clock::time_point t);
inline std::string now_rfc3339_utc() { return rfc3339_utc(std::chrono::system_clock::now()); }
// A fresh scan id: "<started RFC 3339>-<4 hex>", e.g. "2026-11-27T10:00:00Z-3f2a".
std::string new_scan_id(std::chrono::system_clock::time_point started);
// 64 random bits from the OS (for permutation seeds, ids). Never 0.
uint64_t random_u64();

}  // namespace anshin
