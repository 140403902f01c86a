#include "serve/sensor_client.h"

#include <openssl/ssl.h>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "core/ip.h"

namespace anshin::serve {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

namespace {

bool loopback_host(const std::string& host) {
  if (host == "localhost") return true;
  auto a = IpAddr::parse(host);
  return a && a->is_loopback();
}

constexpr size_t kMaxAnswerBytes = 1 << 20;

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, beast::tcp_stream& tcp, const http::request<http::string_body>& req,
                               std::chrono::milliseconds timeout, Result<HttpAnswer>& out) {
  tcp.expires_after(timeout);
  auto [wec, wn] = co_await http::async_write(stream, req, asio::as_tuple(asio::use_awaitable));
  (void)wn;
  if (wec) {
    out = Error{Errc::kIo, "sending to the server: " + wec.message()};
    co_return;
  }
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxAnswerBytes);
  auto [rec, rn] = co_await http::async_read(stream, buffer, parser, asio::as_tuple(asio::use_awaitable));
  (void)rn;
  if (rec) {
    out = Error{Errc::kIo, "reading the server's answer: " + rec.message()};
    co_return;
  }
  const auto& res = parser.get();
  HttpAnswer answer;
  answer.status = static_cast<int>(res.result_int());
  answer.body = res.body();
  if (auto it = res.find("X-Anshin-Job-State"); it != res.end()) answer.job_state = std::string(it->value());
  out = std::move(answer);
}

}  // namespace

Result<ServerUrl> parse_server_url(std::string_view text) {
  ServerUrl url;
  std::string_view rest;
  if (text.starts_with("https://")) {
    rest = text.substr(8);
  } else if (text.starts_with("http://")) {
    url.tls = false;
    rest = text.substr(7);
  } else {
    return Error{Errc::kInvalidInput, "--server: give https://HOST:PORT"};
  }
  const size_t slash = rest.find('/');
  std::string authority(rest.substr(0, slash));
  if (slash != std::string_view::npos) url.base = std::string(rest.substr(slash));
  while (!url.base.empty() && url.base.back() == '/') url.base.pop_back();
  url.port = url.tls ? "443" : "80";
  if (authority.starts_with("[")) {
    const size_t close = authority.find(']');
    if (close == std::string::npos) return Error{Errc::kInvalidInput, "--server: unclosed [ in the address"};
    url.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return Error{Errc::kInvalidInput, "--server: bad port"};
      url.port = authority.substr(close + 2);
    }
  } else if (const size_t colon = authority.rfind(':'); colon != std::string::npos) {
    url.host = authority.substr(0, colon);
    url.port = authority.substr(colon + 1);
  } else {
    url.host = authority;
  }
  if (url.host.empty() || url.port.empty() || url.port.size() > 5 ||
      url.port.find_first_not_of("0123456789") != std::string::npos ||
      url.host.find_first_of(" /?#@\r\n") != std::string::npos || url.base.find_first_of(" ?#\r\n") != std::string::npos)
    return Error{Errc::kInvalidInput, "--server: give https://HOST:PORT"};
  if (!url.tls && !loopback_host(url.host))
    return Error{Errc::kInvalidInput, "--server: http:// is accepted only to a loopback address; use https://"};
  return url;
}

SensorClient::SensorClient(ServerUrl url, std::string token, std::string ca_file, std::chrono::milliseconds timeout)
    : url_(std::move(url)), token_(std::move(token)), ca_file_(std::move(ca_file)), timeout_(timeout) {}

Result<HttpAnswer> SensorClient::post(const std::string& path, const std::string& body) const {
  http::request<http::string_body> req{http::verb::post, url_.base + path, 11};
  const bool v6 = url_.host.find(':') != std::string::npos;
  req.set(http::field::host, (v6 ? "[" + url_.host + "]" : url_.host) + ":" + url_.port);
  req.set(http::field::authorization, "Bearer " + token_);
  req.set(http::field::content_type, "application/json");
  req.set(http::field::user_agent, "anshin-sensor");
  req.body() = body;
  req.keep_alive(false);
  req.prepare_payload();

  asio::io_context io;
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  const auto endpoints = resolver.resolve(url_.host, url_.port, ec);
  if (ec) return Error{Errc::kIo, "cannot resolve " + url_.host + ": " + ec.message()};
  beast::tcp_stream tcp(io);
  tcp.expires_after(timeout_);
  Result<HttpAnswer> out = Error{Errc::kIo, "no answer from the server"};
  if (!url_.tls) {
    asio::co_spawn(io, [&]() -> asio::awaitable<void> {
      auto [cec, ep] = co_await tcp.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
      (void)ep;
      if (cec) {
        out = Error{Errc::kIo, "cannot connect to " + url_.host + ":" + url_.port + ": " + cec.message()};
        co_return;
      }
      co_await exchange(tcp, tcp, req, timeout_, out);
    }, asio::detached);
    io.run();
    return out;
  }
  ssl::context ctx(ssl::context::tls_client);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                  ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  if (ca_file_.empty()) ctx.set_default_verify_paths(ec);
  else ctx.load_verify_file(ca_file_, ec);
  if (ec) return Error{Errc::kInvalidInput, "--ca-file " + ca_file_ + ": " + ec.message()};
  ctx.set_verify_mode(ssl::verify_peer);
  ctx.set_verify_callback(ssl::host_name_verification(url_.host));
  beast::ssl_stream<beast::tcp_stream> stream(io, ctx);
  if (!IpAddr::parse(url_.host)) SSL_set_tlsext_host_name(stream.native_handle(), url_.host.c_str());
  bool cert_refused = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    auto& lowest = beast::get_lowest_layer(stream);
    lowest.expires_after(timeout_);
    auto [cec, ep] = co_await lowest.async_connect(endpoints, asio::as_tuple(asio::use_awaitable));
    (void)ep;
    if (cec) {
      out = Error{Errc::kIo, "cannot connect to " + url_.host + ":" + url_.port + ": " + cec.message()};
      co_return;
    }
    auto [hec] = co_await stream.async_handshake(ssl::stream_base::client, asio::as_tuple(asio::use_awaitable));
    if (hec) {
      cert_refused = SSL_get_verify_result(stream.native_handle()) != X509_V_OK;
      out = Error{cert_refused ? Errc::kInvalidInput : Errc::kIo, "TLS with " + url_.host + ": " + hec.message()};
      co_return;
    }
    co_await exchange(stream, lowest, req, timeout_, out);
    lowest.expires_after(std::chrono::seconds(2));
    co_await stream.async_shutdown(asio::as_tuple(asio::use_awaitable));
  }, asio::detached);
  io.run();
  return out;
}

}  // namespace anshin::serve
