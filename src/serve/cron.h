// Cron expressions for site schedules: parsing (pure, bounded) and the times they fire.
//
// SYNTAX: five fields separated by spaces or tabs, `minute hour day-of-month month day-of-week`:
//   minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 or jan-dec, day-of-week 0-7 or sun-sat (0 and 7
//   are Sunday). A field is a comma list of items; an item is `*`, `N`, `N-M`, each optionally with a
//   step `/S` (`*/15`, `1-30/2`; `N/S` means N to the field's end). Names are case-insensitive and may
//   not be range ends with numbers of another kind (`mon-5` is fine: both are days). Aliases: @hourly,
//   @daily (= @midnight), @weekly, @monthly, @yearly (= @annually). At most 256 bytes.
// DAY RULE (as Vixie cron): when both day-of-month and day-of-week are restricted (neither starts with
//   `*`), a day matches when EITHER matches; otherwise both must (the unrestricted one always does).
//
// TIME ZONE: fields are matched against the local civil time of the process (TZ, as localtime_r).
// Daylight saving time:
//   - a civil time that does not exist (skipped when clocks go forward, e.g. 02:30 in America/New_York on
//     the March change) fires once, shifted forward by the gap (at 03:30 local);
//   - a civil time that happens twice (clocks go back) fires once, at its first occurrence.
// So a schedule never fires twice for one civil time and never silently drops a day.
#pragma once
#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::serve {

using SysTime = std::chrono::system_clock::time_point;

struct CronSpec {
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days;      // 1-31
  std::bitset<13> months;    // 1-12
  std::bitset<7> weekdays;   // 0 = Sunday
  bool days_restricted = false;      // day-of-month did not start with '*'
  bool weekdays_restricted = false;  // day-of-week did not start with '*'
};

inline constexpr size_t kMaxCronLength = 256;

// Errors are Errc::kInvalidInput naming the field and the problem.
Result<CronSpec> parse_cron(std::string_view text);

// The first time strictly after `after` at which `spec` fires (whole minutes, local time zone); nullopt when
// it never fires in the next 9 years (e.g. `0 0 30 2 *`).
std::optional<SysTime> next_fire(const CronSpec& spec, SysTime after);

// The newest time in (after, upto] at which `spec` fires, if any (bounded work whatever the span).
std::optional<SysTime> last_fire_between(const CronSpec& spec, SysTime after, SysTime upto);

// RFC 3339 UTC text ("2026-12-06T15:00:00Z") and back (that exact form only).
std::string format_utc(SysTime t);
std::optional<SysTime> parse_utc(std::string_view text);

}  // namespace anshin::serve
