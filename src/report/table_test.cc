#include "report/table.h"

#include <gtest/gtest.h>

#include "core/text.h"

namespace anshin::report {
namespace {

std::vector<TextColumn> device_columns() {
  return {{"ADDRESS"}, {"CATEGORY", 0, 0, 2}, {"MAKER", 32, 16}, {"MODEL", 22, 14},
          {"FIRMWARE", 26, 12, 3}, {"SERVICES", 40, 16, 4}, {"SECURITY"}, {"POLICY", 0, 0, 1}};
}

std::vector<std::vector<std::string>> device_rows() {
  return {{"127.77.0.10", "camera", "Hikvision / Annke", "DS-2CD2043G0-I", "V5.5.0 build 170725",
           "80/http 443/https 554/rtsp 8000/hik-sdk", "1 crit, 2 high", "3"},
          {"127.77.0.123", "レコーダー", "浙江大華技術 / Dahua Technology Co., Ltd. (OEM relabel)",
           "DHI-NVR4108HS-8P-4KS2", "V4.001.0000000.3.R, Build Date: 2021-03-02", "80/http 37777/dahua-dvrip",
           "2 high", "4"}};
}

TEST(TextTable, UnlimitedWidthKeepsEveryColumnAtItsNaturalWidth) {
  const auto fit = fit_table(device_columns(), device_rows(), 0);
  EXPECT_EQ(fit.shown.size(), 8u);
  EXPECT_EQ(fit.widths[2], 32u);  // capped at max
  const std::string line = table_line(fit, device_rows()[0]);
  EXPECT_EQ(line.rfind("127.77.0.10", 0), 0u);
  EXPECT_NE(line.find("DS-2CD2043G0-I"), std::string::npos);
}

TEST(TextTable, EightyColumnsFitByCuttingThenDropping) {
  for (size_t width : {80u, 100u, 120u}) {
    const auto fit = fit_table(device_columns(), device_rows(), width);
    std::vector<std::string> headers;
    for (const auto& c : device_columns()) headers.push_back(c.header);
    EXPECT_LE(text::display_width(table_line(fit, headers)), width);
    for (const auto& row : device_rows()) {
      const std::string line = table_line(fit, row);
      EXPECT_LE(text::display_width(line), width) << line;
      EXPECT_NE(line.find(row[0]), std::string::npos) << "the address is never cut: " << line;
    }
    // The address, maker, model and security columns always stay.
    for (size_t keep : {0u, 2u, 3u, 6u})
      EXPECT_NE(std::find(fit.shown.begin(), fit.shown.end(), keep), fit.shown.end()) << width;
  }
  const auto narrow = fit_table(device_columns(), device_rows(), 80);
  EXPECT_EQ(std::find(narrow.shown.begin(), narrow.shown.end(), 5u), narrow.shown.end());  // services went first
}

TEST(TextTable, CutsOnCharacterBoundariesWithAnEllipsis) {
  EXPECT_EQ(cut_to_width("abcdef", 4), "abc…");
  EXPECT_EQ(cut_to_width("abc", 3), "abc");
  const std::string jp = cut_to_width("浙江大華技術", 7);  // 2 columns per character
  EXPECT_EQ(jp, "浙江大…");
  EXPECT_LE(text::display_width(jp), 7u);
  EXPECT_EQ(cut_to_width("abc", 0), "");
}

TEST(TextTable, TerminalWidthFromColumnsWhenNotATerminal) {
  ::setenv("COLUMNS", "80", 1);
  EXPECT_EQ(terminal_width(-1), 80u);
  ::setenv("COLUMNS", "junk", 1);
  EXPECT_EQ(terminal_width(-1), 0u);
  ::unsetenv("COLUMNS");
  EXPECT_EQ(terminal_width(-1), 0u);
}

}  // namespace
}  // namespace anshin::report
