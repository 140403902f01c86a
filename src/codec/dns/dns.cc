#include "codec/dns/dns.h"

#include <optional>

namespace anshin::codec::dns {
namespace {

constexpr size_t kMaxName = 255, kMaxLabels = 127, kMaxPointers = 64;

uint16_t be16(std::string_view b, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(b[at]) << 8) | static_cast<uint8_t>(b[at + 1]));
}

void append_label_byte(std::string& out, uint8_t c, bool keep_case) {
  if (!keep_case && c >= 'A' && c <= 'Z') c = static_cast<uint8_t>(c - 'A' + 'a');
  if ((c > 0x20 || (keep_case && c == 0x20)) && c < 0x7f && c != '\\') {
    out += static_cast<char>(c);
  } else {
    out += '\\';
    out += static_cast<char>('0' + c / 100);
    out += static_cast<char>('0' + (c / 10) % 10);
    out += static_cast<char>('0' + c % 10);
  }
}

// Reads a (possibly compressed) name at `at`; `at` moves past the name's bytes in place.
std::optional<std::string> read_name(std::string_view msg, size_t& at, bool keep_case) {
  std::string out;
  size_t pos = at, wire = 0, labels = 0, pointers = 0;
  bool jumped = false;
  while (true) {
    if (pos >= msg.size()) return std::nullopt;
    const auto len = static_cast<uint8_t>(msg[pos]);
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= msg.size() || ++pointers > kMaxPointers) return std::nullopt;
      if (!jumped) at = pos + 2;
      jumped = true;
      pos = be16(msg, pos) & 0x3fff;
      continue;
    }
    if ((len & 0xc0) != 0) return std::nullopt;  // extended label types: not supported
    if (len == 0) {
      if (!jumped) at = pos + 1;
      return out;
    }
    if (pos + 1 + len > msg.size() || ++labels > kMaxLabels) return std::nullopt;
    wire += len + 1u;
    if (wire > kMaxName) return std::nullopt;
    if (!out.empty()) out += '.';
    for (size_t i = 0; i < len; ++i) append_label_byte(out, static_cast<uint8_t>(msg[pos + 1 + i]), keep_case);
    pos += 1 + len;
  }
}

bool read_answer(std::string_view msg, size_t& at, Answer& a, bool keep_case) {
  auto name = read_name(msg, at, keep_case);
  if (!name || at + 10 > msg.size()) return false;
  a.name = std::move(*name);
  a.type = be16(msg, at);
  a.ttl = (static_cast<uint32_t>(be16(msg, at + 4)) << 16) | be16(msg, at + 6);
  const size_t rdlen = be16(msg, at + 8);
  at += 10;
  if (at + rdlen > msg.size()) return false;
  const std::string_view rdata = msg.substr(at, rdlen);
  if (a.type == kTypeA && rdlen == 4) {
    a.address = IpAddr::v4((static_cast<uint32_t>(be16(rdata, 0)) << 16) | be16(rdata, 2));
  } else if (a.type == kTypeAaaa && rdlen == 16) {
    std::array<uint8_t, 16> b{};
    for (size_t i = 0; i < 16; ++i) b[i] = static_cast<uint8_t>(rdata[i]);
    a.address = IpAddr::v6(b);
  } else if (a.type == kTypeCname || a.type == kTypePtr) {
    size_t t = at;
    auto target = read_name(msg, t, keep_case);
    if (!target) return false;
    a.target = std::move(*target);
  }
  at += rdlen;
  return true;
}

}  // namespace

Result<Message> parse_message(std::string_view msg, ParseOptions options) {
  if (msg.size() < 12) return Error{Errc::kProtocol, "dns: short header"};
  if (msg.size() > kMaxMessage) msg = msg.substr(0, kMaxMessage);
  Message m;
  m.id = be16(msg, 0);
  m.response = (static_cast<uint8_t>(msg[2]) & 0x80) != 0;
  m.rcode = static_cast<uint8_t>(msg[3]) & 0x0f;
  const size_t qd = be16(msg, 4), an = be16(msg, 6), ns = be16(msg, 8), ar = be16(msg, 10);
  size_t at = 12;
  for (size_t i = 0; i < qd && i < kMaxRecords; ++i) {
    auto name = read_name(msg, at, options.keep_case);
    if (!name || at + 4 > msg.size()) return Error{Errc::kProtocol, "dns: malformed question"};
    m.questions.push_back({std::move(*name), be16(msg, at)});
    at += 4;
  }
  for (size_t i = 0; i < an + ns + ar && i < kMaxRecords; ++i) {
    Answer a;
    if (!read_answer(msg, at, a, options.keep_case)) break;
    const bool authority = i >= an && i < an + ns;
    if (!authority) m.answers.push_back(std::move(a));
  }
  return m;
}

}  // namespace anshin::codec::dns
