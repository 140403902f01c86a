// Structural tests of the HTML report (no goldens: markup changes too often). The same documents are
// written to <build>/test-artifacts/ for tests/integration/html_report_chromium.sh.
#include "report/html.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <regex>

#include "support/snapshots.h"
#include "support/timezone.h"

namespace anshin::report {
namespace {

size_t count(const std::string& hay, const std::string& needle) {
  size_t n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

// Times render in the process's time zone: every test here starts in UTC (a developer's TZ changes nothing).
class UtcZone : public ::testing::Environment {
 public:
  void SetUp() override {
    setenv("TZ", "UTC0", 1);
    tzset();
  }
};
const ::testing::Environment* const kUtcZone = ::testing::AddGlobalTestEnvironment(new UtcZone);

using ::anshin::testing::ZoneScope;

HtmlOptions Opt(const std::string& lang) {
  return {.lang = lang, .policies = testing::report_policies(lang), .exploited = {"cve.CVE-2021-33044"}};
}

std::string metric(const std::string& html, const std::string& name) {
  const std::regex re("data-metric=\"" + name + "\">([0-9]+)<");
  std::smatch m;
  return std::regex_search(html, m, re) ? m[1].str() : "?";
}

TEST(Html, SelfContainedDocument) {
  const std::string h = render_html(testing::canonical_snapshot(), Opt("en"));
  EXPECT_TRUE(h.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  EXPECT_NE(h.find("<meta charset=\"utf-8\">"), std::string::npos);
  EXPECT_NE(h.find("Content-Security-Policy\" content=\"default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; "
                   "script-src &#39;sha256-"),
            std::string::npos);
  // Nothing is loaded from anywhere: no external src/href, no @import, no url() fetches.
  EXPECT_EQ(h.find(" src="), std::string::npos);
  EXPECT_EQ(h.find("<link"), std::string::npos);
  EXPECT_EQ(h.find("@import"), std::string::npos);
  EXPECT_EQ(h.find("url("), std::string::npos);
  EXPECT_EQ(count(h, "<script"), 1u);
  EXPECT_EQ(count(h, "<style"), 1u);
  EXPECT_NE(h.find("@media print"), std::string::npos);
  EXPECT_NE(h.find("size:A4"), std::string::npos);
  EXPECT_NE(h.find("#details,#filter-status{display:none!important}"), std::string::npos);  // a summary in print
}

TEST(Html, JapaneseDocument) {
  const std::string h = render_html(testing::canonical_snapshot(), Opt("ja"));
  EXPECT_TRUE(h.starts_with("<!DOCTYPE html>\n<html lang=\"ja\">"));
  EXPECT_NE(h.find("概要"), std::string::npos);
  EXPECT_NE(h.find("製造元別の機器台数"), std::string::npos);
  EXPECT_NE(h.find("全 4 台のうち 2 台（50%）は、"), std::string::npos);
  EXPECT_NE(h.find(">緊急</span>"), std::string::npos);
  EXPECT_EQ(render_html(testing::canonical_snapshot(), Opt("ja_JP.UTF-8")), h);
}

TEST(Html, ExecutiveSummaryNumbers) {
  const std::string h = render_html(testing::canonical_snapshot(), Opt("en"));
  EXPECT_EQ(metric(h, "devices"), "4");
  EXPECT_EQ(metric(h, "surveillance"), "3");
  EXPECT_EQ(metric(h, "critical-high"), "2");
  EXPECT_EQ(metric(h, "policy-named"), "2");
  for (const auto& p : testing::report_policies("en")) {
    if (p.context) continue;
    EXPECT_NE(h.find("<tr data-policy=\"" + p.finding_id + "\"><td>" + p.label + "</td>"), std::string::npos)
        << p.finding_id;
  }
  EXPECT_NE(h.find("data-count=\"2\">2</td>"), std::string::npos);
  EXPECT_NE(h.find("2 of 4 devices (50%) were made by manufacturers named"), std::string::npos);
  EXPECT_NE(h.find("2 of 4 devices (50%) have at least one critical or high security finding"), std::string::npos);
  EXPECT_NE(h.find("out of 256 addresses scanned"), std::string::npos);
}

TEST(Html, PolicyCountsUseFindingIdPrefixes) {
  ScanSnapshot s = testing::canonical_snapshot();
  s.devices[2].findings.push_back(
      testing::finding("policy.us.fcc-covered.telecom", Severity::kHigh, "t", "d", "r", {}));
  const std::string h = render_html(s, Opt("en"));
  EXPECT_EQ(metric(h, "policy-named"), "3");
  EXPECT_NE(h.find("<tr data-policy=\"policy.us.fcc-covered\"><td>US: FCC Covered List</td><td class=\"n\" "
                   "data-count=\"3\">"),
            std::string::npos);
}

TEST(Html, PolicyFindingsAreNotSecurityRisk) {
  const std::string h = render_html(testing::policy_versus_security_snapshot(), Opt("en"));
  EXPECT_EQ(metric(h, "critical-high"), "1");  // the CVE device only, not the policy-only one
  EXPECT_EQ(metric(h, "policy-named"), "1");
  EXPECT_NE(h.find("1 of 3 devices (33%) have at least one critical or high security finding"), std::string::npos);
  EXPECT_NE(h.find("1 of 3 devices (33%) were made by manufacturers named"), std::string::npos);
  // The severity chart counts the one security finding: no high bar of 3 (policy findings are left out).
  EXPECT_NE(h.find("Security findings by severity"), std::string::npos);
  EXPECT_NE(h.find("<p class=\"note\" id=\"security-note\">Severity and findings count security findings only"),
            std::string::npos);
  // Device table: the CVE device first, its policy cell empty; the listed one second with its policy count.
  const size_t vulnerable = h.find("<tr data-address=\"10.20.0.60\""), listed = h.find("<tr data-address=\"10.20.0.50\"");
  ASSERT_NE(vulnerable, std::string::npos);
  ASSERT_NE(listed, std::string::npos);
  EXPECT_LT(vulnerable, listed);
  const std::string listed_row = h.substr(listed, h.find("</tr>", listed) - listed);
  EXPECT_NE(listed_row.find("<td data-sort=\"4\"><span class=\"policy-count\">named by 4</span></td>"), std::string::npos)
      << listed_row;
  EXPECT_NE(listed_row.find("<td data-sort=\"0\" class=\"sevlist\"><span class=\"na\">"), std::string::npos)
      << listed_row;
  const std::string ja = render_html(testing::policy_versus_security_snapshot(), Opt("ja"));
  EXPECT_NE(ja.find("4 件該当"), std::string::npos);
  EXPECT_NE(ja.find("全 3 台のうち 1 台（33%）に緊急または重要のセキュリティ上の指摘事項があります"), std::string::npos);
}

TEST(Html, PolicyRowsComeFromTheOptions) {
  // Rules get a counted row; context records are listed (escaped) without a count; no rows, no table rows.
  const std::string h = render_html(testing::canonical_snapshot(), Opt("en"));
  EXPECT_EQ(count(h, "<tr data-policy="), 4u);
  EXPECT_NE(h.find("<li data-policy=\"policy.jp.it-procurement-2018\"><strong>Japan: IT procurement agreement "
                   "&lt;2018&gt;</strong> (2018-12-10; Government of Japan): names no company</li>"),
            std::string::npos);
  EXPECT_NE(h.find("Related rules that name no manufacturer"), std::string::npos);
  HtmlOptions one = Opt("en");
  one.policies.resize(1);
  const std::string h1 = render_html(testing::canonical_snapshot(), one);
  EXPECT_EQ(count(h1, "<tr data-policy="), 1u);
  EXPECT_EQ(h1.find("Related rules that name no manufacturer"), std::string::npos);
  EXPECT_EQ(metric(h1, "policy-named"), "2");  // the Hikvision devices carry the FCC finding
  const std::string ja = render_html(testing::canonical_snapshot(), Opt("ja"));
  EXPECT_NE(ja.find("メーカーを名指ししない関連規制"), std::string::npos);
}

TEST(Html, OneSectionAndOneRowPerDevice) {
  const auto snap = testing::canonical_snapshot();
  const std::string h = render_html(snap, Opt("en"));
  EXPECT_EQ(count(h, "<section class=\"device\""), snap.devices.size());
  EXPECT_EQ(count(h, "<tr data-address="), snap.devices.size());
  for (const auto& d : snap.devices) {
    const std::string a = d.address.to_string();
    EXPECT_NE(h.find("<section class=\"device\" id=\"host-" + a + "\""), std::string::npos) << a;
    EXPECT_NE(h.find("<a href=\"#host-" + a + "\">"), std::string::npos) << a;
  }
  // Riskiest first: the Annke camera (critical, 7 findings) leads the table.
  EXPECT_LT(h.find("<tr data-address=\"10.20.0.21\""), h.find("<tr data-address=\"10.20.0.30\""));
  EXPECT_LT(h.find("<tr data-address=\"10.20.0.30\""), h.find("<tr data-address=\"10.20.0.40\""));
  // Evidence chain and findings with references as links.
  EXPECT_NE(h.find("<code>http.header.server</code>"), std::string::npos);
  EXPECT_NE(h.find("<code>hikvision-app-webs</code>"), std::string::npos);
  EXPECT_NE(h.find("manufacturer = Hikvision"), std::string::npos);
  EXPECT_NE(h.find("<a href=\"https://nvd.nist.gov/vuln/detail/CVE-2017-7921\""), std::string::npos);
  EXPECT_NE(h.find("data-finding=\"cve.CVE-2017-7921\""), std::string::npos);
  // Charts as inline SVG.
  EXPECT_NE(h.find("<figure id=\"chart-manufacturer\">"), std::string::npos);
  EXPECT_NE(h.find("<figure id=\"chart-severity\">"), std::string::npos);
  EXPECT_EQ(count(h, "<svg class=\"chart\""), 2u);
  // Footer for the lab: versions, scan id, times.
  EXPECT_NE(h.find("Generated by anshin 0.1.0 with knowledge base 2026.11.27."), std::string::npos);
  EXPECT_NE(h.find("Scan 2026-11-27T10:00:00Z-3f2a: started <time datetime=\"2026-11-27T10:00:00Z\" data-offset=\"0\">"
                   "2026-11-27 10:00 UTC (+00:00)</time>, finished <time datetime=\"2026-11-27T10:00:09Z\" "
                   "data-offset=\"0\">2026-11-27 10:00 UTC (+00:00)</time>."),
            std::string::npos);
}

TEST(Html, EmptyAndInterruptedScan) {
  ScanSnapshot s;
  s.scan.addresses = 16;
  s.scan.interrupted = true;
  const std::string en = render_html(s, Opt("en"));
  EXPECT_NE(en.find("No device answered on the scanned addresses."), std::string::npos);
  EXPECT_NE(en.find("id=\"interrupted\""), std::string::npos);
  EXPECT_EQ(en.find("<section class=\"device\""), std::string::npos);
  EXPECT_EQ(metric(en, "devices"), "0");
  const std::string ja = render_html(s, Opt("ja"));
  EXPECT_NE(ja.find("応答した機器はありませんでした"), std::string::npos);
  EXPECT_NE(ja.find("スキャンは途中で中断されました"), std::string::npos);
}

TEST(Html, Escapers) {
  EXPECT_EQ(html_text("<a href='x'>&\"</a>"), "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;");
  EXPECT_EQ(html_attr("\" onmouseover=`x`\n"), "&quot; onmouseover=&#96;x&#96;&#10;");
  EXPECT_EQ(html_text("\x1b[31m\x07"), "\\x1b[31m\\x07");
  EXPECT_EQ(html_text("a\xc2\x9b" "b"), "a\\x9bb");
  EXPECT_EQ(html_text("bad\xff"), "bad\xef\xbf\xbd");
  EXPECT_EQ(html_text("日本語"), "日本語");
  EXPECT_TRUE(is_linkable_url("https://www.fcc.gov/supplychain/coveredlist"));
  EXPECT_TRUE(is_linkable_url("HTTP://example.com/"));
  EXPECT_FALSE(is_linkable_url("javascript:alert(1)"));
  EXPECT_FALSE(is_linkable_url(" https://x"));
  EXPECT_FALSE(is_linkable_url("https://"));
  EXPECT_FALSE(is_linkable_url("data:text/html,x"));
  EXPECT_FALSE(is_linkable_url("https://example.com/\"onmouseover=alert(1)"));
  EXPECT_FALSE(is_linkable_url("//example.com"));
}

TEST(Html, HostileDeviceStringsAreEscaped) {
  for (const char* lang : {"en", "ja"}) {
    const std::string h = render_html(testing::hostile_snapshot(), Opt(lang));
    // Exactly one script element, ours, at the end; no injected markup survives.
    EXPECT_EQ(count(h, "<script"), 1u) << lang;
    EXPECT_EQ(count(h, "</script"), 1u) << lang;
    EXPECT_EQ(h.find("<img"), std::string::npos);
    EXPECT_EQ(h.find("<svg onload"), std::string::npos);
    EXPECT_EQ(h.find("<iframe"), std::string::npos);
    EXPECT_EQ(h.find("<b>title"), std::string::npos);
    EXPECT_EQ(h.find("onerror=alert(1)>"), std::string::npos);
    EXPECT_EQ(h.find("href=\"javascript"), std::string::npos);
    EXPECT_EQ(h.find("href=\"data:"), std::string::npos);
    EXPECT_EQ(h.find("href=\"https://example.com"), std::string::npos);  // the attribute-breaking URL is text
    // Terminal escapes and invalid UTF-8 are shown, not passed through.
    EXPECT_EQ(h.find('\x1b'), std::string::npos);
    EXPECT_EQ(h.find('\x07'), std::string::npos);
    EXPECT_EQ(h.find("\xff"), std::string::npos);
    // The hostile strings are there as text.
    EXPECT_NE(h.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_NE(h.find("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"), std::string::npos);
    EXPECT_NE(h.find("\\x1b[31m\\x1b]0;pwned\\x07"), std::string::npos);
    EXPECT_NE(h.find("=HYPERLINK(&quot;http://x&quot;)"), std::string::npos);
    EXPECT_NE(h.find("bad\xef\xbf\xbd"), std::string::npos);
    EXPECT_NE(h.find("<span class=\"mono\">javascript:alert(5)</span>"), std::string::npos);
  }
}

TEST(Html, ScriptCarriesNoData) {
  const std::string h = render_html(testing::hostile_snapshot(), Opt("en"));
  const size_t open = h.find("<script>");
  ASSERT_NE(open, std::string::npos);
  const std::string script = h.substr(open, h.find("</script>", open) - open);
  EXPECT_EQ(script.find("10.20.0."), std::string::npos);
  EXPECT_EQ(script.find("alert"), std::string::npos);
  EXPECT_EQ(render_html(testing::canonical_snapshot(), Opt("ja")).find(script) != std::string::npos, true);
}

TEST(Html, TimesInTheReportMakersZoneWithTheOffset) {
  EXPECT_EQ(local_time_text("2026-12-06T12:09:00Z"), "2026-12-06 12:09 UTC (+00:00)");
  {
    const ZoneScope tokyo("JST-9");
    EXPECT_EQ(local_time_text("2026-12-06T12:09:00Z"), "2026-12-06 21:09 JST (+09:00)");
    EXPECT_EQ(local_time_text("2026-12-31T15:30:59Z"), "2027-01-01 00:30 JST (+09:00)");  // the day changes too
    const std::string h = render_html(testing::canonical_snapshot(), Opt("ja"));
    EXPECT_NE(h.find("<dd><time datetime=\"2026-11-27T10:00:00Z\" data-offset=\"540\">2026-11-27 19:00 JST (+09:00)"
                     "</time></dd>"),
              std::string::npos);
  }
  {
    const ZoneScope india("IST-5:30");
    EXPECT_EQ(local_time_text("2026-12-06T12:09:00Z"), "2026-12-06 17:39 IST (+05:30)");
  }
  {
    const ZoneScope new_york("EST5EDT,M3.2.0,M11.1.0");
    EXPECT_EQ(local_time_text("2026-12-06T12:09:00Z"), "2026-12-06 07:09 EST (-05:00)");
    EXPECT_EQ(local_time_text("2026-07-06T12:09:00Z"), "2026-07-06 08:09 EDT (-04:00)");
  }
  // Anything else is shown as it is (and escaped where it is shown).
  for (const char* odd : {"", "2026-12-06", "2026-13-06T12:09:00Z", "2026-12-06T12:09:00+09:00", "not a time"})
    EXPECT_EQ(local_time_text(odd), odd);
}

TEST(Html, TopActionsRankedWithExploitedCves) {
  const std::string h = render_html(testing::canonical_snapshot(), Opt("en"));
  const size_t start = h.find("<section id=\"actions\">");
  ASSERT_NE(start, std::string::npos);
  const std::string s = h.substr(start, h.find("</section>", start) - start);
  // Both critical CVEs are firmware updates; the exploited Dahua one (Opt's KEV list) ranks first.
  const size_t dahua = s.find("Update the firmware of 1 Dahua NVR"), hik = s.find("Update the firmware of 1 Hikvision camera");
  ASSERT_NE(dahua, std::string::npos) << s;
  ASSERT_NE(hik, std::string::npos) << s;
  EXPECT_LT(dahua, hik);
  EXPECT_NE(s.find("<span class=\"kev\">exploited (CISA KEV)</span>"), std::string::npos);
  EXPECT_NE(s.find("<code>CVE-2021-33044</code> <span class=\"kev\">exploited</span>"), std::string::npos);
  // High findings follow, each with its remediation and devices linked to their sections.
  EXPECT_NE(s.find("Telnet is open: 1 device"), std::string::npos);
  EXPECT_NE(s.find("Disable Telnet."), std::string::npos);
  EXPECT_NE(s.find("<a href=\"#host-10.20.0.30\">10.20.0.30</a>"), std::string::npos);
  EXPECT_LT(hik, s.find("Telnet is open"));
  // No procurement finding becomes an action.
  EXPECT_EQ(s.find("policy."), std::string::npos);
  EXPECT_EQ(s.find("FCC"), std::string::npos);
  // Printed with the summary, before the device table.
  EXPECT_LT(h.find("<section id=\"charts\""), start);
  EXPECT_LT(start, h.find("<section id=\"devices\">"));

  const std::string ja = render_html(testing::canonical_snapshot(), Opt("ja"));
  EXPECT_NE(ja.find("優先して行う対策"), std::string::npos);
  EXPECT_NE(ja.find("Dahua のネットワークビデオレコーダー（NVR） 1 台のファームウェアを更新する"), std::string::npos);
  EXPECT_NE(ja.find("悪用を確認済み（CISA KEV）"), std::string::npos);
  EXPECT_NE(ja.find("Telnet is open（1 台）"), std::string::npos);  // the finding's own title (test data is English)
}

TEST(Html, PrintGivesTheSummaryWithTheEvidenceCollapsed) {
  const std::string h = render_html(testing::canonical_snapshot(), Opt("en"));
  const std::string css = h.substr(h.find("@media print"));
  EXPECT_NE(css.find("#details"), std::string::npos);       // per-device sections are not printed
  EXPECT_NE(h.find("<p class=\"print-only note\">"), std::string::npos);  // and the printout says where they are
  // On screen the services and evidence of each device are collapsed under a summary line.
  EXPECT_EQ(count(h, "<details class=\"proof\"><summary>"), 4u);
  EXPECT_NE(h.find("<summary>Services and evidence (3 services, 3 observations)</summary>"), std::string::npos);
  EXPECT_EQ(count(h, "<details class=\"proof\">"), count(h, "<section class=\"device\""));
  // Wide tables scroll inside their own box on a phone.
  EXPECT_NE(h.find("<div class=\"scroll\"><table id=\"device-table\""), std::string::npos);
  EXPECT_NE(h.find("<div class=\"scroll\"><table class=\"policy-table\""), std::string::npos);
}

// Not a check: writes the documents the Chromium integration test opens (and that a reviewer can open).
TEST(HtmlArtifacts, WriteReports) {
  const std::filesystem::path dir = std::filesystem::path(ANSHIN_BINARY_DIR) / "test-artifacts";
  std::filesystem::create_directories(dir);
  for (const char* lang : {"en", "ja"}) {
    std::ofstream(dir / (std::string("report-") + lang + ".html"), std::ios::binary)
        << render_html(testing::hostile_snapshot(), Opt(lang));
    std::ofstream(dir / (std::string("report-canonical-") + lang + ".html"), std::ios::binary)
        << render_html(testing::canonical_snapshot(), Opt(lang));
  }
  SUCCEED() << "wrote " << dir;
}

}  // namespace
}  // namespace anshin::report
