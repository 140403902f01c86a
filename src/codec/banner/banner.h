// Plain-text service banners: telnet (IAC negotiation stripped, RFC 854/855), FTP 220 greeting
// (RFC 959 multi-line "220-..." ... "220 ..."), SSH identification (RFC 4253 §4.2,
// "SSH-protoversion-softwareversion SP comments"). Limits: 16 KiB input, 4 KiB output text,
// 64 FTP lines, 32 pre-identification SSH lines.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::codec::banner {

inline constexpr size_t kMaxInput = 16 * 1024;
inline constexpr size_t kMaxText = 4 * 1024;

struct Telnet {
  std::string text;  // data bytes with every IAC sequence removed (IAC IAC -> 0xFF), bounded
  std::vector<uint8_t> do_options, dont_options, will_options, wont_options;  // as requested by the server (bounded)
  size_t commands = 0;  // number of IAC sequences seen
};
// Never fails: a truncated trailing sequence is dropped.
Telnet strip_telnet(std::string_view bytes);
// The polite reply to the server's negotiation: WONT for every DO, DONT for every WILL.
std::string telnet_refusals(const Telnet& t);

struct FtpGreeting {
  int code = 0;           // 220, 421, ...
  std::string text;       // lines joined with '\n', code and separator removed
  bool complete = false;  // the final "NNN " line was seen
};
// Errc::kProtocol when the first line does not start with three digits.
Result<FtpGreeting> parse_ftp_greeting(std::string_view bytes);

struct SshIdent {
  std::string line;              // the identification line without CR LF
  std::string proto_version;     // "2.0" (or "1.99")
  std::string software_version;  // "OpenSSH_8.4p1", "dropbear_2019.78"
  std::string comments;          // after the first space, may be empty
};
// True when the text ends in a prompt waiting for input ("login: ", "Password:", "> ", "# "): the
// last line is not empty, not ended by a newline, and its last non-blank character is one of ":>#$%".
// After a prompt a server-first service sends nothing more until it is answered.
bool ends_with_prompt(std::string_view text);

// Finds the SSH- line among the first lines (servers may send other text before it).
// Errc::kProtocol when there is no complete SSH- line.
Result<SshIdent> parse_ssh_ident(std::string_view bytes);

}  // namespace anshin::codec::banner
