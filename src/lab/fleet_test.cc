#include "lab/fleet.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "lab/auth.h"

namespace anshin::lab {
namespace {

const char* kHead = R"(fleet: t
devices:
)";

std::string device(const std::string& id, int suffix, const std::string& services, const std::string& extra = "") {
  return "  - id: " + id + "\n    suffix: " + std::to_string(suffix) +
         "\n    expect: {category: camera, manufacturer: X, brand: X, model: null, firmware: null, serial: null}\n"
         "    sources: [test]\n" +
         extra + "    services:\n" + services;
}

const char* kHttp = "      - {kind: http, port: 80, routes: [{path: /, body: hi}]}\n";

TEST(labFleet, DefaultFleetLoadsWithSourcesAndGroundTruth) {
  auto f = Fleet::load("default");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_GE(f->personalities.size(), 12u);
  std::set<std::string> cats;
  for (const auto& p : f->personalities) {
    EXPECT_FALSE(p.sources.empty()) << p.id;
    EXPECT_FALSE(p.services.empty()) << p.id;
    cats.insert(p.expect.category);
  }
  EXPECT_TRUE(cats.count("camera") && cats.count("nvr") && cats.count("dvr") && cats.count("other"));
  auto names = Fleet::builtin_names();
  EXPECT_NE(std::find(names.begin(), names.end(), "default"), names.end());
}

TEST(labFleet, UnknownBuiltinNamesTheKnownOnes) {
  auto f = Fleet::load("nope");
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find("default"), std::string::npos);
}

TEST(labFleet, GoodMinimalFleet) {
  auto f = Fleet::parse(std::string(kHead) + device("a", 10, kHttp) + device("b", 11, kHttp), "t.yaml");
  ASSERT_TRUE(f) << f.error().message;
  ASSERT_EQ(f->personalities.size(), 2u);
  const auto& s = f->personalities[0].services[0];
  EXPECT_EQ(s.port, 80);
  ASSERT_EQ(s.routes.size(), 1u);
  EXPECT_EQ(s.routes[0].response.body, "hi");
  EXPECT_EQ(s.fallback.status, 404);
}

void expect_error(const std::string& yaml, const std::string& needle, const std::string& line = "") {
  auto f = Fleet::parse(yaml, "bad.yaml");
  ASSERT_FALSE(f) << "accepted: " << yaml;
  EXPECT_NE(f.error().message.find(needle), std::string::npos) << f.error().message;
  EXPECT_EQ(f.error().message.rfind("bad.yaml:", 0), 0u) << f.error().message;
  if (!line.empty()) {
    EXPECT_NE(f.error().message.find("bad.yaml:" + line + ":"), std::string::npos) << f.error().message;
  }
  std::printf("  rejected: %s\n", f.error().message.c_str());
}

TEST(labFleet, DuplicateSuffixHasFileAndLine) {
  expect_error(std::string(kHead) + device("a", 10, kHttp) + device("b", 10, kHttp), "duplicate suffix 10", "10");
}

TEST(labFleet, DuplicateId) { expect_error(std::string(kHead) + device("a", 10, kHttp) + device("a", 11, kHttp), "duplicate id"); }

TEST(labFleet, UnknownServiceKind) {
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: gopher, port: 70}\n"), "unknown service kind 'gopher'",
               "8");
}

TEST(labFleet, UnknownTemplateVariable) {
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, routes: [{path: /, body: '{{nosuch}}'}]}\n"),
               "unknown template variable {{nosuch}}");
}

TEST(labFleet, MacTemplateNeedsOui) {
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, routes: [{path: /, body: '{{mac}}'}]}\n"),
               "needs mac_oui");
}

TEST(labFleet, VarsAreTemplateVariables) {
  auto f = Fleet::parse(std::string(kHead) +
                            device("a", 10, "      - {kind: http, routes: [{path: /, body: '{{model}}'}]}\n",
                                   "    vars: {model: 'M-{{index}}'}\n"),
                        "t.yaml");
  ASSERT_TRUE(f) << f.error().message;
  expect_error(std::string(kHead) + device("a", 10, kHttp, "    vars: {address: x}\n"), "shadows a built-in");
}

