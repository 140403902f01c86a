// plan_intrusive: what the intrusive pass may try on a host, taken from the KB's credential data (default
// pairs and vendor login paths) and the device's verdict.
#include "scan/intrusive.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "support/hosts.h"
#include "support/kb.h"

namespace anshin::scan {
namespace {

const kb::KnowledgeBase& Kb() { return testing::shipped_kb(); }

Device Identified(std::optional<std::string> manufacturer, std::optional<std::string> brand = std::nullopt) {
  Device d;
  d.verdict.manufacturer = std::move(manufacturer);
  d.verdict.brand = std::move(brand);
  return d;
}

probes::IntrusivePlan Plan(const Device& d, const HostRecord& host = {}) {
  IntrusiveOptions opts;
  opts.default_creds = true;
  return plan_intrusive(d, host, Kb().vocab(), Kb().credentials(), opts);
}

HostRecord WithAuthPath(const std::string& path) {
  return testing::host("192.0.2.10", {80}, {testing::service("paths", 80, {{"http.path.auth", path}})});
}

TEST(PlanIntrusive, LoginPathOfTheIdentifiedVendorComesFromTheData) {
  EXPECT_EQ(Plan(Identified("Hikvision")).login_path, "/ISAPI/System/deviceInfo");
  EXPECT_EQ(Plan(Identified("Dahua")).login_path, "/cgi-bin/magicBox.cgi?action=getDeviceType");
  // The brand counts too, and the vendor row wins over what the paths probe saw.
  EXPECT_EQ(Plan(Identified(std::nullopt, "Hikvision"), WithAuthPath("/admin")).login_path, "/ISAPI/System/deviceInfo");
}

TEST(PlanIntrusive, OtherDevicesUseTheProtectedPathSeenElseRoot) {
  EXPECT_EQ(Plan(Identified("Axis"), WithAuthPath("/axis-cgi/admin/param.cgi")).login_path, "/axis-cgi/admin/param.cgi");
  EXPECT_EQ(Plan(Identified("Axis")).login_path, "/");
  EXPECT_EQ(Plan(Device{}).login_path, "/");
}

TEST(PlanIntrusive, DefaultPairsComeFromTheKbForTheIdentifiedVendorOnly) {
  const auto hik = Plan(Identified("Hikvision"));
  ASSERT_FALSE(hik.credentials.empty());
  for (const auto& c : hik.credentials) {
    EXPECT_EQ(c.origin, "default");
    // The reference names a data row listing hikvision among its vendors.
    bool row_found = false;
    for (const auto& row : Kb().credentials().defaults)
      if (c.ref.rfind("data/credentials/defaults.yaml " + row.id + " ", 0) == 0)
        row_found = std::find(row.vendors.begin(), row.vendors.end(), "hikvision") != row.vendors.end();
    EXPECT_TRUE(row_found) << c.ref;
  }
  EXPECT_TRUE(Plan(Device{}).credentials.empty());
}

TEST(PlanIntrusive, NotActivatedDeviceGetsNoLogin) {
  Device d = Identified("Hikvision");
  d.findings.push_back({.id = "auth.not-activated"});
  const auto plan = Plan(d);
  EXPECT_TRUE(plan.credentials.empty());
  EXPECT_FALSE(plan.skip_reason.empty());
}

TEST(KbCredentials, LoadedWithTheKnowledgeBase) {
  const auto& c = Kb().credentials();
  EXPECT_GT(c.defaults.size(), 100u);
  ASSERT_EQ(c.login_paths.size(), 2u);
  for (const auto& lp : c.login_paths) {
    EXPECT_NE(Kb().vocab().find(lp.vendor), nullptr) << lp.vendor;
    EXPECT_FALSE(lp.source.empty()) << lp.vendor;
  }
}

TEST(KbCredentials, ALoginPathForAnUnknownVendorIsAnError) {
  auto files = kb::KnowledgeBase::embedded_sources();
  for (auto& f : files)
    if (f.role == "credentials/login_paths.yaml")
      f.contents = "login_paths:\n  - {vendor: no-such-vendor, path: /x, source: test}\n  - {vendor: axis, path: x, source: test}\n";
  kb::Diagnostics d;
  EXPECT_FALSE(kb::KnowledgeBase::load_sources(files, d));
  std::string all;
  for (const auto& x : d.all()) all += kb::Diagnostics::format(x) + "\n";
  EXPECT_NE(all.find("unknown vendor id 'no-such-vendor'"), std::string::npos) << all;
  EXPECT_NE(all.find("must start with '/'"), std::string::npos) << all;
}

}  // namespace
}  // namespace anshin::scan
