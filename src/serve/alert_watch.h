// Delivery of alerts (alerts.h): the server looks for newly completed scans every interval (an interrupted scan
// raises nothing until it is resumed to completion: its missing hosts are not gone), turns each one's
// changes against the completed scan of the same site (`scan --site`) before it into alerts kept in the inventory (serve_alerts: one row per key,
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
#include "store/diff.h"
#include "store/store.h"

namespace anshin::serve {

struct AlertOptions {
  std::string webhook_url;                 // "" = none; http:// or https://HOST:PORT/PATH
  std::string webhook_ca;                  // https: a PEM file of CA certificates trusted besides the system's
  std::string webhook_secret;              // the HMAC key
  std::string syslog;                      // "" = none; ADDRESS:PORT, UDP
  std::chrono::seconds interval{30};
  std::string hostname = "-";
  std::function<std::string()> now_rfc3339;
  store::FirmwareOrder firmware_order;     // the knowledge base's version order; none: no downgrade claimed
};

inline constexpr int kMaxWebhookAttempts = 8;

// http[s]://HOST[:PORT]/PATH -> (tls, host, port, path); nullopt otherwise.
struct HttpUrl {
  bool tls = false;
  std::string host;
  std::string port = "80";  // 443 for https
  std::string path = "/";
};
std::optional<HttpUrl> parse_http_url(std::string_view url);

// One POST with a deadline for each send and receive; the answer's HTTP status. https (webhook_tls.cc): TLS 1.2
// or later, the server's certificate verified against the system's trust store plus `ca_file` (when not
// empty) and its name (or IP address) checked against the URL's host; any failure is an error, never a
// fallback to plain text.
Result<int> http_post(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body, std::chrono::milliseconds timeout, const std::string& ca_file = "");
// The request bytes of such a POST.
std::string http_post_request(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& body);
// An open TCP connection to url's host and port with send/receive timeouts, or -1.
int connect_tcp(const HttpUrl& url, std::chrono::milliseconds timeout);
// The status code of an HTTP/1.x status line at the start of `head`, or an error.
Result<int> http_status(const std::string& head);
Result<int> https_exchange(int fd, const HttpUrl& url, const std::string& request, const std::string& ca_file);
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
