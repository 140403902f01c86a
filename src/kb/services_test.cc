// data/services loading: what the loader refuses, and that kb verify runs the examples.
#include <gtest/gtest.h>

#include "kb/kb.h"

namespace anshin::kb {
namespace {

// The shipped KB with one more services file.
bool verify_with(const std::string& yaml, Diagnostics& d) {
  auto files = KnowledgeBase::embedded_sources();
  files.push_back({"test/services.yaml", "services/zz_test.yaml", yaml});
  return KnowledgeBase::verify_sources(files, d);
}

std::string all(const Diagnostics& d) {
  std::string s;
  for (const auto& x : d.all()) s += Diagnostics::format(x) + "\n";
  return s;
}

TEST(KbServices, ShippedServicesLoadAndMatch) {
  Diagnostics d;
  auto kb = KnowledgeBase::load_embedded(d);
  ASSERT_TRUE(kb) << all(d);
  const auto& t = (*kb)->services();
  ASSERT_NE(t.by_name("litedev.hik-connect.com"), nullptr);
  EXPECT_EQ(t.by_name("litedev.hik-connect.com")->vendors, std::vector<std::string>{"hikvision"});
  EXPECT_EQ(t.by_name("www.easy4ipcloud.com")->id, "dahua-p2p");
  EXPECT_EQ(t.by_name("hik-connect.com.example.net"), nullptr);
  for (const auto& s : t.all()) EXPECT_FALSE(s.source.empty()) << s.id;
}

TEST(KbServices, AGoodFileWithARangeVerifies) {
  Diagnostics d;
  EXPECT_TRUE(verify_with(R"(services:
  - id: test-relay
    name: Test relay
    vendors: [hikvision]
    kind: p2p
    domains: [relay.test]
    addresses: ['198.51.100.0/24']
    source: 'RFC 5737 documentation range'
    examples: [a.relay.test, 198.51.100.7, {value: 198.51.101.7, match: false}]
)", d)) << all(d);
}

TEST(KbServices, ProblemsAreReportedWithTheirLine) {
  Diagnostics d;
  EXPECT_FALSE(verify_with(R"(services:
  - id: bad
    name: Bad
    vendors: [no-such-vendor]
    kind: cloudy
    domains: [Bad_Domain, hik-connect.com]
    addresses: ['0.0.0.0/0']
    examples: [{value: nothing.test}]
    colour: red
)", d));
  const std::string text = all(d);
  for (const char* want : {"unknown vendor id 'no-such-vendor'", "kind must be cloud or p2p", "needs a source",
                           "bad domain 'bad_domain'", "bad address range '0.0.0.0/0'", "unknown key 'colour'",
                           "domain claimed twice: hik-connect.com", "test/services.yaml:2"})
    EXPECT_NE(text.find(want), std::string::npos) << want << "\n" << text;
}

TEST(KbServices, AFailingExampleFailsVerify) {
  Diagnostics d;
  EXPECT_FALSE(verify_with(R"(services:
  - id: test-relay
    name: Test relay
    kind: cloud
    domains: [relay.test]
    source: 'test'
    examples: [relay.test.evil]
)", d));
  EXPECT_NE(all(d).find("example 'relay.test.evil' does not match service 'test-relay'"), std::string::npos) << all(d);
}

}  // namespace
}  // namespace anshin::kb
