// Zeek logs (https://docs.zeek.org/en/master/logs/): conn, dns, ssl and http logs in Zeek's TSV format
// ("#separator", "#fields" header lines, "-" unset, "(empty)" empty) or JSON (one object per line,
// LogAscii::use_json), fed to the Analyzer one record at a time.
//
// Fields read: conn: ts, id.orig_h/p, id.resp_h/p, proto, duration, orig_ip_bytes|orig_bytes,
// resp_ip_bytes|resp_bytes, resp_pkts, conn_state; dns: ts, id.orig_h, query, answers; ssl: ts, id.orig_h,
// id.resp_h, server_name; http: ts, id.orig_h, id.resp_h, id.resp_p, host, user_agent, username (its
// presence only: the name and any logged password are never read into the result).
// Limits: lines of at most 64 KiB (longer ones are skipped and counted), 256 fields per TSV line.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "traffic/analyzer.h"

namespace anshin::traffic {

enum class ZeekLog : uint8_t { kConn, kDns, kSsl, kHttp };

// The log kind of a file name ("conn.log", "dns.2026-12-06-10-00-00.log", "http.json"), or nullopt.
std::optional<ZeekLog> zeek_log_kind(std::string_view file_name);

struct ZeekStats {
  uint64_t files = 0, records = 0, skipped_lines = 0;
};

// One log file's lines, in order (TSV header lines first, or JSON objects).
class ZeekLogParser {
 public:
  ZeekLogParser(ZeekLog kind, Analyzer& analyzer, ZeekStats& stats) : kind_(kind), analyzer_(analyzer), stats_(stats) {}
  void parse_line(std::string_view line);

 private:
  using Fields = std::unordered_map<std::string, std::string>;
  void record(const Fields& fields);
  ZeekLog kind_;
  Analyzer& analyzer_;
  ZeekStats& stats_;
  std::string separator_ = "\t", set_separator_ = ",";
  std::vector<std::string> names_;  // from #fields
};

// Every conn/dns/ssl/http log directly in `dir` (other files are ignored; compressed logs are not read).
// Error when `dir` is not a readable folder or holds none of these logs.
Result<void> read_zeek_dir(const std::string& dir, Analyzer& analyzer, ZeekStats& stats);

}  // namespace anshin::traffic
