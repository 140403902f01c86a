// Authentication helpers: WWW-Authenticate challenge parsing (RFC 7235 / RFC 2617), HTTP Digest
// response (RFC 2617, MD5, with or without qop=auth), WS-Security UsernameToken PasswordDigest
// (OASIS WSS UsernameToken Profile 1.0) and the Dahua RPC2 "Default" login hash.
// The credential helpers exist for opt-in credentialed checks; discovery never uses them.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace anshin::codec::auth {

// One challenge: `scheme 1*SP ( token68 / #( name "=" ( token / quoted-string ) ) )`.
// Several challenges may share one header value, separated by commas:
//   Digest realm="Hikvision", nonce="abc", stale="FALSE", Basic realm="/"
struct Challenge {
  std::string scheme;  // as sent ("Digest", "Basic", ...)
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased, quotes removed, \-escapes resolved
  std::string token68;  // e.g. Negotiate blobs

  // Value of a parameter by (case-insensitive) name, or nullopt.
  std::optional<std::string> param(std::string_view name) const;
  std::string realm() const { return param("realm").value_or(""); }
  bool is(std::string_view scheme_name) const;  // case-insensitive scheme compare
};

struct ChallengeLimits {
  size_t max_value_bytes = 8 * 1024;
  size_t max_challenges = 16;
  size_t max_params = 32;  // per challenge
};

// Parses one WWW-Authenticate (or Proxy-Authenticate) header value into challenges.
Result<std::vector<Challenge>> parse_www_authenticate(std::string_view value, const ChallengeLimits& limits = {});

// Parses every value (e.g. Response::header_values("WWW-Authenticate")) and concatenates; values
// that fail to parse are skipped.
std::vector<Challenge> parse_challenges(const std::vector<std::string_view>& values,
                                        const ChallengeLimits& limits = {});

// ---- hashing primitives ----
std::string md5_hex(std::string_view data);          // lowercase
std::string md5_hex_upper(std::string_view data);    // uppercase
std::string sha1_raw(std::string_view data);         // 20 raw bytes
std::string base64_encode(std::string_view raw);
std::optional<std::string> base64_decode(std::string_view b64);  // strict alphabet, padding optional

// ---- HTTP / RTSP Digest (RFC 2617) ----
struct DigestParams {
  std::string username;
  std::string password;
  std::string realm;
  std::string nonce;
  std::string method;  // "DESCRIBE", "GET", ...
  std::string uri;     // the full request URI as sent, including any query string
  std::string qop;     // "" (RFC 2069 style) or "auth"
  std::string nc = "00000001";
  std::string cnonce;  // required when qop is "auth"
  std::string opaque;
  std::string algorithm;  // "" or "MD5" (MD5-sess and SHA-256 are not supported)
};
// response = MD5(HA1 ":" nonce [":" nc ":" cnonce ":" qop] ":" HA2), HA1 = MD5(user:realm:pass),
// HA2 = MD5(method:uri). Lowercase hex.
std::string digest_response(const DigestParams& p);
// Full Authorization header value: `Digest username="..", realm="..", nonce="..", uri="..", response=".."...`
std::string digest_authorization(const DigestParams& p);
// `Basic base64(user:pass)`
std::string basic_authorization(std::string_view user, std::string_view password);

// ---- WS-Security UsernameToken ----
// PasswordDigest = Base64(SHA1(nonce_raw || created || password)).
std::string wsse_password_digest(std::string_view nonce_raw, std::string_view created, std::string_view password);
// The agsh-form <s:Header><Security ...><UsernameToken>...</s:Header> for the given values.
std::string wsse_security_header(std::string_view username, std::string_view password, std::string_view nonce_raw,
                                 std::string_view created);

// ---- Dahua RPC2 login, encryption "Default" ----
// MD5_HEX_UPPER(user ":" random ":" MD5_HEX_UPPER(user ":" realm ":" password))
std::string dahua_rpc2_ha1(std::string_view user, std::string_view realm, std::string_view password);
std::string dahua_rpc2_password(std::string_view user, std::string_view password, std::string_view realm,
                                std::string_view random);

}  // namespace anshin::codec::auth
