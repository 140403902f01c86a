#include "targets/targets.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

namespace anshin::targets {
namespace {

using V = std::vector<uint16_t>;
IpAddr ip(const char* s) { return *IpAddr::parse(s); }

// A resolver that never touches DNS.
Result<std::vector<IpAddr>> fake_resolve(const std::string& host) {
  static const std::map<std::string, std::vector<IpAddr>> kHosts = {
      {"cam1.lab", {ip("192.168.1.10")}},
      {"nvr.lab", {ip("192.168.1.20"), ip("fd00::20")}},
      {"public.example", {ip("93.184.216.34")}},
  };
  auto it = kHosts.find(host);
  if (it == kHosts.end()) return make_error(Errc::kInvalidInput, "invalid target \"" + host + "\": unknown host");
  return it->second;
}

PlanOptions opts(std::vector<std::string> targets, V ports = {80}) {
  PlanOptions o;
  o.targets = std::move(targets);
  o.ports = std::move(ports);
  o.resolve = fake_resolve;
  return o;
}

TargetPlan plan_ok(const PlanOptions& o) {
  auto r = build_plan(o);
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? *r : TargetPlan{};
}

Error plan_err(const PlanOptions& o) {
  auto r = build_plan(o);
  EXPECT_FALSE(r) << "expected an error, got " << (r ? r->address_count() : 0) << " addresses";
  return r ? Error{Errc::kIo, "(no error)"} : r.error();
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    static int counter = 0;
    path_ = (std::filesystem::temp_directory_path() /
             ("anshin_targets_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".txt"))
                .string();
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::filesystem::remove(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(TargetsPlan, SingleHostAndSmallCidrs) {
  auto p = plan_ok(opts({"10.0.0.7/32"}, {80, 443}));
  EXPECT_EQ(p.address_count(), 1u);
  EXPECT_EQ(p.size(), 2u);
  EXPECT_EQ(p.at(0).address, ip("10.0.0.7"));
  EXPECT_EQ(p.at(0).port, 80);
  EXPECT_EQ(p.at(1).port, 443);
  EXPECT_EQ(p.describe(), std::vector<std::string>{"10.0.0.7"});

  auto q = plan_ok(opts({"10.0.0.7/31"}));
  EXPECT_EQ(q.address_count(), 2u);
  EXPECT_EQ(q.at(0).address, ip("10.0.0.6"));
  EXPECT_EQ(q.at(1).address, ip("10.0.0.7"));
  EXPECT_EQ(q.describe(), std::vector<std::string>{"10.0.0.6/31"});
}

TEST(TargetsPlan, WholeInternetCountsOnly) {
  PlanOptions o = opts({"0.0.0.0/0"});
  o.ports = {};  // default camera ports
  o.allow_public = true;
  auto p = plan_ok(o);
  EXPECT_EQ(p.address_count(), 1ull << 32);
  EXPECT_EQ(p.size(), (1ull << 32) * 17);
  EXPECT_EQ(p.groups().size(), 1u);
  EXPECT_EQ(p.groups()[0].spans.size(), 1u);  // one interval, never a list of addresses
  EXPECT_EQ(p.at(0).address, ip("0.0.0.0"));
  EXPECT_EQ(p.at(0).port, 21);
  EXPECT_EQ(p.at(p.size() - 1).address, ip("255.255.255.255"));
  EXPECT_EQ(p.at(p.size() - 1).port, 37777);
  EXPECT_EQ(p.host(0x0a000001).address, ip("10.0.0.1"));
  EXPECT_EQ(p.host(0x0a000001).ports.size(), 17u);
}

TEST(TargetsPlan, Ipv6SingleAndSlash120) {
  auto p = plan_ok(opts({"fd00::5"}));
  EXPECT_EQ(p.address_count(), 1u);
  EXPECT_EQ(p.at(0).address, ip("fd00::5"));
  auto q = plan_ok(opts({"fd00::1:0/120", "10.0.0.1"}));
  EXPECT_EQ(q.address_count(), 257u);
  EXPECT_EQ(q.host(0).address, ip("10.0.0.1"));  // IPv4 first
  EXPECT_EQ(q.host(1).address, ip("fd00::1:0"));
  EXPECT_EQ(q.host(256).address, ip("fd00::1:ff"));
  auto r = plan_ok(opts({"fd00::/96"}));
  EXPECT_EQ(r.address_count(), 1ull << 32);
  EXPECT_EQ(r.host((1ull << 32) - 1).address, ip("fd00::ffff:ffff"));
}

TEST(TargetsPlan, Ipv6TooLargeIsRefused) {
  const Error e = plan_err(opts({"fd00::/95"}));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message,
            "refusing fd00::/95: an IPv6 target may hold at most 2^32 addresses (a /96); larger ones cannot be swept");
  PlanOptions o = opts({"::/0"});
  o.allow_public = true;
  EXPECT_EQ(plan_err(o).code, Errc::kInvalidInput);
  // Excluding a large IPv6 block is fine.
  PlanOptions x = opts({"fd00::1"});
  x.excludes = {"fd00:1::/64"};
  EXPECT_EQ(plan_ok(x).address_count(), 1u);
}

TEST(TargetsPlan, OverlappingAndDuplicateTargetsAreMerged) {
  auto p = plan_ok(opts({"10.0.0.0/24", "10.0.0.128/25", "10.0.0.5", "10.0.0.250-10.0.1.9", "10.0.0.5",
                         "10.0.2.0-10"}));
  EXPECT_EQ(p.address_count(), 256u + 10 + 11);
  ASSERT_EQ(p.groups().size(), 1u);
  ASSERT_EQ(p.groups()[0].spans.size(), 2u);  // the first four overlap or touch
  EXPECT_EQ(p.summary(), (std::vector<std::string>{"10.0.0.0-10.0.1.9 ports 80", "10.0.2.0-10.0.2.10 ports 80"}));
  std::set<IpAddr> seen;
  for (uint64_t i = 0; i < p.address_count(); ++i) EXPECT_TRUE(seen.insert(p.host(i).address).second);
  EXPECT_EQ(p.describe(), (std::vector<std::string>{"10.0.0.0/24", "10.0.0.128/25", "10.0.0.5",
                                                    "10.0.0.250-10.0.1.9", "10.0.2.0-10.0.2.10"}));
}

TEST(TargetsPlan, RangesInBothForms) {
  auto p = plan_ok(opts({"192.168.1.3-99"}));
  EXPECT_EQ(p.address_count(), 97u);
  EXPECT_EQ(p.host(0).address, ip("192.168.1.3"));
  EXPECT_EQ(p.host(96).address, ip("192.168.1.99"));
  auto q = plan_ok(opts({"192.168.1.250-192.168.2.4"}));
  EXPECT_EQ(q.address_count(), 11u);
  EXPECT_EQ(q.host(6).address, ip("192.168.2.0"));
  auto r = plan_ok(opts({"fd00::fffe-fd00::1:1"}));
  EXPECT_EQ(r.address_count(), 4u);
}

TEST(TargetsPlan, Excludes) {
  PlanOptions o = opts({"10.0.0.0/24"}, {80, 443});
  o.excludes = {"10.0.0.0", "10.0.0.255", "10.0.0.100-199", "172.16.0.0/12"};
  auto p = plan_ok(o);
  EXPECT_EQ(p.address_count(), 254u - 100);
  EXPECT_EQ(p.size(), 2 * (254u - 100));
  EXPECT_EQ(p.summary(), (std::vector<std::string>{"10.0.0.1-10.0.0.99 ports 80,443",
                                                   "10.0.0.200-10.0.0.254 ports 80,443"}));
  EXPECT_EQ(p.excluded(),
            (std::vector<std::string>{"10.0.0.0", "10.0.0.255", "10.0.0.100-10.0.0.199", "172.16.0.0/12"}));
  for (uint64_t i = 0; i < p.address_count(); ++i) {
    const uint32_t last = p.host(i).address.v4_value() & 0xff;
    EXPECT_TRUE(last >= 1 && last <= 254 && (last < 100 || last > 199)) << last;
  }

  PlanOptions all = opts({"10.0.0.0/24", "10.0.1.1"});
  all.excludes = {"10.0.0.0/23"};
  const Error e = plan_err(all);
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message, "no addresses left after excludes");
}

TEST(TargetsPlan, TargetFile) {
  TempFile f("# lab cameras\n\n10.0.0.1\n  10.0.0.2-4   # the NVRs\r\n10.0.1.0/30\ncam1.lab\n#10.9.9.9\n\n");
  auto p = plan_ok(opts({"@" + f.path(), "10.0.0.1"}));
  EXPECT_EQ(p.address_count(), 4u + 4 + 1);
  EXPECT_EQ(p.describe(), (std::vector<std::string>{"10.0.0.1", "10.0.0.2-10.0.0.4", "10.0.1.0/30", "cam1.lab"}));

  PlanOptions ex = opts({"10.0.0.0/29"});
  ex.excludes = {"@" + f.path()};
  EXPECT_EQ(plan_ok(ex).address_count(), 4u);
}

TEST(TargetsPlan, TargetFileErrors) {
  TempFile empty("");
  Error e = plan_err(opts({"@" + empty.path()}));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message, "target file \"" + empty.path() + "\" has no targets");

  TempFile comments("# nothing here\n   \n# still nothing\n");
  EXPECT_NE(plan_err(opts({"@" + comments.path()})).message.find("has no targets"), std::string::npos);

  e = plan_err(opts({"@/nonexistent/anshin/targets.txt"}));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message.rfind("cannot read target file \"/nonexistent/anshin/targets.txt\": ", 0), 0u) << e.message;

  TempFile bad("10.0.0.1\n10.0.0.300\n");
  e = plan_err(opts({"@" + bad.path()}));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message, bad.path() + ":2: invalid target \"10.0.0.300\": not an IPv4 address");

