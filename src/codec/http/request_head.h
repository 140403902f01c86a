// HTTP/1.x and RTSP/1.0 request heads as a client sends them (RFC 9112 §3, RFC 2326 §6): the request
// line and the headers `anshin traffic` reads (Host, User-Agent, the scheme of Authorization).
//
// The credentials of an Authorization header are never copied: only its scheme ("Basic", "Digest")
// is kept, so a parsed request cannot leak a password whatever is done with it.
// Limits: the head must end within 16 KiB and 64 header lines; lines of at most 8 KiB; values are
// trimmed and capped at 1 KiB. Bare LF line endings are tolerated. A head cut short (a capture ends
// mid-head) is parsed as far as complete lines go, `complete` false.
#pragma once
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::codec::http {

struct RequestHead {
  std::string method;             // "GET", "DESCRIBE", ...
  std::string target;             // as sent, at most 1 KiB
  std::string protocol;           // "HTTP" or "RTSP"
  std::string host;               // Host: ("" when absent)
  std::string user_agent;         // User-Agent:
  std::string authorization;      // the scheme of Authorization: only ("Basic"), never the credentials
  bool complete = false;          // the empty line ending the head was seen
};

// Errc::kProtocol when the bytes do not start with a request line "METHOD SP target SP HTTP|RTSP/d.d".
Result<RequestHead> parse_request_head(std::string_view bytes);

}  // namespace anshin::codec::http
