// Report tests read times as a reader in Tokyo would: local times with "+09:00" whatever the machine's
// zone (the POSIX form of TZ needs no tzdata). Included by every test file that renders a local time.
#pragma once
#include <cstdlib>
#include <ctime>

namespace anshin::testing {

inline const bool kReaderInTokyo = [] {
  ::setenv("TZ", "JST-9", 1);
  ::tzset();
  return true;
}();

}  // namespace anshin::testing
