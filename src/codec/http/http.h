// HTTP/1.x and RTSP/1.0 response parsing (incremental) and HTTP/1.1 request building.
//
// Wire layout (RFC 9112 / RFC 2326 §7):
//   status-line = PROTO "/" DIGIT "." DIGIT SP 3DIGIT [SP reason] CRLF     (PROTO: HTTP or RTSP)
//   *( field-name ":" OWS field-value CRLF )   -- obs-fold (a line starting with SP/HT) is joined
//   CRLF
//   body: none for 1xx/204/304/HEAD; chunked when Transfer-Encoding ends in "chunked"; else
//         Content-Length bytes; else (HTTP only) everything up to EOF; RTSP without
//         Content-Length has no body.
// Bare LF line endings are tolerated. Header names are matched case-insensitively.
//
// Limits (Limits below): status/header line length, header count, header block size, body size.
// Exceeding a limit is kInvalid, never kNeedMore, so a hostile peer cannot make a probe read forever.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace anshin::codec::http {

struct Limits {
  size_t max_line = 8 * 1024;            // one status or header line
  size_t max_headers = 128;              // header fields (and chunked trailers)
  size_t max_header_bytes = 64 * 1024;   // status line + all headers
  size_t max_body = 1024 * 1024;         // decoded body
};

enum class ParseState { kNeedMore, kComplete, kInvalid };

struct Header {
  std::string name;   // as sent
  std::string value;  // trimmed; folded continuation lines joined by one space
};

struct Response {
  std::string protocol;  // "HTTP" or "RTSP" (as sent, upper-cased)
  int version_major = 0;
  int version_minor = 0;
  int status = 0;
  std::string reason;
  std::vector<Header> headers;
  std::string body;  // de-chunked
  bool chunked = false;

  // All values of a header, in order (e.g. two WWW-Authenticate lines). Views into this object.
  std::vector<std::string_view> header_values(std::string_view name) const;
  // First value, or "" when absent.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

struct ParseOptions {
  bool at_eof = false;   // the peer closed: no more bytes will come
  bool no_body = false;  // reply to HEAD (HTTP) -- headers only
};

struct Parsed {
  ParseState state = ParseState::kNeedMore;
  size_t consumed = 0;  // bytes of this message when kComplete
  Response response;    // filled when kComplete
  std::string error;    // reason when kInvalid
};

// Incremental: call again with more bytes while kNeedMore. Never throws, never reads past `data`.
Parsed parse_response(std::string_view data, const Limits& limits = {}, const ParseOptions& opts = {});

// Whole-message convenience: data is everything the peer sent (at_eof). Incomplete or invalid
// input is Errc::kProtocol.
Result<Response> parse_complete_response(std::string_view data, const Limits& limits = {},
                                         bool no_body = false);

// ---- request building ----
// CR, LF and NUL are removed from every method, target, header name and value (no injection).
struct Request {
  std::string method = "GET";
  std::string target = "/";
  std::string host;  // Host: header value ("127.0.0.1:8080"); omitted when empty
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, in order
  std::string body;  // Content-Length is added when non-empty or when method is POST/PUT
};
std::string build_request(const Request& req);
std::string build_get(std::string_view host, std::string_view target, std::string_view user_agent = "anshin",
                      const std::vector<std::pair<std::string, std::string>>& extra = {});
std::string build_post(std::string_view host, std::string_view target, std::string_view content_type,
                       std::string_view body, std::string_view user_agent = "anshin",
                       const std::vector<std::pair<std::string, std::string>>& extra = {});

// Removes CR, LF and NUL (used by every builder in codec).
std::string strip_crlf(std::string_view s);

}  // namespace anshin::codec::http
