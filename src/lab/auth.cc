#include "lab/auth.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <cctype>

#include "core/text.h"

namespace anshin::lab {

namespace {

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out += d[p[i] >> 4];
    out += d[p[i] & 15];
  }
  return out;
}

const std::string& nonce_secret() {
  static const std::string secret = [] {
    unsigned char b[16];
    RAND_bytes(b, sizeof b);
    return to_hex(b, sizeof b);
  }();
  return secret;
}

}  // namespace

std::string md5_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out, &len, EVP_md5(), nullptr);
  return to_hex(out, len);
}

std::optional<std::string> base64_decode(std::string_view in) {
  std::string s(text::trim(in));
  if (s.empty()) return std::string();
  if (s.size() % 4) return std::nullopt;
  std::string out(s.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), reinterpret_cast<const unsigned char*>(s.data()),
                          static_cast<int>(s.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (s.size() >= 1 && s[s.size() - 1] == '=') ++pad;
  if (s.size() >= 2 && s[s.size() - 2] == '=') ++pad;
  out.resize(static_cast<size_t>(n) - pad);
  return out;
}

std::string make_nonce() {
  unsigned char b[8];
  RAND_bytes(b, sizeof b);
  std::string r = to_hex(b, sizeof b);
  return r + md5_hex(nonce_secret() + r).substr(0, 16);
}

bool valid_nonce(std::string_view nonce) {
  if (nonce.size() != 32) return false;
  std::string r(nonce.substr(0, 16));
  return md5_hex(nonce_secret() + r).substr(0, 16) == nonce.substr(16);
}

std::map<std::string, std::string> parse_auth_params(std::string_view s) {
  std::map<std::string, std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',' || s[i] == '\t')) ++i;
    size_t eq = s.find('=', i);
    if (eq == std::string_view::npos) break;
    std::string key = text::to_lower(text::trim(s.substr(i, eq - i)));
    i = eq + 1;
    while (i < s.size() && s[i] == ' ') ++i;
    std::string value;
    if (i < s.size() && s[i] == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < s.size()) ++i;
        value += s[i++];
      }
      ++i;
    } else {
      size_t end = s.find(',', i);
      if (end == std::string_view::npos) end = s.size();
      value = std::string(text::trim(s.substr(i, end - i)));
      i = end;
    }
    out[key] = value;
  }
  return out;
}

AuthResult check_authorization(std::string_view header, AuthKind kind, std::string_view realm, std::string_view method,
                               std::string_view target, const std::vector<Credential>& creds) {
  std::string_view h = text::trim(header);
  if (h.empty()) return AuthResult::kMissing;
  size_t sp = h.find(' ');
  std::string_view scheme = h.substr(0, sp);
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : h.substr(sp + 1);
  if (text::iequals(scheme, "Basic")) {
    if (kind == AuthKind::kDigest) return AuthResult::kBad;
    auto dec = base64_decode(rest);
    if (!dec) return AuthResult::kBad;
    auto colon = dec->find(':');
    if (colon == std::string::npos) return AuthResult::kBad;
    std::string user = dec->substr(0, colon), pass = dec->substr(colon + 1);
    for (const auto& c : creds)
      if (c.user == user && c.password == pass) return AuthResult::kOk;
    return AuthResult::kBad;
  }
  if (text::iequals(scheme, "Digest")) {
    if (kind == AuthKind::kBasic) return AuthResult::kBad;
    auto p = parse_auth_params(rest);
    if (p["realm"] != realm || !valid_nonce(p["nonce"]) || p["uri"] != target || p["response"].empty())
      return AuthResult::kBad;
    if (!p["algorithm"].empty() && !text::iequals(p["algorithm"], "MD5")) return AuthResult::kBad;
    std::string ha2 = md5_hex(std::string(method) + ":" + p["uri"]);
    for (const auto& c : creds) {
      if (c.user != p["username"]) continue;
      std::string ha1 = md5_hex(c.user + ":" + std::string(realm) + ":" + c.password);
      std::string expect;
      if (p.count("qop") && !p["qop"].empty()) {
        if (p["qop"] != "auth") return AuthResult::kBad;
        expect = md5_hex(ha1 + ":" + p["nonce"] + ":" + p["nc"] + ":" + p["cnonce"] + ":auth:" + ha2);
      } else {
        expect = md5_hex(ha1 + ":" + p["nonce"] + ":" + ha2);
      }
      if (text::iequals(expect, p["response"])) return AuthResult::kOk;
    }
    return AuthResult::kBad;
  }
  return AuthResult::kBad;
}

}  // namespace anshin::lab
