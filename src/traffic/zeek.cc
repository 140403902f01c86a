#include "traffic/zeek.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

#include "core/text.h"
#include "i18n/catalog.h"

namespace anshin::traffic {
namespace {

constexpr size_t kMaxLine = 64 * 1024, kMaxFields = 256;

std::vector<std::string_view> split(std::string_view s, std::string_view sep, size_t max) {
  std::vector<std::string_view> out;
  while (out.size() < max) {
    const size_t at = s.find(sep);
    out.push_back(s.substr(0, at));
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + sep.size());
  }
  return out;
}

// "\x09" -> a tab (Zeek writes the separator escaped in its header).
std::string unescape_hex(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() + 0 && s[i + 1] == 'x') {
      const std::string hex(s.substr(i + 2, 2));
      char* end = nullptr;
      const long v = std::strtol(hex.c_str(), &end, 16);
      if (end == hex.c_str() + 2) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// Zeek time: epoch seconds ("1701850000.123456") or ISO 8601 UTC ("2026-12-06T10:00:00.123456Z").
std::optional<int64_t> parse_time_us(const std::string& s) {
  if (s.empty() || s == "-") return std::nullopt;
  if (s.find('T') == std::string::npos) {
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || !std::isfinite(v) || v < 0 || v > 1e11) return std::nullopt;
    return static_cast<int64_t>(v * 1e6);
  }
  std::tm tm{};
  int frac_digits = 0;
  long frac = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec) != 6)
    return std::nullopt;
  if (const size_t dot = s.find('.'); dot != std::string::npos)
    for (size_t i = dot + 1; i < s.size() && frac_digits < 6 && s[i] >= '0' && s[i] <= '9'; ++i, ++frac_digits)
      frac = frac * 10 + (s[i] - '0');
  while (frac_digits++ < 6) frac *= 10;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000000 + frac;
}

uint64_t parse_count(const std::string& s) {
  uint64_t v = 0;
  if (s.empty() || s.size() > 19) return 0;
  for (char c : s) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}

const std::string& field(const std::unordered_map<std::string, std::string>& f, const char* name) {
  static const std::string empty;
  auto it = f.find(name);
  return it == f.end() || it->second == "-" || it->second == "(empty)" ? empty : it->second;
}

std::string json_text(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_array()) {
    std::string out;
    for (const auto& e : v) {
      if (!out.empty()) out += ',';
      out += json_text(e);
    }
    return out;
  }
  if (v.is_null()) return "-";
  return v.dump();
}

}  // namespace

std::optional<ZeekLog> zeek_log_kind(std::string_view name) {
  const bool log = name.size() > 4 && (name.substr(name.size() - 4) == ".log" || name.substr(name.size() - 5) == ".json");
  if (!log) return std::nullopt;
  const std::string_view stem = name.substr(0, name.find('.'));
  if (stem == "conn") return ZeekLog::kConn;
  if (stem == "dns") return ZeekLog::kDns;
  if (stem == "ssl") return ZeekLog::kSsl;
  if (stem == "http") return ZeekLog::kHttp;
  return std::nullopt;
}

void ZeekLogParser::parse_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return;
  if (line.size() > kMaxLine) {
    ++stats_.skipped_lines;
    return;
  }
  Fields fields;
  if (line.front() == '#') {
    if (line.substr(0, 11) == "#separator ") separator_ = unescape_hex(line.substr(11));
    else if (line.substr(0, 15) == "#set_separator" + separator_) set_separator_ = std::string(line.substr(15));
    else if (line.substr(0, 8) == "#fields" + separator_.substr(0, 1)) {
      names_.clear();
      for (auto n : split(line.substr(8), separator_, kMaxFields)) names_.emplace_back(n);
    }
    return;
  }
  if (line.front() == '{') {
    const auto doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      ++stats_.skipped_lines;
      return;
    }
    for (auto it = doc.begin(); it != doc.end() && fields.size() < kMaxFields; ++it) fields[it.key()] = json_text(it.value());
  } else {
    if (separator_.empty() || names_.empty()) {
      ++stats_.skipped_lines;
      return;
    }
    const auto values = split(line, separator_, kMaxFields);
    for (size_t i = 0; i < values.size() && i < names_.size(); ++i) fields[names_[i]] = std::string(values[i]);
    for (auto& [name, value] : fields)
      if (set_separator_ != ",") std::replace(value.begin(), value.end(), set_separator_.empty() ? ',' : set_separator_[0], ',');
  }
  record(fields);
}

