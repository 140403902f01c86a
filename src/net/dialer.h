// The only door to the network for probes (leveldb's Env idea): Dialer opens TCP, TLS and UDP
// exchanges with deadlines, and refuses any address outside the scan's scope (a ScopeCheck), so a
// probe cannot be tricked into following an ONVIF XAddr or UPnP Location to a foreign host.
// Asio-based (coroutines): include from .cc files of net/, probes/, discovery/, scan/ only.
#pragma once
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/ip.h"
#include "core/result.h"

namespace anshin::net {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// What a TLS handshake revealed.
struct TlsInfo {
  std::string version;         // "TLSv1.2"
  std::string peer_cert_der;   // the leaf certificate, DER bytes ("" when none)
};

// A connected byte stream (plain TCP or TLS). Every call has a deadline; errors are values:
// kTimeout at the deadline, kClosed at end of stream, kIo/kTls otherwise. Never throws.
class Stream {
 public:
  virtual ~Stream() = default;
  virtual boost::asio::awaitable<Result<void>> write(std::string_view data, Deadline deadline) = 0;
  // Appends at most `max` bytes to `buffer` (at least one on success).
  virtual boost::asio::awaitable<Result<size_t>> read_some(std::string& buffer, size_t max, Deadline deadline) = 0;
  virtual const TlsInfo* tls() const { return nullptr; }
};

// Returns true when the address may be contacted by this scan.
using ScopeCheck = std::function<bool(const IpAddr&)>;

class Dialer {
 public:
  virtual ~Dialer() = default;
  virtual boost::asio::awaitable<Result<std::unique_ptr<Stream>>> connect(const IpAddr& address, uint16_t port,
                                                                          Deadline deadline) = 0;
  // TLS without certificate verification (we observe certificates, we do not trust them);
  // SNI is not sent (targets are addresses).
  virtual boost::asio::awaitable<Result<std::unique_ptr<Stream>>> connect_tls(const IpAddr& address, uint16_t port,
                                                                              Deadline deadline) = 0;
  // Number of connections opened so far (for per-host budgets and tests).
  virtual uint64_t connections_opened() const = 0;
};

// The real dialer on an Asio executor. Addresses for which `in_scope` is false get Errc::kOutOfScope
// without any packet being sent.
std::unique_ptr<Dialer> make_tcp_dialer(boost::asio::any_io_executor executor, ScopeCheck in_scope);

// The same, created on first use on whatever executor the calling coroutine runs on: for code that
// is set up before the event loop exists (the scan pipeline hands one dialer to probes and UDP discovery).
std::unique_ptr<Dialer> make_lazy_tcp_dialer(ScopeCheck in_scope);

// Reads from `stream` until `complete(buffer)` says the message is whole (true), the peer closes,
// `limit` bytes are buffered (Errc::kProtocol "response larger than N bytes") or the deadline passes.
// A close after some bytes returns what was read; `complete` decides whether that is enough.
boost::asio::awaitable<Result<std::string>> read_until(Stream& stream, const std::function<bool(std::string_view)>& complete,
                                                       size_t limit, Deadline deadline);

}  // namespace anshin::net
