// Assessment end to end: the default lab fleet on 127.77.235.0/24, scanned with the real probes, the
// built-in knowledge base and assessor, default ports, no intrusive flag. Every finding id of
// docs/contract.md (except auth.default-credentials, which needs --check-default-creds and is covered
// by intrusive_lab_test.cc) must fire on the personality built for it; CVE findings must be hits, not
// "possibly affected"; the clean control (axis-clean) must have no finding at all; the personalities of
// manufacturers no policy names, and the non-camera hosts, must have no policy finding.
// Prints the table and every device's findings so a failure shows what was concluded.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "lab/server.h"
#include "lab_scan.h"
#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin {
namespace {

constexpr const char* kCidr = "127.77.235.0/24";

struct Expected {
  const char* finding;
  const char* personality;
};

// finding id (contract.md) -> the lab personality (lab/fleets/default.yaml) that must show it.
constexpr Expected kTable[] = {
    {"policy.us.fcc-covered", "hikvision-ipc"},
    {"policy.us.ndaa-889", "hikvision-ipc"},
    {"policy.uk.sensitive-sites", "hikvision-ipc"},
    {"policy.au.government-removal", "hikvision-ipc"},
    {"cve.CVE-2017-7921", "hikvision-ipc-cve2017"},
    {"cve.CVE-2017-7923", "hikvision-ipc-cve2017"},
    {"cve.CVE-2021-33044", "dahua-ipc-cve2021"},
    {"auth.rtsp-open", "bosch-dinion"},
    {"auth.onvif-open", "xiongmai-ipc"},
    {"auth.not-activated", "hikvision-dvr"},
    {"exposure.telnet", "hikvision-dvr"},
    {"exposure.ftp", "axis-p3245"},
    {"exposure.http-cleartext", "hikvision-ipc"},
    {"exposure.upnp", "axis-p3245"},
    {"exposure.p2p-cloud", "hikvision-nvr"},
    {"tls.weak", "hikvision-ipc"},
};

constexpr const char* kCleanControl = "axis-clean";

// Manufacturers no policy names, and ordinary hosts: no policy.* finding.
const std::set<std::string> kNoPolicy = {"axis-p3245", "axis-m3106",  "axis-clean", "bosch-dinion", "hanwha-xnd",
                                         "panasonic-ipro", "web-nginx", "printer",    "home-router"};

bool starts_with(const std::string& s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

TEST(FindingsLab, EveryFindingFiresOnItsPersonalityAndNotOnTheCleanControl) {
  auto fleet = lab::Fleet::load("default");
  ASSERT_TRUE(fleet) << fleet.error().message;
  lab::LabServer server;
  auto started = server.start(*fleet, kCidr);
  ASSERT_TRUE(started) << started.error().message;

  auto result = labtest::scan_lab(kCidr);  // English titles: the "possibly affected" wording below
  ASSERT_TRUE(result) << result.error().message;
  server.stop();

  std::map<std::string, const Device*> by_address;
  for (const auto& d : result->snapshot.devices) by_address[d.address.to_string()] = &d;
  std::map<std::string, const Device*> by_id;
  for (const auto& dev : server.devices()) {
    auto it = by_address.find(dev.address);
    by_id[dev.id] = it == by_address.end() ? nullptr : it->second;
  }

  // Every device's findings, for the log.
  for (const auto& dev : server.devices()) {
    const Device* d = by_id[dev.id];
    std::printf("%-24s %-14s", dev.id.c_str(), dev.address.c_str());
    if (!d) {
      std::printf(" NOT FOUND\n");
      continue;
    }
    for (const auto& f : d->findings) std::printf(" %s(%s)", f.id.c_str(), severity_name(f.severity));
    std::printf("\n");
  }

  std::printf("\n%-30s %-24s %-9s %s\n", "finding", "personality", "severity", "result");
  int ok = 0;
  for (const auto& [id, personality] : kTable) {
    SCOPED_TRACE(std::string(id) + " on " + personality);
    auto it = by_id.find(personality);
    ASSERT_NE(it, by_id.end()) << "no such personality in the default fleet";
    const Device* d = it->second;
    ASSERT_NE(d, nullptr) << "not found by the scan";
    const Finding* hit = nullptr;
    for (const auto& f : d->findings)
      if (f.id == id) hit = &f;
    bool pass = hit != nullptr;
    if (hit && starts_with(id, "cve.")) {
      const bool possible = hit->title.str().find("possibly affected") != std::string::npos;
      EXPECT_FALSE(possible) << "a hit was expected, got: " << hit->title;
      pass = pass && !possible;
    }
    EXPECT_TRUE(hit) << id << " did not fire on " << personality;
    ok += pass;
    std::printf("%-30s %-24s %-9s %s\n", id, personality, hit ? severity_name(hit->severity) : "-",
                pass ? "fires" : "MISSING");
  }
  std::printf("findings lab: %d/%zu finding ids fire on their personality\n", ok, std::size(kTable));

  // One text object per distinct text of the scan: equal titles, details and remediations of different
  // devices' findings are shared, never copies (the pool of scan::run_scan).
  {
    std::map<std::string, SharedText> first_seen;
    size_t shared = 0;
    for (const auto& d : result->snapshot.devices)
      for (const auto& f : d.findings)
        for (const SharedText* t : {&f.title, &f.detail, &f.remediation}) {
          auto [it, fresh] = first_seen.emplace(t->str(), *t);
          if (fresh) continue;
          EXPECT_TRUE(it->second.same_object(*t)) << f.id << " on " << d.address.to_string() << ": " << *t;
          ++shared;
        }
    EXPECT_GT(shared, 20u) << "the fleet's Hikvision devices share their policy findings' texts";
  }

  // The clean control: nothing at all.
  {
    SCOPED_TRACE(kCleanControl);
    const Device* d = by_id[kCleanControl];
    ASSERT_NE(d, nullptr) << "clean control not found by the scan";
    EXPECT_EQ(category_name(d->verdict.category), std::string("camera"));
    ASSERT_TRUE(d->verdict.manufacturer.has_value()) << "the clean control must be identified to be meaningful";
    for (const auto& f : d->findings) ADD_FAILURE() << "clean control has finding " << f.id << ": " << f.title;
    std::printf("clean control %s: %zu finding(s)\n", kCleanControl, d->findings.size());
  }

  // No policy finding on manufacturers no policy names, nor on ordinary hosts.
  for (const auto& id : kNoPolicy) {
    SCOPED_TRACE(id);
    auto it = by_id.find(id);
    ASSERT_NE(it, by_id.end()) << "no such personality in the default fleet";
    if (!it->second) {
      ADD_FAILURE() << "not found by the scan";
      continue;
    }
    for (const auto& f : it->second->findings) EXPECT_FALSE(starts_with(f.id, "policy.")) << f.id << ": " << f.title;
  }
}

}  // namespace
}  // namespace anshin
