#include "core/text.h"

#include <cstdint>

namespace anshin::text {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Decodes one UTF-8 sequence at s[i]. Returns its length (1..4) and the code point, or 0 when the
// bytes are not a valid, shortest-form, non-surrogate sequence.
size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t c = b(0);
  if (c < 0x80) { cp = c; return 1; }
  size_t n = 0;
  if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; }
  else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; }
  else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

void append_hex(std::string& out, uint8_t c) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[c >> 4];
  out += kHex[c & 15];
}

}  // namespace

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string escape_for_terminal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = decode(s, i, cp);
    if (n == 0) {
      append_hex(out, static_cast<uint8_t>(s[i]));
      ++i;
      continue;
    }
    if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029 ||
        (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      // controls, C1 controls, line separators and bidi overrides
      if (cp == '\n') out += "\\n";
      else if (cp == '\t') out += "\\t";
      else if (cp == '\r') out += "\\r";
      else for (size_t k = 0; k < n; ++k) append_hex(out, static_cast<uint8_t>(s[i + k]));
    } else if (cp == '\\') {
      out += "\\\\";
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string sanitize_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = decode(s, i, cp);
    if (n == 0) {
      out += "\xef\xbf\xbd";
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = decode(s, i, cp);
    if (n == 0) { n = 1; cp = '?'; }
    const bool wide = (cp >= 0x1100 && cp <= 0x115f) || (cp >= 0x2e80 && cp <= 0xa4cf) ||
                      (cp >= 0xac00 && cp <= 0xd7a3) || (cp >= 0xf900 && cp <= 0xfaff) ||
                      (cp >= 0xfe30 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xff60) ||
                      (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1f300 && cp <= 0x1faff) ||
                      (cp >= 0x20000 && cp <= 0x3fffd);
    w += wide ? 2 : 1;
    i += n;
  }
  return w;
}

namespace {

// Full-width forms of the half-width katakana block U+FF61..U+FF9D, in order.
constexpr uint16_t kHalfwidthKatakana[] = {
    0x3002, 0x300C, 0x300D, 0x3001, 0x30FB, 0x30F2, 0x30A1, 0x30A3, 0x30A5, 0x30A7, 0x30A9, 0x30E3,  // FF61-FF6C
    0x30E5, 0x30E7, 0x30C3, 0x30FC, 0x30A2, 0x30A4, 0x30A6, 0x30A8, 0x30AA, 0x30AB, 0x30AD, 0x30AF,  // FF6D-FF78
    0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD, 0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8,  // FF79-FF84
    0x30CA, 0x30CB, 0x30CC, 0x30CD, 0x30CE, 0x30CF, 0x30D2, 0x30D5, 0x30D8, 0x30DB, 0x30DE, 0x30DF,  // FF85-FF90
    0x30E0, 0x30E1, 0x30E2, 0x30E4, 0x30E6, 0x30E8, 0x30E9, 0x30EA, 0x30EB, 0x30EC, 0x30ED, 0x30EF,  // FF91-FF9C
    0x30F3,                                                                                          // FF9D
};

// The katakana `base` with the voiced (U+3099) or semi-voiced (U+309A) mark composed, or 0.
uint32_t compose_kana(uint32_t base, uint32_t mark) {
  // カ キ ク ケ コ サ シ ス セ ソ タ チ (U+30AB..U+30C1, every other) and ツ テ ト (U+30C4..U+30C8).
  const bool ka_to = (base >= 0x30AB && base <= 0x30C1 && (base - 0x30AB) % 2 == 0) ||
                     (base >= 0x30C4 && base <= 0x30C8 && (base - 0x30C4) % 2 == 0);
  const bool ha = base >= 0x30CF && base <= 0x30DB && (base - 0x30CF) % 3 == 0;
  if (mark == 0x3099) {
    if (ka_to || ha) return base + 1;
    if (base == 0x30A6) return 0x30F4;               // ウ -> ヴ
    if (base == 0x30EF || base == 0x30F2) return base + 8;  // ワ -> ヷ, ヲ -> ヺ
  }
  if (mark == 0x309A && ha) return base + 2;
  return 0;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

}  // namespace

std::string nfkc_basic(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  uint32_t last_kana = 0;   // the last code point written, when it is a katakana that may compose
  size_t last_at = 0;       // where it starts in `out`
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    const size_t n = decode(s, i, cp);
    if (n == 0) {             // invalid byte: kept as is
      out += s[i++];
      last_kana = 0;
      continue;
    }
    i += n;
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;                      // full-width ASCII
    else if (cp == 0x3000) cp = ' ';                                     // ideographic space
    else if (cp >= 0xFF61 && cp <= 0xFF9D) cp = kHalfwidthKatakana[cp - 0xFF61];
    else if (cp == 0xFF9E) cp = 0x3099;                                  // half-width voiced mark
    else if (cp == 0xFF9F) cp = 0x309A;                                  // half-width semi-voiced mark
    if ((cp == 0x3099 || cp == 0x309A) && last_kana != 0) {
      if (const uint32_t composed = compose_kana(last_kana, cp)) {
        out.resize(last_at);
        append_utf8(out, composed);
        last_kana = 0;
        continue;
      }
    }
    last_at = out.size();
    last_kana = (cp >= 0x30A1 && cp <= 0x30FA) ? cp : 0;
    append_utf8(out, cp);
  }
  return out;
}

}  // namespace anshin::text
