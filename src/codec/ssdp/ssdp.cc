#include "codec/ssdp/ssdp.h"

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::ssdp {

Result<Reply> parse_reply(std::string_view d) {
  if (d.size() > kMaxDatagram) return make_error(Errc::kProtocol, "ssdp: datagram too large");
  Reply r;
  std::string buf;
  std::string_view in = d;
  if (text::istarts_with(d, "NOTIFY ")) {
    size_t nl = d.find('\n');
    if (nl == std::string_view::npos) return make_error(Errc::kProtocol, "ssdp: truncated NOTIFY");
    buf = "HTTP/1.1 200 NOTIFY\r\n";
    buf.append(d.substr(nl + 1));
    in = buf;
    r.is_notify = true;
  }
  http::Limits lim;
  lim.max_headers = 64;
  lim.max_header_bytes = kMaxDatagram + 32;
  lim.max_body = kMaxDatagram;
  // A datagram is complete by definition; tolerate a missing final blank line.
  http::ParseOptions o;
  o.at_eof = true;
  http::Parsed p = http::parse_response(in, lim, o);
  if (p.state != http::ParseState::kComplete) {
    std::string padded(in);
    padded += "\r\n\r\n";
    p = http::parse_response(padded, lim, o);
    if (p.state != http::ParseState::kComplete) return make_error(Errc::kProtocol, "ssdp: " + p.error);
  }
  r.response = std::move(p.response);
  r.status = r.is_notify ? 0 : r.response.status;
  const auto& h = r.response;
  r.location = bounded(h.header("Location"));
  r.server = bounded(h.header("Server"));
  r.st = bounded(h.header("ST"));
  r.usn = bounded(h.header("USN"));
  r.cache_control = bounded(h.header("Cache-Control"));
  r.nt = bounded(h.header("NT"));
  r.nts = bounded(h.header("NTS"));
  r.bootid = bounded(h.header("BOOTID.UPNP.ORG"));
  r.configid = bounded(h.header("CONFIGID.UPNP.ORG"));
  return r;
}

std::string build_msearch(std::string_view st, int mx, std::string_view host) {
  if (mx < 1) mx = 1;
  if (mx > 5) mx = 5;
  return "M-SEARCH * HTTP/1.1\r\nHost: " + http::strip_crlf(host) + "\r\nMan: \"ssdp:discover\"\r\nMX: " +
         std::to_string(mx) + "\r\nST: " + http::strip_crlf(st) + "\r\n\r\n";
}

}  // namespace anshin::codec::ssdp
