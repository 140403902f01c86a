// One pass per host: scanning the default lab fleet with the inventory on (each case on its own block,
// 127.77.226-228.0/24, so ctest can run them in parallel), each host is
// decided (verdict + findings) once and written once, with UDP discovery on or off and with the
// intrusive pass; only a host that discovery heard more from after it was stored is decided and written
// again (counted apart, so the test says how often that happened).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "lab/server.h"
#include "lab_scan.h"
#include "store/store.h"

namespace anshin {
namespace {


struct TempInventory {
  explicit TempInventory(const char* cidr)
      : path(std::filesystem::temp_directory_path() /
             ("anshin-one-pass-" + std::to_string(::getpid()) + "-" + std::string(cidr).substr(7, 3) + ".db")) {}
  std::string path;
  ~TempInventory() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
  }
};

struct Counted {
  scan::ScanResult result;
  uint64_t stored_devices = 0;  // what the inventory holds for the scan
};

Counted ScanWithInventory(const char* cidr, const labtest::LabScanOptions& base) {
  TempInventory file(cidr);
  auto store = store::Store::open(file.path);
  if (!store) {
    ADD_FAILURE() << store.error().message;
    return {};
  }
  labtest::LabScanOptions options = base;
  options.store = &*store;
  auto result = labtest::scan_lab(cidr, options);
  if (!result) {
    ADD_FAILURE() << result.error().message;
    return {};
  }
  auto latest = store->latest_scan();
  EXPECT_TRUE(latest && *latest);
  return {std::move(*result), latest && *latest ? (*latest)->devices : 0};
}

class OnePassLab : public testing::Test {
 protected:
  void Start(const char* cidr) {
    auto fleet = lab::Fleet::load("default");
    ASSERT_TRUE(fleet) << fleet.error().message;
    auto started = server_.start(*fleet, cidr);
    ASSERT_TRUE(started) << started.error().message;
  }
  void TearDown() override { server_.stop(); }
  lab::LabServer server_;
};

TEST_F(OnePassLab, WithoutDiscoveryEveryHostIsDecidedAndStoredOnce) {
  constexpr const char* kCidr = "127.77.226.0/24";
  ASSERT_NO_FATAL_FAILURE(Start(kCidr));
  const auto c = ScanWithInventory(kCidr, {.udp_discovery = false});
  const uint64_t devices = c.result.snapshot.devices.size();
  ASSERT_GT(devices, 10u);
  EXPECT_EQ(c.result.passes.decided, devices);
  EXPECT_EQ(c.result.passes.stored, devices);
  EXPECT_EQ(c.result.passes.redecided, 0u);
  EXPECT_EQ(c.stored_devices, devices);
}

TEST_F(OnePassLab, WithDiscoveryOnlyLateRepliesCostASecondPass) {
  constexpr const char* kCidr = "127.77.227.0/24";
  ASSERT_NO_FATAL_FAILURE(Start(kCidr));
  const auto c = ScanWithInventory(kCidr, {});
  const uint64_t devices = c.result.snapshot.devices.size();
  ASSERT_GT(devices, 10u);
  std::printf("devices %llu, decided %llu, stored %llu, decided again after late discovery replies %llu\n",
              static_cast<unsigned long long>(devices), static_cast<unsigned long long>(c.result.passes.decided),
              static_cast<unsigned long long>(c.result.passes.stored),
              static_cast<unsigned long long>(c.result.passes.redecided));
  EXPECT_EQ(c.result.passes.decided, devices + c.result.passes.redecided);
  EXPECT_EQ(c.result.passes.stored, devices + c.result.passes.redecided);
  // Discovery's replies on loopback come in while the hosts are still being probed.
  EXPECT_LE(c.result.passes.redecided * 4, devices);
  EXPECT_EQ(c.stored_devices, devices);
}

TEST_F(OnePassLab, TheIntrusivePassAddsToTheDecisionAndStoresOnlyWhatChanged) {
  scan::IntrusiveOptions intrusive;
  intrusive.default_creds = true;
  constexpr const char* kCidr = "127.77.228.0/24";
  ASSERT_NO_FATAL_FAILURE(Start(kCidr));
  const auto c = ScanWithInventory(kCidr, {.intrusive = intrusive});
  const uint64_t devices = c.result.snapshot.devices.size();
  ASSERT_GT(devices, 10u);
  uint64_t changed = 0;  // devices whose findings the intrusive pass changed
  for (const auto& d : c.result.snapshot.devices)
    for (const auto& f : d.findings)
      if (f.id == "auth.default-credentials") {
        ++changed;
        break;
      }
  EXPECT_GT(changed, 0u) << "the default fleet has devices with factory passwords";
  const uint64_t redecided = c.result.passes.redecided;
  EXPECT_EQ(c.result.passes.decided, devices + redecided);
  // A host both decided again and changed by the pass is written a second time, not a third.
  EXPECT_LE(c.result.passes.stored, devices + redecided + changed);
  EXPECT_GE(c.result.passes.stored, devices + std::max(redecided, changed));
  EXPECT_LE(redecided * 4, devices);
  EXPECT_EQ(c.stored_devices, devices);
}

}  // namespace
}  // namespace anshin
