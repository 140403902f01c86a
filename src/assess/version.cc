#include "assess/version.h"

#include <cctype>
#include <charconv>
#include <cstdio>

namespace anshin::assess {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads a run of digits at s[i]; returns the number of digits read (0 = none), value in *out.
size_t read_number(std::string_view s, size_t i, long* out) {
  size_t j = i;
  while (j < s.size() && is_digit(s[j]) && j - i < 12) ++j;
  if (j == i) return 0;
  long v = 0;
  std::from_chars(s.data() + i, s.data() + j, v);
  *out = v;
  return j - i;
}

// "1.2.3" at s[i]: numbers separated by single dots. Returns end index (i when nothing read).
size_t read_dotted(std::string_view s, size_t i, std::vector<long>* nums) {
  size_t pos = i;
  while (true) {
    long v = 0;
    size_t n = read_number(s, pos, &v);
    if (n == 0) break;
    nums->push_back(v);
    pos += n;
    if (pos + 1 < s.size() && s[pos] == '.' && is_digit(s[pos + 1])) {
      ++pos;
      continue;
    }
    break;
  }
  return pos;
}

bool valid_date(int y, int m, int d) { return y >= 1990 && y <= 2099 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }

// yymmdd (six digits) -> yyyymmdd, 0 if invalid.
int from_yymmdd(std::string_view six) {
  if (six.size() != 6) return 0;
  for (char c : six)
    if (!is_digit(c)) return 0;
  int yy = (six[0] - '0') * 10 + (six[1] - '0');
  int mm = (six[2] - '0') * 10 + (six[3] - '0');
  int dd = (six[4] - '0') * 10 + (six[5] - '0');
  int y = yy < 70 ? 2000 + yy : 1900 + yy;
  return valid_date(y, mm, dd) ? y * 10000 + mm * 100 + dd : 0;
}

// First "yyyy-mm-dd" (or yyyy/mm/dd, yyyy.mm.dd with 4-2-2 digits) anywhere in s at or after `from`.
int find_iso_date(std::string_view s, size_t from) {
  for (size_t i = from; i + 10 <= s.size(); ++i) {
    if (i > 0 && is_digit(s[i - 1])) continue;
    auto d = s.substr(i, 10);
    if (!(is_digit(d[0]) && is_digit(d[1]) && is_digit(d[2]) && is_digit(d[3]))) continue;
    char sep = d[4];
    if (sep != '-' && sep != '/' && sep != '.') continue;
    if (d[7] != sep || !is_digit(d[5]) || !is_digit(d[6]) || !is_digit(d[8]) || !is_digit(d[9])) continue;
    if (i + 10 < s.size() && is_digit(s[i + 10])) continue;
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[5] - '0') * 10 + (d[6] - '0');
    int dd = (d[8] - '0') * 10 + (d[9] - '0');
    if (valid_date(y, m, dd)) return y * 10000 + m * 100 + dd;
  }
  return 0;
}

int cmp_numbers(const std::vector<long>& a, const std::vector<long>& b) {
  size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    long x = i < a.size() ? a[i] : 0;
    long y = i < b.size() ? b[i] : 0;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

std::optional<ParsedVersion> parse_hikvision(std::string_view text) {
  ParsedVersion v;
  v.raw = std::string(text);
  std::string l = lower(text);
  std::string_view s = l;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == 'v') ++i;
  size_t end = read_dotted(s, i, &v.numbers);
  // "build yymmdd", "build yymmdd", "buildyymmdd" or "_yymmdd" after the version (or alone, for a bound).
  size_t b = s.find("build", end == i ? i : end);
  if (b != std::string_view::npos) {
    size_t k = b + 5;
    while (k < s.size() && (s[k] == ' ' || s[k] == ':')) ++k;
    if (k + 6 <= s.size() && (k + 6 == s.size() || !is_digit(s[k + 6]))) v.build_date = from_yymmdd(s.substr(k, 6));
  } else if (end > i && end + 7 <= s.size() && s[end] == '_' && (end + 7 == s.size() || !is_digit(s[end + 7]))) {
    v.build_date = from_yymmdd(s.substr(end + 1, 6));
  }
  if (v.numbers.empty() && v.build_date == 0) return std::nullopt;
  return v;
}

