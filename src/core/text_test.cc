// text::nfkc_basic against the Unicode NFKC results of the ranges it covers (checked with Python's
// unicodedata.normalize("NFKC", ...)).
#include "core/text.h"

#include <gtest/gtest.h>

namespace anshin::text {
namespace {

TEST(Nfkc, FullWidthAsciiAndIdeographicSpace) {
  EXPECT_EQ(nfkc_basic("ＤＳ－２ＣＤ２０４３Ｇ０－Ｉ"), "DS-2CD2043G0-I");
  EXPECT_EQ(nfkc_basic("ＡＸＩＳ\u3000Ｐ３２４５－ＬＶＥ"), "AXIS P3245-LVE");
  EXPECT_EQ(nfkc_basic("ａｂｃ！～"), "abc!~");
}

TEST(Nfkc, HalfWidthKatakanaComposeTheirMarks) {
  EXPECT_EQ(nfkc_basic("ﾊｲｸﾋﾞｼﾞｮﾝ"), "ハイクビジョン");
  EXPECT_EQ(nfkc_basic("ﾀﾞｰﾌｧ"), "ダーファ");
  EXPECT_EQ(nfkc_basic("ﾊﾟﾅｿﾆｯｸ"), "パナソニック");
  EXPECT_EQ(nfkc_basic("ｱｸｼｽ"), "アクシス");
  EXPECT_EQ(nfkc_basic("ｳﾞ"), "ヴ");
  EXPECT_EQ(nfkc_basic("ﾂﾞﾃﾞﾄﾞ"), "ヅデド");
}

TEST(Nfkc, CombiningMarksAfterFullWidthKatakana) {
  EXPECT_EQ(nfkc_basic("\u30CF\u309A\u30CA"), "パナ");
  EXPECT_EQ(nfkc_basic("\u30AB\u3099"), "ガ");
  // No composition exists: the mark stays (NFKC leaves it too).
  EXPECT_EQ(nfkc_basic("\u30A2\u3099"), "\u30A2\u3099");
  EXPECT_EQ(nfkc_basic("\u30C2\u3099"), "\u30C2\u3099");
  EXPECT_EQ(nfkc_basic("ﾞ"), "\u3099");
}

TEST(Nfkc, EverythingElsePassesThrough) {
  EXPECT_EQ(nfkc_basic("海康威视 大华"), "海康威视 大华");
  EXPECT_EQ(nfkc_basic("Hikvision DS-2CD"), "Hikvision DS-2CD");
  EXPECT_EQ(nfkc_basic(std::string("a\xff" "b", 3)), std::string("a\xff" "b", 3));
  EXPECT_EQ(nfkc_basic(""), "");
}

}  // namespace
}  // namespace anshin::text