  TempFile nested("@other.txt\n");
  EXPECT_EQ(plan_err(opts({"@" + nested.path()})).message,
            nested.path() + ":1: an @FILE may not name another @FILE");

  TempFile unknown("10.0.0.1\nno-such-host.lab\n");
  e = plan_err(opts({"@" + unknown.path()}));
  EXPECT_EQ(e.message, unknown.path() + ":2: invalid target \"no-such-host.lab\": unknown host");
}

TEST(TargetsPlan, TargetFileFromPipeAndDirectory) {
  // @<(command) hands anshin a pipe, not a regular file.
  const std::string fifo = (std::filesystem::temp_directory_path() /
                            ("anshin_targets_fifo_" + std::to_string(::getpid()))).string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  std::thread writer([&fifo] { std::ofstream(fifo) << "10.0.0.1\n10.0.0.2\n"; });
  auto p = build_plan(opts({"@" + fifo}));
  writer.join();
  std::filesystem::remove(fifo);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->address_count(), 2u);

  const Error e = plan_err(opts({"@" + std::filesystem::temp_directory_path().string()}));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_NE(e.message.find("is a directory"), std::string::npos) << e.message;
}

TEST(TargetsPlan, HostNames) {
  auto p = plan_ok(opts({"nvr.lab", "cam1.lab", "192.168.1.20"}));
  EXPECT_EQ(p.address_count(), 3u);
  EXPECT_EQ(p.host(0).address, ip("192.168.1.10"));
  EXPECT_EQ(p.host(2).address, ip("fd00::20"));
  EXPECT_EQ(p.describe(), (std::vector<std::string>{"nvr.lab", "cam1.lab", "192.168.1.20"}));

  const Error e = plan_err(opts({"nosuch.lab"}));
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message, "invalid target \"nosuch.lab\": unknown host");

  PlanOptions none = opts({"cam1.lab"});
  none.resolve = [](const std::string&) -> Result<std::vector<IpAddr>> { return std::vector<IpAddr>{}; };
  EXPECT_EQ(plan_err(none).message, "invalid target \"cam1.lab\": unknown host");

  // Numeric text is never sent to the resolver.
  int calls = 0;
  PlanOptions counted = opts({"10.0.0.1", "10.0.0.0/30", "10.0.0.1-3", "10.0.0.300"});
  counted.resolve = [&calls](const std::string& h) {
    ++calls;
    return fake_resolve(h);
  };
  (void)build_plan(counted);
  EXPECT_EQ(calls, 0);
}

