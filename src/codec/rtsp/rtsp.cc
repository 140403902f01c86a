#include "codec/rtsp/rtsp.h"

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::rtsp {

http::Parsed parse_reply_incremental(std::string_view data, const http::Limits& limits, bool at_eof) {
  http::ParseOptions o;
  o.at_eof = at_eof;
  http::Parsed p = http::parse_response(data, limits, o);
  if (p.state == http::ParseState::kComplete && p.response.protocol != "RTSP") {
    http::Parsed bad;
    bad.state = http::ParseState::kInvalid;
    bad.error = "not an RTSP reply (" + p.response.protocol + ")";
    return bad;
  }
  return p;
}

Reply to_reply(http::Response response) {
  Reply r;
  r.response = std::move(response);
  const auto& resp = r.response;
  std::string_view cseq = resp.header("CSeq");  // lookup is case-insensitive: also "Cseq"
  // Some servers append the method ("CSeq: 42 OPTIONS"); take the leading number.
  std::string_view num = text::trim(cseq);
  size_t end = 0;
  while (end < num.size() && (num[end] == '-' || (num[end] >= '0' && num[end] <= '9'))) ++end;
  if (auto v = parse_int(num.substr(0, end))) r.cseq = *v;
  r.server = bounded(resp.header("Server"));
  r.public_raw = bounded(resp.header("Public"));
  for (auto part : text::split(r.public_raw, ',')) {
    auto t = text::trim(part);
    if (!t.empty() && r.public_methods.size() < 64) r.public_methods.emplace_back(t);
  }
  r.session = bounded(resp.header("Session"));
  r.session_id = bounded(std::string_view(r.session).substr(0, r.session.find(';')));
  r.content_base = bounded(resp.header("Content-Base"));
  r.content_type = bounded(resp.header("Content-Type"));
  return r;
}

Result<Reply> parse_reply(std::string_view data, const http::Limits& limits) {
  http::Parsed p = parse_reply_incremental(data, limits, true);
  if (p.state != http::ParseState::kComplete)
    return make_error(Errc::kProtocol, "rtsp: " + (p.error.empty() ? std::string("incomplete") : p.error));
  return to_reply(std::move(p.response));
}

std::string build_options(std::string_view url, int cseq, std::string_view user_agent) {
  return "OPTIONS " + http::strip_crlf(url) + " RTSP/1.0\r\nCSeq: " + std::to_string(cseq) +
         "\r\nUser-Agent: " + http::strip_crlf(user_agent) + "\r\n\r\n";
}

std::string build_describe(std::string_view url, int cseq, std::string_view user_agent,
                           std::string_view authorization) {
  std::string out = "DESCRIBE " + http::strip_crlf(url) + " RTSP/1.0\r\nCSeq: " + std::to_string(cseq) +
                    "\r\nAccept: application/sdp\r\n";
  if (!authorization.empty()) out += "Authorization: " + http::strip_crlf(authorization) + "\r\n";
  out += "User-Agent: " + http::strip_crlf(user_agent) + "\r\n\r\n";
  return out;
}

}  // namespace anshin::codec::rtsp
