#include "serve/cron.h"

#include "core/clock.h"

#include <array>
#include <cstdint>
#include <ctime>
#include <vector>

#include "core/text.h"

namespace anshin::serve {

namespace {

// ---- parsing ----

struct FieldShape {
  const char* name;
  int lo;
  int hi;
  const std::array<const char*, 12>* names;  // lowercase 3-letter names of lo, lo+1, ... (nullptr: none)
};

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 12> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

constexpr std::array<FieldShape, 5> kFields = {{{"minute", 0, 59, nullptr},
                                                {"hour", 0, 23, nullptr},
                                                {"day-of-month", 1, 31, nullptr},
                                                {"month", 1, 12, &kMonthNames},
                                                {"day-of-week", 0, 7, &kDayNames}}};

Error field_error(const FieldShape& f, std::string_view item, const char* problem) {
  return Error{Errc::kInvalidInput, std::string("cron ") + f.name + " field: \"" +
                                        text::escape_for_terminal(item.substr(0, 40)) + "\" " + problem};
}

std::optional<int> field_value(const FieldShape& f, std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  if (s.find_first_not_of("0123456789") == std::string_view::npos) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    if (v < f.lo || v > f.hi) return std::nullopt;
    return v;
  }
  if (!f.names) return std::nullopt;
  const std::string lower = text::to_lower(s);
  for (size_t i = 0; i < f.names->size(); ++i)
    if ((*f.names)[i] && lower == (*f.names)[i]) return f.lo + static_cast<int>(i);
  return std::nullopt;
}

// Sets the bits of one comma-separated field (values f.lo..f.hi) in `bits`.
Result<void> parse_field(const FieldShape& f, std::string_view field, std::vector<bool>& bits) {
  bits.assign(f.hi + 1, false);
  for (std::string_view item : text::split(field, ',')) {
    if (item.empty()) return field_error(f, field, "has an empty list item");
    int step = 1;
    std::string_view base = item;
    if (const size_t slash = item.find('/'); slash != std::string_view::npos) {
      const std::string_view step_text = item.substr(slash + 1);
      base = item.substr(0, slash);
      if (step_text.empty() || step_text.size() > 2 || step_text.find_first_not_of("0123456789") != std::string_view::npos)
        return field_error(f, item, "has a bad step");
      step = std::stoi(std::string(step_text));
      if (step < 1 || step > f.hi) return field_error(f, item, "has a step out of range");
    }
    int from = f.lo, to = f.hi;
    if (base != "*") {
      const size_t dash = base.find('-');
      const auto first = field_value(f, base.substr(0, dash));
      if (!first) return field_error(f, item, "is not a value of this field");
      from = to = *first;
      if (dash != std::string_view::npos) {
        const auto last = field_value(f, base.substr(dash + 1));
        if (!last) return field_error(f, item, "is not a value of this field");
        if (*last < *first) return field_error(f, item, "is a reversed range");
        to = *last;
      } else if (item.find('/') != std::string_view::npos) {
        to = f.hi;  // N/S: from N to the end
      }
    }
    for (int v = from; v <= to; v += step) bits[v] = true;
  }
  return {};
}

std::string_view alias(std::string_view text) {
  const std::string lower = text::to_lower(text);
  if (lower == "@hourly") return "0 * * * *";
  if (lower == "@daily" || lower == "@midnight") return "0 0 * * *";
  if (lower == "@weekly") return "0 0 * * 0";
  if (lower == "@monthly") return "0 0 1 * *";
  if (lower == "@yearly" || lower == "@annually") return "0 0 1 1 *";
  return {};
}

// ---- civil time: minutes since 1970-01-01 00:00 of the local calendar, as if it were UTC ----

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Civil {
  int64_t year;
  unsigned month, day, hour, minute, weekday;
};

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

Civil civil_of(int64_t cm) {
  const int64_t z0 = floor_div(cm, 1440);
  const int64_t in_day = cm - z0 * 1440;
  const int64_t z = z0 + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  Civil c;
  c.day = doy - (153 * mp + 2) / 5 + 1;
  c.month = mp < 10 ? mp + 3 : mp - 9;
  c.year = static_cast<int64_t>(yoe) + era * 400 + (c.month <= 2);
  c.hour = static_cast<unsigned>(in_day / 60);
  c.minute = static_cast<unsigned>(in_day % 60);
  c.weekday = static_cast<unsigned>(((z0 % 7) + 11) % 7);  // 1970-01-01 was a Thursday (4)
  return c;
}

int64_t month_start(int64_t year, unsigned month) { return days_from_civil(year, month, 1) * 1440; }
int64_t next_month_start(const Civil& c) {
  return c.month == 12 ? month_start(c.year + 1, 1) : month_start(c.year, c.month + 1);
}

bool day_matches(const CronSpec& s, const Civil& c) {
  const bool dom = s.days[c.day], dow = s.weekdays[c.weekday];
  if (s.days_restricted && s.weekdays_restricted) return dom || dow;
  return dom && dow;
}

int64_t civil_minute_at(std::time_t t, int* second = nullptr) {
  std::tm tm{};
  localtime_r(&t, &tm);
  if (second) *second = tm.tm_sec;
  return days_from_civil(tm.tm_year + 1900LL, static_cast<unsigned>(tm.tm_mon + 1), static_cast<unsigned>(tm.tm_mday)) *
             1440 + tm.tm_hour * 60 + tm.tm_min;
}

long utc_offset_at(std::time_t t) {
  std::tm tm{};
  localtime_r(&t, &tm);
  return tm.tm_gmtoff;
}

// The instant of civil minute `cm`: its first occurrence, or, when the clocks skipped it, the instant they
// jumped (the first instant whose civil time is later). Monotone: a later civil minute never maps earlier.
std::time_t instant_of(int64_t cm) {
  const std::time_t as_utc = static_cast<std::time_t>(cm * 60);
  const std::time_t a = as_utc - utc_offset_at(as_utc - 86400), b = as_utc - utc_offset_at(as_utc + 86400);
  std::optional<std::time_t> best;
  for (std::time_t t : {a, b}) {
    int second = 0;
    if (civil_minute_at(t, &second) == cm && second == 0 && (!best || t < *best)) best = t;
  }
  if (best) return *best;
  std::time_t lo = std::min(a, b), hi = std::max(a, b);  // civil(lo) < cm < civil(hi) across the gap
  if (civil_minute_at(hi) <= cm) return hi;               // no bracket (should not happen): never earlier
  while (hi - lo > 1) {
    const std::time_t mid = lo + (hi - lo) / 2;
    (civil_minute_at(mid) > cm ? hi : lo) = mid;
  }
  return hi;
}

constexpr int64_t kSearchMinutes = int64_t{9} * 366 * 1440;
constexpr int kMaxSteps = 2'000'000;

std::time_t seconds_of(SysTime t) {
  return static_cast<std::time_t>(
      std::chrono::floor<std::chrono::seconds>(t.time_since_epoch()).count());
}

}  // namespace