TEST(labFleet, BadTls) {
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, tls: {subject: 'CN=x,C=CHN'}}\n"),
               "two-letter country");
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, tls: {subject: 'CN=x', not_after: 'soon'}}\n"),
               "not_after");
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, tls: {subject: 'XX=x'}}\n"), "unknown attribute");
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, tls: {subject: 'CN=x', version: SSLv3}}\n"),
               "tls version");
  expect_error(
      std::string(kHead) + device("a", 10, "      - {kind: http, tls: {subject: 'CN=x', issuer: 'CN=y', self_signed: true}}\n"),
      "self_signed");
  auto ok = Fleet::parse(std::string(kHead) + device("a", 10,
                                                    "      - {kind: http, tls: {subject: 'CN=x,O=Y', issuer: 'CN=CA', "
                                                    "not_after: expired, version: TLSv1.2}}\n"),
                         "t.yaml");
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->personalities[0].services[0].port, 443);  // tls defaults to 443
}

TEST(labFleet, RouteAuthNeedsServiceAuth) {
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, routes: [{path: /, auth: digest}]}\n"),
               "no auth block");
}

TEST(labFleet, UnknownKeyAndDuplicatePort) {
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, routs: []}\n"), "unknown key 'routs'");
  expect_error(std::string(kHead) + device("a", 10, std::string(kHttp) + kHttp), "already has a tcp service on port 80");
}

TEST(labFleet, MulticastAnswersAndReplyTo) {
  auto f = Fleet::parse(std::string(kHead) +
                            device("a", 10,
                                   "      - {kind: sadp, reply: x, answers: multicast, reply_to: group}\n"
                                   "      - {kind: dhip, reply: x, answers: unicast}\n"
                                   "      - {kind: wsd, types: \"tds:Device\", reply: x}\n"),
                        "t.yaml");
  ASSERT_TRUE(f) << f.error().message;
  const auto& sv = f->personalities[0].services;
  ASSERT_EQ(sv.size(), 3u);
  EXPECT_FALSE(sv[0].answers_unicast);
  EXPECT_TRUE(sv[0].answers_multicast);
  EXPECT_TRUE(sv[0].reply_to_group);
  EXPECT_TRUE(sv[1].answers_unicast);
  EXPECT_FALSE(sv[1].answers_multicast);
  EXPECT_FALSE(sv[1].reply_to_group);
  EXPECT_TRUE(sv[2].answers_unicast && sv[2].answers_multicast && !sv[2].reply_to_group);  // the defaults
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: sadp, reply: x, answers: sometimes}\n"),
               "answers must be both, unicast or multicast");
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: sadp, reply: x, reply_to: nowhere}\n"),
               "reply_to must be sender or group");
  expect_error(std::string(kHead) + device("a", 10, "      - {kind: http, port: 80, answers: multicast}\n"),
               "unknown key 'answers'");
}

TEST(labFleet, YamlSyntaxErrorHasLine) { expect_error("fleet: t\ndevices:\n  - id: [\n", "bad.yaml:"); }

TEST(labFleet, MissingGroundTruthField) {
  expect_error("fleet: t\ndevices:\n  - id: a\n    suffix: 1\n    expect: {category: camera}\n    sources: [x]\n"
               "    services: []\n",
               "expect needs manufacturer");
}

TEST(labFleet, ExpectPolicyIsOptionalAndBoolean) {
  const std::string with = "    expect: {category: camera, manufacturer: X, brand: X, model: null, firmware: null, "
                           "serial: null, policy: false}\n";
  auto f = Fleet::parse(std::string(kHead) + "  - id: a\n    suffix: 1\n" + with + "    sources: [x]\n    services: []\n" +
                            device("b", 2, kHttp),
                        "t.yaml");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->personalities[0].expect.policy, std::optional<bool>(false));
  EXPECT_EQ(f->personalities[1].expect.policy, std::nullopt);
  expect_error("fleet: t\ndevices:\n  - id: a\n    suffix: 1\n    expect: {category: camera, manufacturer: null, "
               "brand: null, model: null, firmware: null, serial: null, policy: maybe}\n    sources: [x]\n"
               "    services: []\n",
               "policy");
}

// lab/fleets/real.yaml: replies recorded from real units; every personality cites its public source and
// states whether a policy finding is expected wherever the truth settles it.
TEST(labFleet, RealFleetLoadsWithSourcesAndTruth) {
  auto f = Fleet::load("real");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_GE(f->personalities.size(), 20u);
  int with_policy_truth = 0;
  for (const auto& p : f->personalities) {
    ASSERT_FALSE(p.sources.empty()) << p.id;
    EXPECT_EQ(p.sources[0].rfind("https://github.com/", 0), 0u) << p.id << ": first source is the public URL";
    with_policy_truth += p.expect.policy.has_value();
    if (!p.expect.manufacturer) {
      EXPECT_EQ(p.expect.policy, std::optional<bool>(false)) << p.id;
    }
  }
  EXPECT_GE(with_policy_truth, 20);
}

