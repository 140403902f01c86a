#include "serve/cron.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace anshin::serve {
namespace {

// Runs a test body in a time zone, restoring the previous one.
class ZoneGuard {
 public:
  explicit ZoneGuard(const char* zone) {
    if (const char* old = std::getenv("TZ")) old_ = old;
    setenv("TZ", zone, 1);
    tzset();
  }
  ~ZoneGuard() {
    if (old_) setenv("TZ", old_->c_str(), 1);
    else unsetenv("TZ");
    tzset();
  }

 private:
  std::optional<std::string> old_;
};

SysTime utc(const char* text) {
  auto t = parse_utc(text);
  EXPECT_TRUE(t) << text;
  return t.value_or(SysTime{});
}

std::string next_text(const char* cron, const char* after) {
  auto spec = parse_cron(cron);
  EXPECT_TRUE(spec) << cron << ": " << (spec ? "" : spec.error().message);
  if (!spec) return "parse error";
  auto t = next_fire(*spec, utc(after));
  return t ? format_utc(*t) : "never";
}

std::string last_text(const char* cron, const char* after, const char* upto) {
  auto spec = parse_cron(cron);
  EXPECT_TRUE(spec) << cron;
  if (!spec) return "parse error";
  auto t = last_fire_between(*spec, utc(after), utc(upto));
  return t ? format_utc(*t) : "none";
}

TEST(Cron, ParsesListsRangesStepsAndNames) {
  auto s = parse_cron("*/15 9-17 1,15 jan-MAR,dec mon-fri");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->minutes.count(), 4u);
  EXPECT_TRUE(s->minutes[0] && s->minutes[15] && s->minutes[30] && s->minutes[45]);
  EXPECT_EQ(s->hours.count(), 9u);
  EXPECT_TRUE(s->days[1] && s->days[15] && s->days.count() == 2);
  EXPECT_TRUE(s->months[1] && s->months[2] && s->months[3] && s->months[12] && s->months.count() == 4);
  EXPECT_TRUE(s->weekdays[1] && s->weekdays[5] && !s->weekdays[0] && !s->weekdays[6]);
  EXPECT_TRUE(s->days_restricted && s->weekdays_restricted);

  auto stepped = parse_cron("5/20 1-10/3 * * 7");
  ASSERT_TRUE(stepped);
  EXPECT_TRUE(stepped->minutes[5] && stepped->minutes[25] && stepped->minutes[45] && stepped->minutes.count() == 3);
  EXPECT_TRUE(stepped->hours[1] && stepped->hours[4] && stepped->hours[7] && stepped->hours[10]);
  EXPECT_EQ(stepped->hours.count(), 4u);
  EXPECT_TRUE(stepped->weekdays[0] && stepped->weekdays.count() == 1);  // 7 is Sunday
  EXPECT_FALSE(stepped->days_restricted);
  EXPECT_TRUE(stepped->weekdays_restricted);

  auto mixed = parse_cron("0 0 * * mon-5,SUN");  // a name and a number of the same field make a range
  ASSERT_TRUE(mixed);
  EXPECT_EQ(mixed->weekdays.to_string(), "0111111");  // Saturday (bit 6) only is off
  auto tabs = parse_cron("\t0\t0   1\t* *  ");
  ASSERT_TRUE(tabs);
  EXPECT_TRUE(tabs->days[1] && tabs->days.count() == 1);
}

TEST(Cron, Aliases) {
  for (auto [alias, plain] : {std::pair{"@hourly", "0 * * * *"}, {"@daily", "0 0 * * *"}, {"@midnight", "0 0 * * *"},
                              {"@weekly", "0 0 * * 0"}, {"@monthly", "0 0 1 * *"}, {"@YEARLY", "0 0 1 1 *"},
                              {"@annually", "0 0 1 1 *"}}) {
    auto a = parse_cron(alias), b = parse_cron(plain);
    ASSERT_TRUE(a && b) << alias;
    EXPECT_EQ(a->minutes, b->minutes);
    EXPECT_EQ(a->hours, b->hours);
    EXPECT_EQ(a->days, b->days);
    EXPECT_EQ(a->months, b->months);
    EXPECT_EQ(a->weekdays, b->weekdays);
  }
  EXPECT_FALSE(parse_cron("@reboot"));
}

TEST(Cron, RefusesBadExpressions) {
  for (const char* bad : {"", "* * * *", "* * * * * *", "60 * * * *", "* 24 * * *", "* * 0 * *", "* * 32 * *",
                          "* * * 13 *", "* * * * 8", "5-1 * * * *", "*/0 * * * *", "*/60 * * * *", "1,,2 * * * *",
                          ",1 * * * *", "a * * * *", "* * * foo *", "* * * * monday", "1-2-3 * * * *", "*/ * * * *",
                          "-1 * * * *", "1- * * * *", "jan * * * *", "* * * * jan", "0x1 * * * *", "@", "@ hourly"}) {
    auto s = parse_cron(bad);
    EXPECT_FALSE(s) << "accepted: \"" << bad << "\"";
    if (!s) {
      EXPECT_EQ(s.error().code, Errc::kInvalidInput);
    }
  }
  EXPECT_FALSE(parse_cron(std::string(300, ' ') + "* * * * *"));  // over the length bound
  auto named = parse_cron("\x1b[31m * * * *");
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().message.find('\x1b'), std::string::npos);  // the text is escaped in the message
}

