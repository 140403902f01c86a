// https:// webhooks: the receiver's certificate must chain to a trusted CA and name the URL's host.
// The CAs and certificates are made at test time with the openssl command (skipped without it).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "serve/alert_watch.h"
#include "support/store.h"

namespace anshin::serve {
namespace {

using store::testutil::TempDir;

bool run(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

// A CA, a second CA, and certificates signed by the first for 127.0.0.1 and for 127.0.0.9 (a wrong name).
bool make_certificates(const TempDir& dir) {
  const std::string d = dir.file("");
  const std::string key = " -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
  std::ofstream(dir.file("ext")) << "subjectAltName=IP:127.0.0.1\n";
  std::ofstream(dir.file("ext9")) << "subjectAltName=IP:127.0.0.9,DNS:hook.example.lan\n";
  return run("cd " + d + " && openssl req -x509" + key + " -days 1 -subj /CN=ca -keyout ca.key -out ca.pem") &&
         run("cd " + d + " && openssl req -x509" + key + " -days 1 -subj /CN=other -keyout other.key -out other.pem") &&
         run("cd " + d + " && openssl req" + key + " -subj /CN=hook -keyout hook.key -out hook.csr") &&
         run("cd " + d + " && openssl x509 -req -in hook.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 " +
             "-extfile ext -out hook.pem") &&
         run("cd " + d + " && openssl x509 -req -in hook.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 1 " +
             "-extfile ext9 -out hook9.pem");
}

// Answers every TLS POST with 204 until stopped; counts the requests that arrived.
class Receiver {
 public:
  Receiver(const std::string& cert, const std::string& key) {
    ctx_ = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate_chain_file(ctx_, cert.c_str());
    SSL_CTX_use_PrivateKey_file(ctx_, key.c_str(), SSL_FILETYPE_PEM);
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    listen(fd_, 8);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~Receiver() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
    SSL_CTX_free(ctx_);
  }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stop_) {
      const int c = accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      SSL* ssl = SSL_new(ctx_);
      SSL_set_fd(ssl, c);
      if (SSL_accept(ssl) == 1) {
        char buf[4096];
        if (SSL_read(ssl, buf, sizeof buf) > 0) {
          ++requests_;
          const std::string answer = "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";
          SSL_write(ssl, answer.data(), static_cast<int>(answer.size()));
        }
        SSL_shutdown(ssl);
      }
      SSL_free(ssl);
      close(c);
    }
  }
  SSL_CTX* ctx_ = nullptr;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST(WebhookTls, HttpsUrls) {
  auto u = parse_http_url("https://hooks.example.lan/anshin?x=1");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->path, "/anshin?x=1");
  auto v6 = parse_http_url("https://[::1]:8443/");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, "8443");
  auto plain = parse_http_url("http://127.0.0.1:9000/hook");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
  for (const char* bad : {"ftp://h/", "https://", "https://user@h/", "https://h:x/", "https://h/a b", "HTTPS//h"})
    EXPECT_FALSE(parse_http_url(bad)) << bad;
}

TEST(WebhookTls, DeliversOnlyToAVerifiedReceiver) {
  TempDir dir;
  if (!make_certificates(dir)) GTEST_SKIP() << "the openssl command is missing";
  Receiver receiver(dir.file("hook.pem"), dir.file("hook.key"));
  const auto url = parse_http_url("https://127.0.0.1:" + std::to_string(receiver.port()) + "/hook");
  ASSERT_TRUE(url);
  const auto post = [&](const HttpUrl& to, const std::string& ca) {
    return http_post(to, {{"X-Anshin-Signature", "sha256=00"}}, R"({"kind":"device.new"})", std::chrono::seconds(5), ca);
  };

  auto ok = post(*url, dir.file("ca.pem"));
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(*ok, 204);
  EXPECT_EQ(receiver.requests(), 1);

  auto untrusted = post(*url, "");  // the system's store does not know the test CA
  ASSERT_FALSE(untrusted);
  EXPECT_NE(untrusted.error().message.find("not trusted"), std::string::npos) << untrusted.error().message;
  auto other = post(*url, dir.file("other.pem"));
  EXPECT_FALSE(other);

  EXPECT_EQ(receiver.requests(), 1) << "nothing was sent to a receiver that failed verification";
  Receiver misnamed(dir.file("hook9.pem"), dir.file("hook.key"));  // a trusted CA, but not this address
  const auto url9 = parse_http_url("https://127.0.0.1:" + std::to_string(misnamed.port()) + "/hook");
  auto mismatch = post(*url9, dir.file("ca.pem"));
  ASSERT_FALSE(mismatch);
  EXPECT_NE(mismatch.error().message.find("not trusted"), std::string::npos) << mismatch.error().message;
  EXPECT_EQ(misnamed.requests(), 0);

  auto missing_ca = post(*url, dir.file("no-such-ca.pem"));
  ASSERT_FALSE(missing_ca);
  EXPECT_EQ(missing_ca.error().code, Errc::kInvalidInput);
}

}  // namespace
}  // namespace anshin::serve
