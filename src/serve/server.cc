#include "serve/server.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <charconv>
#include <memory>
#include <thread>
#include <vector>

#include "core/ip.h"
#include "serve/api.h"

namespace anshin::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using asio::use_awaitable;

Result<ListenAddress> parse_listen(std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size())
    return Error{Errc::kInvalidInput, "--listen wants ADDRESS:PORT"};
  std::string_view host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return Error{Errc::kInvalidInput, "--listen: not a port number"};
  boost::system::error_code bad;
  const auto address = asio::ip::make_address(std::string(host), bad);
  if (bad) return Error{Errc::kInvalidInput, "--listen: not a numeric IP address"};
  return ListenAddress{address.to_string(), static_cast<uint16_t>(port), address.is_loopback()};
}

namespace {

struct Shared {
  const ServerOptions& options;
  const Handler& handler;
  std::atomic<size_t> connections{0};
};

Request to_request(const http::request<http::string_body>& in, const std::string& peer, bool tls) {
  Request r;
  r.method = std::string(in.method_string());
  r.target = std::string(in.target());
  for (const auto& field : in) {
    std::string name(field.name_string());
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    r.headers[name] = std::string(field.value());
  }
  r.body = in.body();
  r.peer = peer;
  r.tls = tls;
  return r;
}

http::response<http::string_body> to_beast(const Response& in, unsigned version, bool keep_alive) {
  http::response<http::string_body> out{static_cast<http::status>(in.status), version};
  out.set(http::field::content_type, in.content_type);
  for (const auto& [name, value] : in.headers) out.insert(name, value);
  out.body() = in.body;
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

// An answer to a request that could not be read whole (too large), then the connection closes.
http::response<http::string_body> refusal(http::status status, const char* message) {
  return to_beast(json_error(static_cast<int>(status), message), 11, false);
}

template <class Stream>
asio::awaitable<void> serve_requests(Stream& stream, beast::tcp_stream& tcp, Shared& shared, std::string peer,
                                     bool tls) {
  const auto& o = shared.options;
  beast::flat_buffer buffer(kHeaderLimit + kBodyLimit);
  for (;;) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(kHeaderLimit);
    // Sensors upload result chunks larger than any other request (sensor_api.h): the parser takes their
    // limit (it checks a Content-Length against it with the header), every other target gets kBodyLimit.
    parser.body_limit(kSensorBodyLimit);
    tcp.expires_after(o.read_timeout);
    auto [ec, n] = co_await http::async_read_header(stream, buffer, parser, asio::as_tuple(use_awaitable));
    (void)n;
    if (!ec && !parser.get().target().starts_with("/api/v1/sensor/")) {
      if (parser.content_length() && *parser.content_length() > kBodyLimit) ec = http::error::body_limit;
      parser.body_limit(kBodyLimit);  // a chunked body is counted as it arrives
    }
    if (!ec && !parser.is_done())
      std::tie(ec, n) = co_await http::async_read(stream, buffer, parser, asio::as_tuple(use_awaitable));
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
      tcp.expires_after(o.write_timeout);
      co_await http::async_write(stream, refusal(http::status::request_header_fields_too_large, "header too large"),
                                 asio::as_tuple(use_awaitable));
      co_return;
    }
    if (ec == http::error::body_limit) {
      tcp.expires_after(o.write_timeout);
      co_await http::async_write(stream, refusal(http::status::payload_too_large, "body too large"),
                                 asio::as_tuple(use_awaitable));
      co_return;
    }
    if (ec) co_return;  // closed, timed out, malformed
    const auto& req = parser.get();
    const bool keep_alive = req.keep_alive();
    auto res = to_beast(shared.handler(to_request(req, peer, tls)), req.version(), keep_alive);
    tcp.expires_after(o.write_timeout);
    auto [wec, wn] = co_await http::async_write(stream, res, asio::as_tuple(use_awaitable));
    (void)wn;
    if (wec || !keep_alive) co_return;
  }
}

asio::awaitable<void> plain_connection(beast::tcp_stream tcp, Shared& shared, std::string peer) {
  co_await serve_requests(tcp, tcp, shared, std::move(peer), false);
  boost::system::error_code ignored;
  tcp.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> tls_connection(beast::tcp_stream tcp, ssl::context& ctx, Shared& shared, std::string peer) {
  beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp), ctx);
  auto& lowest = beast::get_lowest_layer(stream);
  lowest.expires_after(shared.options.read_timeout);
  auto [ec] = co_await stream.async_handshake(ssl::stream_base::server, asio::as_tuple(use_awaitable));
  if (ec) co_return;
  co_await serve_requests(stream, lowest, shared, std::move(peer), true);
  lowest.expires_after(std::chrono::seconds(2));
  co_await stream.async_shutdown(asio::as_tuple(use_awaitable));
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, Shared& shared, ssl::context* tls) {
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                                                       asio::as_tuple(use_awaitable));
    if (ec == asio::error::operation_aborted) co_return;
    if (ec) continue;  // e.g. out of descriptors for a moment
    if (shared.connections.load() >= shared.options.max_connections) continue;  // the socket closes here
    boost::system::error_code peer_ec;
    const auto endpoint = socket.remote_endpoint(peer_ec);
    std::string peer = peer_ec ? "?" : endpoint.address().to_string();
    ++shared.connections;
    auto executor = socket.get_executor();
    beast::tcp_stream tcp(std::move(socket));
    auto done = [&shared](std::exception_ptr) { --shared.connections; };
    if (tls) {
      asio::co_spawn(executor, tls_connection(std::move(tcp), *tls, shared, std::move(peer)), done);
    } else {
      asio::co_spawn(executor, plain_connection(std::move(tcp), shared, std::move(peer)), done);
    }
  }
}

Result<std::unique_ptr<ssl::context>> tls_context(const ServerOptions& o) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(o.tls_cert, ec);
  if (ec) return Error{Errc::kInvalidInput, "--tls-cert " + o.tls_cert + ": " + ec.message()};
  ctx->use_private_key_file(o.tls_key, ssl::context::pem, ec);
  if (ec) return Error{Errc::kInvalidInput, "--tls-key " + o.tls_key + ": " + ec.message()};
  return ctx;
}

}  // namespace

Result<void> run_server(const ServerOptions& options, const Handler& handler) {
  std::unique_ptr<ssl::context> tls;
  if (!options.tls_cert.empty() || !options.tls_key.empty()) {
    auto ctx = tls_context(options);
    if (!ctx) return ctx.error();
    tls = std::move(*ctx);
  }
  asio::io_context io(options.threads);
  tcp::acceptor acceptor(io);
  const tcp::endpoint endpoint(asio::ip::make_address(options.listen.host), options.listen.port);
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Error{Errc::kIo, "cannot listen on " + options.listen.host + ":" +
                                      std::to_string(options.listen.port) + ": " + ec.message()};
  Shared shared{options, handler};
  asio::signal_set signals(io, SIGINT, SIGTERM);
  signals.async_wait([&](const boost::system::error_code&, int) { io.stop(); });
  asio::co_spawn(io, accept_loop(acceptor, shared, tls.get()), asio::detached);
  const auto bound = acceptor.local_endpoint();
  if (options.on_ready) {
    const std::string host = bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                                     : bound.address().to_string();
    options.on_ready(host + ":" + std::to_string(bound.port()));
  }
  std::vector<std::thread> workers;
  for (int i = 1; i < std::max(1, options.threads); ++i) workers.emplace_back([&io] { io.run(); });
  io.run();
  for (auto& t : workers) t.join();
  return {};
}

}  // namespace anshin::serve
