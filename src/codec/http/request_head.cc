#include "codec/http/request_head.h"

#include "core/text.h"

namespace anshin::codec::http {
namespace {

constexpr size_t kMaxHead = 16 * 1024, kMaxLine = 8 * 1024, kMaxLines = 64, kMaxValue = 1024;

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string capped(std::string_view v) {
  v = text::trim(v);
  return std::string(v.substr(0, kMaxValue));
}

// "GET /x HTTP/1.1" -> method, target, protocol.
bool parse_request_line(std::string_view line, RequestHead& head) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1 || sp1 == 0 || sp1 > 32) return false;
  const std::string_view method = line.substr(0, sp1), version = line.substr(sp2 + 1);
  for (char c : method)
    if (!is_token_char(c)) return false;
  if (version.size() != 8 || version[4] != '/' || version[6] != '.') return false;
  const std::string_view proto = version.substr(0, 4);
  if (proto != "HTTP" && proto != "RTSP") return false;
  head.method = std::string(method);
  head.target = capped(line.substr(sp1 + 1, sp2 - sp1 - 1));
  head.protocol = std::string(proto);
  return true;
}

void read_header(std::string_view line, RequestHead& head) {
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) return;
  const std::string_view name = text::trim(line.substr(0, colon)), value = line.substr(colon + 1);
  if (iequals(name, "host")) {
    head.host = capped(value);
  } else if (iequals(name, "user-agent")) {
    head.user_agent = capped(value);
  } else if (iequals(name, "authorization")) {
    const std::string_view v = text::trim(value);
    std::string_view scheme = v.substr(0, v.find(' '));
    bool token = !scheme.empty() && scheme.size() <= 32;
    for (char c : scheme) token = token && is_token_char(c);
    head.authorization = token ? std::string(scheme) : "other";
  }
}

}  // namespace

Result<RequestHead> parse_request_head(std::string_view bytes) {
  if (bytes.size() > kMaxHead) bytes = bytes.substr(0, kMaxHead);
  RequestHead head;
  size_t at = 0;
  for (size_t n = 0; n <= kMaxLines; ++n) {
    const size_t eol = bytes.find('\n', at);
    if (eol == std::string_view::npos) break;  // cut short: the complete lines are what we know
    std::string_view line = bytes.substr(at, eol - at);
    at = eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() > kMaxLine) return Error{Errc::kProtocol, "http request: line too long"};
    if (n == 0) {
      if (!parse_request_line(line, head)) return Error{Errc::kProtocol, "http request: no request line"};
      continue;
    }
    if (line.empty()) {
      head.complete = true;
      break;
    }
    read_header(line, head);
  }
  if (head.method.empty()) return Error{Errc::kProtocol, "http request: no request line"};
  return head;
}

}  // namespace anshin::codec::http
