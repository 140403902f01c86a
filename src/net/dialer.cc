#include "net/dialer.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/write.hpp>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>
#include <variant>

namespace anshin::net {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

tcp::endpoint to_endpoint(const IpAddr& a, uint16_t port) {
  if (a.is_v4()) return {asio::ip::address_v4(a.v4_value()), port};
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.v6_bytes().data(), 16);
  return {asio::ip::address_v6(b), port};
}

Error from_ec(const boost::system::error_code& ec) {
  if (ec == asio::error::connection_refused) return {Errc::kRefused, "connection refused"};
  if (ec == asio::error::eof || ec == asio::error::connection_reset || ec == ssl::error::stream_truncated)
    return {Errc::kClosed, "connection closed by peer"};
  if (ec == asio::error::operation_aborted || ec == asio::error::timed_out) return {Errc::kTimeout, "timed out"};
  if (ec.category() == asio::error::get_ssl_category()) return {Errc::kTls, "TLS: " + ec.message()};
  return {Errc::kIo, ec.message()};
}


// A Stream over any Asio async stream (a TCP socket, or TLS on one): every operation races a timer.
template <class AsyncStream>
class DeadlineStream : public Stream {
 public:
  template <class... Args>
  explicit DeadlineStream(Args&&... args) : stream_(std::forward<Args>(args)...), timer_(stream_.get_executor()) {}

  asio::awaitable<Result<void>> write(std::string_view data, Deadline deadline) override {
    timer_.expires_at(deadline);
    auto r = co_await (asio::async_write(stream_, asio::buffer(data.data(), data.size()), kTuple) ||
                       timer_.async_wait(kTuple));
    if (r.index() == 1) co_return Error{Errc::kTimeout, "write timed out"};
    auto [ec, n] = std::get<0>(r);
    if (ec) co_return from_ec(ec);
    co_return Result<void>{};
  }

  asio::awaitable<Result<size_t>> read_some(std::string& buffer, size_t max, Deadline deadline) override {
    const size_t old = buffer.size();
    buffer.resize(old + max);
    timer_.expires_at(deadline);
    auto r = co_await (stream_.async_read_some(asio::buffer(buffer.data() + old, max), kTuple) ||
                       timer_.async_wait(kTuple));
    if (r.index() == 1) {
      buffer.resize(old);
      co_return Error{Errc::kTimeout, "read timed out"};
    }
    auto [ec, n] = std::get<0>(r);
    buffer.resize(old + n);
    if (ec) co_return from_ec(ec);
    co_return n;
  }

 protected:
  AsyncStream stream_;
  asio::steady_timer timer_;
};

using TcpStream = DeadlineStream<tcp::socket>;

class TlsStream final : public DeadlineStream<ssl::stream<tcp::socket>> {
 public:
  TlsStream(tcp::socket s, ssl::context& ctx) : DeadlineStream(std::move(s), ctx) {}

  asio::awaitable<Result<void>> handshake(Deadline deadline) {
    timer_.expires_at(deadline);
    auto r = co_await (stream_.async_handshake(ssl::stream_base::client, kTuple) || timer_.async_wait(kTuple));
    if (r.index() == 1) co_return Error{Errc::kTimeout, "TLS handshake timed out"};
    auto [ec] = std::get<0>(r);
    if (ec) co_return Error{Errc::kTls, "TLS handshake failed: " + ec.message()};
    SSL* s = stream_.native_handle();
    info_.version = SSL_get_version(s);
    if (X509* cert = SSL_get1_peer_certificate(s)) {
      unsigned char* der = nullptr;
      const int len = i2d_X509(cert, &der);
      if (len > 0) info_.peer_cert_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
      OPENSSL_free(der);
      X509_free(cert);
    }
    co_return Result<void>{};
  }

  const TlsInfo* tls() const override { return &info_; }

 private:
  TlsInfo info_;
};

class TcpDialer final : public Dialer {
 public:
  TcpDialer(asio::any_io_executor ex, ScopeCheck in_scope)
      : ex_(std::move(ex)), in_scope_(std::move(in_scope)), tls_ctx_(ssl::context::tls_client) {
    tls_ctx_.set_verify_mode(ssl::verify_none);
    // Observe what old cameras offer: allow every protocol version OpenSSL still implements.
    SSL_CTX_set_min_proto_version(tls_ctx_.native_handle(), 0);
    SSL_CTX_set_security_level(tls_ctx_.native_handle(), 0);
  }

