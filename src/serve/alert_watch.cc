#include "serve/alert_watch.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <thread>

#include "serve/alerts.h"
#include "store/diff.h"
#include "store/serve_tables.h"

namespace anshin::serve {

namespace {

// A socket to host:port (TCP or UDP) with send/receive timeouts, or -1.
int open_socket(const std::string& host, const std::string& port, int type, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = type;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.c_str(), port.c_str(), &hints, &found) != 0 || !found) return -1;
  int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  if (fd >= 0) {
    timeval tv{static_cast<time_t>(timeout.count() / 1000), static_cast<suseconds_t>(timeout.count() % 1000 * 1000)};
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, found->ai_addr, found->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  return fd;
}

std::pair<std::string, std::string> split_host_port(const std::string& text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) return {text, ""};
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
  return {host, text.substr(colon + 1)};
}

int64_t backoff_seconds(int attempts) { return std::min<int64_t>(300, int64_t{1} << std::min(attempts, 9)); }

}  // namespace

std::optional<HttpUrl> parse_http_url(std::string_view url) {
  HttpUrl out;
  if (url.starts_with("https://")) {
    out.tls = true;
    out.port = "443";
    url.remove_prefix(8);
  } else if (url.starts_with("http://")) {
    url.remove_prefix(7);
  } else {
    return std::nullopt;
  }
  const size_t slash = url.find('/');
  const std::string authority(url.substr(0, slash));
  if (slash != std::string_view::npos) out.path = std::string(url.substr(slash));
  if (authority.empty() || out.path.find_first_of(" \r\n") != std::string::npos) return std::nullopt;
  if (authority.find_first_of(" \r\n@") != std::string::npos) return std::nullopt;
  if (authority.find(':') != std::string::npos) {
    auto [host, port] = split_host_port(authority);
    if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    out.host = host;
    out.port = port;
  } else {
    out.host = authority;
  }
  return out;
}

std::string http_post_request(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                              const std::string& body) {
  const bool v6 = url.host.find(':') != std::string::npos;
  std::string request = "POST " + url.path + " HTTP/1.1\r\nHost: " + (v6 ? "[" + url.host + "]" : url.host) + ":" +
                        url.port + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nConnection: close\r\nUser-Agent: anshin\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  return request + "\r\n" + body;
}

int connect_tcp(const HttpUrl& url, std::chrono::milliseconds timeout) {
  return open_socket(url.host, url.port, SOCK_STREAM, timeout);
}

Result<int> http_status(const std::string& head) {
  if (head.size() < 12 || head.rfind("HTTP/1.", 0) != 0) return Error{Errc::kProtocol, "webhook: no HTTP answer"};
  return std::atoi(head.c_str() + 9);
}

Result<int> http_post(const HttpUrl& url, const std::vector<std::pair<std::string, std::string>>& headers,
                      const std::string& body, std::chrono::milliseconds timeout, const std::string& ca_file) {
  const int fd = connect_tcp(url, timeout);
  if (fd < 0) return Error{Errc::kIo, "webhook: cannot connect to " + url.host + ":" + url.port};
  const std::string request = http_post_request(url, headers, body);
  if (url.tls) {
    auto status = https_exchange(fd, url, request, ca_file);
    close(fd);
    return status;
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      return Error{Errc::kIo, "webhook: send failed"};
    }
    sent += static_cast<size_t>(n);
  }
  char head[64];
  size_t got = 0;
  while (got < 12) {
    const ssize_t n = recv(fd, head + got, sizeof head - got, 0);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  close(fd);
  return http_status(std::string(head, got));
}

Result<void> send_udp(const std::string& address_port, const std::string& datagram) {
  auto [host, port] = split_host_port(address_port);
  const int fd = open_socket(host, port, SOCK_DGRAM, std::chrono::milliseconds(1000));
  if (fd < 0) return Error{Errc::kIo, "syslog: cannot reach " + address_port};
  const ssize_t n = send(fd, datagram.data(), datagram.size(), 0);
  close(fd);
  if (n != static_cast<ssize_t>(datagram.size())) return Error{Errc::kIo, "syslog: send failed"};
  return {};
}

