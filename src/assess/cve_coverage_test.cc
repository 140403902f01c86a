// Coverage floor of the shipped CVE data (issue 11): the test fails when the number of CVEs, of vendors with
// CVEs or of CISA KEV entries falls, when a KEV camera/NVR/DVR entry of the December 2026 gap analysis goes
// missing or changes its KEV date, and when an end-of-life entry stops telling the user to replace the device.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "assess/assess.h"

namespace anshin::assess {
namespace {

const AssessData& Data() {
  static std::shared_ptr<const kb::KnowledgeBase> kb = [] {
    kb::Diagnostics d;
    auto r = kb::KnowledgeBase::load_embedded(d);
    for (const auto& x : d.all()) ADD_FAILURE() << kb::Diagnostics::format(x);
    return r ? *r : nullptr;
  }();
  static const Assessor* assessor = [] {
    kb::Diagnostics d;
    auto a = Assessor::load(*kb, d);
    for (const auto& x : d.all()) ADD_FAILURE() << kb::Diagnostics::format(x);
    return new Assessor(std::move(*a));
  }();
  return assessor->data();
}

const Cve* find_cve(std::string_view id) {
  for (const auto& c : Data().cves)
    if (c.id == id) return &c;
  return nullptr;
}

// Floors: the figures reached on 2026-12-06 (raise them when data is added, never lower them silently).
constexpr size_t kMinCves = 110;
constexpr size_t kMinVendorsWithCves = 29;
constexpr size_t kMinKevEntries = 24;

TEST(CveCoverage, CountsDoNotFall) {
  std::set<std::string> vendors;
  size_t kev = 0;
  for (const auto& c : Data().cves) {
    vendors.insert(c.vendor);
    if (!c.kev_added.empty()) ++kev;
  }
  EXPECT_GE(Data().cves.size(), kMinCves);
  EXPECT_GE(vendors.size(), kMinVendorsWithCves);
  EXPECT_GE(kev, kMinKevEntries);
  std::printf("CVEs %zu, vendors with CVEs %zu, KEV entries %zu\n", Data().cves.size(), vendors.size(), kev);
}

// Every KEV entry on a camera / NVR / DVR product (CISA KEV catalogue 2026.08.21, as tabulated in the gap
// analysis of 2026-12-06, rows 1-24), with the vendor file that must carry it and its dateAdded.
struct KevRow {
  const char* cve;
  const char* vendor;
  const char* date_added;
};
constexpr KevRow kKevCameraEntries[] = {
    {"CVE-2020-5735", "dahua", "2021-11-03"},        // Amcrest (Dahua OEM) cameras and NVRs
    {"CVE-2019-20085", "tvt", "2021-11-03"},         // TVT NVMS-1000
    {"CVE-2021-36260", "hikvision", "2022-01-10"},
    {"CVE-2016-11021", "dlink", "2022-03-25"},       // DCS-930L
    {"CVE-2023-47565", "qnap", "2023-12-21"},        // VioStor NVR
    {"CVE-2021-33044", "dahua", "2024-08-21"},
    {"CVE-2021-33045", "dahua", "2024-08-21"},
    {"CVE-2024-8956", "ptzoptics", "2024-11-04"},
    {"CVE-2024-8957", "ptzoptics", "2024-11-04"},
    {"CVE-2021-40407", "reolink", "2024-12-18"},
    {"CVE-2019-11001", "reolink", "2024-12-18"},
    {"CVE-2022-23227", "nuuo", "2024-12-18"},
    {"CVE-2018-14933", "nuuo", "2024-12-18"},
    {"CVE-2025-1316", "edimax", "2025-03-19"},
    {"CVE-2024-6047", "geovision", "2025-05-07"},
    {"CVE-2024-11120", "geovision", "2025-05-07"},
    {"CVE-2020-25078", "dlink", "2025-08-05"},
    {"CVE-2020-25079", "dlink", "2025-08-05"},
    {"CVE-2022-40799", "dlink", "2025-08-05"},       // DNR-322L NVR
    {"CVE-2023-52163", "digiever", "2025-12-22"},
    {"CVE-2017-7921", "hikvision", "2026-03-05"},
    {"CVE-2026-34908", "ubiquiti", "2026-06-23"},    // UniFi OS on UNVR/ENVR
    {"CVE-2026-34909", "ubiquiti", "2026-06-23"},
    {"CVE-2026-34910", "ubiquiti", "2026-06-23"},
};

TEST(CveCoverage, EveryKevCameraEntryIsPresentWithItsDate) {
  for (const auto& row : kKevCameraEntries) {
    SCOPED_TRACE(row.cve);
    const Cve* c = find_cve(row.cve);
    ASSERT_NE(c, nullptr) << "missing from data/cves";
    EXPECT_EQ(c->vendor, row.vendor);
    EXPECT_EQ(c->kev_added, row.date_added);
    EXPECT_FALSE(c->examples.empty());
  }
}

// A KEV date in the data that the table above does not know is a new listing: add it to the table.
TEST(CveCoverage, NoKevDateOutsideTheTable) {
  std::map<std::string, std::string> table;
  for (const auto& row : kKevCameraEntries) table[row.cve] = row.date_added;
  for (const auto& c : Data().cves) {
    if (c.kev_added.empty()) continue;
    EXPECT_TRUE(table.count(c.id)) << c.id << " has kev_added " << c.kev_added;
  }
}

// End-of-life products without a fix: the fixed text tells the user to replace the device, in both languages.
TEST(CveCoverage, EndOfLifeEntriesSayReplace) {
  for (const char* id : {"CVE-2025-1316", "CVE-2024-6047", "CVE-2024-11120", "CVE-2023-52163", "CVE-2022-40799",
                         "CVE-2022-23227", "CVE-2023-3959", "CVE-2023-4249", "CVE-2022-4621", "CVE-2023-3638",
                         "CVE-2019-7315"}) {
    SCOPED_TRACE(id);
    const Cve* c = find_cve(id);
    ASSERT_NE(c, nullptr);
    ASSERT_FALSE(c->affected.empty());
    for (const auto& af : c->affected) {
      EXPECT_EQ(af.fixed.en, "no fixed firmware: replace");
      EXPECT_EQ(af.fixed.ja, "修正済みファームウェアなし：機器を交換してください");
    }
  }
}

// Every entry names where its facts come from: a CVE record path or an advisory, never a local file.
TEST(CveCoverage, EveryEntryCitesAPublicSource) {
  for (const auto& c : Data().cves) {
    SCOPED_TRACE(c.id);
    EXPECT_FALSE(c.references.empty());
    EXPECT_TRUE(c.advisory.rfind("http", 0) == 0 || !c.references.empty());
    EXPECT_EQ(c.note.find("/work/"), std::string::npos);
    EXPECT_EQ(c.note.find("shared/"), std::string::npos);
  }
}

}  // namespace
}  // namespace anshin::assess
