// Bundles, trusted keys, the places the KB is read from and the atomic update (docs/kb-format.md
// "Bundles"). Keys are generated here at test time; no private key lives in the repository.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <map>
#include <sstream>

#include "core/clock.h"
#include "kb/kb.h"
#include "kbops/bundle.h"
#include "kbops/load.h"
#include "kbops/place.h"
#include "kbops/update.h"

namespace anshin::kbops {
namespace {

namespace fs = std::filesystem;

struct KeyPair {
  std::string private_pem, public_pem;
};

KeyPair make_key() {
  EVP_PKEY* pk = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  EXPECT_NE(pk, nullptr);
  KeyPair k;
  auto pem = [&](bool priv) {
    BIO* bio = BIO_new(BIO_s_mem());
    if (priv) PEM_write_bio_PrivateKey(bio, pk, nullptr, nullptr, 0, nullptr, nullptr);
    else PEM_write_bio_PUBKEY(bio, pk);
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    std::string s(data, static_cast<size_t>(n));
    BIO_free(bio);
    return s;
  };
  k.private_pem = pem(true);
  k.public_pem = pem(false);
  EVP_PKEY_free(pk);
  return k;
}

TrustedKey trust(const KeyPair& k) {
  auto t = parse_public_key_pem(k.public_pem, "test");
  EXPECT_TRUE(t) << (t ? "" : t.error().message);
  return *t;
}

// The shipped data/ with kb.yaml's version replaced.
std::vector<BundleFile> shipped_files(const std::string& version) {
  auto files = bundle_files_from_dir(fs::path(ANSHIN_SOURCE_DIR) / "data");
  EXPECT_TRUE(files);
  for (auto& f : *files)
    if (f.path == "kb.yaml") f.contents = "kb_version: \"" + version + "\"\nformat_version: 1\n";
  return *files;
}

std::string bundle_of(const std::vector<BundleFile>& files, const KeyPair& key) {
  auto b = make_bundle(files, key.private_pem, "2026-12-06T00:00:00Z");
  EXPECT_TRUE(b) << (b ? "" : b.error().message);
  return *b;
}

Result<void> verify_rules(const fs::path& dir) {
  kb::Diagnostics d;
  if (!kb::KnowledgeBase::verify_dir(dir, d)) return Error{Errc::kInvalidInput, "verify failed", "kbops.verify_failed"};
  return {};
}

// Every file below `dir` with its contents (the "intact" check).
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out[fs::relative(e.path(), dir).string()] = ss.str();
  }
  return out;
}

class KbUpdate : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("anshin-kbops-" + std::to_string(::getpid()) + "-" + std::to_string(random_u64()));
    fs::create_directories(root_);
    places_.system_dir = root_ / "usr-share" / "kb";  // absent unless a test makes it
    places_.user_dir = root_ / "home" / "anshin" / "kb";
    key_ = make_key();
    keys_ = {trust(key_)};
  }
  void TearDown() override { fs::remove_all(root_); }

  UpdateOptions options() const {
    UpdateOptions o;
    o.current_version = kb_in_use_cheaply(places_).kb_version;
    o.verify = verify_rules;
    return o;
  }
  Result<UpdateOutcome> update(const std::string& bytes, UpdateOptions o) {
    auto b = open_bundle(bytes, keys_);
    if (!b) return b.error();
    return install_bundle(*b, places_.user_dir, o);
  }

  fs::path root_;
  KbPlaces places_;
  KeyPair key_;
  std::vector<TrustedKey> keys_;
};

TEST_F(KbUpdate, GoodBundleIsTakenAndLoaded) {
  auto done = update(bundle_of(shipped_files("2999.01.01"), key_), options());
  ASSERT_TRUE(done) << done.error().message;
  EXPECT_EQ(done->kb_version, "2999.01.01");
  EXPECT_TRUE(fs::is_symlink(places_.user_dir));
  const KbCandidate top = kb_in_use_cheaply(places_);
  EXPECT_EQ(top.place, "user");
  EXPECT_EQ(top.kb_version, "2999.01.01");
  kb::Diagnostics d;
  auto loaded = load_kb_in_use("", places_, {}, d);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->kb->kb_version(), "2999.01.01");
  EXPECT_EQ(loaded->from.dir, places_.user_dir);
  // Every shipped file arrived byte for byte.
  auto want = shipped_files("2999.01.01");
  auto got = snapshot(places_.user_dir);
  ASSERT_EQ(got.size(), want.size());
  for (const auto& f : want) EXPECT_EQ(got[f.path], f.contents) << f.path;
}

