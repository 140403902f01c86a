#include "codec/http/http.h"

#include <cctype>
#include <cstdint>
#include <optional>

#include "core/text.h"

namespace anshin::codec::http {
namespace {

constexpr size_t npos = std::string_view::npos;

enum class LineResult { kOk, kNeedMore, kTooLong };

// Reads one line starting at pos (CRLF or LF terminated). On kOk, line excludes the terminator
// and pos moves past it.
LineResult next_line(std::string_view in, size_t& pos, size_t max_line, std::string_view& line) {
  size_t nl = in.find('\n', pos);
  if (nl == npos) return in.size() - pos > max_line ? LineResult::kTooLong : LineResult::kNeedMore;
  if (nl - pos > max_line + 1) return LineResult::kTooLong;
  line = in.substr(pos, nl - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  pos = nl + 1;
  return LineResult::kOk;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The first bytes must be able to grow into "HTTP/" or "RTSP/".
bool plausible_prefix(std::string_view in) {
  static constexpr std::string_view kHttp = "HTTP/", kRtsp = "RTSP/";
  size_t n = in.size() < 5 ? in.size() : 5;
  return text::iequals(in.substr(0, n), kHttp.substr(0, n)) || text::iequals(in.substr(0, n), kRtsp.substr(0, n));
}

bool parse_status_line(std::string_view line, Response& r) {
  if (line.size() < 12) return false;  // "HTTP/1.1 200"
  std::string_view proto = line.substr(0, 4);
  if (!text::iequals(proto, "HTTP") && !text::iequals(proto, "RTSP")) return false;
  if (line[4] != '/' || !is_digit(line[5]) || line[6] != '.' || !is_digit(line[7])) return false;
  r.protocol = text::iequals(proto, "HTTP") ? "HTTP" : "RTSP";
  r.version_major = line[5] - '0';
  r.version_minor = line[7] - '0';
  size_t i = 8;
  if (line[i] != ' ' && line[i] != '\t') return false;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i + 3 > line.size() || !is_digit(line[i]) || !is_digit(line[i + 1]) || !is_digit(line[i + 2])) return false;
  r.status = (line[i] - '0') * 100 + (line[i + 1] - '0') * 10 + (line[i + 2] - '0');
  i += 3;
  if (i < line.size() && line[i] != ' ' && line[i] != '\t') return false;
  r.reason = std::string(text::trim(line.substr(i)));
  return true;
}

bool parse_hex(std::string_view s, uint64_t& out) {
  s = text::trim(s);
  if (s.empty() || s.size() > 15) return false;
  uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return false;
    v = v * 16 + static_cast<uint64_t>(d);
  }
  out = v;
  return true;
}

bool parse_dec(std::string_view s, uint64_t& out) {
  s = text::trim(s);
  if (s.empty() || s.size() > 15) return false;
  uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  out = v;
  return true;
}

Parsed invalid(std::string msg) {
  Parsed p;
  p.state = ParseState::kInvalid;
  p.error = std::move(msg);
  return p;
}

Parsed need_more(bool at_eof, const char* what) {
  if (at_eof) return invalid(std::string("truncated ") + what);
  return Parsed{};
}

}  // namespace

std::vector<std::string_view> Response::header_values(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& h : headers)
    if (text::iequals(h.name, name)) out.emplace_back(h.value);
  return out;
}

std::string_view Response::header(std::string_view name) const {
  for (const auto& h : headers)
    if (text::iequals(h.name, name)) return h.value;
  return {};
}

bool Response::has_header(std::string_view name) const {
  for (const auto& h : headers)
    if (text::iequals(h.name, name)) return true;
  return false;
}

