// Who may use the server: users with roles, Argon2id password hashes (libsodium), sessions, CSRF tokens
// and login rate limiting. Pure of I/O except through UserDirectory (the inventory's tables, or memory in
// tests) and the clock passed in.
#pragma once
#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::serve {

enum class Role { kViewer, kAdmin };
const char* role_name(Role role);
std::optional<Role> parse_role(std::string_view name);

struct User {
  std::string name;
  Role role = Role::kViewer;
  std::string password_hash;  // libsodium crypto_pwhash_str (Argon2id) output
};

struct AuditEntry {
  std::string at;       // RFC 3339 UTC
  std::string user;     // who did it ("" = nobody logged in)
  std::string action;   // "login", "login.failed", "logout", "user.create", "user.delete"
  std::string detail;   // e.g. the user created and its role
  std::string peer;     // client address
};

// Where users and the audit log persist.
class UserDirectory {
 public:
  virtual ~UserDirectory() = default;
  virtual Result<std::optional<User>> find_user(const std::string& name) = 0;
  virtual Result<std::vector<User>> list_users() = 0;
  virtual Result<void> put_user(const User& user) = 0;  // insert or replace
  virtual Result<bool> remove_user(const std::string& name) = 0;
  virtual Result<void> append_audit(const AuditEntry& entry) = 0;
  virtual Result<std::vector<AuditEntry>> audit_log(size_t newest) = 0;  // newest first
};

// A user name: 1..64 of [A-Za-z0-9._@-].
bool valid_user_name(std::string_view name);
// Passwords: 10..1024 bytes.
inline constexpr size_t kMinPasswordBytes = 10;
inline constexpr size_t kMaxPasswordBytes = 1024;

// Argon2id (libsodium's interactive limits). Errors: kInvalidInput for a password out of bounds, kIo when
// libsodium cannot run (out of memory).
Result<std::string> hash_password(std::string_view password);
bool verify_password(const std::string& hash, std::string_view password);

// 32 random bytes as 64 lower-case hex characters (libsodium's CSPRNG).
std::string random_token();
// Constant-time equality.
bool tokens_equal(std::string_view a, std::string_view b);

using Clock = std::chrono::steady_clock;

struct Session {
  std::string user;
  Role role = Role::kViewer;
  std::string csrf;             // sent back in X-CSRF-Token on every state-changing request
  Clock::time_point created;
  Clock::time_point last_used;
};

// Sessions live in memory (a restart logs everyone out). A token is only ever made by create():
// a token the client brings is never adopted, so session fixation cannot work.
class Sessions {
 public:
  static constexpr auto kIdle = std::chrono::minutes(30);
  static constexpr auto kMaxAge = std::chrono::hours(12);
  static constexpr size_t kMaxSessions = 1000;

  std::string create(const std::string& user, Role role, Clock::time_point now);
  // The live session for token (refreshing its idle timer), or nullopt.
  std::optional<Session> find(const std::string& token, Clock::time_point now);
  void remove(const std::string& token);
  void remove_user(const std::string& user);

 private:
  std::mutex mu_;
  std::map<std::string, Session> by_token_;
};

// At most kMaxFailures failed logins per client address and per user name in kWindow; further attempts
// are refused (even with the right password) until the window has passed.
class LoginLimiter {
 public:
  static constexpr size_t kMaxFailures = 5;
  static constexpr auto kWindow = std::chrono::minutes(15);

  // nullopt when allowed, else the seconds to wait.
  std::optional<int> refused(const std::string& peer, const std::string& user, Clock::time_point now);
  void failed(const std::string& peer, const std::string& user, Clock::time_point now);

 private:
  std::optional<int> wait_for(std::deque<Clock::time_point>& times, Clock::time_point now);
  std::mutex mu_;
  std::map<std::string, std::deque<Clock::time_point>> failures_;  // "p:" + peer, "u:" + user
};

}  // namespace anshin::serve
