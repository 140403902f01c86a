// Telnet logins in cleartext (RFC 854): whether a client typed a line after the server asked for a
// password. Only the fact is kept: the bytes the client sends are counted, never stored or returned.
//
// LoginWatch follows one connection, both directions in arrival order. Telnet commands (IAC ...,
// including subnegotiations) are skipped; the last kTail bytes of the server's text are kept to spot a
// prompt: the server's text ends, at the end of a segment, with "password:", "passcode:" or "passwd:"
// (case-insensitive, trailing spaces allowed; it may be split across segments). While that prompt
// stands, a client line that ends (CR or LF) after at least one typed byte is a login: login() turns
// true and stays true. Memory is fixed (a few dozen bytes) whatever the input.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace anshin::codec::telnet {

inline constexpr uint16_t kPort = 23;

class LoginWatch {
 public:
  static constexpr size_t kTail = 32;

  void server_bytes(std::string_view bytes);
  void client_bytes(std::string_view bytes);

  bool login() const { return login_; }
  bool password_prompted() const { return prompted_; }

 private:
  // Telnet command state of one direction: 0 data, 1 after IAC, 2 after IAC WILL/WONT/DO/DONT,
  // 3 inside a subnegotiation, 4 after IAC inside a subnegotiation.
  struct Commands {
    int state = 0;
    bool data(uint8_t c);  // true when c is a data byte
  };

  Commands server_cmd_, client_cmd_;
  std::string tail_;          // the server's last printable bytes, lower case (<= kTail)
  bool prompted_ = false;     // the server's text ends with a password prompt
  size_t typed_ = 0;          // bytes typed since the prompt (a count, never the bytes)
  bool login_ = false;
};

// Feeds `transcript` to a LoginWatch, for the fuzz target and tests: each byte's direction is given by
// the byte before it ('S' server, anything else client); true when a login was seen.
bool parse_login_transcript(std::string_view transcript);

}  // namespace anshin::codec::telnet
