#include "assess/version.h"

#include <gtest/gtest.h>

namespace anshin::assess {
namespace {

TEST(VersionHikvision, ParsesBuildForms) {
  for (const char* s : {"V5.4.5 build 170123", "V5.4.5build 170123", "v5.4.5 Build 170123", "V5.4.5_170123"}) {
    auto v = parse_version(Scheme::kHikvisionBuild, s);
    ASSERT_TRUE(v) << s;
    EXPECT_EQ(v->numbers, (std::vector<long>{5, 4, 5})) << s;
    EXPECT_EQ(v->build_date, 20170123) << s;
  }
  auto bound = parse_version(Scheme::kHikvisionBuild, "build 210628");
  ASSERT_TRUE(bound);
  EXPECT_TRUE(bound->numbers.empty());
  EXPECT_EQ(bound->build_date, 20210628);
  EXPECT_FALSE(parse_version(Scheme::kHikvisionBuild, "garbage"));
  EXPECT_FALSE(parse_version(Scheme::kHikvisionBuild, ""));
}

TEST(VersionHikvision, Compares) {
  EXPECT_EQ(compare(Scheme::kHikvisionBuild, "V5.4.0 build 160530", "V5.4.0 build 160531"), -1);
  EXPECT_EQ(compare(Scheme::kHikvisionBuild, "V5.10.0 build 100101", "V5.9.0 build 200101"), 1);
  EXPECT_EQ(compare(Scheme::kHikvisionBuild, "V5.4.0", "V5.4.0 build 160530"), std::nullopt);
  EXPECT_EQ(compare(Scheme::kHikvisionBuild, "V5.5.0", "build 210628"), std::nullopt);
}

TEST(VersionDahua, ParsesAndComparesByDate) {
  auto a = parse_version(Scheme::kDahuaBuild, "2.622.0000000.31.R, Build Date: 2017-08-03");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->build_date, 20170803);
  auto b = parse_version(Scheme::kDahuaBuild, "2.800.0000000.16.R,build:2020-10-19");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->build_date, 20201019);
  EXPECT_EQ(compare(Scheme::kDahuaBuild, *a, *b), -1);
  EXPECT_EQ(compare(Scheme::kDahuaBuild, "4.300.0000000.1.R", "2021-06-01"), std::nullopt);
}

TEST(VersionDotted, Compares) {
  EXPECT_EQ(compare(Scheme::kDotted, "9.80.1", "9.80.1.0"), 0);
  EXPECT_EQ(compare(Scheme::kDotted, "10.12.153", "9.80.3.8"), 1);
  EXPECT_EQ(compare(Scheme::kDotted, "1.06.01 Hotfix", "1.6.1"), 0);
}

TEST(VersionBuildDate, CompletesFirmwareFromASeparateDate) {
  EXPECT_EQ(with_build_date(Scheme::kHikvisionBuild, "V5.5.0", "build 170725"), "V5.5.0 build 170725");
  EXPECT_EQ(with_build_date(Scheme::kHikvisionBuild, "V5.5.0", "170725"), "V5.5.0 build 170725");
  EXPECT_EQ(with_build_date(Scheme::kHikvisionBuild, "V5.5.0 build 170101", "build 170725"), "V5.5.0 build 170101");
  EXPECT_EQ(with_build_date(Scheme::kDahuaBuild, "2.622.0000000.31.R", "2017-08-29"), "2.622.0000000.31.R,build:2017-08-29");
  EXPECT_EQ(with_build_date(Scheme::kDahuaBuild, "2.622.0000000.31.R", "soon"), "2.622.0000000.31.R");
  auto v = parse_version(Scheme::kDahuaBuild, with_build_date(Scheme::kDahuaBuild, "2.800.0000000.16.R", "2020-10-19"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->build_date, 20201019);
}

TEST(VersionRangeCheck, TriState) {
  VersionRange r{"V5.2.0 build 140721", "", "V5.4.0 build 160530", ""};
  auto in = *parse_version(Scheme::kHikvisionBuild, "V5.3.0 build 150101");
  auto out = *parse_version(Scheme::kHikvisionBuild, "V5.5.0 build 170725");
  auto unk = *parse_version(Scheme::kHikvisionBuild, "V5.4.0");
  auto out_unk = *parse_version(Scheme::kHikvisionBuild, "V5.1.0");
  EXPECT_EQ(in_range(Scheme::kHikvisionBuild, in, r), RangeResult::kInside);
  EXPECT_EQ(in_range(Scheme::kHikvisionBuild, out, r), RangeResult::kOutside);
  EXPECT_EQ(in_range(Scheme::kHikvisionBuild, unk, r), RangeResult::kUnknown);
  EXPECT_EQ(in_range(Scheme::kHikvisionBuild, out_unk, r), RangeResult::kOutside);
}

}  // namespace
}  // namespace anshin::assess