TEST(labTemplates, RenderAndList) {
  std::map<std::string, std::string> vars = {{"a", "1"}, {"b", "two"}};
  auto lookup = [&](std::string_view n) -> std::optional<std::string> {
    auto it = vars.find(std::string(n));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
  EXPECT_EQ(render_template("x{{a}}y{{ b }}z{{c}}", lookup), "x1ytwoz{{c}}");
  EXPECT_EQ(render_template("no vars", lookup), "no vars");
  EXPECT_EQ(render_template("{{a", lookup), "{{a");
  auto v = template_vars("{{a}} {{ b }} {{cseq}}");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[1], "b");
}

TEST(labAuth, DigestVectorFromProtocolsMd) {
  // RFC 2617 Digest (MD5, no qop) on an RTSP DESCRIBE, recomputed independently.
  std::string ha1 = md5_hex("admin:IP Camera(TEST):secret");
  std::string ha2 = md5_hex("DESCRIBE:rtsp://127.0.0.1:8555/cam/realmonitor?channel=1&subtype=0");
  EXPECT_EQ(md5_hex(ha1 + ":e5ed42629cc7dfd5:" + ha2), "6a26f0de661b76cdf8cf14ad9940c491");
}

TEST(labAuth, CheckAuthorization) {
  std::vector<Credential> creds = {{"admin", "12345"}};
  std::string nonce = make_nonce();
  EXPECT_TRUE(valid_nonce(nonce));
  EXPECT_FALSE(valid_nonce("e5ed42629cc7dfd5e5ed42629cc7dfd5"));
  auto digest = [&](const std::string& pass, const std::string& uri) {
    std::string ha1 = md5_hex("admin:R:" + pass), ha2 = md5_hex("GET:" + uri);
    return "Digest username=\"admin\", realm=\"R\", nonce=\"" + nonce + "\", uri=\"" + uri + "\", response=\"" +
           md5_hex(ha1 + ":" + nonce + ":" + ha2) + "\"";
  };
  EXPECT_EQ(check_authorization(digest("12345", "/x"), AuthKind::kDigest, "R", "GET", "/x", creds), AuthResult::kOk);
  EXPECT_EQ(check_authorization(digest("nope", "/x"), AuthKind::kDigest, "R", "GET", "/x", creds), AuthResult::kBad);
  EXPECT_EQ(check_authorization(digest("12345", "/y"), AuthKind::kDigest, "R", "GET", "/x", creds), AuthResult::kBad);
  EXPECT_EQ(check_authorization("", AuthKind::kDigest, "R", "GET", "/x", creds), AuthResult::kMissing);
  EXPECT_EQ(check_authorization("Basic YWRtaW46MTIzNDU=", AuthKind::kBasic, "R", "GET", "/x", creds), AuthResult::kOk);
  EXPECT_EQ(check_authorization("Basic YWRtaW46MTIzNDU=", AuthKind::kDigest, "R", "GET", "/x", creds), AuthResult::kBad);
  EXPECT_EQ(check_authorization("Basic YWRtaW46YWRtaW4=", AuthKind::kAny, "R", "GET", "/x", creds), AuthResult::kBad);
}

}  // namespace
}  // namespace anshin::lab

#include <fstream>

namespace anshin::lab {
namespace {

TEST(labFleet, BodyFileRelativeToTheFleetFile) {
  std::string dir = std::string(ANSHIN_BINARY_DIR) + "/lab_fleet_test";
  std::system(("mkdir -p " + dir).c_str());
  std::ofstream(dir + "/body.xml") << "<x>{{address}}</x>";
  std::ofstream(dir + "/f.yaml") << std::string(kHead) +
                                        device("a", 10, "      - {kind: http, routes: [{path: /, body_file: body.xml}]}\n");
  auto f = Fleet::load(dir + "/f.yaml");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->personalities[0].services[0].routes[0].response.body, "<x>{{address}}</x>");
  auto named = Fleet::load("f", dir);
  EXPECT_TRUE(named) << named.error().message;
  std::ofstream(dir + "/g.yaml") << std::string(kHead) +
                                        device("a", 10, "      - {kind: http, routes: [{path: /, body_file: nope.xml}]}\n");
  auto g = Fleet::load(dir + "/g.yaml");
  ASSERT_FALSE(g);
  EXPECT_NE(g.error().message.find("g.yaml:8:"), std::string::npos) << g.error().message;
}

}  // namespace
}  // namespace anshin::lab
