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

TEST(VersionDahua, ReadsTheReleaseFileDate) {
  auto six = parse_version(Scheme::kDahuaBuild, "2.623.00AC004.0.R.200316");
  ASSERT_TRUE(six);
  EXPECT_EQ(six->numbers, (std::vector<long>{2, 623, 0}));
  EXPECT_EQ(six->build_date, 20200316);
  auto eight = parse_version(Scheme::kDahuaBuild, "2.420.AC00.18.R.20200217");
  ASSERT_TRUE(eight);
  EXPECT_EQ(eight->build_date, 20200217);
  auto bin = parse_version(Scheme::kDahuaBuild, "2.800.0000000.6.R.200314.bin");
  ASSERT_TRUE(bin);
  EXPECT_EQ(bin->build_date, 20200314);
  EXPECT_EQ(parse_version(Scheme::kDahuaBuild, "2.800.0000000.6.R.2003")->build_date, 0);  // neither 6 nor 8 digits
  EXPECT_EQ(parse_version(Scheme::kDahuaBuild, "2.800.0000000.6.R.201399")->build_date, 0);    // not a date
  EXPECT_EQ(parse_version(Scheme::kDahuaBuild, "2.420.AC00.18.R.20201301")->build_date, 0);  // month 13
  EXPECT_EQ(compare(Scheme::kDahuaBuild, "2.623.00AC003.0.R.200101", "2.623.00AC004.0.R.200316"), -1);
  EXPECT_EQ(compare(Scheme::kDahuaBuild, "2.623.00AC004.0.R, Build Date: 2020-03-16", "2.623.00AC004.0.R.200316"), 0);
}

TEST(VersionDigitGroups, ReadsEveryDigitRun) {
  auto z = parse_version(Scheme::kDigitGroups, "M2.1.6.05");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->numbers, (std::vector<long>{2, 1, 6, 5}));
  auto av = parse_version(Scheme::kDigitGroups, "FullImg-1023-1007-1011-1009");
  ASSERT_TRUE(av);
  EXPECT_EQ(av->numbers, (std::vector<long>{1023, 1007, 1011, 1009}));
  EXPECT_FALSE(parse_version(Scheme::kDigitGroups, "none"));
  EXPECT_FALSE(parse_version(Scheme::kDigitGroups, ""));
  EXPECT_EQ(compare(Scheme::kDigitGroups, "2.60B15", "2.60B16"), -1);
  EXPECT_EQ(compare(Scheme::kDigitGroups, "2.60B15", "2.60"), 1);
  EXPECT_EQ(compare(Scheme::kDigitGroups, "3.1.0.71-11", "3.1.0.71-11"), 0);
  EXPECT_EQ(compare(Scheme::kDigitGroups, "FullImg-1023-1007-1011-1010", "FullImg-1023-1007-1011-1009"), 1);
  EXPECT_EQ(compare(Scheme::kDigitGroups, "V1.12.14.7", "1.12.14.5"), 1);
  // 40 groups of digits: bounded at 16, never an overflow.
  std::string many;
  for (int i = 0; i < 40; ++i) many += "9.";
  auto big = parse_version(Scheme::kDigitGroups, many);
  ASSERT_TRUE(big);
  EXPECT_EQ(big->numbers.size(), 16u);
  auto longrun = parse_version(Scheme::kDigitGroups, "1234567890123456789012345.1");
  ASSERT_TRUE(longrun);
  EXPECT_EQ(longrun->numbers.size(), 2u);
  EXPECT_EQ(parse_scheme("digit-groups"), Scheme::kDigitGroups);
  EXPECT_STREQ(scheme_name(Scheme::kDigitGroups), "digit-groups");
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

TEST(VersionRangeText, ReadsLikeTheRecord) {
  EXPECT_EQ(range_text(VersionRange{"V5.2.0", "", "V5.4.0", ""}), "\u2265 V5.2.0, \u2264 V5.4.0");
  EXPECT_EQ(range_text(VersionRange{"3.0.0.136", "", "3.0.0.136", ""}), "= 3.0.0.136");
  EXPECT_EQ(range_text(VersionRange{"", "", "", "6.3.40"}), "< 6.3.40");
  EXPECT_EQ(range_text(VersionRange{"2.800", "2020-03-13", "", "2020-03-30"}), "\u2265 2.800, > 2020-03-13, < 2020-03-30");
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
