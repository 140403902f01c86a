// TLS ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2): the server name (SNI, RFC 6066 §3) and ALPN
// (RFC 7301) a client asked for, from the first bytes a client sends on a connection.
//
// Reads one TLS record (content type 22, handshake) holding the start of a ClientHello; a ClientHello
// longer than the record (or than the captured bytes) is read as far as it goes, so a server name in the
// first segment is found. Limits: at most 64 extensions, names of at most 255 bytes (printable ASCII only,
// lower-cased; anything else is not a host name and is dropped), at most 8 ALPN protocols.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::codec::tls {

struct ClientHello {
  uint16_t legacy_version = 0;         // 0x0303 for TLS 1.2 and 1.3
  std::string server_name;             // "" when absent
  std::vector<std::string> alpn;       // "h2", "http/1.1", ...
};

// True when `bytes` starts like a TLS handshake record carrying a ClientHello.
bool looks_like_client_hello(std::string_view bytes);

// Errc::kProtocol when the bytes are not a ClientHello record.
Result<ClientHello> parse_client_hello(std::string_view bytes);

}  // namespace anshin::codec::tls
