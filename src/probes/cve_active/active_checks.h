// The active CVE confirmation table (--check-cves-active). Only class auth-bypass-read checks are
// listed: one read-only request whose reply proves the flaw (docs/assessment.md, "Active CVE confirmation").
// Classes intrusive-write and credential-disclosure are never implemented; active_checks_test.cc
// asserts that every request here is a GET or HEAD and that no forbidden path appears in src/.
#pragma once
#include <span>
#include <string_view>

namespace anshin::probes {

struct ActiveCheck {
  std::string_view cve;          // "CVE-2017-7921"
  std::string_view check_class;  // always "auth-bypass-read"
  std::string_view method;       // GET or HEAD
  std::string_view target;       // path?query, sent as is
  std::string_view confirm;      // the reply must be 200 and contain this (case-insensitive)
  std::string_view source;       // where the request comes from
};

std::span<const ActiveCheck> active_checks();
const ActiveCheck* find_active_check(std::string_view cve);

}  // namespace anshin::probes