Result<CronSpec> parse_cron(std::string_view text) {
  if (text.size() > kMaxCronLength) return Error{Errc::kInvalidInput, "cron expression longer than 256 bytes"};
  std::string_view trimmed = text::trim(text);
  if (!trimmed.empty() && trimmed.front() == '@') {
    trimmed = alias(trimmed);
    if (trimmed.empty()) return Error{Errc::kInvalidInput, "unknown cron alias (use @hourly, @daily, @weekly, @monthly, @yearly)"};
  }
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < trimmed.size()) {
    while (i < trimmed.size() && (trimmed[i] == ' ' || trimmed[i] == '\t')) ++i;
    const size_t start = i;
    while (i < trimmed.size() && trimmed[i] != ' ' && trimmed[i] != '\t') ++i;
    if (i > start) fields.push_back(trimmed.substr(start, i - start));
    if (fields.size() > 5) break;
  }
  if (fields.size() != 5) return Error{Errc::kInvalidInput, "a cron expression has five fields: minute hour day-of-month month day-of-week"};
  CronSpec spec;
  std::vector<bool> bits;
  for (size_t f = 0; f < 5; ++f) {
    if (auto parsed = parse_field(kFields[f], fields[f], bits); !parsed) return parsed.error();
    for (int v = kFields[f].lo; v <= kFields[f].hi; ++v) {
      if (!bits[v]) continue;
      switch (f) {
        case 0: spec.minutes.set(v); break;
        case 1: spec.hours.set(v); break;
        case 2: spec.days.set(v); break;
        case 3: spec.months.set(v); break;
        default: spec.weekdays.set(v % 7); break;
      }
    }
  }
  spec.days_restricted = fields[2].front() != '*';
  spec.weekdays_restricted = fields[4].front() != '*';
  return spec;
}

