#include "codec/tls/client_hello.h"

#include <algorithm>

namespace anshin::codec::tls {
namespace {

constexpr size_t kMaxExtensions = 64, kMaxName = 255, kMaxAlpn = 8;

Error bad(const char* what) { return Error{Errc::kProtocol, std::string("tls: ") + what}; }

// A bounds-checked cursor over the bytes that were captured.
struct Cursor {
  std::string_view b;
  size_t at = 0;
  bool ok = true;
  size_t left() const { return at < b.size() ? b.size() - at : 0; }
  uint32_t u(size_t n) {
    if (left() < n) { ok = false; at = b.size(); return 0; }
    uint32_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
    at += n;
    return v;
  }
  void skip(size_t n) {
    if (left() < n) { ok = false; at = b.size(); return; }
    at += n;
  }
  std::string_view take(size_t n) {  // at most what is there
    const size_t k = std::min(n, left());
    std::string_view v = b.substr(at, k);
    at += k;
    if (k < n) ok = false;
    return v;
  }
};

// A host name as sent, lower-cased, or "" when it holds anything but printable ASCII.
std::string host_name(std::string_view s) {
  if (s.empty() || s.size() > kMaxName) return {};
  std::string out;
  for (char c : s) {
    if (c <= 0x20 || c >= 0x7f) return {};
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

void read_server_name(std::string_view ext, ClientHello& hello) {
  Cursor c{ext};
  const size_t list = c.u(2);
  Cursor l{c.take(list)};
  while (l.left() >= 3) {
    const uint32_t type = l.u(1);
    const std::string_view name = l.take(l.u(2));
    if (type == 0 && hello.server_name.empty()) hello.server_name = host_name(name);
  }
}

void read_alpn(std::string_view ext, ClientHello& hello) {
  Cursor c{ext};
  Cursor l{c.take(c.u(2))};
  while (l.left() >= 1 && hello.alpn.size() < kMaxAlpn) {
    const std::string name = host_name(l.take(l.u(1)));
    if (!name.empty()) hello.alpn.push_back(name);
  }
}

}  // namespace

bool looks_like_client_hello(std::string_view b) {
  return b.size() >= 6 && static_cast<uint8_t>(b[0]) == 22 && static_cast<uint8_t>(b[1]) == 3 &&
         static_cast<uint8_t>(b[2]) <= 4 && static_cast<uint8_t>(b[5]) == 1;
}

Result<ClientHello> parse_client_hello(std::string_view bytes) {
  if (!looks_like_client_hello(bytes)) return bad("not a ClientHello record");
  Cursor rec{bytes, 3};
  const size_t record_len = rec.u(2);
  Cursor hs{rec.take(record_len)};  // what was captured of the record
  hs.skip(1);                        // handshake type (1)
  const size_t hello_len = hs.u(3);
  Cursor h{hs.take(hello_len)};
  ClientHello hello;
  hello.legacy_version = static_cast<uint16_t>(h.u(2));
  h.skip(32);            // random
  h.skip(h.u(1));        // session id
  h.skip(h.u(2));        // cipher suites
  h.skip(h.u(1));        // compression methods
  if (!h.ok) return bad("ClientHello cut before its extensions");
  Cursor exts{h.take(h.u(2))};
  for (size_t n = 0; n < kMaxExtensions && exts.left() >= 4; ++n) {
    const uint32_t type = exts.u(2);
    const std::string_view body = exts.take(exts.u(2));
    if (type == 0) read_server_name(body, hello);
    else if (type == 16) read_alpn(body, hello);
  }
  return hello;
}

}  // namespace anshin::codec::tls
