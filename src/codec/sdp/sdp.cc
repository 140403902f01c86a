#include "codec/sdp/sdp.h"

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::sdp {

Result<Session> parse(std::string_view data, const Limits& limits) {
  if (data.size() > limits.max_bytes) return make_error(Errc::kProtocol, "sdp: too large");
  Session s;
  bool any = false;
  size_t pos = 0, lines = 0;
  constexpr size_t kMaxAttrs = 128;
  while (pos < data.size()) {
    size_t nl = data.find('\n', pos);
    std::string_view line = data.substr(pos, nl == std::string_view::npos ? data.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? data.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (++lines > limits.max_lines) return make_error(Errc::kProtocol, "sdp: too many lines");
    if (line.size() > limits.max_line) return make_error(Errc::kProtocol, "sdp: line too long");
    line = text::trim(line);
    if (line.size() < 2 || line[1] != '=') continue;
    char type = line[0];
    std::string_view value = line.substr(2);
    switch (type) {
      case 'v':
        if (s.media.empty()) s.version = bounded(value), any = true;
        break;
      case 'o':
        if (s.media.empty()) s.origin = bounded(value);
        break;
      case 's':
        if (s.media.empty()) s.session_name = bounded(value), any = true;
        break;
      case 'i':
        if (s.media.empty()) s.session_info = bounded(value);
        break;
      case 'u':
        if (s.media.empty()) s.uri = bounded(value);
        break;
      case 'e':
        if (s.media.empty()) s.email = bounded(value);
        break;
      case 'm': {
        any = true;
        Media m;
        m.line = bounded(value);
        m.type = std::string(value.substr(0, value.find(' ')));
        if (m.type.size() > 64) m.type.resize(64);
        s.media.push_back(std::move(m));
        break;
      }
      case 'a':
        if (s.media.empty()) {
          if (text::istarts_with(value, "tool:") && s.tool.empty()) s.tool = bounded(value.substr(5));
          if (s.attributes.size() < kMaxAttrs) s.attributes.push_back(bounded(value));
        } else if (s.media.back().attributes.size() < kMaxAttrs) {
          s.media.back().attributes.push_back(bounded(value));
        }
        break;
      default:
        break;
    }
  }
  if (!any) return make_error(Errc::kProtocol, "sdp: no v=, s= or m= line");
  return s;
}

}  // namespace anshin::codec::sdp
