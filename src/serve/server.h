// The HTTP/1.1 server of `anshin serve` (Boost.Beast over Asio, optionally TLS): reads bounded requests
// and hands each to a handler (app.h). Asio stays in server.cc; this header is plain.
//
// Limits against slow or huge requests: a request's header (kHeaderLimit) and body (kBodyLimit) are
// bounded (431 / 413, then the connection closes); the whole request, from its first byte or from the
// end of the previous answer, must arrive within read_timeout (else the connection is closed); an
// answer must be taken within write_timeout; at most max_connections at once (more are closed at once).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "serve/http_types.h"

namespace anshin::serve {

inline constexpr size_t kHeaderLimit = 8 * 1024;
inline constexpr size_t kBodyLimit = 64 * 1024;
inline constexpr size_t kSensorBodyLimit = 16 * 1024 * 1024;  // /api/v1/sensor/...: result chunks

struct ListenAddress {
  std::string host;   // "127.0.0.1", "::1", "0.0.0.0"
  uint16_t port = 0;
  bool loopback = false;
};
// "ADDR:PORT" or "[V6]:PORT" with a numeric address; port 0 = any free port.
Result<ListenAddress> parse_listen(std::string_view text);

struct ServerOptions {
  ListenAddress listen;
  std::string tls_cert;                    // PEM chain; with tls_key: HTTPS only
  std::string tls_key;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{30000};
  size_t max_connections = 128;
  int threads = 2;
  std::function<void(const std::string& bound)> on_ready;  // "ADDR:PORT" actually bound, once listening
};

using Handler = std::function<Response(const Request&)>;

// Serves until SIGINT or SIGTERM. Errors: the address cannot be bound, the certificate or key cannot
// be loaded.
Result<void> run_server(const ServerOptions& options, const Handler& handler);

}  // namespace anshin::serve
