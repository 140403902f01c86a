// https:// webhooks: one TLS exchange over a connected socket (alert_watch.h: http_post).
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <memory>

#include "core/ip.h"
#include "serve/alert_watch.h"

namespace anshin::serve {

namespace {

std::string tls_error(const std::string& what) {
  const unsigned long e = ERR_get_error();
  char buf[256] = {0};
  if (e) ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return "webhook: " + what + (e ? std::string(": ") + buf : std::string());
}

struct CtxFree {
  void operator()(SSL_CTX* c) const { SSL_CTX_free(c); }
};
struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

Result<std::unique_ptr<SSL_CTX, CtxFree>> client_context(const std::string& ca_file) {
  std::unique_ptr<SSL_CTX, CtxFree> ctx(SSL_CTX_new(TLS_client_method()));
  if (!ctx) return Error{Errc::kIo, tls_error("no TLS context")};
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx.get(), SSL_VERIFY_PEER, nullptr);
  if (SSL_CTX_set_default_verify_paths(ctx.get()) != 1) ERR_clear_error();  // no system store: only ca_file
  if (!ca_file.empty() && SSL_CTX_load_verify_locations(ctx.get(), ca_file.c_str(), nullptr) != 1)
    return Error{Errc::kInvalidInput, tls_error("cannot read the CA file " + ca_file)};
  return ctx;
}

}  // namespace

Result<int> https_exchange(int fd, const HttpUrl& url, const std::string& request, const std::string& ca_file) {
  auto ctx = client_context(ca_file);
  if (!ctx) return ctx.error();
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx->get()));
  if (!ssl) return Error{Errc::kIo, tls_error("no TLS session")};
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  if (IpAddr::parse(url.host)) {
    if (X509_VERIFY_PARAM_set1_ip_asc(param, url.host.c_str()) != 1) return Error{Errc::kIo, tls_error("bad address")};
  } else {
    SSL_set_tlsext_host_name(ssl.get(), url.host.c_str());
    if (X509_VERIFY_PARAM_set1_host(param, url.host.c_str(), 0) != 1) return Error{Errc::kIo, tls_error("bad host name")};
  }
  SSL_set_fd(ssl.get(), fd);
  if (SSL_connect(ssl.get()) != 1) {
    const long verify = SSL_get_verify_result(ssl.get());
    if (verify != X509_V_OK)
      return Error{Errc::kIo, "webhook: the server's certificate is not trusted (" +
                                  std::string(X509_verify_cert_error_string(verify)) + ")"};
    return Error{Errc::kIo, tls_error("TLS handshake failed")};
  }
  size_t sent = 0;
  while (sent < request.size()) {
    const int n = SSL_write(ssl.get(), request.data() + sent, static_cast<int>(request.size() - sent));
    if (n <= 0) return Error{Errc::kIo, tls_error("send failed")};
    sent += static_cast<size_t>(n);
  }
  char head[64];
  size_t got = 0;
  while (got < 12) {
    const int n = SSL_read(ssl.get(), head + got, static_cast<int>(sizeof head - got));
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  SSL_shutdown(ssl.get());
  return http_status(std::string(head, got));
}

}  // namespace anshin::serve
