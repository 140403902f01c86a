#include "codec/x509/x509.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <ctime>
#include <memory>

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::x509 {
namespace {

struct X509Free { void operator()(X509* x) const { X509_free(x); } };
struct BioFree { void operator()(BIO* b) const { BIO_free(b); } };
struct GensFree { void operator()(GENERAL_NAMES* g) const { GENERAL_NAMES_free(g); } };
using X509Ptr = std::unique_ptr<X509, X509Free>;
using BioPtr = std::unique_ptr<BIO, BioFree>;

std::string bio_string(BIO* b) {
  char* data = nullptr;
  long n = BIO_get_mem_data(b, &data);
  if (n <= 0 || !data) return {};
  return std::string(data, static_cast<size_t>(n));
}

std::string name_rfc2253(const X509_NAME* name) {
  if (!name) return {};
  BioPtr b(BIO_new(BIO_s_mem()));
  if (!b) return {};
  const unsigned long flags = (XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) | ASN1_STRFLGS_UTF8_CONVERT;
  if (X509_NAME_print_ex(b.get(), name, 0, flags) < 0) return {};
  return bounded(text::sanitize_utf8(bio_string(b.get())));
}

std::string time_rfc3339(const ASN1_TIME* t) {
  if (!t) return {};
  std::tm tm{};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return {};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Summary summarize(X509* x) {
  Summary s;
  s.subject = name_rfc2253(X509_get_subject_name(x));
  s.issuer = name_rfc2253(X509_get_issuer_name(x));
  s.not_before = time_rfc3339(X509_get0_notBefore(x));
  s.not_after = time_rfc3339(X509_get0_notAfter(x));
  s.version = static_cast<int>(X509_get_version(x)) + 1;
  if (const ASN1_INTEGER* serial = X509_get0_serialNumber(x)) {
    if (BIGNUM* bn = ASN1_INTEGER_to_BN(serial, nullptr)) {
      if (char* hex = BN_bn2hex(bn)) {
        s.serial_hex = bounded(hex, 256);
        OPENSSL_free(hex);
      }
      BN_free(bn);
    }
  }
  int nid = X509_get_signature_nid(x);
  if (nid != NID_undef) {
    if (const char* ln = OBJ_nid2ln(nid)) s.signature_algorithm = ln;
  }
  if (EVP_PKEY* pk = X509_get0_pubkey(x)) {
    s.key_bits = EVP_PKEY_get_bits(pk);
    int id = EVP_PKEY_get_base_id(pk);
    switch (id) {
      case EVP_PKEY_RSA: s.key_type = "RSA"; break;
      case EVP_PKEY_EC: s.key_type = "EC"; break;
      case EVP_PKEY_DSA: s.key_type = "DSA"; break;
      case EVP_PKEY_ED25519: s.key_type = "Ed25519"; break;
      default: if (const char* sn = OBJ_nid2sn(id)) s.key_type = sn;
    }
  }
  s.self_signed = X509_self_signed(x, 1) == 1;
  std::unique_ptr<GENERAL_NAMES, GensFree> gens(
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr)));
  if (gens) {
    int n = sk_GENERAL_NAME_num(gens.get());
    for (int i = 0; i < n && s.san_dns.size() + s.san_ip.size() < 32; ++i) {
      const GENERAL_NAME* g = sk_GENERAL_NAME_value(gens.get(), i);
      if (g->type == GEN_DNS) {
        const ASN1_IA5STRING* d = g->d.dNSName;
        s.san_dns.push_back(text::sanitize_utf8(
            bounded(std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(d)),
                                     static_cast<size_t>(ASN1_STRING_length(d))), 256)));
      } else if (g->type == GEN_IPADD) {
        const ASN1_OCTET_STRING* ip = g->d.iPAddress;
        const unsigned char* p = ASN1_STRING_get0_data(ip);
        int len = ASN1_STRING_length(ip);
        char buf[64] = {};
        if (len == 4) {
          std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
        } else if (len == 16) {
          std::string v6;
          for (int k = 0; k < 16; k += 2) {
            char part[8];
            std::snprintf(part, sizeof part, "%s%x", k ? ":" : "", (p[k] << 8) | p[k + 1]);
            v6 += part;
          }
          std::snprintf(buf, sizeof buf, "%s", v6.c_str());
        }
        if (buf[0]) s.san_ip.emplace_back(buf);
      }
    }
  }
  ERR_clear_error();
  return s;
}

}  // namespace

Result<Summary> parse_der(std::string_view der) {
  if (der.empty()) return make_error(Errc::kProtocol, "x509: empty");
  if (der.size() > kMaxCertBytes) return make_error(Errc::kProtocol, "x509: too large");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  X509Ptr x(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
  if (!x) {
    ERR_clear_error();
    return make_error(Errc::kProtocol, "x509: not a DER certificate");
  }
  return summarize(x.get());
}

Result<Summary> parse_pem(std::string_view pem) {
  if (pem.empty()) return make_error(Errc::kProtocol, "x509: empty");
  if (pem.size() > kMaxCertBytes * 2) return make_error(Errc::kProtocol, "x509: too large");
  BioPtr b(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!b) return make_error(Errc::kProtocol, "x509: out of memory");
  X509Ptr x(PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr));
  if (!x) {
    ERR_clear_error();
    return make_error(Errc::kProtocol, "x509: not a PEM certificate");
  }
  return summarize(x.get());
}

}  // namespace anshin::codec::x509