namespace {

// Each step below reads from `in` at `pos` and returns nullopt when it succeeded, else the Parsed
// (invalid, or waiting for more bytes) that parse_response returns.

// Header fields after the status line, up to and including the empty line.
std::optional<Parsed> parse_header_block(std::string_view in, size_t& pos, const Limits& limits,
                                         const ParseOptions& opts, Response& r) {
  std::string_view line;
  size_t lines = 0;
  for (;;) {
    if (pos > limits.max_header_bytes) return invalid("header block too large");
    auto lr = next_line(in, pos, limits.max_line, line);
    if (lr == LineResult::kTooLong) return invalid("header line too long");
    if (lr == LineResult::kNeedMore) {
      if (in.size() > limits.max_header_bytes) return invalid("header block too large");
      return need_more(opts.at_eof, "header block");
    }
    if (pos > limits.max_header_bytes) return invalid("header block too large");
    if (line.empty()) return std::nullopt;
    if (++lines > limits.max_headers) return invalid("too many header lines");
    if (line[0] == ' ' || line[0] == '\t') {  // obs-fold
      if (r.headers.empty()) return invalid("continuation line before any header");
      std::string_view more = text::trim(line);
      if (!more.empty()) {
        std::string& v = r.headers.back().value;
        if (!v.empty()) v.push_back(' ');
        v.append(more);
      }
      continue;
    }
    size_t colon = line.find(':');
    if (colon == npos) continue;  // junk line: tolerated, but counted against max_headers
    std::string_view name = text::trim(line.substr(0, colon));
    if (name.empty()) continue;
    r.headers.push_back(Header{std::string(name), std::string(text::trim(line.substr(colon + 1)))});
  }
}

// CRLF (or a bare LF) after a chunk's data.
std::optional<Parsed> skip_chunk_terminator(std::string_view in, size_t& pos, const ParseOptions& opts) {
  if (pos < in.size() && in[pos] == '\r') {
    if (pos + 1 >= in.size()) return need_more(opts.at_eof, "chunk terminator");
    if (in[pos + 1] != '\n') return invalid("missing chunk terminator");
    pos += 2;
  } else if (pos < in.size() && in[pos] == '\n') {
    pos += 1;
  } else if (pos >= in.size()) {
    return need_more(opts.at_eof, "chunk terminator");
  } else {
    return invalid("missing chunk terminator");
  }
  return std::nullopt;
}

// Transfer-Encoding: chunked, through the trailer section.
std::optional<Parsed> parse_chunked_body(std::string_view in, size_t& pos, const Limits& limits,
                                         const ParseOptions& opts, Response& r) {
  std::string_view line;
  size_t trailers = 0;
  for (;;) {
    auto lr = next_line(in, pos, limits.max_line, line);
    if (lr == LineResult::kTooLong) return invalid("chunk size line too long");
    if (lr == LineResult::kNeedMore) return need_more(opts.at_eof, "chunked body");
    std::string_view size_text = line.substr(0, line.find(';'));
    uint64_t size = 0;
    if (!parse_hex(size_text, size)) return invalid("bad chunk size");
    if (size > limits.max_body || r.body.size() + size > limits.max_body) return invalid("body too large");
    if (size == 0) {
      for (;;) {  // trailer section
        lr = next_line(in, pos, limits.max_line, line);
        if (lr == LineResult::kTooLong) return invalid("trailer line too long");
        if (lr == LineResult::kNeedMore) return need_more(opts.at_eof, "chunked trailer");
        if (line.empty()) return std::nullopt;
        if (++trailers > limits.max_headers) return invalid("too many trailers");
      }
    }
    if (in.size() - pos < size) return need_more(opts.at_eof, "chunk");
    r.body.append(in.substr(pos, static_cast<size_t>(size)));
    pos += static_cast<size_t>(size);
    if (auto stop = skip_chunk_terminator(in, pos, opts)) return stop;
  }
}

// A body framed by Content-Length, or (HTTP only) by the end of the connection.
std::optional<Parsed> parse_unchunked_body(std::string_view in, size_t& pos, const Limits& limits,
                                           const ParseOptions& opts, Response& r) {
  auto lengths = r.header_values("Content-Length");
  if (!lengths.empty()) {
    uint64_t len = 0;
    for (size_t i = 0; i < lengths.size(); ++i) {
      uint64_t v = 0;
      if (!parse_dec(lengths[i], v)) return invalid("bad Content-Length");
      if (i > 0 && v != len) return invalid("conflicting Content-Length");
      len = v;
    }
    if (len > limits.max_body) return invalid("body too large");
    if (in.size() - pos < len) return need_more(opts.at_eof, "body");
    r.body.assign(in.substr(pos, static_cast<size_t>(len)));
    pos += static_cast<size_t>(len);
  } else if (r.protocol != "RTSP") {
    if (in.size() - pos > limits.max_body) return invalid("body too large");
    if (!opts.at_eof) return Parsed{};  // read until the peer closes
    r.body.assign(in.substr(pos));
    pos = in.size();
  }
  return std::nullopt;
}

Parsed complete(Response r, size_t consumed) {
  Parsed p;
  p.state = ParseState::kComplete;
  p.consumed = consumed;
  p.response = std::move(r);
  return p;
}

}  // namespace