TEST(TargetsPlan, LocalhostThroughGetaddrinfo) {
  // /etc/hosts only: no DNS traffic for "localhost".
  auto r = resolve_with_getaddrinfo("localhost");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_FALSE(r->empty());
  for (const IpAddr& a : *r) EXPECT_TRUE(a.is_loopback()) << a.to_string();
  PlanOptions o;
  o.targets = {"localhost"};
  o.ports = {80};
  auto p = plan_ok(o);  // default resolver
  EXPECT_EQ(p.address_count(), r->size());
}

TEST(TargetsPlan, ScopeGuard) {
  Error e = plan_err(opts({"8.8.8.0/24"}));
  EXPECT_EQ(e.code, Errc::kOutOfScope);
  EXPECT_EQ(e.message,
            "refusing 8.8.8.0/24: contains public addresses (outside private, loopback and link-local ranges), the "
            "first is 8.8.8.0; pass --allow-public if you are authorised to scan them");
  e = plan_err(opts({"8.8.8.8"}));
  EXPECT_EQ(e.code, Errc::kOutOfScope);
  EXPECT_EQ(e.message,
            "refusing 8.8.8.8: public address (outside private, loopback and link-local ranges); pass "
            "--allow-public if you are authorised to scan it");
  e = plan_err(opts({"public.example"}));
  EXPECT_EQ(e.code, Errc::kOutOfScope);
  EXPECT_EQ(e.message.rfind("refusing public.example (93.184.216.34): resolves to a public address", 0), 0u);
  // A CIDR that is mostly private still counts as public.
  e = plan_err(opts({"10.0.0.0/7"}));
  EXPECT_EQ(e.code, Errc::kOutOfScope);
  EXPECT_NE(e.message.find("the first is 11.0.0.0"), std::string::npos) << e.message;
  EXPECT_EQ(plan_err(opts({"192.168.255.250-192.169.0.3"})).code, Errc::kOutOfScope);
  EXPECT_EQ(plan_err(opts({"0.0.0.0/0"})).code, Errc::kOutOfScope);
  EXPECT_EQ(plan_err(opts({"2001:db8::1"})).code, Errc::kOutOfScope);
  EXPECT_EQ(plan_err(opts({"fd00::/8"})).code, Errc::kInvalidInput);  // too large comes first

  // Internal ranges are accepted.
  for (const char* t : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8",
                        "169.254.0.0/16", "::1", "fd12:3456::/96", "fe80::/96", "169.254.1.1-169.254.2.2"})
    EXPECT_TRUE(build_plan(opts({t})).has_value()) << t;

  // Public addresses that are excluded do not count.
  PlanOptions carved = opts({"10.0.0.0/7"});
  carved.excludes = {"11.0.0.0/8"};
  EXPECT_EQ(plan_ok(carved).address_count(), 1u << 24);

  // allow_public lifts the guard.
  PlanOptions pub = opts({"8.8.8.0/24", "public.example"});
  pub.allow_public = true;
  EXPECT_EQ(plan_ok(pub).address_count(), 257u);
}

