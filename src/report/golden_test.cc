// Golden files for the stable outputs: anshin.scan/1 JSON, CSV (en, ja), JSON lines and CycloneDX of the
// canonical snapshot (the CycloneDX files are also validated against the official schema: tests/schemas).
// Regenerate after an intended change with: UPDATE_GOLDEN=1 ./report_tests --gtest_filter='Golden*'
// and review the diff of tests/golden/ like code.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "report/csv.h"
#include "report/cyclonedx.h"
#include "report/json.h"
#include "report/jsonl.h"
#include "support/snapshots.h"
#include "support/timezone.h"

namespace anshin::report {
namespace {

void check_golden(const std::string& name, const std::string& actual) {
  const std::string path = std::string(ANSHIN_SOURCE_DIR) + "/tests/golden/" + name;
  if (const char* update = std::getenv("UPDATE_GOLDEN"); update && *update && std::string(update) != "0") {
    std::ofstream(path, std::ios::binary) << actual;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "missing golden file " << path << " (run with UPDATE_GOLDEN=1 to create it)";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(expected.str(), actual) << "output differs from " << path
                                    << "; if the change is intended, regenerate with UPDATE_GOLDEN=1";
}

TEST(Golden, ScanJson) { check_golden("scan.json", to_json(testing::canonical_snapshot())); }

TEST(Golden, CsvEnglish) { check_golden("scan.en.csv", render_csv(testing::canonical_snapshot(), {.lang = "en"})); }

TEST(Golden, CsvJapanese) { check_golden("scan.ja.csv", render_csv(testing::canonical_snapshot(), {.lang = "ja"})); }

TEST(Golden, HostileJson) { check_golden("hostile.json", to_json(testing::hostile_snapshot())); }

TEST(Golden, HostileCsv) { check_golden("hostile.en.csv", render_csv(testing::hostile_snapshot(), {.lang = "en"})); }

TEST(Golden, Jsonl) { check_golden("scan.jsonl", to_jsonl(testing::canonical_snapshot())); }

TEST(Golden, HostileJsonl) { check_golden("hostile.jsonl", to_jsonl(testing::hostile_snapshot())); }

TEST(Golden, CycloneDx) { check_golden("scan.cdx.json", render_cyclonedx(testing::canonical_snapshot())); }

TEST(Golden, HostileCycloneDx) { check_golden("hostile.cdx.json", render_cyclonedx(testing::hostile_snapshot())); }

}  // namespace
}  // namespace anshin::report
