// SDP (RFC 4566) session descriptions, as returned by RTSP DESCRIBE.
// Wire layout: lines `<type>=<value>` separated by CRLF (bare LF tolerated); session-level lines
// (v= o= s= i= ... a=) come before the first `m=`, media-level lines after it.
// Limits: 64 KiB total, 4 KiB per line, 1024 lines; lines that are not `x=` are skipped.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::codec::sdp {

struct Limits {
  size_t max_bytes = 64 * 1024;
  size_t max_line = 4096;
  size_t max_lines = 1024;
};

struct Media {
  std::string line;  // the m= value, e.g. "video 0 RTP/AVP 96"
  std::string type;  // "video", "audio", "application", ...
  std::vector<std::string> attributes;  // a= values of this media (bounded)
};

struct Session {
  std::string version;        // v=
  std::string origin;         // o=
  std::string session_name;   // s=
  std::string session_info;   // i= (session level)
  std::string uri;            // u= (session level)
  std::string email;          // e= (session level)
  std::string tool;           // a=tool: (session level)
  std::vector<std::string> attributes;  // session-level a= values (bounded)
  std::vector<Media> media;   // one per m= line
  size_t media_count() const { return media.size(); }
};

// Errc::kProtocol when the input is empty, too large, or has no v=/s=/m= line at all.
Result<Session> parse(std::string_view data, const Limits& limits = {});

}  // namespace anshin::codec::sdp