TEST_F(KbUpdate, FlippedByteIsRefused) {
  std::string bytes = bundle_of(shipped_files("2999.01.01"), key_);
  for (size_t at : {bytes.size() / 2, bytes.size() - 3, bytes.find("manifest") + 12}) {
    std::string bad = bytes;
    bad[at] = static_cast<char>(bad[at] ^ 0x01);
    auto r = open_bundle(bad, keys_);
    ASSERT_FALSE(r) << "flip at " << at;
    EXPECT_EQ(r.error().key, "kbops.bad_signature");
  }
  EXPECT_FALSE(fs::exists(places_.user_dir));
}

TEST_F(KbUpdate, WrongKeyIsRefused) {
  const KeyPair other = make_key();
  const std::string bytes = bundle_of(shipped_files("2999.01.01"), other);
  auto r = open_bundle(bytes, keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "kbops.unknown_key");
  // The other key's signature under the trusted key's id: the signature check catches it.
  std::string forged = bytes;
  const size_t id_at = forged.find("key ") + 4;
  forged.replace(id_at, 16, keys_.front().id);
  r = open_bundle(forged, keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "kbops.bad_signature");
}

TEST_F(KbUpdate, UnsignedIsRefused) {
  const std::string bytes = bundle_of(shipped_files("2999.01.01"), key_);
  const size_t payload = bytes.find("\n\n") + 2;
  auto r = open_bundle("ANSHIN-KB-BUNDLE/1\n\n" + bytes.substr(payload), keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "kbops.unsigned");
  r = open_bundle(bytes.substr(payload), keys_);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "kbops.not_a_bundle");
}

TEST_F(KbUpdate, OlderVersionIsRefusedUnlessAllowed) {
  ASSERT_TRUE(update(bundle_of(shipped_files("2999.01.01"), key_), options()));
  const auto before = snapshot(places_.user_dir);
  const std::string older = bundle_of(shipped_files("2998.12.31"), key_);
  auto r = update(older, options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "kbops.downgrade");
  EXPECT_EQ(snapshot(places_.user_dir), before);
  UpdateOptions allow = options();
  allow.allow_downgrade = true;
  ASSERT_TRUE(update(older, allow));
  EXPECT_EQ(kb_in_use_cheaply(places_).kb_version, "2998.12.31");
  // Only the version in use is kept: the replaced folder is gone.
  size_t versions = 0;
  for (const auto& e : fs::directory_iterator(places_.user_dir.parent_path() / "kb.d")) versions += e.is_directory();
  EXPECT_EQ(versions, 1u);
}

TEST_F(KbUpdate, AllowedDowngradeBelowTheBuiltInStaysInUseUntilTheNextUpdate) {
  UpdateOptions allow = options();
  allow.allow_downgrade = true;
  ASSERT_TRUE(update(bundle_of(shipped_files("2020.01.01"), key_), allow));
  EXPECT_EQ(kb_in_use_cheaply(places_).kb_version, "2020.01.01");
  EXPECT_EQ(kb_in_use_cheaply(places_).place, "user");
  ASSERT_TRUE(update(bundle_of(shipped_files("2999.01.01"), key_), options()));
  EXPECT_FALSE(fs::exists(places_.user_dir.parent_path() / "kb.pinned"));
  EXPECT_EQ(kb_in_use_cheaply(places_).kb_version, "2999.01.01");
}