TEST(TargetsPlan, BadInputs) {
  struct Case {
    std::vector<std::string> targets;
    V ports;
    const char* needle;
  };
  const Case cases[] = {
      {{"10.0.0.300"}, {80}, "not an IPv4 address"},
      {{"10.0.0.0/33"}, {80}, "prefix /33 is out of range"},
      {{"10.0.0.9-10.0.0.1"}, {80}, "range is reversed"},
      {{"nosuch.lab"}, {80}, "unknown host"},
      {{"@/nonexistent/file"}, {80}, "cannot read target file"},
      {{"10.0.0.1"}, {0}, "invalid port 0"},
      {{}, {80}, "no targets given"},
  };
  for (const Case& c : cases) {
    const Error e = plan_err(opts(c.targets, c.ports));
    EXPECT_EQ(e.code, Errc::kInvalidInput) << c.needle;
    EXPECT_NE(e.message.find(c.needle), std::string::npos) << e.message;
  }
  PlanOptions xbad = opts({"10.0.0.1"});
  xbad.excludes = {"10.0.0.1/40"};
  EXPECT_NE(plan_err(xbad).message.find("prefix /40"), std::string::npos);
}

TEST(TargetsPlan, NmapImport) {
  PlanOptions o;
  o.import_nmap = std::string(ANSHIN_SOURCE_DIR) + "/src/targets/testdata/nmap_lab.xml";
  o.targets = {"192.168.7.3", "192.168.7.8"};
  o.ports = {80, 8443};
  o.resolve = fake_resolve;
  auto p = plan_ok(o);
  // user group: 192.168.7.5 (up, no open port) and 192.168.7.8 on the user's ports;
  // 192.168.7.2 and fd00:7::10 on their own ports; 192.168.7.3 on its own ports plus the user's.
  EXPECT_EQ(p.address_count(), 5u);
  EXPECT_EQ(p.size(), 2u + 2 + 4 + 2 + 4);
  std::map<IpAddr, V> per_host;
  for (uint64_t i = 0; i < p.size(); ++i) per_host[p.at(i).address].push_back(p.at(i).port);
  EXPECT_EQ(per_host[ip("192.168.7.2")], (V{80, 443, 554, 8000}));
  EXPECT_EQ(per_host[ip("192.168.7.3")], (V{80, 554, 8443, 37777}));
  EXPECT_EQ(per_host[ip("192.168.7.5")], (V{80, 8443}));
  EXPECT_EQ(per_host[ip("192.168.7.8")], (V{80, 8443}));
  EXPECT_EQ(per_host[ip("fd00:7::10")], (V{80, 8080}));
  EXPECT_EQ(per_host.size(), 5u);
  EXPECT_EQ(p.describe().back(), "nmap:" + o.import_nmap);

  // Import alone, with an exclude.
  PlanOptions only;
  only.import_nmap = o.import_nmap;
  only.excludes = {"192.168.7.2"};
  auto q = plan_ok(only);
  EXPECT_EQ(q.address_count(), 3u);
  EXPECT_EQ(q.size(), 17u + 3 + 2);  // .5 on the default camera ports, .3 and fd00:7::10 on their own

  PlanOptions missing;
  missing.import_nmap = "/nonexistent/anshin/scan.xml";
  EXPECT_EQ(plan_err(missing).code, Errc::kInvalidInput);

  PlanOptions pub;
  pub.imported = {NmapHost{ip("8.8.4.4"), {53}}};
  const Error e = plan_err(pub);
  EXPECT_EQ(e.code, Errc::kOutOfScope);
  EXPECT_EQ(e.message.rfind("refusing 8.8.4.4 from nmap import: public address", 0), 0u) << e.message;
}

