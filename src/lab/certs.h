// Certificates for the lab's TLS services: one EC P-256 key shared by every leaf (and one for the
// issuers), one X.509 certificate per distinct (subject, issuer, not_after), generated at start.
// Internal to module lab; no Asio here (server.cc wraps the result into ssl::context).
#pragma once
#include <memory>
#include <string>

#include "core/result.h"

typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace anshin::lab {

struct CertPair {
  std::shared_ptr<X509> cert;
  std::shared_ptr<EVP_PKEY> key;
};

// subject/issuer: "CN=...,O=..." (issuer "" = self-signed); not_after: "YYYY-MM-DD", "expired" or "".
Result<CertPair> make_certificate(const std::string& subject, const std::string& issuer, const std::string& not_after);

}  // namespace anshin::lab