TEST_F(KbUpdate, BundleFailingVerifyIsRefused) {
  ASSERT_TRUE(update(bundle_of(shipped_files("2999.01.01"), key_), options()));
  const auto before = snapshot(places_.user_dir);
  auto files = shipped_files("2999.02.01");
  bool broken = false;
  for (auto& f : files) {
    if (f.path != "fingerprints/http_header_server.yaml") continue;
    const size_t at = f.contents.find("- value: ");
    ASSERT_NE(at, std::string::npos);
    f.contents.insert(at + 9, "no-rule-matches-this-");  // an example its rule no longer matches
    broken = true;
  }
  ASSERT_TRUE(broken);
  auto r = update(bundle_of(files, key_), options());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().key, "kbops.verify_failed");
  EXPECT_EQ(kb_in_use_cheaply(places_).kb_version, "2999.01.01");
  EXPECT_EQ(snapshot(places_.user_dir), before);
  for (const auto& e : fs::directory_iterator(places_.user_dir.parent_path() / "kb.d"))
    EXPECT_FALSE(e.path().filename().string().starts_with(".staging-")) << e.path();
}

// A SIGKILL at each step of the update, in a child process: before the switch the old KB stays in
// use, byte for byte; after it the new one is complete.
TEST_F(KbUpdate, KillDuringUpdateLeavesOldKbInUseAndIntact) {
  ASSERT_TRUE(update(bundle_of(shipped_files("2999.01.01"), key_), options()));
  const auto before = snapshot(places_.user_dir);
  const std::string newer = bundle_of(shipped_files("2999.03.01"), key_);
  auto bundle = open_bundle(newer, keys_);
  ASSERT_TRUE(bundle);
  for (const std::string point : {"staged", "verified", "renamed", "linked", "switched"}) {
    SCOPED_TRACE(point);
    UpdateOptions o = options();
    o.crash_point = [point](std::string_view at) {
      if (at == point) ::raise(SIGKILL);
    };
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      (void)install_bundle(*bundle, places_.user_dir, o);
      ::_exit(0);  // not reached when the hook fires
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
    kb::Diagnostics d;
    auto loaded = load_kb_in_use("", places_, {}, d);
    ASSERT_TRUE(loaded);
    if (point == "switched") {
      EXPECT_EQ(loaded->kb->kb_version(), "2999.03.01");
    } else {
      EXPECT_EQ(loaded->kb->kb_version(), "2999.01.01");
      EXPECT_EQ(snapshot(places_.user_dir), before);
    }
  }
  // The next update cleans what the killed ones left and goes through.
  auto again = update(bundle_of(shipped_files("2999.04.01"), key_), options());
  ASSERT_TRUE(again) << again.error().message;
  for (const auto& e : fs::directory_iterator(places_.user_dir.parent_path() / "kb.d"))
    EXPECT_FALSE(e.path().filename().string().starts_with(".staging-")) << e.path();
}

TEST(KbBundle, HostilePathsAndLengthsAreRefused) {
  auto payload = [](const std::string& path, const std::string& body, const std::string& len) {
    const std::string m = R"({"schema":"anshin.kb-bundle/1","kb_version":"1","format_version":1,"files":2})";
    return "manifest " + std::to_string(m.size()) + "\n" + m + "\nfile 34 kb.yaml\nkb_version: \"1\"\nformat_version: 1\n\nfile " +
           len + " " + path + "\n" + body + "\nend\n";
  };
  EXPECT_TRUE(decode_bundle_payload(payload("cves/x.yaml", "a: 1", "4")));
  for (const std::string p : {"../x.yaml", "/etc/x.yaml", "cves/../../x.yaml", "x.sh", "X.yaml", ".hidden.yaml", "a//b.yaml"}) {
    auto r = decode_bundle_payload(payload(p, "a: 1", "4"));
    ASSERT_FALSE(r) << p;
    EXPECT_EQ(r.error().key, "kbops.bad_path") << p;
  }
  for (const std::string len : {"5", "3", "99999999999", "-1", ""})
    EXPECT_FALSE(decode_bundle_payload(payload("cves/x.yaml", "a: 1", len))) << len;
}

