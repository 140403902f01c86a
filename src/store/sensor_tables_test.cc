#include "store/sensor_tables.h"

#include <gtest/gtest.h>

#include "store/codec.h"
#include "support/store.h"

namespace anshin::store {
namespace {

using testutil::TempDir;

class SensorTablesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = Store::open(dir_.file("inv.db"));
    ASSERT_TRUE(opened) << opened.error().message;
    store_.emplace(std::move(*opened));
    SiteConfig site;
    site.name = "shop-01";
    site.targets = {"127.0.0.0/29"};
    site.runner = "sensor";
    ASSERT_TRUE(SiteTables::put_site(*store_, site, "2026-12-06T00:00:00Z"));
  }
  Store& store() { return *store_; }
  TempDir dir_;
  std::optional<Store> store_;
};

TEST_F(SensorTablesTest, SensorsAreFoundByTokenHashRevokedAndReissued) {
  EXPECT_EQ(store().schema_version(), 8);
  ASSERT_TRUE(SensorTables::put_sensor(store(), {"s1", "shop-01", "aa11", "2026-12-06T00:00:00Z", {}, {}}));
  auto missing_site = SensorTables::put_sensor(store(), {"s2", "nowhere", "bb22", "2026-12-06T00:00:00Z", {}, {}});
  ASSERT_FALSE(missing_site);
  EXPECT_EQ(missing_site.error().code, Errc::kNotFound);

  auto found = SensorTables::find_by_token_hash(store(), "aa11");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->name, "s1");
  EXPECT_EQ((*found)->site, "shop-01");
  EXPECT_FALSE((*found)->revoked);
  auto unknown = SensorTables::find_by_token_hash(store(), "cc33");
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);

  ASSERT_TRUE(*SensorTables::revoke_sensor(store(), "s1", "2026-12-06T01:00:00Z"));
  EXPECT_TRUE((*SensorTables::find_by_token_hash(store(), "aa11"))->revoked);
  EXPECT_FALSE(*SensorTables::revoke_sensor(store(), "nobody", "2026-12-06T01:00:00Z"));

  // A new token for the same name: the old hash no longer matches, and the sensor is valid again.
  ASSERT_TRUE(SensorTables::put_sensor(store(), {"s1", "shop-01", "dd44", "2026-12-06T02:00:00Z", {}, {}}));
  EXPECT_FALSE(*SensorTables::find_by_token_hash(store(), "aa11"));
  auto again = SensorTables::find_by_token_hash(store(), "dd44");
  ASSERT_TRUE(again && *again);
  EXPECT_FALSE((*again)->revoked);
  EXPECT_EQ(SensorTables::list_sensors(store())->size(), 1u);
}

TEST_F(SensorTablesTest, ChunksAreRecordedOnceAndGoWithTheirSite) {
  auto job = SiteTables::enqueue_job(store(), "shop-01", "manual", "2026-12-06T00:00:00Z", "2026-12-06T00:00:00Z");
  ASSERT_TRUE(job && *job);
  ASSERT_TRUE(SensorTables::record_chunk(store(), {**job, 0, "d0", 3, "2026-12-06T00:01:00Z"}));
  ASSERT_TRUE(SensorTables::record_chunk(store(), {**job, 0, "other", 9, "2026-12-06T00:02:00Z"}));
  ASSERT_TRUE(SensorTables::record_chunk(store(), {**job, 1, "d1", 2, "2026-12-06T00:03:00Z"}));
  auto first = SensorTables::find_chunk(store(), **job, 0);
  ASSERT_TRUE(first && *first);
  EXPECT_EQ((*first)->digest, "d0") << "the first record of a chunk stays";
  EXPECT_EQ(*SensorTables::chunk_totals(store(), **job), std::make_pair(int64_t{2}, int64_t{5}));
  EXPECT_FALSE(*SensorTables::find_chunk(store(), **job, 2));

  ASSERT_TRUE(SensorTables::put_sensor(store(), {"s1", "shop-01", "aa11", "2026-12-06T00:00:00Z", {}, {}}));
  ASSERT_TRUE(*SiteTables::remove_site(store(), "shop-01"));
  EXPECT_TRUE(SensorTables::list_sensors(store())->empty()) << "a sensor goes with its site";
  EXPECT_EQ(SensorTables::chunk_totals(store(), **job)->first, 0);
}

TEST_F(SensorTablesTest, ObservedSaysWhetherAScanHoldsAnAddress) {
  ScanInfo info;
  info.started = "2026-12-06T00:00:00Z";
  info.targets = {"127.0.0.0/29"};
  auto scan = store().begin_scan(info);
  ASSERT_TRUE(scan);
  ASSERT_TRUE(store().put_device(*scan, testutil::device("127.0.0.2")));
  EXPECT_TRUE(*SensorTables::observed(store(), *scan, "127.0.0.2"));
  EXPECT_FALSE(*SensorTables::observed(store(), *scan, "127.0.0.3"));
}

TEST(DeviceCodec, DeviceRoundTripsWithHostileBytes) {
  Device d = testutil::device("10.0.0.7", "aa:bb:cc:dd:ee:ff", std::string("SN\xff\x01", 4), "V5.5.0");
  d.verdict.maker_proof = MakerProof::kProven;
  d.verdict.confidence = 0.875;
  d.verdict.conflicts = {"two makers"};
  d.verdict.evidence.push_back({"http.header.server", 80, std::string("bad\0byte", 8), {{"manufacturer", "X"}}, "r1"});
  d.services.push_back({554, Transport::kTcp, "rtsp", false, "Hikvision RTSP"});
  Finding f;
  f.id = "exposure.telnet";
  f.severity = Severity::kHigh;
  f.title = "Telnet";
  f.texts["ja"] = {"テルネット", "詳細", "対処"};
  d.findings.push_back(f);
  const std::string text = codec::encode_device(d);
  auto back = codec::decode_device(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->address, d.address);
  EXPECT_EQ(back->mac, d.mac);
  EXPECT_EQ(back->verdict.serial, d.verdict.serial);
  EXPECT_EQ(back->verdict.maker_proof, MakerProof::kProven);
  EXPECT_DOUBLE_EQ(back->verdict.confidence, 0.875);
  EXPECT_EQ(back->verdict.evidence.at(0).value, std::string("bad\0byte", 8));
  EXPECT_EQ(back->services.at(0).product, "Hikvision RTSP");
  EXPECT_EQ(back->findings.at(0).texts.at("ja").title, "テルネット");
  EXPECT_EQ(codec::encode_device(*back), text) << "encoding is stable (chunk digests depend on it)";
  EXPECT_FALSE(codec::decode_device(R"({"address":"10.0.0.7"})"));
  EXPECT_FALSE(codec::decode_device("not json"));
}

}  // namespace
}  // namespace anshin::store