TEST(Cron, NextFireInUtc) {
  ZoneGuard zone("UTC");
  EXPECT_EQ(next_text("* * * * *", "2026-12-06T15:00:00Z"), "2026-12-06T15:01:00Z");
  EXPECT_EQ(next_text("* * * * *", "2026-12-06T15:00:59Z"), "2026-12-06T15:01:00Z");
  EXPECT_EQ(next_text("*/15 * * * *", "2026-12-06T15:07:00Z"), "2026-12-06T15:15:00Z");
  EXPECT_EQ(next_text("@hourly", "2026-12-06T23:30:00Z"), "2026-12-07T00:00:00Z");
  EXPECT_EQ(next_text("@daily", "2026-12-31T00:00:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next_text("@weekly", "2026-12-06T00:00:00Z"), "2026-12-13T00:00:00Z");  // 12-06 is a Sunday
  EXPECT_EQ(next_text("@monthly", "2026-12-06T00:00:00Z"), "2027-01-01T00:00:00Z");
  EXPECT_EQ(next_text("30 2 * * mon-fri", "2026-12-04T03:00:00Z"), "2026-12-07T02:30:00Z");  // Fri -> Mon
  EXPECT_EQ(next_text("0 0 29 2 *", "2026-12-06T00:00:00Z"), "2028-02-29T00:00:00Z");
  EXPECT_EQ(next_text("0 0 29 2 *", "2096-03-01T00:00:00Z"), "2104-02-29T00:00:00Z");  // 2100 is no leap year
  EXPECT_EQ(next_text("0 0 30 2 *", "2026-12-06T00:00:00Z"), "never");
  EXPECT_EQ(next_text("0 0 31 4,6,9,11 *", "2026-01-01T00:00:00Z"), "never");
  EXPECT_EQ(next_text("59 23 31 12 *", "2026-12-31T23:59:00Z"), "2027-12-31T23:59:00Z");
}

TEST(Cron, EitherDayFieldMatchesWhenBothAreRestricted) {
  ZoneGuard zone("UTC");
  // The 13th or any Friday: 2026-12-11 is a Friday, before the 13th.
  EXPECT_EQ(next_text("0 12 13 * fri", "2026-12-06T00:00:00Z"), "2026-12-11T12:00:00Z");
  EXPECT_EQ(next_text("0 12 13 * fri", "2026-12-11T12:00:00Z"), "2026-12-13T12:00:00Z");
  // Only one restricted: both must hold (a star day-of-month, even stepped, is unrestricted).
  EXPECT_EQ(next_text("0 12 * * fri", "2026-12-06T00:00:00Z"), "2026-12-11T12:00:00Z");
  EXPECT_EQ(next_text("0 12 13 * *", "2026-12-06T00:00:00Z"), "2026-12-13T12:00:00Z");
  EXPECT_EQ(next_text("0 12 */1 * fri", "2026-12-06T00:00:00Z"), "2026-12-11T12:00:00Z");
  // Friday the 13th needs both: not expressible, so "13 * fri" means either. 2027-08-13 is a Friday.
  EXPECT_EQ(next_text("0 0 13 8 fri", "2027-08-01T00:00:00Z"), "2027-08-06T00:00:00Z");
}

TEST(Cron, LocalTimeZone) {
  ZoneGuard zone("Asia/Tokyo");  // UTC+9, no daylight saving
  EXPECT_EQ(next_text("0 9 * * *", "2026-12-06T00:00:00Z"), "2026-12-07T00:00:00Z");  // 09:00 JST
  EXPECT_EQ(next_text("0 3 * * mon", "2026-12-06T17:00:00Z"), "2026-12-06T18:00:00Z");  // Mon 03:00 JST
}

TEST(Cron, SkippedLocalTimeFiresOnceWhenTheClocksJump) {
  ZoneGuard zone("America/New_York");  // 2026-03-08: 02:00 EST -> 03:00 EDT (07:00Z)
  EXPECT_EQ(next_text("30 2 * * *", "2026-03-07T12:00:00Z"), "2026-03-08T07:00:00Z");
  // Every minute of the skipped hour maps to the jump: one run at 03:00 EDT, then 03:01.
  EXPECT_EQ(next_text("* 2 * * *", "2026-03-08T06:59:00Z"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(next_text("* 2,3 * * *", "2026-03-08T07:00:00Z"), "2026-03-08T07:01:00Z");
  // A skipped 02:30 and a real 03:10: the 03:10 run is not lost behind the shifted one.
  EXPECT_EQ(next_text("30 2 * * *", "2026-03-08T06:59:00Z"), "2026-03-08T07:00:00Z");
  EXPECT_EQ(next_text("10 3 * * *", "2026-03-08T07:00:00Z"), "2026-03-08T07:10:00Z");
  EXPECT_EQ(next_text("30 2 * * *", "2026-03-08T07:00:00Z"), "2026-03-09T06:30:00Z");  // next day, EDT
}

TEST(Cron, RepeatedLocalTimeFiresOnce) {
  ZoneGuard zone("America/New_York");  // 2026-11-01: 02:00 EDT -> 01:00 EST (06:00Z); 01:xx happens twice
  EXPECT_EQ(next_text("30 1 * * *", "2026-11-01T04:00:00Z"), "2026-11-01T05:30:00Z");  // 01:30 EDT
  EXPECT_EQ(next_text("30 1 * * *", "2026-11-01T05:30:00Z"), "2026-11-02T06:30:00Z");  // not 01:30 EST
  // Every minute: after 01:59 EDT comes 01:00 EST, which already ran; the next run is 02:00 EST.
  EXPECT_EQ(next_text("* * * * *", "2026-11-01T05:59:00Z"), "2026-11-01T07:00:00Z");
  EXPECT_EQ(next_text("* * * * *", "2026-11-01T06:20:00Z"), "2026-11-01T07:00:00Z");
}

TEST(Cron, LastFireBetween) {
  ZoneGuard zone("UTC");
  EXPECT_EQ(last_text("0 * * * *", "2026-12-06T10:00:00Z", "2026-12-06T15:20:00Z"), "2026-12-06T15:00:00Z");
  EXPECT_EQ(last_text("0 * * * *", "2026-12-06T15:00:00Z", "2026-12-06T15:59:59Z"), "none");  // after is exclusive
  EXPECT_EQ(last_text("0 * * * *", "2026-12-06T14:59:59Z", "2026-12-06T15:00:00Z"), "2026-12-06T15:00:00Z");
  EXPECT_EQ(last_text("0 0 1 1 *", "2020-01-01T00:00:00Z", "2026-12-06T15:20:00Z"), "2026-01-01T00:00:00Z");
  EXPECT_EQ(last_text("* * * 1-10 *", "2020-01-01T00:00:00Z", "2026-12-31T00:00:00Z"), "2026-10-31T23:59:00Z");
  EXPECT_EQ(last_text("0 0 30 2 *", "2020-01-01T00:00:00Z", "2026-12-31T00:00:00Z"), "none");
  EXPECT_EQ(last_text("* * * * *", "2026-12-06T15:20:00Z", "2026-12-06T15:10:00Z"), "none");  // empty span
}

TEST(Cron, LastFireBetweenAcrossDaylightSaving) {
  ZoneGuard zone("America/New_York");
  // At 01:20 EST (second 01:xx), 01:50 happened at 01:50 EDT, forty minutes of real time earlier.
  EXPECT_EQ(last_text("50 1 * * *", "2026-10-31T00:00:00Z", "2026-11-01T06:20:00Z"), "2026-11-01T05:50:00Z");
  EXPECT_EQ(last_text("30 2 * * *", "2026-03-07T12:00:00Z", "2026-03-08T07:05:00Z"), "2026-03-08T07:00:00Z");
}

TEST(Cron, NextAndLastAgree) {
  ZoneGuard zone("America/New_York");
  // Walking forward with next_fire visits exactly the times last_fire_between finds walking back.
  for (const char* expr : {"*/7 1-3 * * *", "0 2 * 3,11 *", "15 */5 8-14 * sun"}) {
    auto spec = parse_cron(expr);
    ASSERT_TRUE(spec);
    SysTime t = utc("2026-02-25T00:00:00Z");
    const SysTime end = utc("2026-11-20T00:00:00Z");
    int runs = 0;
    while (true) {
      auto n = next_fire(*spec, t);
      ASSERT_TRUE(n);
      if (*n > end) break;
      auto back = last_fire_between(*spec, t, *n + std::chrono::seconds(30));
      ASSERT_TRUE(back) << expr << " " << format_utc(*n);
      EXPECT_EQ(format_utc(*back), format_utc(*n)) << expr;
      EXPECT_GT(*n, t);
      t = *n;
      ++runs;
    }
    EXPECT_GT(runs, 5) << expr;
  }
}

TEST(Cron, UtcTexts) {
  EXPECT_EQ(format_utc(utc("2026-12-06T15:00:07Z")), "2026-12-06T15:00:07Z");
  for (const char* bad : {"2026-12-06 15:00:00Z", "2026-02-30T00:00:00Z", "2026-12-06T24:00:00Z", "2026-12-06T15:00:00",
                          "2026-13-01T00:00:00Z", "２026-12-06T15:00:00Z", ""})
    EXPECT_FALSE(parse_utc(bad)) << bad;
}

}  // namespace
}  // namespace anshin::serve
