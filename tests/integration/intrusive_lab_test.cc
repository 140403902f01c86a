// The intrusive checks against the in-process lab (docs/assessment.md, "Intrusive checks"):
//   - without the flags the lab sees no login attempt (no Authorization header) and no CVE request;
//   - with --check-default-creds at most 3 attempts per device, none on a device that reports it is
//     not activated, exactly one on a device that locks after one failure, and the pre-activation
//     Hikvision personality (admin/12345) gets auth.default-credentials without the password anywhere;
//   - with --check-cves-active only the read-only CVE-2017-7921 GET, and a device that answers it gets
//     the CVE finding marked confirmed; nothing is ever sent to the intrusive-write endpoint.
#include <gtest/gtest.h>

#include <map>

#include "lab/server.h"
#include "lab_scan.h"
#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin {
namespace {

const std::string kBypass = "/system/deviceInfo?auth=YWRtaW46MTEK";

using labtest::scan_lab;

// The test fleet: the default one, with the Hanwha personality locking after one failure (403), and
// the 2014 Hikvision personality on a CVE-2017-7921 model line, answering the bypass GET like the
// affected firmware does.
lab::Fleet test_fleet() {
  auto fleet = lab::Fleet::load("default");
  EXPECT_TRUE(fleet) << fleet.error().message;
  for (auto& p : fleet->personalities) {
    if (p.id == "hanwha-xnd") {
      p.lockout_after = 1;
      for (auto& s : p.services)
        if (s.auth) {
          lab::Response locked;
          locked.status = 403;
          locked.headers = {"Content-Type: text/plain", "Connection: close"};
          locked.body = "Account locked";
          s.auth->locked = locked;
        }
    }
    if (p.id == "hikvision-ipc-2014") {
      p.vars["model"] = "DS-2CD2432F-I";
      p.expect.model = "DS-2CD2432F-I";
      for (auto& s : p.services) {
        if (s.kind != lab::ServiceKind::kHttp) continue;
        lab::Route r;
        r.method = "GET";
        r.path = "/system/deviceInfo";
        r.query = "auth=YWRtaW46MTEK";
        r.response.status = 200;
        r.response.headers = {"Content-Type: application/xml", "Connection: close"};
        r.response.body = "<?xml version=\"1.0\"?><DeviceInfo><model>{{model}}</model><firmwareVersion>V5.2.5</firmwareVersion></DeviceInfo>";
        s.routes.insert(s.routes.begin(), r);
      }
    }
  }
  return std::move(*fleet);
}

TEST(IntrusiveLab, WithoutFlagsNoLoginAttemptAndNoCveRequest) {
  auto fleet = test_fleet();
  lab::LabServer server;
  ASSERT_TRUE(server.start(fleet, "127.77.238.0/24"));
  auto result = scan_lab("127.77.238.0/24");
  ASSERT_TRUE(result) << result.error().message;
  server.stop();
  EXPECT_GT(server.count({.kind = "http"}), 50u);
  EXPECT_EQ(server.count({.authorization = true}), 0u);
  EXPECT_EQ(server.count({.target = kBypass}), 0u);
  for (const auto& e : server.log()) {
    EXPECT_TRUE(e.method != "PUT" && e.method != "DELETE") << e.method << " " << e.target;
    EXPECT_EQ(e.target.find("webLanguage"), std::string::npos);
  }
  for (const auto& d : result->snapshot.devices)
    for (const auto& f : d.findings) EXPECT_NE(f.id, "auth.default-credentials");
}

TEST(IntrusiveLab, DefaultCredsAndActiveCves) {
  auto fleet = test_fleet();
  lab::LabServer server;
  ASSERT_TRUE(server.start(fleet, "127.77.239.0/24"));
  scan::IntrusiveOptions opts;
  opts.default_creds = true;
  opts.cves_active = true;
  auto result = scan_lab("127.77.239.0/24", {.intrusive = opts});
  ASSERT_TRUE(result) << result.error().message;
  server.stop();

  std::map<std::string, const Device*> by_address;
  for (const auto& d : result->snapshot.devices) by_address[d.address.to_string()] = &d;
  uint64_t total = 0;
  for (const auto& dev : server.devices()) {
    const uint64_t attempts = server.count({.address = dev.address, .authorization = true});
    total += attempts;
    std::printf("%-24s %llu login attempt(s)\n", dev.id.c_str(), static_cast<unsigned long long>(attempts));
    EXPECT_LE(attempts, 3u) << dev.id;
    if (dev.id == "hanwha-xnd") {
      EXPECT_EQ(attempts, 1u) << "lockout_after: 1 -> exactly one attempt";
    }
    if (dev.id == "hikvision-dvr") {
      EXPECT_EQ(attempts, 0u) << "not activated: no attempt";
    }
    const Device* d = by_address.count(dev.address) ? by_address[dev.address] : nullptr;
    if (!d) continue;
    for (const auto& f : d->findings) {
      if (f.id != "auth.default-credentials") continue;
      EXPECT_EQ(f.detail.find("12345"), std::string::npos) << f.detail;
      EXPECT_EQ(f.title.find("12345"), std::string::npos);
      for (const auto& e : f.evidence) EXPECT_EQ(e.value.find("12345"), std::string::npos);
    }
    if (dev.id == "hikvision-ipc-2014") {
      bool creds = false, confirmed = false;
      for (const auto& f : d->findings) {
        creds |= f.id == "auth.default-credentials";
        if (f.id == "cve.CVE-2017-7921")
          for (const auto& e : f.evidence) confirmed |= e.source == "cve.active";
      }
      EXPECT_TRUE(creds) << "admin/12345 is the documented pre-activation default";
      EXPECT_TRUE(confirmed) << "the read-only bypass GET answered with <firmwareVersion>";
    }
  }
  std::printf("login attempts in total: %llu\n", static_cast<unsigned long long>(total));
  // Exactly one bypass GET per device whose model line the CVE names (hikvision-ipc-2014 and
  // hikvision-ipc-cve2017), none elsewhere.
  size_t on_cve_line = 0;
  for (const auto& d : server.devices())
    if (d.id == "hikvision-ipc-2014" || d.id == "hikvision-ipc-cve2017") {
      ++on_cve_line;
      EXPECT_EQ(server.count({.address = d.address, .target = kBypass}), 1u) << d.id;
    }
  EXPECT_EQ(server.count({.target = kBypass}), on_cve_line);
  for (const auto& e : server.log()) {
    EXPECT_TRUE(e.method != "PUT" && e.method != "DELETE") << e.method << " " << e.target;
    EXPECT_EQ(e.target.find("webLanguage"), std::string::npos);
  }
  for (const auto& h : result->hosts)
    for (const auto& r : h.services)
      if (r.probe == "creds" || r.probe == "cve_active") {
        for (const auto& o : r.observations) EXPECT_EQ(o.value.find("12345"), std::string::npos) << o.key;
      }
}

}  // namespace
}  // namespace anshin