Parsed parse_response(std::string_view in, const Limits& limits, const ParseOptions& opts) {
  if (!plausible_prefix(in)) return invalid("not an HTTP/RTSP status line");
  Response r;
  size_t pos = 0;
  std::string_view line;
  switch (next_line(in, pos, limits.max_line, line)) {
    case LineResult::kNeedMore: return need_more(opts.at_eof, "status line");
    case LineResult::kTooLong: return invalid("status line too long");
    case LineResult::kOk: break;
  }
  if (!parse_status_line(line, r)) return invalid("malformed status line");
  if (auto stop = parse_header_block(in, pos, limits, opts, r)) return std::move(*stop);
  if (opts.no_body || (r.status >= 100 && r.status < 200) || r.status == 204 || r.status == 304)
    return complete(std::move(r), pos);

  const std::string te_lower = text::to_lower(text::trim(r.header("Transfer-Encoding")));
  const bool chunked = te_lower.size() >= 7 && te_lower.compare(te_lower.size() - 7, 7, "chunked") == 0;
  r.chunked = chunked;
  auto stop = chunked ? parse_chunked_body(in, pos, limits, opts, r) : parse_unchunked_body(in, pos, limits, opts, r);
  if (stop) return std::move(*stop);
  return complete(std::move(r), pos);
}

Result<Response> parse_complete_response(std::string_view data, const Limits& limits, bool no_body) {
  ParseOptions o;
  o.at_eof = true;
  o.no_body = no_body;
  Parsed p = parse_response(data, limits, o);
  if (p.state != ParseState::kComplete)
    return make_error(Errc::kProtocol, "http: " + (p.error.empty() ? std::string("incomplete") : p.error));
  return std::move(p.response);
}

std::string strip_crlf(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '\r' && c != '\n' && c != '\0') out.push_back(c);
  return out;
}

std::string build_request(const Request& req) {
  std::string out;
  out.reserve(128 + req.body.size());
  out += strip_crlf(req.method.empty() ? std::string_view("GET") : std::string_view(req.method));
  out += ' ';
  out += strip_crlf(req.target.empty() ? std::string_view("/") : std::string_view(req.target));
  out += " HTTP/1.1\r\n";
  if (!req.host.empty()) out += "Host: " + strip_crlf(req.host) + "\r\n";
  for (const auto& [k, v] : req.headers) out += strip_crlf(k) + ": " + strip_crlf(v) + "\r\n";
  bool needs_length = !req.body.empty() || req.method == "POST" || req.method == "PUT";
  if (needs_length) out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  out += "\r\n";
  out += req.body;
  return out;
}

std::string build_get(std::string_view host, std::string_view target, std::string_view user_agent,
                      const std::vector<std::pair<std::string, std::string>>& extra) {
  Request r;
  r.method = "GET";
  r.target = std::string(target);
  r.host = std::string(host);
  r.headers.emplace_back("User-Agent", std::string(user_agent));
  r.headers.emplace_back("Accept", "*/*");
  for (const auto& h : extra) r.headers.push_back(h);
  r.headers.emplace_back("Connection", "close");
  return build_request(r);
}

std::string build_post(std::string_view host, std::string_view target, std::string_view content_type,
                       std::string_view body, std::string_view user_agent,
                       const std::vector<std::pair<std::string, std::string>>& extra) {
  Request r;
  r.method = "POST";
  r.target = std::string(target);
  r.host = std::string(host);
  r.headers.emplace_back("User-Agent", std::string(user_agent));
  r.headers.emplace_back("Content-Type", std::string(content_type));
  for (const auto& h : extra) r.headers.push_back(h);
  r.headers.emplace_back("Connection", "close");
  r.body = std::string(body);
  return build_request(r);
}

}  // namespace anshin::codec::http