// The release-file form "2.623.00AC004.0.R.200316" / "2.420.AC00.18.R.20200217" (optionally ".bin"):
// the date after ".r." (yymmdd or yyyymmdd) at or after `from`; 0 when absent.
int release_suffix_date(std::string_view s, size_t from) {
  size_t r = s.find(".r.", from);
  if (r == std::string_view::npos) return 0;
  size_t k = r + 3, j = k;
  while (j < s.size() && is_digit(s[j])) ++j;
  if (j - k == 6) return from_yymmdd(s.substr(k, 6));
  if (j - k != 8) return 0;
  auto num = [&](size_t at, size_t len) {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  int y = num(k, 4), m = num(k + 4, 2), d = num(k + 6, 2);
  return valid_date(y, m, d) ? y * 10000 + m * 100 + d : 0;
}

std::optional<ParsedVersion> parse_dahua(std::string_view text) {
  ParsedVersion v;
  v.raw = std::string(text);
  std::string l = lower(text);
  std::string_view s = l;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == 'v') ++i;
  // A bare date bound ("2021-06-01") is a date, not a version.
  int date_at_start = find_iso_date(s.substr(i, std::min<size_t>(10, s.size() - i)), 0);
  if (date_at_start != 0) {
    v.build_date = date_at_start;
    return v;
  }
  size_t end = read_dotted(s, i, &v.numbers);
  if (v.numbers.size() < 2) v.numbers.clear();  // "2" alone is not a Dahua version
  size_t b = s.find("build", end);
  if (b != std::string_view::npos) v.build_date = find_iso_date(s, b);
  else v.build_date = release_suffix_date(s, end);
  if (v.numbers.empty() && v.build_date == 0) return std::nullopt;
  return v;
}

// Every run of digits, in order; any other character separates ("M2.1.6.05" -> 2.1.6.5,
// "FullImg-1023-1007-1011-1009" -> 1023.1007.1011.1009, "2.60B15" -> 2.60.15). At most 16 groups.
std::optional<ParsedVersion> parse_digit_groups(std::string_view text) {
  ParsedVersion v;
  v.raw = std::string(text);
  size_t i = 0;
  while (i < text.size() && v.numbers.size() < 16) {
    long n = 0;
    size_t len = read_number(text, i, &n);
    if (len == 0) {
      ++i;
      continue;
    }
    v.numbers.push_back(n);
    i += len;
    while (i < text.size() && is_digit(text[i])) ++i;  // a run longer than read_number's limit
  }
  if (v.numbers.empty()) return std::nullopt;
  return v;
}

