// The resume state stored with a scan: plan options and settings survive the JSON round trip, and rows
// stored before the settings were kept still read (no settings: the command line's apply).
#include "scan/pipeline.h"

#include <gtest/gtest.h>

namespace anshin::scan {
namespace {

targets::PlanOptions Plan() {
  targets::PlanOptions p;
  p.targets = {"192.168.1.0/24", "cam.lab"};
  p.excludes = {"192.168.1.1"};
  p.ports = {80, 554, 8000};
  p.allow_public = true;
  return p;
}

TEST(ResumeState, SettingsSurviveTheRoundTrip) {
  ScanSettings s;
  s.rate = 50;
  s.concurrency = 16;
  s.timeout_ms = 2500;
  s.retries = 3;
  s.policy = "us,jp";
  s.check_default_creds = true;
  s.check_cves_active = true;
  s.sweep_only = true;
  s.no_multicast = true;
  s.lang = "ja";
  s.kb_dir = "/srv/kb";
  s.credentials = "/etc/anshin/creds.yaml";
  auto back = plan_options_from_json(plan_options_json(Plan(), s));
  ASSERT_TRUE(back.has_value()) << back.error().message;
  ASSERT_TRUE(back->settings.has_value());
  EXPECT_EQ(*back->settings, s);
  EXPECT_EQ(back->plan.targets, Plan().targets);
  EXPECT_EQ(back->plan.excludes, Plan().excludes);
  EXPECT_EQ(back->plan.ports, Plan().ports);
  EXPECT_TRUE(back->plan.allow_public);
}

TEST(ResumeState, FractionalRateKeepsItsValue) {
  ScanSettings s;
  s.rate = 0.5;
  auto back = plan_options_from_json(plan_options_json(Plan(), s));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->settings->rate, 0.5);
}

TEST(ResumeState, RowWithoutSettingsStillReads) {
  // The format stored before settings were kept.
  auto back = plan_options_from_json(
      R"({"targets":["10.0.0.0/24"],"excludes":[],"import_nmap":"","ports":[80],"allow_public":false})");
  ASSERT_TRUE(back.has_value()) << back.error().message;
  EXPECT_FALSE(back->settings.has_value());
  EXPECT_EQ(back->plan.ports, std::vector<uint16_t>{80});
}

TEST(ResumeState, DamagedSettingsAreAnError) {
  auto back = plan_options_from_json(
      R"({"targets":[],"excludes":[],"import_nmap":"","ports":[80],"allow_public":false,"settings":{"rate":"fast"}})");
  EXPECT_FALSE(back.has_value());
}

}  // namespace
}  // namespace anshin::scan
