#include "codec/banner/banner.h"

#include "core/text.h"

namespace anshin::codec::banner {
namespace {

constexpr unsigned char kIac = 255, kDont = 254, kDo = 253, kWont = 252, kWill = 251, kSb = 250, kSe = 240;
constexpr size_t kMaxOptions = 64;

}  // namespace

Telnet strip_telnet(std::string_view in) {
  if (in.size() > kMaxInput) in = in.substr(0, kMaxInput);
  Telnet t;
  auto u = [&](size_t i) { return static_cast<unsigned char>(in[i]); };
  size_t i = 0;
  while (i < in.size()) {
    unsigned char c = u(i);
    if (c != kIac) {
      if (t.text.size() < kMaxText) t.text.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    if (i + 1 >= in.size()) break;  // truncated IAC
    unsigned char cmd = u(i + 1);
    if (cmd == kIac) {
      if (t.text.size() < kMaxText) t.text.push_back(static_cast<char>(0xFF));
      i += 2;
      continue;
    }
    ++t.commands;
    if (cmd >= kWill && cmd <= kDont) {
      if (i + 2 >= in.size()) break;
      unsigned char opt = u(i + 2);
      auto& v = cmd == kDo ? t.do_options : cmd == kDont ? t.dont_options : cmd == kWill ? t.will_options : t.wont_options;
      if (v.size() < kMaxOptions) v.push_back(opt);
      i += 3;
    } else if (cmd == kSb) {
      // Skip to IAC SE (or the end).
      size_t j = i + 2;
      while (j + 1 < in.size() && !(u(j) == kIac && u(j + 1) == kSe)) ++j;
      i = j + 1 < in.size() ? j + 2 : in.size();
    } else {
      i += 2;  // NOP, GA, AYT, ...
    }
  }
  return t;
}

std::string telnet_refusals(const Telnet& t) {
  std::string out;
  for (uint8_t o : t.do_options) {
    out.push_back(static_cast<char>(kIac));
    out.push_back(static_cast<char>(kWont));
    out.push_back(static_cast<char>(o));
  }
  for (uint8_t o : t.will_options) {
    out.push_back(static_cast<char>(kIac));
    out.push_back(static_cast<char>(kDont));
    out.push_back(static_cast<char>(o));
  }
  return out;
}

Result<FtpGreeting> parse_ftp_greeting(std::string_view in) {
  if (in.size() > kMaxInput) in = in.substr(0, kMaxInput);
  auto digits3 = [](std::string_view l) {
    return l.size() >= 3 && l[0] >= '1' && l[0] <= '5' && l[1] >= '0' && l[1] <= '9' && l[2] >= '0' && l[2] <= '9';
  };
  FtpGreeting g;
  size_t pos = 0, lines = 0;
  std::string code;
  while (pos < in.size() && lines < 64) {
    size_t nl = in.find('\n', pos);
    if (nl == std::string_view::npos) break;  // only complete lines count
    std::string_view line = in.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    ++lines;
    if (lines == 1) {
      if (!digits3(line)) return make_error(Errc::kProtocol, "ftp: greeting does not start with a reply code");
      code = std::string(line.substr(0, 3));
      g.code = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    }
    std::string_view content = line;
    bool last = false;
    if (line.size() >= 3 && line.substr(0, 3) == code) {
      if (line.size() == 3 || line[3] == ' ') last = true;
      content = line.size() > 4 ? line.substr(4) : std::string_view{};
    }
    if (!g.text.empty()) g.text.push_back('\n');
    g.text.append(text::trim(content));
    if (g.text.size() > kMaxText) g.text.resize(kMaxText);
    if (last) {
      g.complete = true;
      break;
    }
  }
  if (lines == 0) {  // no complete line yet: report the code if it is already there
    if (!digits3(in)) return make_error(Errc::kProtocol, "ftp: no reply code");
    g.code = (in[0] - '0') * 100 + (in[1] - '0') * 10 + (in[2] - '0');
  }
  return g;
}

Result<SshIdent> parse_ssh_ident(std::string_view in) {
  if (in.size() > kMaxInput) in = in.substr(0, kMaxInput);
  size_t pos = 0;
  for (int lines = 0; lines < 32 && pos < in.size(); ++lines) {
    size_t nl = in.find('\n', pos);
    if (nl == std::string_view::npos) break;
    std::string_view line = in.substr(pos, nl - pos);
    pos = nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, 4) != "SSH-") continue;
    if (line.size() > 255) return make_error(Errc::kProtocol, "ssh: identification line too long");
    SshIdent id;
    id.line = std::string(line);
    std::string_view rest = line.substr(4);
    size_t dash = rest.find('-');
    if (dash == std::string_view::npos) return make_error(Errc::kProtocol, "ssh: no software version");
    id.proto_version = std::string(rest.substr(0, dash));
    rest = rest.substr(dash + 1);
    size_t sp = rest.find(' ');
    id.software_version = std::string(rest.substr(0, sp));
    if (sp != std::string_view::npos) id.comments = std::string(text::trim(rest.substr(sp + 1)));
    return id;
  }
  return make_error(Errc::kProtocol, "ssh: no identification line");
}

bool ends_with_prompt(std::string_view text) {
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty()) return false;
  const char last = text.back();
  return last == ':' || last == '>' || last == '#' || last == '$' || last == '%';
}

}  // namespace anshin::codec::banner