std::optional<ParsedVersion> parse_dotted(std::string_view text) {
  ParsedVersion v;
  v.raw = std::string(text);
  std::string l = lower(text);
  std::string_view s = l;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  if (i < s.size() && s[i] == 'v') ++i;
  read_dotted(s, i, &v.numbers);
  if (v.numbers.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Scheme> parse_scheme(std::string_view name) {
  if (name == "hikvision-build") return Scheme::kHikvisionBuild;
  if (name == "dahua-build") return Scheme::kDahuaBuild;
  if (name == "dotted") return Scheme::kDotted;
  if (name == "digit-groups") return Scheme::kDigitGroups;
  return std::nullopt;
}

const char* scheme_name(Scheme s) {
  switch (s) {
    case Scheme::kHikvisionBuild: return "hikvision-build";
    case Scheme::kDahuaBuild: return "dahua-build";
    case Scheme::kDotted: return "dotted";
    case Scheme::kDigitGroups: return "digit-groups";
  }
  return "?";
}

std::optional<ParsedVersion> parse_version(Scheme scheme, std::string_view text) {
  if (text.size() > 256) text = text.substr(0, 256);
  switch (scheme) {
    case Scheme::kHikvisionBuild: return parse_hikvision(text);
    case Scheme::kDahuaBuild: return parse_dahua(text);
    case Scheme::kDotted: return parse_dotted(text);
    case Scheme::kDigitGroups: return parse_digit_groups(text);
  }
  return std::nullopt;
}

std::optional<int> compare(Scheme scheme, const ParsedVersion& a, const ParsedVersion& b) {
  switch (scheme) {
    case Scheme::kDotted:
    case Scheme::kDigitGroups:
      if (a.numbers.empty() || b.numbers.empty()) return std::nullopt;
      return cmp_numbers(a.numbers, b.numbers);
    case Scheme::kHikvisionBuild: {
      if (!a.numbers.empty() && !b.numbers.empty()) {
        int c = cmp_numbers(a.numbers, b.numbers);
        if (c != 0) return c;
        if (a.build_date == 0 && b.build_date == 0) return 0;
        if (a.build_date == 0 || b.build_date == 0) return std::nullopt;
        return a.build_date < b.build_date ? -1 : (a.build_date > b.build_date ? 1 : 0);
      }
      // One side is a build-date-only bound: compare dates.
      if (a.build_date == 0 || b.build_date == 0) return std::nullopt;
      return a.build_date < b.build_date ? -1 : (a.build_date > b.build_date ? 1 : 0);
    }
    case Scheme::kDahuaBuild: {
      // Dahua ranges are build dates; a date on both sides decides. Otherwise the numeric versions.
      if (a.build_date != 0 && b.build_date != 0)
        return a.build_date < b.build_date ? -1 : (a.build_date > b.build_date ? 1 : 0);
      if (b.numbers.empty() || a.numbers.empty()) return std::nullopt;  // date bound, no date on device
      return cmp_numbers(a.numbers, b.numbers);
    }
  }
  return std::nullopt;
}

std::optional<int> compare(Scheme scheme, std::string_view a, std::string_view b) {
  auto pa = parse_version(scheme, a);
  auto pb = parse_version(scheme, b);
  if (!pa || !pb) return std::nullopt;
  return compare(scheme, *pa, *pb);
}

std::string format_build_date(int d) {
  if (d == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", d / 10000, (d / 100) % 100, d % 100);
  return buf;
}

std::string with_build_date(Scheme scheme, std::string_view firmware, std::string_view date_text) {
  std::string fw(firmware);
  auto v = parse_version(scheme, firmware);
  if (!v || v->build_date != 0 || scheme == Scheme::kDotted || scheme == Scheme::kDigitGroups) return fw;
  std::string d(date_text);
  std::optional<ParsedVersion> pd;
  if (scheme == Scheme::kHikvisionBuild) {
    pd = parse_version(scheme, d.find("build") == std::string::npos ? "build " + d : d);
    if (!pd || pd->build_date == 0) return fw;
    char buf[32];
    std::snprintf(buf, sizeof buf, " build %02d%02d%02d", (pd->build_date / 10000) % 100, (pd->build_date / 100) % 100,
                  pd->build_date % 100);
    return fw + buf;
  }
  pd = parse_version(scheme, d);
  if (!pd || pd->build_date == 0) return fw;
  return fw + ",build:" + format_build_date(pd->build_date);
}

std::string range_text(const VersionRange& r) {
  std::string out;
  auto add = [&](const char* op, const std::string& bound) {
    if (bound.empty()) return;
    out += (out.empty() ? "" : ", ") + std::string(op) + bound;
  };
  const bool single = !r.ge.empty() && r.ge == r.le;
  if (single) add("= ", r.ge);
  else add("\u2265 ", r.ge);
  add("> ", r.gt);
  if (!single) add("\u2264 ", r.le);
  add("< ", r.lt);
  return out;
}

RangeResult in_range(Scheme scheme, const ParsedVersion& v, const VersionRange& r) {
  bool unknown = false;
  auto check = [&](const std::string& bound, auto ok) {
    if (bound.empty()) return true;
    auto pb = parse_version(scheme, bound);
    if (!pb) {
      unknown = true;
      return true;
    }
    auto c = compare(scheme, v, *pb);
    if (!c) {
      unknown = true;
      return true;
    }
    return ok(*c);
  };
  bool inside = check(r.ge, [](int c) { return c >= 0; }) && check(r.gt, [](int c) { return c > 0; }) &&
                check(r.le, [](int c) { return c <= 0; }) && check(r.lt, [](int c) { return c < 0; });
  if (!inside) return RangeResult::kOutside;
  return unknown ? RangeResult::kUnknown : RangeResult::kInside;
}

}  // namespace anshin::assess
