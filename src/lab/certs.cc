#include "lab/certs.h"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include <ctime>
#include <mutex>
#include <vector>

namespace anshin::lab {

namespace {

std::shared_ptr<EVP_PKEY> new_key() {
  EVP_PKEY* k = EVP_EC_gen("P-256");
  return std::shared_ptr<EVP_PKEY>(k, EVP_PKEY_free);
}

std::shared_ptr<EVP_PKEY> leaf_key() {
  static std::mutex m;
  static std::shared_ptr<EVP_PKEY> k;
  std::lock_guard lock(m);
  if (!k) k = new_key();
  return k;
}

std::shared_ptr<EVP_PKEY> issuer_key() {
  static std::mutex m;
  static std::shared_ptr<EVP_PKEY> k;
  std::lock_guard lock(m);
  if (!k) k = new_key();
  return k;
}

// "CN=a,O=b\,c" -> name entries in order.
bool fill_name(X509_NAME* name, const std::string& rdn) {
  std::vector<std::string> parts;
  std::string cur;
  for (size_t i = 0; i < rdn.size(); ++i) {
    if (rdn[i] == '\\' && i + 1 < rdn.size()) {
      cur += rdn[++i];
    } else if (rdn[i] == ',') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += rdn[i];
    }
  }
  parts.push_back(cur);
  for (const auto& p : parts) {
    auto eq = p.find('=');
    if (eq == std::string::npos) return false;
    std::string key = p.substr(0, eq), value = p.substr(eq + 1);
    if (!X509_NAME_add_entry_by_txt(name, key.c_str(), MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                    -1, -1, 0))
      return false;
  }
  return true;
}

}  // namespace

Result<CertPair> make_certificate(const std::string& subject, const std::string& issuer, const std::string& not_after) {
  auto key = leaf_key();
  bool self_signed = issuer.empty() || issuer == subject;
  auto signer = self_signed ? key : issuer_key();
  if (!key || !signer) return make_error(Errc::kTls, "cannot generate an EC P-256 key");
  std::shared_ptr<X509> cert(X509_new(), X509_free);
  X509* x = cert.get();
  X509_set_version(x, 2);
  unsigned char serial[12];
  RAND_bytes(serial, sizeof serial);
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
  BN_free(bn);

  time_t now = time(nullptr);
  const long day = 86400;
  if (not_after == "expired") {
    X509_time_adj_ex(X509_getm_notBefore(x), -2 * 365, 0, &now);
    X509_time_adj_ex(X509_getm_notAfter(x), -30, 0, &now);
  } else if (not_after.size() == 10) {
    std::string t = not_after.substr(0, 4) + not_after.substr(5, 2) + not_after.substr(8, 2) + "235959Z";
    if (!ASN1_TIME_set_string_X509(X509_getm_notAfter(x), t.c_str()))
      return make_error(Errc::kInvalidInput, "bad not_after " + not_after);
    // notBefore: a year before notAfter when that is in the past, else yesterday.
    struct tm tmv {};
    ASN1_TIME_to_tm(X509_getm_notAfter(x), &tmv);
    time_t after = timegm(&tmv);
    time_t before = after < now ? after - 365 * day : now - day;
    X509_time_adj_ex(X509_getm_notBefore(x), 0, 0, &before);
  } else {
    X509_time_adj_ex(X509_getm_notBefore(x), -1, 0, &now);
    X509_time_adj_ex(X509_getm_notAfter(x), 10 * 365, 0, &now);
  }
  if (!fill_name(X509_get_subject_name(x), subject)) return make_error(Errc::kInvalidInput, "bad subject " + subject);
  if (!fill_name(X509_get_issuer_name(x), self_signed ? subject : issuer))
    return make_error(Errc::kInvalidInput, "bad issuer " + issuer);
  X509_set_pubkey(x, key.get());
  if (!X509_sign(x, signer.get(), EVP_sha256())) return make_error(Errc::kTls, "cannot sign certificate for " + subject);
  return CertPair{cert, key};
}

}  // namespace anshin::lab
