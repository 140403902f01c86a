// Identification end to end: the default lab fleet on 127.77.242.0/24, scanned with the real probes
// and the built-in knowledge base; every personality must be identified as its `expect:` block says
// (manufacturer, brand, model, firmware, serial, category), and non-camera hosts get no vendor.
// Prints a per-device table so a failure shows what was concluded and from which evidence.
#include <gtest/gtest.h>

#include <map>

#include "lab/server.h"
#include "lab_scan.h"
#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin {
namespace {

std::string show(const std::optional<std::string>& s) { return s ? *s : "null"; }

TEST(IdentifyLab, EveryPersonalityIdentifiedExactly) {
  auto fleet = lab::Fleet::load("default");
  ASSERT_TRUE(fleet) << fleet.error().message;
  lab::LabServer server;
  auto started = server.start(*fleet, "127.77.242.0/24");
  ASSERT_TRUE(started) << started.error().message;

  auto result = labtest::scan_lab("127.77.242.0/24", {.assess = false});
  ASSERT_TRUE(result) << result.error().message;
  server.stop();

  std::map<std::string, const Device*> by_address;
  for (const auto& d : result->snapshot.devices) by_address[d.address.to_string()] = &d;
  int exact = 0, total = 0;
  for (const auto& dev : server.devices()) {
    ++total;
    SCOPED_TRACE(dev.id + " at " + dev.address);
    auto it = by_address.find(dev.address);
    ASSERT_NE(it, by_address.end()) << "not found by the scan";
    const DeviceVerdict& v = it->second->verdict;
    const lab::Expect& e = dev.expect;
    const bool ok = category_name(v.category) == e.category && v.manufacturer == e.manufacturer &&
                    v.brand == e.brand && v.model == e.model && v.firmware == e.firmware && v.serial == e.serial;
    exact += ok;
    std::printf("%-28s %-8s %-10s %-10s %-22s %-28s %s\n", dev.id.c_str(), category_name(v.category),
                show(v.manufacturer).c_str(), show(v.brand).c_str(), show(v.model).c_str(), show(v.firmware).c_str(),
                ok ? "ok" : "MISMATCH");
    EXPECT_EQ(category_name(v.category), e.category);
    EXPECT_EQ(v.manufacturer, e.manufacturer);
    EXPECT_EQ(v.brand, e.brand);
    EXPECT_EQ(v.model, e.model);
    EXPECT_EQ(v.firmware, e.firmware);
    EXPECT_EQ(v.serial, e.serial);
    if (!v.manufacturer) {
      EXPECT_EQ(v.confidence, 0.0);
    }
    for (const auto& ev : v.evidence) EXPECT_FALSE(ev.rule.empty());
  }
  std::printf("lab identification: %d/%d personalities exact\n", exact, total);
}

}  // namespace
}  // namespace anshin