AlertWatcher::AlertWatcher(store::Store& store, AlertOptions options) : store_(store), options_(std::move(options)) {
  if (!options_.now_rfc3339) options_.now_rfc3339 = [] { return std::string("-"); };
}

Result<size_t> AlertWatcher::collect() {
  auto seen = store::ServeTables::alert_scans(store_);
  if (!seen) return seen.error();
  auto all = store_.list_scans();
  if (!all) return all.error();
  std::vector<store::StoredScan> finished;
  for (auto& s : *all)
    if (s.completed && !s.reassessed_from) finished.push_back(std::move(s));  // not a partial, interrupted scan
  const bool baseline = seen->empty();  // alerts start now: what is stored already raises none
  size_t added = 0;
  for (size_t i = 0; i < finished.size(); ++i) {
    const auto number = finished[i].number;
    if (std::binary_search(seen->begin(), seen->end(), number)) continue;
    size_t before = i;  // the finished scan of the same site and kind before this one (store::ScanPair)
    while (before > 0 && (finished[before - 1].info.site != finished[i].info.site ||
                          scan_kind(finished[before - 1].info) != scan_kind(finished[i].info)))
      --before;
    if (!baseline && before > 0) {
      auto older = store_.identified_snapshot(finished[before - 1].number);
      if (!older) return older.error();
      auto newer = store_.identified_snapshot(number);
      if (!newer) return newer.error();
      for (const auto& a : alerts_for(store::diff_scans(*older, *newer, options_.firmware_order))) {
        store::ServeAlertRow row{a.key, number, a.kind, severity_name(a.severity), webhook_body(a),
                                 syslog_line(a, options_.now_rfc3339(), options_.hostname), options_.now_rfc3339(),
                                 options_.webhook_url.empty() ? 3 : 0, options_.syslog.empty() ? 3 : 0};
        auto fresh = store::ServeTables::add_alert(store_, row);
        if (!fresh) return fresh.error();
        added += *fresh ? 1 : 0;
      }
    }
    if (auto marked = store::ServeTables::mark_alert_scan(store_, number); !marked) return marked.error();
  }
  return added;
}

Result<void> AlertWatcher::deliver(int64_t now) {
  auto pending = store::ServeTables::alerts(store_, true, now, 100);
  if (!pending) return pending.error();
  const auto url = parse_http_url(options_.webhook_url);
  for (auto& row : *pending) {
    bool failed = false;
    if (row.webhook_state == 0) {
      if (!url) {
        row.webhook_state = 3;
      } else {
        auto status = http_post(*url, {{"X-Anshin-Signature", webhook_signature(options_.webhook_secret, row.body)},
                                       {"X-Anshin-Alert-Key", row.key}},
                                row.body, std::chrono::seconds(10), options_.webhook_ca);
        if (status && *status >= 200 && *status < 300) row.webhook_state = 1;
        else failed = true;
      }
    }
    if (row.syslog_state == 0) {
      if (options_.syslog.empty()) row.syslog_state = 3;
      else if (send_udp(options_.syslog, row.syslog)) row.syslog_state = 1;
      else failed = true;
    }
    if (failed) {
      ++row.attempts;
      row.next_attempt = now + backoff_seconds(row.attempts);
      if (row.attempts >= kMaxWebhookAttempts) {
        if (row.webhook_state == 0) row.webhook_state = 2;
        if (row.syslog_state == 0) row.syslog_state = 2;
      }
    }
    if (auto updated = store::ServeTables::update_alert(store_, row); !updated) return updated.error();
  }
  return {};
}

void AlertWatcher::run(std::stop_token stop) {
  while (!stop.stop_requested()) {
    (void)collect();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    (void)deliver(now);
    for (auto waited = std::chrono::milliseconds(0); waited < options_.interval && !stop.stop_requested();
         waited += std::chrono::milliseconds(100))
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace anshin::serve
