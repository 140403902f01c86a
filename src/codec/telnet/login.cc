#include "codec/telnet/login.h"

namespace anshin::codec::telnet {
namespace {

constexpr uint8_t kIac = 255, kSb = 250, kSe = 240, kWill = 251, kDont = 254;

bool ends_with_prompt(const std::string& tail) {
  size_t end = tail.size();
  while (end > 0 && (tail[end - 1] == ' ' || tail[end - 1] == '\t')) --end;
  const std::string_view t(tail.data(), end);
  for (std::string_view p : {"password:", "passcode:", "passwd:"})
    if (t.size() >= p.size() && t.substr(t.size() - p.size()) == p) return true;
  return false;
}

}  // namespace

bool LoginWatch::Commands::data(uint8_t c) {
  switch (state) {
    case 0:
      if (c == kIac) {
        state = 1;
        return false;
      }
      return true;
    case 1:
      if (c == kIac) {  // IAC IAC: a literal 255
        state = 0;
        return true;
      }
      state = c == kSb ? 3 : (c >= kWill && c <= kDont) ? 2 : 0;
      return false;
    case 2:
      state = 0;
      return false;
    case 3:
      if (c == kIac) state = 4;
      return false;
    default:  // 4
      state = c == kSe ? 0 : 3;
      return false;
  }
}

void LoginWatch::server_bytes(std::string_view bytes) {
  if (login_) return;
  bool text = false;
  for (const char ch : bytes) {
    const auto c = static_cast<uint8_t>(ch);
    if (!server_cmd_.data(c) || c == 0) continue;
    text = true;
    if (c == '\r' || c == '\n') {
      tail_.clear();
      continue;
    }
    if (tail_.size() == kTail) tail_.erase(0, 1);
    tail_ += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (!text) return;  // negotiation only: the prompt, if any, still stands
  // A prompt is what the server's text ends with when it stops to wait for the client.
  const bool prompt = ends_with_prompt(tail_);
  if (prompt && !prompted_) typed_ = 0;
  prompted_ = prompt;
}

void LoginWatch::client_bytes(std::string_view bytes) {
  if (login_ || !prompted_) return;
  for (const char ch : bytes) {
    const auto c = static_cast<uint8_t>(ch);
    if (!client_cmd_.data(c) || c == 0) continue;
    if (c == '\r' || c == '\n') {
      if (typed_ > 0) {
        login_ = true;
        return;
      }
      continue;
    }
    ++typed_;
  }
}

bool parse_login_transcript(std::string_view transcript) {
  LoginWatch w;
  for (size_t i = 0; i + 1 < transcript.size(); i += 2) {
    const std::string_view byte = transcript.substr(i + 1, 1);
    if (transcript[i] == 'S') w.server_bytes(byte);
    else w.client_bytes(byte);
  }
  return w.login();
}

}  // namespace anshin::codec::telnet