void ZeekLogParser::record(const Fields& f) {
  const auto ts = parse_time_us(field(f, "ts"));
  const auto orig = IpAddr::parse(field(f, "id.orig_h"));
  if (!ts || !orig) {
    ++stats_.skipped_lines;
    return;
  }
  ++stats_.records;
  analyzer_.record_read();
  const auto resp = IpAddr::parse(field(f, "id.resp_h"));
  const auto resp_port = static_cast<uint16_t>(std::min<uint64_t>(parse_count(field(f, "id.resp_p")), 65535));
  switch (kind_) {
    case ZeekLog::kConn: {
      if (!resp) return;
      ConnectionRecord c;
      c.time_us = *ts;
      const auto d = parse_time_us(field(f, "duration"));
      c.duration_us = d.value_or(0);
      c.orig = *orig;
      c.resp = *resp;
      c.orig_port = static_cast<uint16_t>(std::min<uint64_t>(parse_count(field(f, "id.orig_p")), 65535));
      c.resp_port = resp_port;
      c.tcp = field(f, "proto") == "tcp";
      c.orig_bytes = parse_count(field(f, "orig_ip_bytes"));
      if (c.orig_bytes == 0) c.orig_bytes = parse_count(field(f, "orig_bytes"));
      c.resp_bytes = parse_count(field(f, "resp_ip_bytes"));
      if (c.resp_bytes == 0) c.resp_bytes = parse_count(field(f, "resp_bytes"));
      const std::string& state = field(f, "conn_state");
      c.resp_answered = parse_count(field(f, "resp_pkts")) > 0 && state != "REJ" && state != "RSTOS0";
      analyzer_.connection(c);
      return;
    }
    case ZeekLog::kDns: {
      const std::string& query = field(f, "query");
      std::string name = query;
      std::transform(name.begin(), name.end(), name.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; });
      analyzer_.dns_query(*ts, *orig, name);
      for (auto a : split(field(f, "answers"), ",", 64))
        if (auto address = IpAddr::parse(text::trim(a))) analyzer_.dns_answer(*ts, *orig, name, *address);
      return;
    }
    case ZeekLog::kSsl:
      if (resp) analyzer_.tls_server_name(*ts, *orig, *resp, field(f, "server_name"));
      return;
    case ZeekLog::kHttp:
      if (!resp) return;
      if (!field(f, "host").empty()) analyzer_.http_host(*ts, *orig, *resp, field(f, "host"));
      if (!field(f, "user_agent").empty()) analyzer_.http_user_agent(*ts, *orig, resp_port, field(f, "user_agent"));
      if (!field(f, "username").empty()) analyzer_.cleartext_login(*ts, *orig, *resp, resp_port, "http", "Basic");
      return;
  }
}

Result<void> read_zeek_dir(const std::string& dir, Analyzer& analyzer, ZeekStats& stats) {
  std::error_code ec;
  std::vector<std::filesystem::path> logs;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec))
    if (e.is_regular_file() && zeek_log_kind(e.path().filename().string())) logs.push_back(e.path());
  if (ec) return i18n::error(Errc::kInvalidInput, "cli.traffic.bad_zeek_dir", {{"path", dir}, {"reason", ec.message()}});
  if (logs.empty()) return i18n::error(Errc::kInvalidInput, "cli.traffic.no_zeek_logs", {{"path", dir}});
  std::sort(logs.begin(), logs.end());
  for (const auto& path : logs) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return i18n::error(Errc::kInvalidInput, "cli.traffic.bad_zeek_dir", {{"path", path.string()}, {"reason", "unreadable"}});
    ++stats.files;
    ZeekLogParser parser(*zeek_log_kind(path.filename().string()), analyzer, stats);
    std::vector<char> line(kMaxLine + 2);
    while (true) {
      in.getline(line.data(), static_cast<std::streamsize>(line.size()));
      if (in.bad() || (in.eof() && in.gcount() == 0)) break;
      if (in.fail() && !in.eof()) {  // longer than kMaxLine: skip the rest of it
        ++stats.skipped_lines;
        in.clear();
        in.ignore(std::numeric_limits<std::streamsize>::max(), '\n');
        continue;
      }
      parser.parse_line(std::string_view(line.data()));
      if (in.eof()) break;
    }
  }
  return {};
}

}  // namespace anshin::traffic
