#include "report/jsonl.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "support/snapshots.h"

namespace anshin::report {
namespace {

std::vector<nlohmann::json> parse_lines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST(Jsonl, OneLinePerFindingEachCompleteOnItsOwn) {
  const ScanSnapshot snap = testing::canonical_snapshot();
  size_t findings = 0;
  for (const auto& d : snap.devices) findings += d.findings.size();
  const std::string text = to_jsonl(snap);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const auto lines = parse_lines(text);
  ASSERT_EQ(lines.size(), findings);
  const auto& first = lines.front();
  EXPECT_EQ(first["scan_id"], snap.scan.id);
  EXPECT_EQ(first["time"], snap.scan.finished);
  EXPECT_EQ(first["site"], snap.scan.site);
  EXPECT_EQ(first["address"], "10.20.0.21");
  EXPECT_EQ(first["mac"], "44:19:b6:12:34:56");
  EXPECT_EQ(first["manufacturer"], "Hikvision");
  EXPECT_EQ(first["brand"], "Annke");
  EXPECT_EQ(first["model"], "I91BM");
  EXPECT_EQ(first["firmware"], "V5.5.0 build 170725");
  EXPECT_EQ(first["finding_id"], "policy.us.fcc-covered");
  EXPECT_EQ(first["severity"], "high");
  EXPECT_EQ(first["title"], "Hikvision is on the FCC Covered List");
}

TEST(Jsonl, DeviceWithoutFindingsGivesNoLine) {
  ScanSnapshot snap = testing::canonical_snapshot();
  for (const auto& line : parse_lines(to_jsonl(snap))) EXPECT_NE(line["address"], "10.20.0.40");  // Axis: none
  snap.devices.resize(0);
  EXPECT_EQ(to_jsonl(snap), "");
}

// A device string with a newline, a quote or invalid UTF-8 can neither split a line nor forge a field.
TEST(Jsonl, HostileStringsStayInsideTheirField) {
  ScanSnapshot snap;
  snap.scan.id = "s";
  Device d = testing::hostile_device();
  d.verdict.model = std::string("x\n{\"finding_id\":\"forged\"}\r\n");
  d.findings[0].title = "t\n\"severity\":\"critical\"";
  snap.devices.push_back(d);
  const std::string text = to_jsonl(snap);
  const auto lines = parse_lines(text);
  ASSERT_EQ(lines.size(), d.findings.size());
  EXPECT_EQ(lines[0]["model"], *d.verdict.model);
  EXPECT_EQ(lines[0]["title"], d.findings[0].title.str());
  EXPECT_EQ(lines[0]["severity"], "medium");
  EXPECT_EQ(lines[0]["manufacturer"], "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd(utf8");  // U+FFFD for each bad byte
}

}  // namespace
}  // namespace anshin::report