  asio::awaitable<Result<std::unique_ptr<Stream>>> connect(const IpAddr& a, uint16_t port, Deadline d) override {
    auto s = co_await open_socket(a, port, d);
    if (!s) co_return s.error();
    co_return std::unique_ptr<Stream>(std::make_unique<TcpStream>(std::move(*s)));
  }

  asio::awaitable<Result<std::unique_ptr<Stream>>> connect_tls(const IpAddr& a, uint16_t port, Deadline d) override {
    auto s = co_await open_socket(a, port, d);
    if (!s) co_return s.error();
    auto stream = std::make_unique<TlsStream>(std::move(*s), tls_ctx_);
    if (auto h = co_await stream->handshake(d); !h) co_return h.error();
    co_return std::unique_ptr<Stream>(std::move(stream));
  }

  uint64_t connections_opened() const override { return opened_; }

 private:
  asio::awaitable<Result<tcp::socket>> open_socket(const IpAddr& a, uint16_t port, Deadline d) {
    if (in_scope_ && !in_scope_(a))
      co_return Error{Errc::kOutOfScope, a.to_string() + " is outside the scan's scope"};
    tcp::socket socket(ex_);
    asio::steady_timer timer(ex_);
    timer.expires_at(d);
    ++opened_;
    auto r = co_await (socket.async_connect(to_endpoint(a, port), kTuple) || timer.async_wait(kTuple));
    if (r.index() == 1) co_return Error{Errc::kTimeout, "connect timed out"};
    auto [ec] = std::get<0>(r);
    if (ec) co_return from_ec(ec);
    co_return std::move(socket);
  }

  asio::any_io_executor ex_;
  ScopeCheck in_scope_;
  ssl::context tls_ctx_;
  uint64_t opened_ = 0;
};

class LazyDialer final : public Dialer {
 public:
  explicit LazyDialer(ScopeCheck in_scope) : in_scope_(std::move(in_scope)) {}
  asio::awaitable<Result<std::unique_ptr<Stream>>> connect(const IpAddr& a, uint16_t port, Deadline d) override {
    co_return co_await (co_await inner())->connect(a, port, d);
  }
  asio::awaitable<Result<std::unique_ptr<Stream>>> connect_tls(const IpAddr& a, uint16_t port, Deadline d) override {
    co_return co_await (co_await inner())->connect_tls(a, port, d);
  }
  uint64_t connections_opened() const override { return inner_ ? inner_->connections_opened() : 0; }

 private:
  asio::awaitable<Dialer*> inner() {
    if (!inner_) inner_ = std::make_unique<TcpDialer>(co_await asio::this_coro::executor, in_scope_);
    co_return inner_.get();
  }
  ScopeCheck in_scope_;
  std::unique_ptr<TcpDialer> inner_;
};

}  // namespace

std::unique_ptr<Dialer> make_lazy_tcp_dialer(ScopeCheck in_scope) {
  return std::make_unique<LazyDialer>(std::move(in_scope));
}

std::unique_ptr<Dialer> make_tcp_dialer(asio::any_io_executor executor, ScopeCheck in_scope) {
  return std::make_unique<TcpDialer>(std::move(executor), std::move(in_scope));
}

asio::awaitable<Result<std::string>> read_until(Stream& stream, const std::function<bool(std::string_view)>& complete,
                                                size_t limit, Deadline deadline) {
  std::string buffer;
  while (!complete(buffer)) {
    if (buffer.size() >= limit) co_return Error{Errc::kProtocol, "response larger than " + std::to_string(limit) + " bytes"};
    auto n = co_await stream.read_some(buffer, std::min<size_t>(16384, limit - buffer.size()), deadline);
    if (!n) {
      if (n.error().code == Errc::kClosed && !buffer.empty()) co_return buffer;
      co_return n.error();
    }
  }
  co_return buffer;
}

}  // namespace anshin::net
