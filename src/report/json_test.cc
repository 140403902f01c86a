#include "report/json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "support/snapshots.h"

namespace anshin::report {
namespace {

TEST(Json, HostileStringsStayData) {
  const std::string doc = to_json(testing::hostile_snapshot());
  EXPECT_EQ(doc.find('\x1b'), std::string::npos);  // controls are \u001b escapes
  EXPECT_EQ(doc.find('\x07'), std::string::npos);
  EXPECT_EQ(doc.find("\xff"), std::string::npos);
  const auto j = nlohmann::json::parse(doc);  // always valid JSON
  const auto& d = j["devices"].back();
  EXPECT_EQ(d["model"], testing::kScriptModel);
  EXPECT_EQ(d["brand"], testing::kImgBrand);
  EXPECT_EQ(d["firmware"], testing::kEscFirmware);  // round-trips exactly; escaping is the reader's job
  EXPECT_EQ(d["serial"], testing::kFormulaSerial);
  EXPECT_EQ(d["manufacturer"], "bad\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd(utf8");
}

TEST(Json, InvalidUtf8InAnyFieldNeverThrows) {
  ScanSnapshot s = testing::hostile_snapshot();
  s.scan.id = "id\xff";
  s.scan.kb_version = "\xc3";
  s.devices.back().findings.back().id = "x\xfe";
  std::string doc;
  ASSERT_NO_THROW(doc = to_json(s));
  EXPECT_TRUE(nlohmann::json::accept(doc));
}

TEST(Json, StreamedLayoutIsNlohmannsOwn) {
  // to_json writes device by device; the text must be exactly what dumping one DOM gives, at every
  // indent, with zero, one or several devices (and device strings holding newlines and controls).
  std::vector<ScanSnapshot> snaps = {testing::canonical_snapshot(), testing::hostile_snapshot()};
  ScanSnapshot none = testing::canonical_snapshot();
  none.devices.clear();
  snaps.push_back(none);
  ScanSnapshot one = testing::canonical_snapshot();
  one.devices.resize(1);
  one.devices[0].verdict.model = "line1\nline2\r\n  \"quoted\"";
  snaps.push_back(one);
  for (const auto& snap : snaps) {
    for (int indent : {-1, 0, 2, 4}) {
      const std::string doc = to_json(snap, indent);
      const auto parsed = nlohmann::ordered_json::parse(doc);
      EXPECT_EQ(doc, parsed.dump(indent) + "\n") << "indent " << indent << ", " << snap.devices.size() << " devices";
      EXPECT_EQ(parsed["devices"].size(), snap.devices.size());
    }
  }
}

}  // namespace
}  // namespace anshin::report
