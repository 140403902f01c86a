// X.509 certificate summary from DER (or PEM) bytes, via OpenSSL libcrypto.
// Subject / issuer in RFC 2253 one-line form (most specific RDN first, e.g.
// "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,C=CN"), UTF-8 kept as UTF-8 (invalid bytes become
// U+FFFD); validity as RFC 3339 UTC; self-signed = issuer equals subject and the signature verifies
// with the certificate's own key. Limits: 64 KiB input, 32 SAN entries.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::codec::x509 {

inline constexpr size_t kMaxCertBytes = 64 * 1024;

struct Summary {
  std::string subject;     // RFC 2253
  std::string issuer;      // RFC 2253
  std::string not_before;  // "2019-03-01T00:00:00Z"
  std::string not_after;
  std::string serial_hex;  // uppercase hex
  std::string signature_algorithm;  // e.g. "sha256WithRSAEncryption"
  std::string key_type;    // "RSA", "EC", ...
  int key_bits = 0;
  int version = 0;         // 1..3
  bool self_signed = false;
  std::vector<std::string> san_dns;  // subjectAltName DNS entries
  std::vector<std::string> san_ip;   // subjectAltName IP entries (text)
};

Result<Summary> parse_der(std::string_view der);
Result<Summary> parse_pem(std::string_view pem);  // first certificate in the PEM text

}  // namespace anshin::codec::x509
