#include "targets/nmap_xml.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>

namespace anshin::targets {
namespace {

const std::string kFixture = std::string(ANSHIN_SOURCE_DIR) + "/src/targets/testdata/nmap_lab.xml";
using V = std::vector<uint16_t>;
IpAddr ip(const char* s) { return *IpAddr::parse(s); }

TEST(TargetsNmapXml, ImportsUpHostsAndOpenTcpPorts) {
  auto r = load_nmap_xml(kFixture);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 4u);  // 192.168.7.4 is down; the <hosthint> is not a host
  EXPECT_EQ((*r)[0].address, ip("192.168.7.2"));
  EXPECT_EQ((*r)[0].open_tcp_ports, (V{80, 443, 554, 8000}));  // 37777 filtered
  EXPECT_EQ((*r)[1].address, ip("192.168.7.3"));
  EXPECT_EQ((*r)[1].open_tcp_ports, (V{80, 554, 37777}));  // udp 37810 ignored
  EXPECT_EQ((*r)[2].address, ip("192.168.7.5"));
  EXPECT_TRUE((*r)[2].open_tcp_ports.empty());
  EXPECT_EQ((*r)[3].address, ip("fd00:7::10"));
  EXPECT_EQ((*r)[3].open_tcp_ports, (V{80, 8080}));
}

TEST(TargetsNmapXml, MergesRepeatedHosts) {
  const char* xml = R"(<nmaprun>
    <host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/>
      <ports><port protocol="tcp" portid="80"><state state="open"/></port></ports></host>
    <host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4"/>
      <ports><port protocol="tcp" portid="22"><state state="open"/></port>
             <port protocol="tcp" portid="80"><state state="open"/></port></ports></host>
  </nmaprun>)";
  auto r = parse_nmap_xml(xml);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].open_tcp_ports, (V{22, 80}));
}

TEST(TargetsNmapXml, Errors) {
  auto bad = parse_nmap_xml("<nmaprun><host>", "scan.xml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalidInput);
  EXPECT_NE(bad.error().message.find("scan.xml: not valid XML"), std::string::npos) << bad.error().message;
  auto other = parse_nmap_xml("<html><body/></html>", "page.xml");
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().message, "page.xml: not an nmap XML file (root element is not <nmaprun>)");
  auto empty = parse_nmap_xml("");
  ASSERT_FALSE(empty);
  auto addr = parse_nmap_xml(R"(<nmaprun><host><status state="up"/><address addr="10.0.0.300" addrtype="ipv4"/></host></nmaprun>)");
  ASSERT_FALSE(addr);
  EXPECT_NE(addr.error().message.find("bad ipv4 address \"10.0.0.300\""), std::string::npos) << addr.error().message;
  auto port = parse_nmap_xml(R"(<nmaprun><host><status state="up"/><address addr="10.0.0.3" addrtype="ipv4"/>
      <ports><port protocol="tcp" portid="70000"><state state="open"/></port></ports></host></nmaprun>)");
  ASSERT_FALSE(port);
  EXPECT_NE(port.error().message.find("bad portid \"70000\""), std::string::npos);

  auto missing = load_nmap_xml("/nonexistent/anshin/scan.xml");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kInvalidInput);
  EXPECT_NE(missing.error().message.find("cannot read nmap XML file \"/nonexistent/anshin/scan.xml\""), std::string::npos);
}

TEST(TargetsNmapXml, DtdAndEntitiesAreNotExpanded) {
  const char* xml = R"(<?xml version="1.0"?>
<!DOCTYPE nmaprun [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY ext SYSTEM "file:///etc/passwd">
]>
<nmaprun><host><status state="up"/><address addr="10.0.0.1" addrtype="ipv4" vendor="&c;&ext;"/></host></nmaprun>)";
  auto r = parse_nmap_xml(xml);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].address, ip("10.0.0.1"));
}

TEST(TargetsNmapXml, RefusesHugeFiles) {
  const auto path = std::filesystem::temp_directory_path() / ("anshin_targets_huge_nmap_" + std::to_string(::getpid()) + ".xml");
  { std::ofstream(path) << "<nmaprun/>"; }
  std::filesystem::resize_file(path, kMaxNmapXmlBytes + 1);  // sparse: no real disk use
  auto r = load_nmap_xml(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("larger than 256 MiB"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace anshin::targets