std::optional<SysTime> next_fire(const CronSpec& spec, SysTime after) {
  const std::time_t after_s = seconds_of(after);
  int64_t cm = civil_minute_at(after_s) + 1;
  const int64_t limit = cm + kSearchMinutes;
  for (int steps = 0; cm <= limit && steps < kMaxSteps; ++steps) {
    const Civil c = civil_of(cm);
    const int64_t hour_start = cm - c.minute, day_start = hour_start - c.hour * 60;
    if (!spec.months[c.month]) cm = next_month_start(c);
    else if (!day_matches(spec, c)) cm = day_start + 1440;
    else if (!spec.hours[c.hour]) cm = hour_start + 60;
    else if (!spec.minutes[c.minute]) cm += 1;
    else if (const std::time_t t = instant_of(cm); t > after_s) return std::chrono::system_clock::from_time_t(t);
    else cm += 1;
  }
  return std::nullopt;
}

std::optional<SysTime> last_fire_between(const CronSpec& spec, SysTime after, SysTime upto) {
  const std::time_t after_s = seconds_of(after), upto_s = seconds_of(upto);
  if (upto_s <= after_s) return std::nullopt;
  // Start three civil hours late: after clocks went back, an earlier instant can show a later civil time.
  int64_t cm = civil_minute_at(upto_s) + 180;
  const int64_t limit = cm - kSearchMinutes;
  for (int steps = 0; cm >= limit && steps < kMaxSteps; ++steps) {
    const Civil c = civil_of(cm);
    const int64_t hour_start = cm - c.minute, day_start = hour_start - c.hour * 60;
    if (!spec.months[c.month]) {
      cm = month_start(c.year, c.month) - 1;
    } else if (!day_matches(spec, c)) {
      cm = day_start - 1;
    } else if (!spec.hours[c.hour]) {
      cm = hour_start - 1;
    } else if (!spec.minutes[c.minute]) {
      cm -= 1;
    } else {
      const std::time_t t = instant_of(cm);
      if (t <= after_s) return std::nullopt;
      if (t <= upto_s) return std::chrono::system_clock::from_time_t(t);
      cm -= 1;
    }
  }
  return std::nullopt;
}

std::string format_utc(SysTime t) { return rfc3339_utc(t); }

std::optional<SysTime> parse_utc(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SSZ
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != 'Z')
    return std::nullopt;
  const auto num = [&](size_t at, size_t n) -> std::optional<int> {
    int v = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return std::nullopt;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  const auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), se = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !se || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 || *se > 59)
    return std::nullopt;
  const int64_t days = days_from_civil(*y, static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  if (civil_of(days * 1440).day != static_cast<unsigned>(*d)) return std::nullopt;  // e.g. 02-30
  return std::chrono::system_clock::from_time_t(static_cast<std::time_t>(days * 86400 + *h * 3600 + *mi * 60 + *se));
}

}  // namespace anshin::serve