TEST(KbPlacesTest, VersionsCompareNumberByNumber) {
  EXPECT_LT(compare_versions("2026.11.27", "2026.12.1"), 0);
  EXPECT_LT(compare_versions("2026.9.30", "2026.10.01"), 0);
  EXPECT_LT(compare_versions("2026.11.27", "2026.11.27.1"), 0);
  EXPECT_EQ(compare_versions("2026.11.27", "2026.11.27"), 0);
  EXPECT_GT(compare_versions("2027.01.01", "2026.12.31"), 0);
}

TEST(KbPlacesTest, AgeFromTheDateStyleVersion) {
  using namespace std::chrono;
  const sys_days today = sys_days{year{2027} / March / 1};
  EXPECT_EQ(age_in_days("2026.11.27", today), 94);
  EXPECT_EQ(age_in_days("2027.03.01", today), 0);
  EXPECT_FALSE(age_in_days("experimental", today));
  EXPECT_FALSE(age_in_days("2026.13.01", today));
}

TEST(KbPlacesTest, NewestWinsTiesGoSystemUserBuiltIn) {
  const fs::path root = fs::temp_directory_path() / ("anshin-places-" + std::to_string(random_u64()));
  KbPlaces p{root / "sys", root / "user"};
  auto write = [](const fs::path& dir, const std::string& text) {
    fs::create_directories(dir);
    std::ofstream(dir / "kb.yaml") << text;
  };
  const std::string builtin = "kb_version: \"2026.11.27\"\nformat_version: 1\n";
  EXPECT_EQ(rank_places(p, builtin).ranked.front().place, "built-in");
  write(p.user_dir, "kb_version: \"2026.12.01\"\nformat_version: 1\n");
  EXPECT_EQ(rank_places(p, builtin).ranked.front().place, "user");
  write(p.system_dir, "kb_version: \"2026.12.01\"\nformat_version: 1\n");
  auto r = rank_places(p, builtin);
  ASSERT_EQ(r.ranked.size(), 3u);
  EXPECT_EQ(r.ranked[0].place, "system");
  EXPECT_EQ(r.ranked[1].place, "user");
  EXPECT_EQ(r.ranked[2].place, "built-in");
  write(p.system_dir, "kb_version: \"2030.01.01\"\nformat_version: 2\n");  // a format this build cannot read
  r = rank_places(p, builtin);
  EXPECT_EQ(r.ranked.front().place, "user");
  EXPECT_EQ(r.skipped.size(), 1u);
  fs::remove_all(root);
}

TEST(KbPlacesTest, AFolderThatDoesNotLoadFallsBack) {
  const fs::path root = fs::temp_directory_path() / ("anshin-fallback-" + std::to_string(random_u64()));
  KbPlaces p{root / "sys", root / "user"};
  fs::create_directories(p.user_dir / "vocab");
  std::ofstream(p.user_dir / "kb.yaml") << "kb_version: \"2999.01.01\"\nformat_version: 1\n";
  std::ofstream(p.user_dir / "vocab" / "vendors.yaml") << "vendors: [";  // broken YAML
  kb::Diagnostics d;
  auto loaded = load_kb_in_use("", p, {}, d);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->from.place, "built-in");
  EXPECT_EQ(loaded->notes.size(), 1u);
  fs::remove_all(root);
}

TEST_F(KbUpdate, APlaceTheCallerRefusesFallsBack) {
  ASSERT_TRUE(update(bundle_of(shipped_files("2999.01.01"), key_), options()));
  kb::Diagnostics d;
  // The caller's own validity check (the CLI: the assessment data loads) refuses the newest place.
  auto loaded = load_kb_in_use("", places_, {}, d, [](const kb::KnowledgeBase& kb, const std::vector<kb::SourceFile>&) {
    return kb.kb_version() != "2999.01.01";
  });
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->from.place, "built-in");
  ASSERT_EQ(loaded->notes.size(), 1u);
  EXPECT_NE(loaded->notes[0].find("assessment data"), std::string::npos);
}

TEST(KbKeys, ShippedKeysParse) {
  std::vector<std::string> problems;
  auto keys = trusted_keys({}, &problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_FALSE(keys.empty());
  for (const auto& k : keys) EXPECT_EQ(k.id.size(), 16u);
  EXPECT_FALSE(parse_public_key_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "x"));
}

}  // namespace
}  // namespace anshin::kbops
