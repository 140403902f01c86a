#include "codec/html/html.h"

#include <cstdint>

#include "core/text.h"

namespace anshin::codec::html {
namespace {

void append_utf8(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

size_t ifind(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (text::iequals(hay.substr(i, needle.size()), needle)) return i;
  return std::string_view::npos;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

}  // namespace

std::string decode_entities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string_view ent = s.substr(i + 1, semi - i - 1);
    bool ok = true;
    if (ent == "amp") out.push_back('&');
    else if (ent == "lt") out.push_back('<');
    else if (ent == "gt") out.push_back('>');
    else if (ent == "quot") out.push_back('"');
    else if (ent == "apos") out.push_back('\'');
    else if (ent == "nbsp") out.push_back(' ');
    else if (ent.size() >= 2 && ent[0] == '#') {
      uint32_t cp = 0;
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      std::string_view digits = ent.substr(hex ? 2 : 1);
      if (digits.empty() || digits.size() > 7) ok = false;
      for (char c : digits) {
        if (!ok) break;
        int d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (hex && c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (hex && c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else { ok = false; break; }
        cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (ok) append_utf8(out, cp);
    } else {
      ok = false;
    }
    if (!ok) {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

Result<std::string> extract_title(std::string_view page, const Limits& limits) {
  if (page.size() > limits.max_scan) page = page.substr(0, limits.max_scan);
  size_t i = 0;
  while (i < page.size()) {
    size_t lt = page.find('<', i);
    if (lt == std::string_view::npos) break;
    if (page.compare(lt, 4, "<!--") == 0) {
      size_t end = page.find("-->", lt + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (lt + 6 <= page.size() && text::iequals(page.substr(lt, 6), "<title") &&
        (lt + 6 == page.size() || page[lt + 6] == '>' || is_space(page[lt + 6]) || page[lt + 6] == '/')) {
      size_t gt = page.find('>', lt + 6);
      if (gt == std::string_view::npos) break;
      size_t close = ifind(page, "</title", gt + 1);
      if (close == std::string_view::npos) break;
      std::string_view raw = page.substr(gt + 1, close - gt - 1);
      std::string collapsed;
      bool space = false;
      for (char c : decode_entities(raw)) {
        if (is_space(c)) {
          space = !collapsed.empty();
          continue;
        }
        if (space) collapsed.push_back(' ');
        space = false;
        collapsed.push_back(c);
        if (collapsed.size() >= limits.max_title) break;
      }
      return collapsed;
    }
    i = lt + 1;
  }
  return make_error(Errc::kNotFound, "html: no <title>");
}

}  // namespace anshin::codec::html
