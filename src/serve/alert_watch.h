// Delivery of alerts (alerts.h): the server looks for newly finished scans every interval, turns each one's
// changes against the finished scan of the same site (`scan --site`) before it into alerts kept in the inventory (serve_alerts: one row per key,
// so each alert exists and is sent once, across restarts), then sends what is pending: a JSON POST to the webhook
// (signed, X-Anshin-Signature; retried with exponential backoff, 2 s to 5 min, given up after 8 attempts) and one
// RFC 5424 datagram to syslog. Scans already in the inventory when alerts are first used raise none.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"
#include "store/store.h"

namespace anshin::serve {

struct AlertOptions {
  std::string webhook_url;                 // "" = none; http://HOST:PORT/PATH
  std::string webhook_secret;              // the HMAC key
  std::string syslog;                      // "" = none; ADDRESS:PORT, UDP
  std::chrono::seconds interval{30};
  std::string hostname = "-";
  std::function<std::string()> now_rfc3339;
};

inline constexpr int kMaxWebhookAttempts = 8;

// http://HOST[:PORT]/PATH -> (host, port, path); nullopt otherwise (https is not supported yet).
struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};
std::optional<HttpUrl> parse_http_url(std::string_view url);

// One POST with a deadline for the whole exchange; the answer's HTTP status.
Result<int> http_post(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body, std::chrono::milliseconds timeout);
// One UDP datagram to ADDRESS:PORT.
Result<void> send_udp(const std::string& address_port, const std::string& datagram);

class AlertWatcher {
 public:
  AlertWatcher(store::Store& store, AlertOptions options);
  // Turns newly finished scans into alerts; returns how many were added.
  Result<size_t> collect();
  // Sends what is due at `now` (unix seconds).
  Result<void> deliver(int64_t now);
  // collect() and deliver() every interval until stopped.
  void run(std::stop_token stop);

 private:
  store::Store& store_;
  AlertOptions options_;
};

}  // namespace anshin::serve
