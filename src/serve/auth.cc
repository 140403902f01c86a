#include "serve/auth.h"

#include <sodium.h>

#include <algorithm>

namespace anshin::serve {

namespace {

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

}  // namespace

const char* role_name(Role role) { return role == Role::kAdmin ? "admin" : "viewer"; }

std::optional<Role> parse_role(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "viewer") return Role::kViewer;
  return std::nullopt;
}

bool valid_user_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '@' || c == '-';
  });
}

Result<std::string> hash_password(std::string_view password) {
  if (password.size() < kMinPasswordBytes || password.size() > kMaxPasswordBytes)
    return Error{Errc::kInvalidInput, "a password has 10 to 1024 bytes"};
  if (!sodium_ready()) return Error{Errc::kIo, "libsodium could not start"};
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                            crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0)
    return Error{Errc::kIo, "out of memory while hashing the password"};
  return std::string(out);
}

bool verify_password(const std::string& hash, std::string_view password) {
  if (!sodium_ready() || password.size() > kMaxPasswordBytes || hash.size() >= crypto_pwhash_STRBYTES) return false;
  if (hash.rfind("$argon2id$", 0) != 0) return false;
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

std::string random_token() {
  sodium_ready();
  unsigned char bytes[32];
  randombytes_buf(bytes, sizeof bytes);
  char hex[sizeof bytes * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, bytes, sizeof bytes);
  return std::string(hex, sizeof bytes * 2);
}

bool tokens_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || a.empty()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string Sessions::create(const std::string& user, Role role, Clock::time_point now) {
  std::lock_guard lock(mu_);
  // Expired sessions go first; if still full, the least recently used one.
  std::erase_if(by_token_, [&](const auto& kv) {
    return now - kv.second.last_used > kIdle || now - kv.second.created > kMaxAge;
  });
  if (by_token_.size() >= kMaxSessions) {
    auto oldest = std::min_element(by_token_.begin(), by_token_.end(), [](const auto& a, const auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    by_token_.erase(oldest);
  }
  std::string token = random_token();
  by_token_[token] = Session{user, role, random_token(), now, now};
  return token;
}

std::optional<Session> Sessions::find(const std::string& token, Clock::time_point now) {
  if (token.size() != 64) return std::nullopt;
  std::lock_guard lock(mu_);
  auto it = by_token_.find(token);
  if (it == by_token_.end()) return std::nullopt;
  if (now - it->second.last_used > kIdle || now - it->second.created > kMaxAge) {
    by_token_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void Sessions::remove(const std::string& token) {
  std::lock_guard lock(mu_);
  by_token_.erase(token);
}

void Sessions::remove_user(const std::string& user) {
  std::lock_guard lock(mu_);
  std::erase_if(by_token_, [&](const auto& kv) { return kv.second.user == user; });
}

std::optional<int> LoginLimiter::wait_for(std::deque<Clock::time_point>& times, Clock::time_point now) {
  while (!times.empty() && now - times.front() >= kWindow) times.pop_front();
  if (times.size() < kMaxFailures) return std::nullopt;
  const auto left = kWindow - (now - times.front());
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(left).count()) + 1;
}

std::optional<int> LoginLimiter::refused(const std::string& peer, const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mu_);
  auto by_peer = wait_for(failures_["p:" + peer], now);
  auto by_user = wait_for(failures_["u:" + user], now);
  if (by_peer || by_user) return std::max(by_peer.value_or(0), by_user.value_or(0));
  return std::nullopt;
}

void LoginLimiter::failed(const std::string& peer, const std::string& user, Clock::time_point now) {
  std::lock_guard lock(mu_);
  if (failures_.size() > 100000) failures_.clear();  // bounded memory under a spray of names
  for (const std::string& key : {"p:" + peer, "u:" + user}) {
    auto& times = failures_[key];
    times.push_back(now);
    while (times.size() > kMaxFailures) times.pop_front();
  }
}

}  // namespace anshin::serve