TEST(TargetsPlan, AtAndHostAgreeAcrossGroups) {
  PlanOptions o = opts({"10.0.0.0/30", "fd00::/126"}, {80, 81, 82});
  o.imported = {NmapHost{ip("10.9.0.1"), {22}}, NmapHost{ip("10.9.0.2"), {22}}, NmapHost{ip("10.9.0.3"), {554, 8554}}};
  auto p = plan_ok(o);
  ASSERT_EQ(p.groups().size(), 3u);
  uint64_t probe = 0;
  std::set<std::pair<IpAddr, uint16_t>> seen;
  for (uint64_t h = 0; h < p.address_count(); ++h) {
    const HostPorts hp = p.host(h);
    for (uint16_t port : hp.ports) {
      const Probe pr = p.at(probe++);
      EXPECT_EQ(pr.address, hp.address);
      EXPECT_EQ(pr.port, port);
      EXPECT_TRUE(seen.insert({pr.address, pr.port}).second);
    }
  }
  EXPECT_EQ(probe, p.size());
  EXPECT_EQ(p.size(), 8u * 3 + 2 + 2);

  // A permutation over the plan visits every probe exactly once.
  const Permutation perm(p.size(), 77);
  std::set<std::pair<IpAddr, uint16_t>> visited;
  for (uint64_t i = 0; i < p.size(); ++i) {
    const Probe pr = p.at(perm.at(i));
    EXPECT_TRUE(visited.insert({pr.address, pr.port}).second);
  }
  EXPECT_EQ(visited, seen);
}

}  // namespace
}  // namespace anshin::targets

namespace anshin::targets {
namespace {

TEST(TargetsContains, AnswersMembershipWithoutEnumerating) {
  PlanOptions o;
  o.targets = {"10.0.0.0/24", "10.0.5.7", "fd00::/120"};
  o.excludes = {"10.0.0.128/25"};
  o.ports = {80};
  auto plan = build_plan(o);
  ASSERT_TRUE(plan) << plan.error().message;
  EXPECT_TRUE(plan->contains(*IpAddr::parse("10.0.0.0")));
  EXPECT_TRUE(plan->contains(*IpAddr::parse("10.0.0.127")));
  EXPECT_FALSE(plan->contains(*IpAddr::parse("10.0.0.128")));
  EXPECT_TRUE(plan->contains(*IpAddr::parse("10.0.5.7")));
  EXPECT_FALSE(plan->contains(*IpAddr::parse("10.0.5.8")));
  EXPECT_TRUE(plan->contains(*IpAddr::parse("fd00::ff")));
  EXPECT_FALSE(plan->contains(*IpAddr::parse("fd00::100")));
  EXPECT_FALSE(plan->contains(*IpAddr::parse("192.168.1.1")));
}

}  // namespace
}  // namespace anshin::targets
