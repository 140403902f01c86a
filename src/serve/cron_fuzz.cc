// Fuzz target: cron expressions of site schedules (serve/cron.h): the parser, then the fire times it gives
// (bounded work, strictly increasing, and the backward search agrees), RFC 3339 UTC texts, and a site's scan
// settings JSON (serve/scan_settings.h) with the command line made of it.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "serve/cron.h"
#include "serve/scan_settings.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto t = anshin::serve::parse_utc(in)) {
    if (anshin::serve::format_utc(*t) != in) __builtin_trap();
  }
  if (auto settings = anshin::serve::parse_scan_settings(in)) {
    anshin::store::SiteConfig site;
    site.name = "fuzz";
    site.targets = {"127.0.0.1"};
    for (const auto& arg : anshin::serve::scan_arguments(site, *settings, "inv.db", "en"))
      if (arg.empty()) __builtin_trap();
  }
  auto spec = anshin::serve::parse_cron(in);
  if (!spec) return 0;
  const auto start = std::chrono::system_clock::from_time_t(1796000000);  // 2026-11
  auto next = anshin::serve::next_fire(*spec, start);
  if (next) {
    if (*next <= start) __builtin_trap();
    auto back = anshin::serve::last_fire_between(*spec, start, *next);
    if (!back || *back != *next) __builtin_trap();
  }
  return 0;
}
