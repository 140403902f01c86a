// HTTP/RTSP Basic and Digest (RFC 2617, MD5, qop=auth or none) checking for the lab. Internal to module lab.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lab/fleet.h"

namespace anshin::lab {

std::string md5_hex(std::string_view data);  // lowercase hex
std::optional<std::string> base64_decode(std::string_view in);

// Nonces are self-validating: 16 random hex digits + 16 hex digits of MD5(secret, random).
std::string make_nonce();
bool valid_nonce(std::string_view nonce);

// Parses `key=value, key="value"` parameters after the scheme.
std::map<std::string, std::string> parse_auth_params(std::string_view params);

enum class AuthResult { kMissing, kOk, kBad };

// Checks an Authorization header value against the credentials. method/target are the request's.
AuthResult check_authorization(std::string_view header, AuthKind kind, std::string_view realm, std::string_view method,
                               std::string_view target, const std::vector<Credential>& creds);

}  // namespace anshin::lab
