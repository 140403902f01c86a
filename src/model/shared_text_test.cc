#include "model/shared_text.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "model/device.h"

namespace anshin {
namespace {

TEST(SharedText, ReadsLikeTheStringItHolds) {
  SharedText t = std::string("Telnet is open on port 23");
  EXPECT_EQ(t, "Telnet is open on port 23");
  EXPECT_EQ(t.size(), 25u);
  EXPECT_FALSE(t.empty());
  EXPECT_EQ("> " + t, "> Telnet is open on port 23");
  const std::string& s = t;
  EXPECT_EQ(s, "Telnet is open on port 23");
  EXPECT_TRUE(SharedText().empty());
  EXPECT_EQ(SharedText(), "");
}

TEST(SharedText, CopiesShareAndAssignmentReplaces) {
  SharedText a = std::string("one");
  SharedText b = a;
  EXPECT_TRUE(a.same_object(b));
  b = std::string("two");
  EXPECT_EQ(a, "one");
  EXPECT_EQ(b, "two");
  EXPECT_FALSE(a.same_object(b));
}

TEST(TextPool, EqualTextsBecomeOneObject) {
  TextPool pool;
  SharedText a = pool.intern(std::string("Remove the device from the network"));
  SharedText b = pool.intern_shared(SharedText(std::string("Remove the device from the network")));
  SharedText c = pool.intern(std::string("Another text"));
  EXPECT_TRUE(a.same_object(b));
  EXPECT_FALSE(a.same_object(c));
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.bytes(), a.size() + c.size());
  EXPECT_TRUE(pool.intern(std::string()).empty());
  EXPECT_EQ(pool.size(), 2u);  // the empty text is never kept
}

TEST(TextPool, TextsOutliveThePool) {
  SharedText kept;
  {
    TextPool pool;
    kept = pool.intern(std::string("still here"));
  }
  EXPECT_EQ(kept, "still here");
}

TEST(TextPool, InternsFromManyThreads) {
  TextPool pool;
  std::vector<std::vector<SharedText>> got(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t)
    threads.emplace_back([&pool, &got, t] {
      for (int i = 0; i < 1000; ++i) got[t].push_back(pool.intern("text " + std::to_string(i % 10)));
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(pool.size(), 10u);
  for (size_t t = 1; t < got.size(); ++t)
    for (size_t i = 0; i < got[t].size(); ++i) EXPECT_TRUE(got[t][i].same_object(got[0][i]));
}

Finding finding(const std::string& id, const std::string& title, const std::string& detail) {
  Finding f;
  f.id = id;
  f.title = title;
  f.detail = detail;
  f.remediation = std::string("Fix it");
  f.texts["en"] = FindingText{f.title, f.detail, f.remediation};
  f.texts["ja"] = FindingText{std::string("タイトル"), std::string("詳細 ") + detail, std::string("直す")};
  return f;
}

// Two devices' same finding: after share_texts every equal text is one object, texts and values unchanged.
TEST(ShareTexts, TwoDevicesSameFindingHoldOneTextObject) {
  TextPool pool;
  std::vector<Finding> first = {finding("exposure.telnet", "Telnet open", "port 23")};
  std::vector<Finding> second = {finding("exposure.telnet", "Telnet open", "port 23"),
                                 finding("exposure.ftp", "FTP open", "port 2121")};
  const std::vector<Finding> before = second;
  share_texts(first, pool);
  share_texts(second, pool);
  EXPECT_FALSE(before[0].title.same_object(second[0].title));
  EXPECT_TRUE(first[0].title.same_object(second[0].title));
  EXPECT_TRUE(first[0].detail.same_object(second[0].detail));
  EXPECT_TRUE(first[0].remediation.same_object(second[1].remediation));  // "Fix it" in both findings
  EXPECT_TRUE(first[0].texts["ja"].detail.same_object(second[0].texts["ja"].detail));
  EXPECT_TRUE(first[0].title.same_object(first[0].texts["en"].title));  // the scan language and its entry
  EXPECT_FALSE(first[0].detail.same_object(second[1].detail));
  for (size_t i = 0; i < second.size(); ++i) {
    EXPECT_EQ(second[i].title, before[i].title);
    EXPECT_EQ(second[i].detail, before[i].detail);
    EXPECT_EQ(second[i].texts, before[i].texts);
  }
  // Distinct texts: Telnet open, port 23, Fix it, タイトル, 詳細 port 23, 直す, FTP open, port 2121, 詳細 port 2121.
  EXPECT_EQ(pool.size(), 9u);
}

}  // namespace
}  // namespace anshin
