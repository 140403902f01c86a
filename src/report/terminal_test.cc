#include "report/terminal.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>

#include "core/text.h"
#include "support/snapshots.h"
#include "support/timezone.h"

namespace anshin::report {
namespace {

std::string render(const ScanSnapshot& s, const TerminalOptions& o) {
  char* buf = nullptr;
  size_t len = 0;
  std::FILE* f = open_memstream(&buf, &len);
  render_terminal(s, f, o);
  std::fclose(f);
  std::string out(buf, len);
  std::free(buf);
  return out;
}

TEST(Terminal, EnglishLabelsFromCatalog) {
  const ::anshin::testing::ZoneScope tokyo(::anshin::testing::kTokyo);
  const std::string out = render(testing::canonical_snapshot(), {.lang = "en"});
  EXPECT_NE(out.find("ADDRESS"), std::string::npos);
  EXPECT_NE(out.find("MANUFACTURER / BRAND"), std::string::npos);
  EXPECT_NE(out.find("4 devices answered out of 256 addresses scanned (2026-11-27 19:00 +09:00, 9 s)."),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("Hikvision / Annke"), std::string::npos);
  // Security findings only: Annke's policy listings (2 high, 2 medium) are in the policy column, not here.
  EXPECT_NE(out.find("1 crit, 1 high, 1 med  4"), std::string::npos) << out;
  EXPECT_NE(out.find(" camera "), std::string::npos) << out;
}

TEST(Terminal, OneDeviceIsSingular) {
  ScanSnapshot one = testing::canonical_snapshot();
  one.devices.resize(1);
  const std::string en = render(one, {.lang = "en"});
  EXPECT_NE(en.find("1 device answered out of 256 addresses scanned"), std::string::npos) << en;
  EXPECT_NE(en.find("Of 1 device, "), std::string::npos) << en;
  EXPECT_EQ(en.find("1 devices"), std::string::npos) << en;
  const std::string ja = render(one, {.lang = "ja"});
  EXPECT_NE(ja.find("256 アドレス中 1 台の機器が応答しました"), std::string::npos) << ja;
}

TEST(Terminal, JapaneseLabelsFromCatalog) {
  const std::string out = render(testing::canonical_snapshot(), {.lang = "ja"});
  EXPECT_NE(out.find("製造元 / ブランド"), std::string::npos);
  EXPECT_NE(out.find("256 アドレス中 4 台の機器が応答しました（"), std::string::npos) << out;
  EXPECT_NE(out.find("1 緊急, 1 重要"), std::string::npos) << out;
  // The category column speaks Japanese too; the canonical English name stays in JSON and CSV only.
  EXPECT_NE(out.find("  カメラ  "), std::string::npos) << out;
  EXPECT_EQ(out.find(" camera "), std::string::npos) << out;
}

TEST(Terminal, TableFitsTheWidthGiven) {
  for (const char* lang : {"en", "ja"}) {
    const std::string out = render(testing::canonical_snapshot(), {.lang = lang, .width = 80});
    size_t start = 0, rows = 0;
    for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1, ++rows) {
      const std::string line = out.substr(start, nl - start);
      if (rows <= 4) { EXPECT_LE(text::display_width(line), 80u) << lang << ": " << line; }  // header + 4 devices
    }
    EXPECT_NE(out.find("Hikvision"), std::string::npos) << out;
  }
  const std::string wide = render(testing::canonical_snapshot(), {.lang = "en", .width = 0});
  EXPECT_NE(wide.find("SERVICES"), std::string::npos);
  EXPECT_EQ(render(testing::canonical_snapshot(), {.lang = "en", .width = 80}).find("SERVICES"), std::string::npos);
}

TEST(Terminal, TopActionsAfterTheSummary) {
  const std::string out = render(testing::canonical_snapshot(), {.lang = "en", .exploited = {"cve.CVE-2017-7921"}});
  const size_t at = out.find("Top actions");
  ASSERT_NE(at, std::string::npos) << out;
  EXPECT_GT(at, out.find("devices answered")) << out;
  const std::string first = out.substr(out.find("  1. ", at), out.find('\n', out.find("  1. ", at)) - out.find("  1. ", at));
  EXPECT_NE(first.find("[Critical] Update the firmware of 1 Hikvision"), std::string::npos) << out;
  EXPECT_NE(first.find("exploited (CISA KEV): CVE-2017-7921"), std::string::npos) << out;
  EXPECT_EQ(out.find("  4. "), std::string::npos) << "three at most";
  const std::string ja = render(testing::canonical_snapshot(), {.lang = "ja", .exploited = {"cve.CVE-2017-7921"}});
  EXPECT_NE(ja.find("優先して行う対策"), std::string::npos) << ja;
  EXPECT_NE(ja.find("[緊急]"), std::string::npos) << ja;
}

TEST(Terminal, PolicyFindingsHaveTheirOwnColumn) {
  const std::string out = render(testing::policy_versus_security_snapshot(), {.lang = "en"});
  EXPECT_NE(out.find("Of 3 devices, 1 with a critical or high security finding, 1 named by a procurement policy."),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("SECURITY"), std::string::npos);
  EXPECT_NE(out.find("POLICY"), std::string::npos);
  // Riskiest first: the CVE device, then the listed one (no security finding, 4 policies), then the note only.
  const size_t vulnerable = out.find("10.20.0.60"), listed = out.find("10.20.0.50"), unsure = out.find("10.20.0.70");
  ASSERT_NE(listed, std::string::npos);
  EXPECT_LT(vulnerable, listed);
  EXPECT_LT(listed, unsure);
  std::string listed_line = out.substr(listed, out.find('\n', listed) - listed);
  listed_line.erase(listed_line.find_last_not_of(' ') + 1);
  EXPECT_TRUE(listed_line.ends_with("  -         4")) << listed_line;  // security "-", policy 4
  EXPECT_EQ(listed_line.find("high"), std::string::npos) << listed_line;
  const std::string vulnerable_line = out.substr(vulnerable, out.find('\n', vulnerable) - vulnerable);
  EXPECT_NE(vulnerable_line.find("1 high"), std::string::npos) << vulnerable_line;
  const std::string ja = render(testing::policy_versus_security_snapshot(), {.lang = "ja"});
  EXPECT_NE(ja.find("全 3 台のうち、緊急・重要のセキュリティ上の指摘事項がある機器は 1 台、調達規制の対象となる機器は 1 台です。"),
            std::string::npos)
      << ja;
  EXPECT_NE(ja.find("調達規制"), std::string::npos);
}

TEST(Terminal, NoDevicesAndInterrupted) {
  ScanSnapshot s;
  s.scan.addresses = 10;
  s.scan.interrupted = true;
  const std::string out = render(s, {.lang = "en"});
  EXPECT_NE(out.find("no device answered."), std::string::npos);
  EXPECT_NE(out.find("scan interrupted"), std::string::npos);
  EXPECT_NE(render(s, {.lang = "ja"}).find("スキャンは中断されました"), std::string::npos);
}

TEST(Terminal, HostileStringsAreInert) {
  for (const char* lang : {"en", "ja"}) {
    const std::string out = render(testing::hostile_snapshot(), {.color = false, .lang = lang});
    EXPECT_EQ(out.find('\x1b'), std::string::npos) << lang;
    EXPECT_EQ(out.find('\x07'), std::string::npos) << lang;
    EXPECT_EQ(out.find("\xff"), std::string::npos) << lang;
    EXPECT_NE(out.find("\\x1b[31m"), std::string::npos) << out;
  }
  // With colour on, the only escapes are our own SGR sequences, never an OSC (ESC ]) from the device.
  const std::string coloured = render(testing::hostile_snapshot(), {.color = true, .lang = "en"});
  EXPECT_EQ(coloured.find("\x1b]"), std::string::npos);
  EXPECT_EQ(coloured.find('\x07'), std::string::npos);
}

}  // namespace
}  // namespace anshin::report
