// Local times in tests: reports show times in the process's time zone (TZ). A test that checks a local
// time sets the zone for its own scope, in the POSIX form that needs no tzdata ("JST-9", "UTC0"); when the
// scope ends the zone is UTC again (report_tests start every test in UTC: html_test.cc's environment).
#pragma once
#include <cstdlib>
#include <ctime>

namespace anshin::testing {

class ZoneScope {
 public:
  explicit ZoneScope(const char* tz) {
    ::setenv("TZ", tz, 1);
    ::tzset();
  }
  ~ZoneScope() {
    ::setenv("TZ", "UTC0", 1);
    ::tzset();
  }
  ZoneScope(const ZoneScope&) = delete;
  ZoneScope& operator=(const ZoneScope&) = delete;
};

// Tokyo (+09:00), the zone the report tests read times in.
inline constexpr const char* kTokyo = "JST-9";

}  // namespace anshin::testing
