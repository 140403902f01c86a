// The active CVE table only reads: every request is GET or HEAD of class auth-bypass-read, and the
// requests that must never be sent (CVE-2021-36260's intrusive-write PUT, the 7921 follow-ups
// that return users and configuration secrets) appear nowhere in src/ except in this file's
// forbidden-path assertions.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "probes/cve_active/active_checks.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kForbiddenPaths[] = {"/SDK/webLanguage", "/Security/users", "/System/configurationFile"};

TEST(ActiveChecks, OnlyReadOnlyRequests) {
  ASSERT_FALSE(active_checks().empty());
  for (const auto& c : active_checks()) {
    SCOPED_TRACE(std::string(c.cve));
    EXPECT_TRUE(c.method == "GET" || c.method == "HEAD") << c.method;
    EXPECT_EQ(c.check_class, "auth-bypass-read");
    for (auto bad : kForbiddenPaths) EXPECT_EQ(c.target.find(bad), std::string_view::npos);
  }
  const ActiveCheck* c = find_active_check("CVE-2017-7921");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->target, "/system/deviceInfo?auth=YWRtaW46MTEK");
  EXPECT_EQ(find_active_check("CVE-2021-36260"), nullptr);  // intrusive-write: version match only
}

TEST(ActiveChecks, ForbiddenPathsAppearNowhereInSrc) {
  const std::filesystem::path src = std::filesystem::path(ANSHIN_SOURCE_DIR) / "src";
  const auto self = std::filesystem::path(__FILE__).filename();
  size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(src)) {
    if (!e.is_regular_file() || e.path().filename() == self) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = ss.str();
    ++files;
    for (auto bad : kForbiddenPaths)
      EXPECT_EQ(text.find(bad), std::string::npos) << e.path() << " mentions " << bad;
  }
  EXPECT_GT(files, 50u);
}

TEST(ActiveChecks, IntrusiveProbesAreNotInTheIdentificationRegistry) {
  for (const auto& p : registry()) EXPECT_NE(p->info().level, Intrusiveness::kIntrusive) << p->info().name;
  ASSERT_FALSE(intrusive_registry().empty());
  for (const auto& p : intrusive_registry()) EXPECT_EQ(p->info().level, Intrusiveness::kIntrusive) << p->info().name;
}

}  // namespace
}  // namespace anshin::probes
