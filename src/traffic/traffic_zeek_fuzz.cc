// Fuzz target: Zeek log lines (TSV headers and records, JSON objects) for every log kind.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "traffic/zeek.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::traffic;
  static const anshin::kb::ServiceTable services;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (auto kind : {ZeekLog::kConn, ZeekLog::kDns, ZeekLog::kSsl, ZeekLog::kHttp}) {
    Analyzer analyzer(services);
    ZeekStats stats;
    ZeekLogParser parser(kind, analyzer, stats);
    std::string_view rest = in;
    while (!rest.empty()) {
      const size_t eol = rest.find('\n');
      parser.parse_line(rest.substr(0, eol));
      if (eol == std::string_view::npos) break;
      rest.remove_prefix(eol + 1);
    }
  }
  return 0;
}
