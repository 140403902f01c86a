#include "net/neighbours.h"

#include <gtest/gtest.h>

namespace anshin::net {
namespace {

TEST(Neighbours, ParsesCompleteEntriesOnly) {
  const char* table =
      "IP address       HW type     Flags       HW address            Mask     Device\n"
      "10.20.0.15       0x1         0x2         44:19:B6:12:34:56     *        eth0\n"
      "10.20.0.16       0x1         0x0         00:00:00:00:00:00     *        eth0\n"
      "10.20.0.17       0x1         0x6         bc:ad:28:aa:bb:cc     *        eth0\n"
      "garbage line\n"
      "10.20.0.300      0x1         0x2         44:19:b6:12:34:57     *        eth0\n";
  const auto t = parse_arp_table(table);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t.at(*IpAddr::parse("10.20.0.15")), "44:19:b6:12:34:56");
  EXPECT_EQ(t.at(*IpAddr::parse("10.20.0.17")), "bc:ad:28:aa:bb:cc");
}

TEST(Neighbours, EmptyAndHeaderOnly) {
  EXPECT_TRUE(parse_arp_table("").empty());
  EXPECT_TRUE(parse_arp_table("IP address HW type Flags HW address Mask Device\n").empty());
}

}  // namespace
}  // namespace anshin::net
