#include "codec/auth/auth.h"

#include <gtest/gtest.h>

namespace anshin::codec::auth {
namespace {

TEST(Challenge, HikvisionPair) {
  auto r = parse_www_authenticate(
      "Digest realm=\"Hikvision\", nonce=\"0123456789abcdef0123456789abcdef\", stale=\"FALSE\", Basic realm=\"/\"");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_TRUE((*r)[0].is("digest"));
  EXPECT_EQ((*r)[0].realm(), "Hikvision");
  EXPECT_EQ((*r)[0].param("NONCE").value_or(""), "0123456789abcdef0123456789abcdef");
  EXPECT_EQ((*r)[0].param("stale").value_or(""), "FALSE");
  EXPECT_EQ((*r)[1].scheme, "Basic");
  EXPECT_EQ((*r)[1].realm(), "/");
}

TEST(Challenge, QopTokensAndEscapes) {
  auto r = parse_www_authenticate(
      "Digest realm=\"a \\\"quoted\\\" realm, with comma\", qop=\"auth,auth-int\", algorithm=MD5, stale=TRUE");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].realm(), "a \"quoted\" realm, with comma");
  EXPECT_EQ((*r)[0].param("qop").value_or(""), "auth,auth-int");
  EXPECT_EQ((*r)[0].param("algorithm").value_or(""), "MD5");
  EXPECT_EQ((*r)[0].param("stale").value_or(""), "TRUE");
}

TEST(Challenge, DahuaRealmAndToken68) {
  auto r = parse_www_authenticate("Digest realm=\"Login to 0123456789ABC\", nonce=\"x\"");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].realm(), "Login to 0123456789ABC");
  auto n = parse_www_authenticate("Negotiate YIIB3gYGKwYBBQUCoIIB==, Basic realm=\"MediaServer3.0\"");
  ASSERT_TRUE(n);
  ASSERT_EQ(n->size(), 2u);
  EXPECT_EQ((*n)[0].token68, "YIIB3gYGKwYBBQUCoIIB==");
  EXPECT_EQ((*n)[1].realm(), "MediaServer3.0");
  auto b = parse_www_authenticate("Basic, NTLM");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->size(), 2u);
}

TEST(Challenge, Hostile) {
  EXPECT_FALSE(parse_www_authenticate(""));
  EXPECT_FALSE(parse_www_authenticate("\"oops\""));
  EXPECT_FALSE(parse_www_authenticate(std::string(100000, 'a')));
  auto r = parse_www_authenticate("Digest realm=\"unterminated");
  ASSERT_TRUE(r);
  EXPECT_EQ((*r)[0].realm(), "unterminated");
  std::string many = "Digest ";
  for (int i = 0; i < 100; ++i) many += "p" + std::to_string(i) + "=1, ";
  EXPECT_FALSE(parse_www_authenticate(many));
}

TEST(Digest, ProtocolsMdVector) {
  DigestParams p;
  p.username = "admin";
  p.password = "secret";
  p.realm = "IP Camera(TEST)";
  p.nonce = "e5ed42629cc7dfd5";
  p.method = "DESCRIBE";
  p.uri = "rtsp://127.0.0.1:8555/cam/realmonitor?channel=1&subtype=0";
  EXPECT_EQ(digest_response(p), "6a26f0de661b76cdf8cf14ad9940c491");
  std::string h = digest_authorization(p);
  EXPECT_NE(h.find("response=\"6a26f0de661b76cdf8cf14ad9940c491\""), std::string::npos);
  EXPECT_NE(h.find("realm=\"IP Camera(TEST)\""), std::string::npos);
}

TEST(Digest, Rfc2617QopAuthExample) {
  // RFC 2617 §3.5 example.
  DigestParams p;
  p.username = "Mufasa";
  p.password = "Circle Of Life";
  p.realm = "testrealm@host.com";
  p.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
  p.method = "GET";
  p.uri = "/dir/index.html";
  p.qop = "auth";
  p.nc = "00000001";
  p.cnonce = "0a4f113b";
  EXPECT_EQ(digest_response(p), "6629fae49393a05397450978507c4ef1");
}

TEST(Wsse, ProtocolsMdVector) {
  std::string nonce;
  for (int i = 0; i < 16; ++i) nonce.push_back(static_cast<char>(i));
  EXPECT_EQ(base64_encode(nonce), "AAECAwQFBgcICQoLDA0ODw==");
  EXPECT_EQ(wsse_password_digest(nonce, "2026-01-01T00:00:00Z", "secret"), "Zp5M/ztyvf9G14qXDvS2VCbwotA=");
  std::string hdr = wsse_security_header("admin", "secret", nonce, "2026-01-01T00:00:00Z");
  EXPECT_NE(hdr.find(">Zp5M/ztyvf9G14qXDvS2VCbwotA=</Password>"), std::string::npos);
  EXPECT_NE(hdr.find(">AAECAwQFBgcICQoLDA0ODw==</Nonce>"), std::string::npos);
}

TEST(Dahua, Rpc2DefaultVector) {
  EXPECT_EQ(dahua_rpc2_ha1("admin", "Login to 0123456789ABC", "secret"), "6A49989693F85A65D06593FEA5424B3A");
  EXPECT_EQ(dahua_rpc2_password("admin", "secret", "Login to 0123456789ABC", "123456789"),
            "1A34C642EC960B172B78B78D9F1D1A25");
}

TEST(Base64, RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "abcd", "admin:secret"}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d);
    EXPECT_EQ(*d, s);
  }
  EXPECT_FALSE(base64_decode("a!b="));
  EXPECT_EQ(basic_authorization("admin", "secret"), "Basic YWRtaW46c2VjcmV0");
}

}  // namespace
}  // namespace anshin::codec::auth
