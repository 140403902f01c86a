// TLS services: the generated certificate carries the configured subject, issuer and dates.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ctime>

#include "lab/server.h"

namespace anshin::lab {
namespace {

struct Peer {
  std::string subject, issuer, version;
  time_t not_after = 0;
};

std::string oneline(X509_NAME* n) {
  BIO* b = BIO_new(BIO_s_mem());
  X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* p = nullptr;
  long len = BIO_get_mem_data(b, &p);
  std::string s(p, static_cast<size_t>(len));
  BIO_free(b);
  return s;
}

Peer handshake(const std::string& addr, uint16_t port) {
  Peer out;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  inet_pton(AF_INET, addr.c_str(), &a.sin_addr);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    close(fd);
    return out;
  }
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  if (SSL_connect(ssl) == 1) {
    X509* c = SSL_get1_peer_certificate(ssl);
    out.subject = oneline(X509_get_subject_name(c));
    out.issuer = oneline(X509_get_issuer_name(c));
    struct tm t {};
    ASN1_TIME_to_tm(X509_get0_notAfter(c), &t);
    out.not_after = timegm(&t);
    out.version = SSL_get_version(ssl);
    X509_free(c);
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  close(fd);
  return out;
}

TEST(labTls, CertificatesFollowTheFleet) {
  auto f = Fleet::load("default");
  ASSERT_TRUE(f);
  LabServer s;
  ASSERT_TRUE(s.start(*f, "127.79.241.0/24"));
  auto hik = handshake("127.79.241.10", 443);
  // RFC 2253 prints the last RDN first.
  EXPECT_EQ(hik.subject, "C=CN,ST=ZheJiang,L=HangZhou,O=HIKVISION,OU=DVRNVR,CN=www.hikvision.com");
  EXPECT_EQ(hik.issuer, hik.subject);
  EXPECT_EQ(hik.version, "TLSv1.2");
  EXPECT_LT(hik.not_after, time(nullptr) + 86400 * 365 * 2);
  auto axis = handshake("127.79.241.30", 443);
  EXPECT_EQ(axis.subject.rfind("O=Axis Communications AB,CN=axis-accc8e", 0), 0u) << axis.subject;
  EXPECT_EQ(axis.version, "TLSv1.3");
  auto bosch = handshake("127.79.241.61", 443);
  EXPECT_NE(bosch.issuer, bosch.subject);
  EXPECT_NE(bosch.issuer.find("CN=Bosch ST Root CA"), std::string::npos);
}

TEST(labTls, ExpiredCertificate) {
  auto f = Fleet::parse(R"(fleet: t
devices:
  - id: old
    suffix: 5
    expect: {category: camera, manufacturer: null, brand: null, model: null, firmware: null, serial: null}
    sources: [test]
    services:
      - {kind: http, port: 8443, tls: {subject: "CN=old.example,O=Old", not_after: expired, version: TLSv1.2}}
)",
                        "t.yaml");
  ASSERT_TRUE(f) << f.error().message;
  LabServer s;
  ASSERT_TRUE(s.start(*f, "127.79.240.0/24"));
  auto p = handshake("127.79.240.5", 8443);
  EXPECT_EQ(p.subject, "O=Old,CN=old.example");
  EXPECT_LT(p.not_after, time(nullptr));
}

}  // namespace
}  // namespace anshin::lab
