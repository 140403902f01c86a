// The port table keeps what the three lists it replaced did (targets' default set, the probes' port
// roles, the scan's names for unidentified ports), and stays well-formed.
#include "model/ports.h"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace anshin {
namespace {

TEST(WellKnownPorts, AscendingAndUnique) {
  const auto rows = well_known_ports();
  ASSERT_FALSE(rows.empty());
  for (size_t i = 1; i < rows.size(); ++i) EXPECT_LT(rows[i - 1].port, rows[i].port) << rows[i].port;
  for (const auto& row : rows) EXPECT_EQ(find_well_known_port(row.port), &row) << row.port;
  EXPECT_EQ(find_well_known_port(1), nullptr);
  EXPECT_EQ(find_well_known_port(65535), nullptr);
}

TEST(WellKnownPorts, DefaultSetIsTheCameraPortList) {
  std::vector<uint16_t> defaults;
  for (const auto& row : well_known_ports())
    if (row.scanned_by_default) defaults.push_back(row.port);
  EXPECT_EQ(defaults, (std::vector<uint16_t>{21, 22, 23, 80, 81, 443, 554, 5000, 8000, 8001, 8080, 8081, 8443, 8554,
                                             8899, 9000, 37777}));
}

TEST(WellKnownPorts, RolesOfTheProbes) {
  std::set<uint16_t> rtsp, tls, banner;
  for (uint32_t p = 1; p <= 65535; ++p) {
    switch (port_role(static_cast<uint16_t>(p))) {
      case PortRole::kRtsp: rtsp.insert(static_cast<uint16_t>(p)); break;
      case PortRole::kTls: tls.insert(static_cast<uint16_t>(p)); break;
      case PortRole::kBanner: banner.insert(static_cast<uint16_t>(p)); break;
      case PortRole::kPlain: break;
    }
  }
  EXPECT_EQ(rtsp, (std::set<uint16_t>{322, 554, 5554, 8322, 8554}));
  EXPECT_EQ(tls, (std::set<uint16_t>{443, 8443}));
  EXPECT_EQ(banner, (std::set<uint16_t>{21, 22, 23, 2323}));
}

TEST(WellKnownPorts, NamesOfUnidentifiedPorts) {
  const std::vector<std::pair<uint16_t, std::string_view>> expected = {
      {21, "ftp"},    {22, "ssh"},   {23, "telnet"},  {80, "http"},           {81, "http"},
      {8080, "http"}, {8081, "http"}, {8001, "http"}, {5000, "http"},         {443, "https"},
      {8443, "https"}, {554, "rtsp"}, {8554, "rtsp"}, {5554, "rtsp"},         {322, "rtsp"},
      {8000, "hikvision-sdk"}, {37777, "dahua-sdk"}, {8899, "onvif"}, {9000, "reolink-baichuan"},
      {9100, "jetdirect"}, {2323, "unknown"}, {8322, "unknown"}, {1234, "unknown"}};
  for (const auto& [port, name] : expected) EXPECT_EQ(conventional_service(port), name) << port;
}

}  // namespace
}  // namespace anshin
