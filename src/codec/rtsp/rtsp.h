// RTSP/1.0 (RFC 2326) replies and the two requests a fingerprinting probe sends.
//
// A reply is an HTTP-shaped message (see codec/http/http.h): "RTSP/1.0 200 OK", headers, and a
// body only when Content-Length is present. Notable quirks handled: VLC spells the header "Cseq"
// and omits it on 404; rtsp-server-perl sends Session on OPTIONS; Vivotek sends "CSeq: -1".
// Limits: those of http::Limits (defaults: 8 KiB lines, 128 headers, 64 KiB head, 1 MiB body).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "codec/http/http.h"
#include "core/result.h"

namespace anshin::codec::rtsp {

struct Reply {
  http::Response response;              // status, headers (case-insensitive lookup), body
  std::optional<long long> cseq;        // CSeq / Cseq, when numeric
  std::string server;                   // Server:
  std::string public_raw;               // Public: as sent
  std::vector<std::string> public_methods;  // Public: split on commas, trimmed
  std::string session;                  // Session: as sent
  std::string session_id;               // Session: up to ';' (";timeout=" removed)
  std::string content_base;             // Content-Base:
  std::string content_type;             // Content-Type:
  std::vector<std::string_view> www_authenticate() const { return response.header_values("WWW-Authenticate"); }
};

// Incremental parse (a probe reads until kComplete). Fails with kInvalid on an HTTP status line.
http::Parsed parse_reply_incremental(std::string_view data, const http::Limits& limits = {}, bool at_eof = false);

// Parses one complete RTSP reply (trailing bytes after the first message are ignored).
Result<Reply> parse_reply(std::string_view data, const http::Limits& limits = {});
// Extracts the RTSP-specific fields from an already parsed response.
Reply to_reply(http::Response response);

// `OPTIONS <url> RTSP/1.0\r\nCSeq: n\r\nUser-Agent: ua\r\n\r\n`
std::string build_options(std::string_view url, int cseq, std::string_view user_agent = "anshin");
// `DESCRIBE <url> RTSP/1.0\r\nCSeq: n\r\nAccept: application/sdp\r\n[Authorization: ..]\r\nUser-Agent: ua\r\n\r\n`
std::string build_describe(std::string_view url, int cseq, std::string_view user_agent = "anshin",
                           std::string_view authorization = {});

}  // namespace anshin::codec::rtsp
