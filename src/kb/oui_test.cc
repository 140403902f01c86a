#include "kb/oui.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "kb/kb.h"

namespace anshin::kb {
namespace {

const std::string kFixtures = std::string(ANSHIN_SOURCE_DIR) + "/src/kb/testdata";

TEST(Oui, ParseMacForms) {
  EXPECT_EQ(OuiTable::parse_mac("44:19:b6:01:02:03"), 0x4419b6010203ull);
  EXPECT_EQ(OuiTable::parse_mac("44-19-B6-01-02-03"), 0x4419b6010203ull);
  EXPECT_EQ(OuiTable::parse_mac("4419.b601.0203"), 0x4419b6010203ull);
  EXPECT_EQ(OuiTable::parse_mac("4419B6010203"), 0x4419b6010203ull);
  EXPECT_FALSE(OuiTable::parse_mac("44:19:b6:01:02"));
  EXPECT_FALSE(OuiTable::parse_mac("44:19:b6:01:02:03:04"));
  EXPECT_FALSE(OuiTable::parse_mac("zz:19:b6:01:02:03"));
}

TEST(Oui, LongestPrefixWins) {
  OuiTable t;
  ASSERT_EQ(t.load_ieee_csv(kFixtures + "/oui.csv"), 2u);
  ASSERT_EQ(t.load_ieee_csv(kFixtures + "/mam.csv"), 1u);
  ASSERT_EQ(t.load_ieee_csv(kFixtures + "/oui36.csv"), 1u);
  EXPECT_EQ(t.lookup("a8:bb:cc:dd:ee:01")->organization, "Small Block, Inc.");   // 36 bits
  EXPECT_EQ(t.lookup("a8:bb:cc:dd:ee:01")->bits, 36);
  EXPECT_EQ(t.lookup("a8:bb:cc:d0:00:01")->organization, "Middle Block Ltd");    // 28 bits
  EXPECT_EQ(t.lookup("a8:bb:cc:00:00:01")->organization, "Big Block Corp");      // 24 bits
  EXPECT_EQ(t.lookup("a8:bb:cc:00:00:01")->prefix, "A8BBCC");
  EXPECT_FALSE(t.lookup("00:00:01:00:00:01"));
}

TEST(Oui, VocabularyMapsOrganisationsToVendorIds) {
  Diagnostics d;
  auto kb = KnowledgeBase::load_embedded(d);
  ASSERT_TRUE(kb);
  OuiTable t;
  t.load_ieee_csv(kFixtures + "/oui.csv", &(*kb)->vocab());
  EXPECT_EQ(t.lookup("44:19:b6:00:00:01")->vendor_id, "hikvision");
  EXPECT_EQ(t.lookup("a8:bb:cc:00:00:01")->vendor_id, "");
}

TEST(Oui, LocallyAdministeredMacsCarryNoVendor) {
  OuiTable t;
  ASSERT_TRUE(t.add("4619B6", 24, "x", "y"));  // 0x46 has the 0x02 bit set
  EXPECT_FALSE(t.lookup("46:19:b6:00:00:01"));
  EXPECT_TRUE(OuiTable::locally_administered(*OuiTable::parse_mac("02:00:00:00:00:01")));
  EXPECT_FALSE(t.add("4619B", 24, "x", "y"));
  EXPECT_FALSE(t.add("4619B6", 20, "x", "y"));
}

TEST(Oui, ShippedTableCoversCameraVendors) {
  Diagnostics d;
  auto kb = KnowledgeBase::load_embedded(d);
  ASSERT_TRUE(kb);
  const OuiTable& t = (*kb)->oui();
  EXPECT_EQ(t.lookup("44:19:B6:12:34:56")->vendor_id, "hikvision");
  EXPECT_EQ(t.lookup("44:19:B6:12:34:56")->organization, "Hangzhou Hikvision Digital Technology Co.,Ltd.");
  EXPECT_EQ(t.lookup("00:40:8C:00:00:01")->vendor_id, "axis");
  EXPECT_EQ(t.lookup("24:B1:05:00:00:01")->vendor_id, "prama");
  EXPECT_EQ(t.lookup("E0:A7:00:00:00:01")->vendor_id, "verkada");
}

TEST(Oui, DebianIeeeDataWhenPresent) {
  const std::filesystem::path dir = "/usr/share/ieee-data";
  if (!std::filesystem::exists(dir / "oui.csv")) GTEST_SKIP() << "ieee-data not installed (apt-get install ieee-data)";
  Diagnostics d;
  auto kb = KnowledgeBase::load_embedded(d);
  ASSERT_TRUE(kb);
  OuiTable t;
  size_t n = t.load_ieee_dir(dir, &(*kb)->vocab());
  EXPECT_GT(n, 30000u);
  auto hik = t.lookup("44:19:b6:00:00:01");
  ASSERT_TRUE(hik);
  EXPECT_EQ(hik->vendor_id, "hikvision");
  EXPECT_EQ(hik->bits, 24);
  // A 28-bit MA-M block is found before the 24-bit MA-L that contains it, if any.
  auto mam = t.lookup("50:FA:CB:90:00:01");
  if (mam) {
    EXPECT_GE(mam->bits, 24);
  }
}

}  // namespace
}  // namespace anshin::kb
