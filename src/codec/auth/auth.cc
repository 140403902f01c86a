#include "codec/auth/auth.h"

#include <openssl/evp.h>

#include "codec/http/http.h"
#include "core/text.h"

namespace anshin::codec::auth {
namespace {

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool is_ows(char c) { return c == ' ' || c == '\t'; }

struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  void skip_ows() { while (i < s.size() && is_ows(s[i])) ++i; }
  void skip_ows_commas() { while (i < s.size() && (is_ows(s[i]) || s[i] == ',')) ++i; }
  std::string_view token() {
    size_t start = i;
    while (i < s.size() && is_tchar(s[i])) ++i;
    return s.substr(start, i - start);
  }
};

// Parses a quoted-string starting at '"'. Unterminated strings run to the end (lenient).
std::string quoted(Cursor& c) {
  std::string out;
  ++c.i;  // opening quote
  while (c.i < c.s.size()) {
    char ch = c.s[c.i++];
    if (ch == '"') return out;
    if (ch == '\\' && c.i < c.s.size()) ch = c.s[c.i++];
    out.push_back(ch);
  }
  return out;
}

std::string hex(const unsigned char* d, size_t n, bool upper) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[d[i] >> 4];
    out[2 * i + 1] = digits[d[i] & 15];
  }
  return out;
}

std::string digest_raw(const EVP_MD* md, std::string_view data) {
  unsigned char buf[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), buf, &len, md, nullptr) != 1) return {};
  return std::string(reinterpret_cast<const char*>(buf), len);
}

