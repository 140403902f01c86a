// Schema 4: a device's maker proof, the maker clone-prone tells suggest and the clues of an unidentified
// device survive the inventory, so `anshin report` (CSV, HTML, JSON) shows what a live scan showed.
#include <gtest/gtest.h>

#include "store/store.h"
#include "support/store.h"

namespace anshin::store {
namespace {

using namespace testutil;

TEST(StoreClues, ProofPossibleMakerAndCluesRoundTrip) {
  TempDir dir;
  auto store = Store::open(dir.file("a.db"));
  ASSERT_TRUE(store);
  auto scan = store->begin_scan(scan_info("s1"));
  ASSERT_TRUE(scan);
  Device d = device("10.0.0.9");
  d.verdict.category = Category::kCamera;
  d.verdict.maker_proof = MakerProof::kPossible;
  d.verdict.possible_manufacturer = "Hikvision";
  d.verdict.possible_manufacturer_id = "hikvision";
  d.verdict.clues = {{"rtsp.auth.realm", 554, "ZRB Login", {}, ""}, {"rtsp.sdp.session_name", 554, "RTSP Session", {}, ""}};
  Device proven = device("10.0.0.10");
  proven.verdict.maker_proof = MakerProof::kProven;
  ASSERT_TRUE(store->put_device(*scan, d));
  ASSERT_TRUE(store->put_device(*scan, proven));
  auto snap = store->snapshot(*scan);
  ASSERT_TRUE(snap);
  ASSERT_EQ(snap->devices.size(), 2u);
  const Device& back = snap->devices[0];
  EXPECT_EQ(back.verdict.maker_proof, MakerProof::kPossible);
  EXPECT_EQ(back.verdict.possible_manufacturer, "Hikvision");
  EXPECT_EQ(back.verdict.possible_manufacturer_id, "hikvision");
  ASSERT_EQ(back.verdict.clues.size(), 2u);
  EXPECT_EQ(back.verdict.clues[0].source, "rtsp.auth.realm");
  EXPECT_EQ(back.verdict.clues[0].port, 554);
  EXPECT_EQ(back.verdict.clues[1].value, "RTSP Session");
  EXPECT_EQ(snap->devices[1].verdict.maker_proof, MakerProof::kProven);
  EXPECT_TRUE(snap->devices[1].verdict.clues.empty());
}

}  // namespace
}  // namespace anshin::store
