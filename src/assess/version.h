// Firmware version schemes: one parser and one comparator per vendor scheme, so CVE ranges in
// data/cves/*.yaml can be stated the way each vendor writes versions (docs/assessment.md).
//
//   hikvision-build  "V5.4.5 build 170123", "V5.4.5build 170123", "V5.5.800_210628"; a bound may be
//                    "build 210628" (build date only: compared by date alone).
//   dahua-build      "2.622.0000000.31.R, Build Date: 2017-08-03", "2.800.0000000.16.R,build:2020-10-19";
//                    ranges are stated as build dates ("2021-06-01"); a version without a date (the DHIP
//                    "Version" string) cannot be compared against a date bound: the answer is "unknown".
//                    The release-file form "2.623.00AC004.0.R.200316" carries its date after ".R." (yymmdd
//                    or yyyymmdd) and is read like "..., Build Date: 2020-03-16".
//   dotted           "9.80.1", "10.12.153", "1.06.01 Hotfix" (numeric components; text after is ignored).
//   digit-groups     every run of digits in order, anything else separates, leading text ignored:
//                    "M2.1.6.05" = 2.1.6.5, "FullImg-1023-1007-1011-1009", "2.60B15" = 2.60.15 (> 2.60),
//                    "3.1.0.71-11". For vendors whose versions carry letters or dashes between numbers.
//
// compare() never guesses: when the two sides do not carry the information the bound needs, it returns
// std::nullopt, and the CVE check reports "possibly affected, firmware not learned" instead of a hit.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace anshin::assess {

enum class Scheme { kHikvisionBuild, kDahuaBuild, kDotted, kDigitGroups };
std::optional<Scheme> parse_scheme(std::string_view name);
const char* scheme_name(Scheme s);

struct ParsedVersion {
  std::vector<long> numbers;  // dotted numeric part, e.g. {5, 4, 5}; empty for a date-only bound
  int build_date = 0;         // yyyymmdd, 0 = none
  std::string raw;
};

// nullopt when the text has neither a numeric version nor a build date.
std::optional<ParsedVersion> parse_version(Scheme scheme, std::string_view text);

// -1 / 0 / +1 comparing `a` with `b` (usually: device firmware vs a range bound); nullopt when not
// comparable (a date bound against a version without a date, equal numbers where only one side has a build).
std::optional<int> compare(Scheme scheme, const ParsedVersion& a, const ParsedVersion& b);
// Convenience: parses both; nullopt when either does not parse or they are not comparable.
std::optional<int> compare(Scheme scheme, std::string_view a, std::string_view b);

// The firmware text with a build date from a separate observation (ISAPI firmwareReleasedDate "build 170725",
// Dahua magicBox ",build:2017-08-29" split off by the probe) appended in the scheme's own form, so it parses
// with its date. Unchanged when the firmware already has a date or the date text does not parse.
std::string with_build_date(Scheme scheme, std::string_view firmware, std::string_view date_text);

// "2017-01-23" style rendering of a yyyymmdd build date ("" for 0).
std::string format_build_date(int yyyymmdd);

// A range on a scheme: every bound present must hold. Bounds are version texts in the scheme.
struct VersionRange {
  std::string ge, gt, le, lt;
  bool uncertain = false;  // the data marks this range as not verified / approximate
  std::string note;     // English
  std::string note_ja;  // Japanese ("" = English shown)
};

// "≥ V5.2.0 build 140721, ≤ V5.4.0 build 160530"; a range whose lower and upper inclusive bounds are the
// same version reads "= X" (a record that names a single build).
std::string range_text(const VersionRange& r);

enum class RangeResult { kOutside, kInside, kUnknown };
RangeResult in_range(Scheme scheme, const ParsedVersion& v, const VersionRange& r);

}  // namespace anshin::assess