std::string quote(std::string_view v) {
  std::string out = "\"";
  for (char c : http::strip_crlf(v)) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<std::string> Challenge::param(std::string_view name) const {
  for (const auto& [k, v] : params)
    if (text::iequals(k, name)) return v;
  return std::nullopt;
}

bool Challenge::is(std::string_view scheme_name) const { return text::iequals(scheme, scheme_name); }

static bool is_t68(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~' || c == '+' || c == '/';
}

Result<std::vector<Challenge>> parse_www_authenticate(std::string_view value, const ChallengeLimits& limits) {
  if (value.size() > limits.max_value_bytes) return make_error(Errc::kProtocol, "www-authenticate: too long");
  std::vector<Challenge> out;
  Cursor c{value};
  c.skip_ows_commas();
  while (!c.done()) {
    std::string_view scheme = c.token();
    if (scheme.empty()) return make_error(Errc::kProtocol, "www-authenticate: expected auth scheme");
    if (out.size() >= limits.max_challenges) return make_error(Errc::kProtocol, "www-authenticate: too many challenges");
    Challenge ch;
    ch.scheme = std::string(scheme);
    c.skip_ows();
    // token68: t68char+ "="* followed by end or comma.
    {
      size_t k = c.i;
      while (k < c.s.size() && is_t68(c.s[k])) ++k;
      size_t t68_end = k;
      if (k > c.i) {
        while (k < c.s.size() && c.s[k] == '=') ++k;
        t68_end = k;
        while (k < c.s.size() && is_ows(c.s[k])) ++k;
        if (k >= c.s.size() || c.s[k] == ',') {
          ch.token68 = std::string(c.s.substr(c.i, t68_end - c.i));
          c.i = k;
          out.push_back(std::move(ch));
          c.skip_ows_commas();
          continue;
        }
      }
    }
    // auth-params until the next `scheme SP` or the end.
    for (;;) {
      c.skip_ows_commas();
      if (c.done()) break;
      size_t save = c.i;
      std::string_view name = c.token();
      if (name.empty()) {  // junk: skip to the next comma, always making progress
        while (c.i < c.s.size() && c.s[c.i] != ',') ++c.i;
        continue;
      }
      c.skip_ows();
      if (c.done() || c.s[c.i] != '=') {
        c.i = save;  // the next challenge's scheme
        break;
      }
      ++c.i;  // '='
      c.skip_ows();
      std::string v;
      if (!c.done() && c.s[c.i] == '"') {
        v = quoted(c);
      } else {
        size_t start = c.i;
        while (c.i < c.s.size() && c.s[c.i] != ',' && !is_ows(c.s[c.i])) ++c.i;
        v = std::string(c.s.substr(start, c.i - start));
      }
      if (ch.params.size() >= limits.max_params) return make_error(Errc::kProtocol, "www-authenticate: too many params");
      ch.params.emplace_back(text::to_lower(name), std::move(v));
    }
    out.push_back(std::move(ch));
    c.skip_ows_commas();
  }
  if (out.empty()) return make_error(Errc::kProtocol, "www-authenticate: empty");
  return out;
}

std::vector<Challenge> parse_challenges(const std::vector<std::string_view>& values, const ChallengeLimits& limits) {
  std::vector<Challenge> out;
  for (auto v : values) {
    auto r = parse_www_authenticate(v, limits);
    if (!r) continue;
    for (auto& c : *r) {
      if (out.size() >= limits.max_challenges) return out;
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::string md5_hex(std::string_view data) {
  std::string raw = digest_raw(EVP_md5(), data);
  return hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), false);
}

std::string md5_hex_upper(std::string_view data) {
  std::string raw = digest_raw(EVP_md5(), data);
  return hex(reinterpret_cast<const unsigned char*>(raw.data()), raw.size(), true);
}

std::string sha1_raw(std::string_view data) { return digest_raw(EVP_sha1(), data); }

std::string base64_encode(std::string_view raw) {
  static const char* kAlpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw.size() + 2) / 3 * 4);
  size_t i = 0;
  auto b = [&](size_t k) { return static_cast<unsigned>(static_cast<unsigned char>(raw[k])); };
  for (; i + 3 <= raw.size(); i += 3) {
    unsigned v = (b(i) << 16) | (b(i + 1) << 8) | b(i + 2);
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += kAlpha[(v >> 6) & 63];
    out += kAlpha[v & 63];
  }
  if (raw.size() - i == 1) {
    unsigned v = b(i) << 16;
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += "==";
  } else if (raw.size() - i == 2) {
    unsigned v = (b(i) << 16) | (b(i + 1) << 8);
    out += kAlpha[(v >> 18) & 63];
    out += kAlpha[(v >> 12) & 63];
    out += kAlpha[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view s) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::string out;
  out.reserve(s.size() * 3 / 4);
  unsigned acc = 0;
  int bits = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else return std::nullopt;
    acc = (acc << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // a single dangling character
  return out;
}

std::string digest_response(const DigestParams& p) {
  std::string ha1 = md5_hex(p.username + ":" + p.realm + ":" + p.password);
  std::string ha2 = md5_hex(p.method + ":" + p.uri);
  if (p.qop.empty()) return md5_hex(ha1 + ":" + p.nonce + ":" + ha2);
  return md5_hex(ha1 + ":" + p.nonce + ":" + p.nc + ":" + p.cnonce + ":" + p.qop + ":" + ha2);
}

std::string digest_authorization(const DigestParams& p) {
  std::string out = "Digest username=" + quote(p.username) + ", realm=" + quote(p.realm) +
                    ", nonce=" + quote(p.nonce) + ", uri=" + quote(p.uri) + ", response=\"" + digest_response(p) + "\"";
  if (!p.algorithm.empty()) out += ", algorithm=" + http::strip_crlf(p.algorithm);
  if (!p.opaque.empty()) out += ", opaque=" + quote(p.opaque);
  if (!p.qop.empty())
    out += ", qop=" + http::strip_crlf(p.qop) + ", nc=" + http::strip_crlf(p.nc) + ", cnonce=" + quote(p.cnonce);
  return out;
}

std::string basic_authorization(std::string_view user, std::string_view password) {
  return "Basic " + base64_encode(std::string(user) + ":" + std::string(password));
}

std::string wsse_password_digest(std::string_view nonce_raw, std::string_view created, std::string_view password) {
  std::string input;
  input.append(nonce_raw).append(created).append(password);
  return base64_encode(sha1_raw(input));
}

namespace {
std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}
}  // namespace

std::string wsse_security_header(std::string_view username, std::string_view password, std::string_view nonce_raw,
                                 std::string_view created) {
  std::string out =
      "<s:Header><Security s:mustUnderstand=\"1\" "
      "xmlns=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd\"><UsernameToken>"
      "<Username>";
  out += xml_escape(username);
  out += "</Username><Password "
         "Type=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest\">";
  out += wsse_password_digest(nonce_raw, created, password);
  out += "</Password><Nonce "
         "EncodingType=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary\">";
  out += base64_encode(nonce_raw);
  out += "</Nonce><Created "
         "xmlns=\"http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd\">";
  out += xml_escape(created);
  out += "</Created></UsernameToken></Security></s:Header>";
  return out;
}

std::string dahua_rpc2_ha1(std::string_view user, std::string_view realm, std::string_view password) {
  return md5_hex_upper(std::string(user) + ":" + std::string(realm) + ":" + std::string(password));
}

std::string dahua_rpc2_password(std::string_view user, std::string_view password, std::string_view realm,
                                std::string_view random) {
  return md5_hex_upper(std::string(user) + ":" + std::string(random) + ":" + dahua_rpc2_ha1(user, realm, password));
}

}  // namespace anshin::codec::auth
