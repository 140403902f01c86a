#include "report/csv.h"

#include <gtest/gtest.h>

#include "support/snapshots.h"
#include "support/timezone.h"

namespace anshin::report {
namespace {

std::vector<std::string> lines(const std::string& s, const std::string& eol = "\n") {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < s.size()) {
    const size_t e = s.find(eol, pos);
    if (e == std::string::npos) { out.push_back(s.substr(pos)); break; }
    out.push_back(s.substr(pos, e - pos));
    pos = e + eol.size();
  }
  return out;
}

TEST(Csv, OneRowPerDeviceRiskiestFirst) {
  const std::string csv = render_csv(testing::canonical_snapshot());
  const auto l = lines(csv);
  ASSERT_EQ(l.size(), 5u);
  EXPECT_EQ(l[0],
            "Scan date,Site,Address,MAC address,Category,Manufacturer,Brand,Model,Firmware,Serial number,Confidence,"
            "Services,Finding IDs,Findings,Highest security severity,Number of findings,Procurement policy IDs,"
            "Procurement policies naming the maker,Clues (no maker identified)");
  // Every row: the scan's date in the reader's time zone with its offset, and its site.
  EXPECT_TRUE(l[1].starts_with("2026-11-27 19:00 +09:00,Tokyo store 01,10.20.0.21,44:19:b6:12:34:56,camera,Hikvision,"
                               "Annke,I91BM,")) << l[1];
  EXPECT_NE(l[1].find(",80/http 554/rtsp 8000/hikvision-sdk,"), std::string::npos);
  EXPECT_NE(l[1].find("policy.us.fcc-covered policy.us.ndaa-889"), std::string::npos);
  // Identified: no clues. Highest security severity, all findings, then the policy ids and their count.
  EXPECT_NE(l[1].find(" exposure.http-cleartext,Hikvision is on the FCC Covered List; "), std::string::npos) << l[1];
  EXPECT_TRUE(l[1].ends_with("; Web admin without TLS,Critical,7,policy.us.fcc-covered policy.us.ndaa-889 policy.uk.sensitive-sites "
                             "policy.au.government-removal,4,"))
      << l[1];
  EXPECT_NE(l[2].find(",10.20.0.30,"), std::string::npos) << l[2];
  EXPECT_NE(l[4].find(",10.20.0.40,"), std::string::npos) << l[4];
  EXPECT_NE(l[3].find(",10.20.0.5,,other,,,,,,0.00,22/ssh 445/smb,,,,0"), std::string::npos) << l[3];
}

TEST(Csv, SecuritySeverityAndPolicyColumnsApart) {
  const auto l = lines(render_csv(testing::policy_versus_security_snapshot()));
  ASSERT_EQ(l.size(), 4u);
  EXPECT_TRUE(l[1].starts_with(",,10.20.0.60,")) << l[1];  // no scan date or site in this snapshot
  EXPECT_TRUE(l[1].ends_with(",cve.CVE-2017-7921,Improper authentication (CVE-2017-7921),High,1,,0,")) << l[1];
  EXPECT_TRUE(l[2].starts_with(",,10.20.0.50,")) << l[2];
  // Highest security severity empty: a procurement listing is not a vulnerability.
  EXPECT_NE(l[2].find("Australian government sites,,4,policy.us.fcc-covered policy.us.ndaa-889 policy.uk.sensitive-sites "
                      "policy.au.government-removal,4,"),
            std::string::npos)
      << l[2];
  EXPECT_TRUE(l[3].ends_with(",identity.weak-evidence,Weak identification,,1,,0,")) << l[3];
  const auto ja = lines(render_csv(testing::policy_versus_security_snapshot(), {.lang = "ja"}));
  EXPECT_NE(ja[0].find("セキュリティ上の最も高い深刻度,指摘事項の件数,該当する調達規制の ID,製造元が該当する調達規制の数,"),
            std::string::npos)
      << ja[0];
}

TEST(Csv, UnidentifiedDeviceShowsItsClues) {
  ScanSnapshot snap = testing::canonical_snapshot();
  Device d;
  d.address = *IpAddr::parse("10.20.0.77");
  d.verdict.category = Category::kCamera;
  d.verdict.clues = {{"rtsp.auth.realm", 554, "ZRB Login", {}, ""}, {"rtsp.sdp.session_name", 554, "=cmd|x", {}, ""}};
  snap.devices = {d};
  const auto l = lines(render_csv(snap));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_TRUE(l[1].ends_with(",\"rtsp.auth.realm=ZRB Login; rtsp.sdp.session_name==cmd|x\"") ||
              l[1].ends_with(",rtsp.auth.realm=ZRB Login; rtsp.sdp.session_name==cmd|x"))
      << l[1];
}

TEST(Csv, JapaneseHeader) {
  const auto l = lines(render_csv(testing::canonical_snapshot(), {.lang = "ja"}));
  EXPECT_TRUE(l[0].starts_with("スキャン日時,サイト,IP アドレス,MAC アドレス,種別,製造元,ブランド,型番,ファームウェア")) << l[0];
  // Values in Japanese too: category and severity.
  EXPECT_NE(l[1].find(",カメラ,Hikvision,Annke,"), std::string::npos) << l[1];
  EXPECT_NE(l[1].find(",緊急,7,"), std::string::npos) << l[1];
  EXPECT_NE(l[2].find(",NVR,Dahua,"), std::string::npos) << l[2];
}

TEST(Csv, ExcelModeIsBomAndCrlf) {
  const std::string plain = render_csv(testing::canonical_snapshot(), {.lang = "ja"});
  const std::string excel = render_csv(testing::canonical_snapshot(), {.lang = "ja", .excel = true});
  ASSERT_TRUE(excel.starts_with("\xef\xbb\xbf"));
  std::string expected = "\xef\xbb\xbf";
  for (const char ch : plain) {
    if (ch == '\n') expected += '\r';
    expected += ch;
  }
  EXPECT_EQ(excel, expected);
  EXPECT_FALSE(plain.starts_with("\xef\xbb\xbf"));
  EXPECT_EQ(plain.find('\r'), std::string::npos);
}

TEST(Csv, Rfc4180Quoting) {
  EXPECT_EQ(csv_cell("plain"), "plain");
  EXPECT_EQ(csv_cell("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv_cell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(csv_cell(""), "");
}

TEST(Csv, FormulaInjectionDefence) {
  EXPECT_EQ(csv_cell("=HYPERLINK(\"http://x\")"), "\"'=HYPERLINK(\"\"http://x\"\")\"");
  EXPECT_EQ(csv_cell("+1"), "'+1");
  EXPECT_EQ(csv_cell("-2+3"), "'-2+3");
  EXPECT_EQ(csv_cell("@SUM(1)"), "'@SUM(1)");
  EXPECT_EQ(csv_cell("\t=1"), "'\t=1");
  EXPECT_EQ(csv_cell("\r=1"), "\"'\r=1\"");
  EXPECT_EQ(csv_cell("\xef\xbc\x9dSUM(1)"), "'\xef\xbc\x9dSUM(1)");  // full-width ＝
  EXPECT_EQ(csv_cell("a=1"), "a=1");
  EXPECT_EQ(csv_cell("=not device", false), "=not device");
}

TEST(Csv, ControlsAndInvalidUtf8AreInert) {
  EXPECT_EQ(csv_cell("\x1b[31m\x1b]0;pwned\x07"), "\\x1b[31m\\x1b]0;pwned\\x07");
  EXPECT_EQ(csv_cell("a\xc2\x9b" "b"), "a\\x9bb");  // C1 CSI
  EXPECT_EQ(csv_cell("bad\xff"), "bad\xef\xbf\xbd");
}

TEST(Csv, HostileDeviceRendersInert) {
  const std::string csv = render_csv(testing::hostile_snapshot());
  EXPECT_EQ(csv.find('\x1b'), std::string::npos);
  EXPECT_EQ(csv.find('\x07'), std::string::npos);
  EXPECT_EQ(csv.find("\xff"), std::string::npos);
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"http://x\"\")\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",'+cmd|' /C calc'!A0,"), std::string::npos) << csv;
  // No cell of the hostile row starts with a formula character.
  for (const auto& line : lines(csv)) {
    if (!line.starts_with("10.20.0.66,")) continue;
    bool in_quotes = false, cell_start = true;
    for (size_t i = 0; i < line.size(); ++i) {
      const char ch = line[i];
      if (cell_start) {
        size_t j = i;
        if (line[j] == '"') ++j;
        if (j < line.size()) {
          EXPECT_EQ(std::string("=+-@\t\r").find(line[j]), std::string::npos) << line.substr(i);
        }
        cell_start = false;
      }
      if (ch == '"') in_quotes = !in_quotes;
      else if (ch == ',' && !in_quotes) cell_start = true;
    }
  }
}

TEST(Csv, EmptySnapshotIsHeaderOnly) {
  ScanSnapshot empty;
  EXPECT_EQ(lines(render_csv(empty)).size(), 1u);
}

}  // namespace
}  // namespace anshin::report
