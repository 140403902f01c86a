#include "kb/kb.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "kb/oui.h"

namespace anshin::kb {
namespace {

std::shared_ptr<const KnowledgeBase> shipped() {
  static std::shared_ptr<const KnowledgeBase> kb = [] {
    Diagnostics d;
    auto r = KnowledgeBase::load_embedded(d);
    for (const auto& x : d.all()) ADD_FAILURE() << Diagnostics::format(x);
    return r ? *r : nullptr;
  }();
  return kb;
}

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The shipped vocabulary + kb.yaml + one fixture as a fingerprint file.
Diagnostics verify_with_fixture(const std::vector<std::string>& fixtures) {
  std::vector<SourceFile> files;
  for (auto& f : KnowledgeBase::embedded_sources())
    if (f.role.rfind("fingerprints/", 0) != 0) files.push_back(f);
  for (const auto& name : fixtures) {
    std::string path = std::string(ANSHIN_SOURCE_DIR) + "/src/kb/testdata/" + name;
    files.push_back({"testdata/" + name, "fingerprints/" + name, read(path)});
  }
  Diagnostics d;
  EXPECT_FALSE(KnowledgeBase::verify_sources(files, d)) << "fixtures were expected to fail";
  return d;
}

bool has(const Diagnostics& d, const std::string& file, const std::string& needle, int line = -1) {
  for (const auto& x : d.all()) {
    if (x.file == "testdata/" + file && x.message.find(needle) != std::string::npos && (line < 0 || x.line == line))
      return true;
  }
  return false;
}

std::string dump(const Diagnostics& d) {
  std::string s;
  for (const auto& x : d.all()) s += Diagnostics::format(x) + "\n";
  return s;
}

Observation obs(std::string key, std::string value) { return Observation{std::move(key), std::move(value), 80, "test"}; }

// ----------------------------------------------------------------------------------- shipped KB
TEST(KbVerify, ShippedKnowledgeBaseIsClean) {
  Diagnostics d;
  KbStats stats;
  EXPECT_TRUE(KnowledgeBase::verify_embedded(d, &stats)) << dump(d);
  EXPECT_EQ(d.error_count(), 0u) << dump(d);
  EXPECT_EQ(stats.kb_version, "2026.12.06");
  EXPECT_GE(stats.vendors, 50u);
  EXPECT_GE(stats.rules, 150u);
  EXPECT_GE(stats.examples, stats.rules);
  EXPECT_GE(stats.oui_prefixes, 190u);
}

TEST(KbVerify, SourceTreeDataFolderIsClean) {
  Diagnostics d;
  EXPECT_TRUE(KnowledgeBase::verify_dir(std::string(ANSHIN_SOURCE_DIR) + "/data", d)) << dump(d);
}

TEST(KbVerify, EveryObservationKeyOfTheDocIsAField) {
  // Table rows of docs/observation-keys.md: "| `a.b.c` / `.d` / `.e` | value | probe |".
  std::istringstream doc(read(std::string(ANSHIN_SOURCE_DIR) + "/docs/observation-keys.md"));
  const auto& v = shipped()->vocab();
  std::string line;
  int keys = 0;
  while (std::getline(doc, line)) {
    if (line.rfind("## Keys no fingerprint rule reads", 0) == 0) break;  // the rest are not fields
    if (line.rfind("| `", 0) != 0) continue;
    std::string cell = line.substr(1, line.find('|', 1) - 1);
    std::string base;
    for (size_t p = cell.find('`'); p != std::string::npos; p = cell.find('`', p + 1)) {
      size_t q = cell.find('`', p + 1);
      std::string tok = cell.substr(p + 1, q - p - 1);
      std::string key = tok;
      if (tok[0] == '.') {  // a suffix: relative to the previous full key's parent, or an ancestor of it
        std::string b = base;
        key = b + tok;
        while (v.field(key) == nullptr && b.find('.') != std::string::npos) {
          b = b.substr(0, b.rfind('.'));
          key = b + tok;
        }
      } else {
        base = tok.substr(0, tok.rfind('.'));
      }
      EXPECT_NE(v.field(key), nullptr) << key << " is in docs/observation-keys.md but not in vocab/fields.yaml";
      ++keys;
      p = q;
    }
  }
  EXPECT_GT(keys, 90);
}

// ----------------------------------------------------------------------------------- bad fixtures
TEST(KbVerifyFixtures, UnknownVendorId) {
  auto d = verify_with_fixture({"bad_unknown_vendor.yaml"});
  EXPECT_TRUE(has(d, "bad_unknown_vendor.yaml", "unknown vendor id 'acme_nonexistent'", 7)) << dump(d);
}
TEST(KbVerifyFixtures, UnknownObservationKey) {
  auto d = verify_with_fixture({"bad_unknown_key.yaml"});
  EXPECT_TRUE(has(d, "bad_unknown_key.yaml", "unknown observation key 'http.header.no_such_key'", 1)) << dump(d);
}
TEST(KbVerifyFixtures, ShadowedExample) {
  auto d = verify_with_fixture({"bad_shadowed.yaml"});
  EXPECT_TRUE(has(d, "bad_shadowed.yaml", "shadowed by earlier rule 'bad-shadow-broad'", 14)) << dump(d);
  EXPECT_EQ(d.error_count(), 1u) << dump(d);
}
TEST(KbVerifyFixtures, ArityMismatch) {
  auto d = verify_with_fixture({"bad_arity.yaml"});
  EXPECT_TRUE(has(d, "bad_arity.yaml", "uses $2 but the pattern has 1 capture group", 7)) << dump(d);
}
TEST(KbVerifyFixtures, ExampleNotMatching) {
  auto d = verify_with_fixture({"bad_example_mismatch.yaml"});
  EXPECT_TRUE(has(d, "bad_example_mismatch.yaml", "does not match rule 'bad-example-mismatch'", 8)) << dump(d);
}
TEST(KbVerifyFixtures, DuplicateId) {
  auto d = verify_with_fixture({"bad_duplicate_id.yaml"});
  EXPECT_TRUE(has(d, "bad_duplicate_id.yaml", "duplicate rule id 'bad-dup'", 9)) << dump(d);
}
TEST(KbVerifyFixtures, BadRegex) {
  auto d = verify_with_fixture({"bad_regex.yaml"});
  EXPECT_TRUE(has(d, "bad_regex.yaml", "rule 'bad-regex-unclosed': bad regex", 6)) << dump(d);
  EXPECT_TRUE(has(d, "bad_regex.yaml", "rule 'bad-regex-lookahead': bad regex", 12)) << dump(d);
}
TEST(KbVerifyFixtures, ExpectedCaptureDiffers) {
  auto d = verify_with_fixture({"bad_expect.yaml"});
  EXPECT_TRUE(has(d, "bad_expect.yaml", "hw.firmware='1.2', expected '1.3'", 8)) << dump(d);
}
TEST(KbVerifyFixtures, MissingExamplesAndUnknownAttribute) {
  auto d = verify_with_fixture({"bad_no_examples.yaml"});
  EXPECT_TRUE(has(d, "bad_no_examples.yaml", "needs 1-20 examples")) << dump(d);
  EXPECT_TRUE(has(d, "bad_no_examples.yaml", "cannot set 'hw.category'")) << dump(d);
}
TEST(KbVerifyFixtures, SupportingOnlyNeedsAVendorAndABoolean) {
  auto d = verify_with_fixture({"bad_supporting_only.yaml"});
  EXPECT_TRUE(has(d, "bad_supporting_only.yaml", "rule 'bad-supporting-no-vendor': supporting_only needs hw.vendor or hw.brand", 3))
      << dump(d);
  EXPECT_TRUE(has(d, "bad_supporting_only.yaml", "rule 'bad-supporting-not-bool': supporting_only must be true or false", 15))
      << dump(d);
}
TEST(KbVerifyFixtures, AllProblemsAreReportedInOneRun) {
  auto d = verify_with_fixture({"bad_arity.yaml", "bad_duplicate_id.yaml", "bad_example_mismatch.yaml", "bad_expect.yaml",
                                "bad_regex.yaml", "bad_shadowed.yaml", "bad_unknown_key.yaml", "bad_unknown_vendor.yaml"});
  EXPECT_GE(d.error_count(), 9u) << dump(d);
  for (const auto& x : d.all()) {
    EXPECT_GT(x.line, 0) << Diagnostics::format(x);
    EXPECT_EQ(Diagnostics::format(x).rfind(x.file + ":" + std::to_string(x.line) + ": ", 0), 0u);
  }
}

TEST(KbVerifyFixtures, VocabularyErrors) {
  std::vector<SourceFile> files = {
      {"kb.yaml", "kb.yaml", "kb_version: \"t\"\nformat_version: 1\n"},
      {"fields.yaml", "vocab/fields.yaml", "fields:\n  - { key: http.title, probe: http, status: emitted, description: t }\n"},
      {"vendors.yaml", "vocab/vendors.yaml",
       "vendors:\n"
       "  - { id: acme, name: Acme, kind: manufacturer, aliases: [ACME] }\n"
       "  - { id: acme, name: Acme again, kind: manufacturer }\n"
       "  - id: relabel\n    name: Relabel\n    kind: brand\n    aliases: [acme]\n"
       "    oem_of: [{ vendor: nobody, strength: X, sources: [s] }]\n"}};
  Diagnostics d;
  EXPECT_FALSE(KnowledgeBase::verify_sources(files, d));
  std::string all = dump(d);
  EXPECT_NE(all.find("vendors.yaml:3: duplicate vendor id 'acme'"), std::string::npos) << all;
  EXPECT_NE(all.find("alias 'acme' of 'relabel' already names 'acme'"), std::string::npos) << all;
  EXPECT_NE(all.find("strength must be S, M or W"), std::string::npos) << all;
  EXPECT_NE(all.find("names unknown vendor id 'nobody'"), std::string::npos) << all;
}

TEST(KbVerifyFixtures, WhiteLabelIsABooleanOfAManufacturer) {
  std::vector<SourceFile> files = {
      {"kb.yaml", "kb.yaml", "kb_version: \"t\"\nformat_version: 1\n"},
      {"fields.yaml", "vocab/fields.yaml", "fields:\n  - { key: http.title, probe: http, status: emitted, description: t }\n"},
      {"vendors.yaml", "vocab/vendors.yaml",
       "vendors:\n"
       "  - { id: boards, name: Boards, kind: manufacturer, white_label: true }\n"
       "  - { id: odd, name: Odd, kind: manufacturer, white_label: perhaps }\n"
       "  - { id: label, name: Label, kind: brand, white_label: true, oem_of: [{ vendor: boards, strength: M, sources: [s] }] }\n"}};
  Diagnostics d;
  EXPECT_FALSE(KnowledgeBase::verify_sources(files, d));
  std::string all = dump(d);
  EXPECT_NE(all.find("vendor 'odd': white_label must be true or false"), std::string::npos) << all;
  EXPECT_NE(all.find("vendor 'label': only a manufacturer can be white_label"), std::string::npos) << all;
  EXPECT_EQ(all.find("'boards'"), std::string::npos) << all;
}

TEST(KbVerifyFixtures, DatedAndModelQualifiedOemEdges) {
  std::vector<SourceFile> files = {
      {"kb.yaml", "kb.yaml", "kb_version: \"t\"\nformat_version: 1\n"},
      {"fields.yaml", "vocab/fields.yaml", "fields:\n  - { key: http.title, probe: http, status: emitted, description: t }\n"},
      {"vendors.yaml", "vocab/vendors.yaml",
       "vendors:\n"
       "  - { id: maker, name: Maker, kind: manufacturer }\n"
       "  - { id: sold, name: Sold, kind: brand, oem_of: [{ vendor: maker, strength: S, sources: [s], until: \"2022-11-23\" }] }\n"
       "  - { id: dated, name: Dated, kind: brand, oem_of: [{ vendor: maker, strength: S, sources: [s], since: \"2018\", "
       "until: \"2017-01-01\", models: ['^A'] }] }\n"
       "  - { id: badre, name: BadRe, kind: brand, oem_of: [{ vendor: maker, strength: S, sources: [s], models: ['(x'] }] }\n"
       "  - { id: fine, name: Fine, kind: brand, oem_of: [{ vendor: maker, strength: S, sources: [s], since: \"2018-02-06\", "
       "until: \"2022-11-23\", models: ['^E89\\d'] }] }\n"}};
  Diagnostics d;
  EXPECT_FALSE(KnowledgeBase::verify_sources(files, d));
  std::string all = dump(d);
  EXPECT_NE(all.find("oem_of of 'sold' -> 'maker': a relation with 'until' must list the model lines"), std::string::npos) << all;
  EXPECT_NE(all.find("oem_of of 'dated' -> 'maker': since/until must be YYYY-MM-DD"), std::string::npos) << all;
  EXPECT_NE(all.find("oem_of of 'badre' -> 'maker': bad model pattern '(x'"), std::string::npos) << all;
  EXPECT_EQ(all.find("'fine'"), std::string::npos) << all;
}

TEST(KbVocab, WhiteLabelMakersAndSupportingOnlyPorts) {
  const auto& v = shipped()->vocab();
  EXPECT_TRUE(v.find("xiongmai")->white_label);
  EXPECT_TRUE(v.find("raysharp")->white_label);
  EXPECT_FALSE(v.find("hikvision")->white_label);
  for (const char* port : {"8000", "37777", "9000"}) {
    auto m = shipped()->match(obs("tcp.open", port));
    ASSERT_EQ(m.size(), 1u) << port;
    EXPECT_TRUE(m[0].supporting_only) << port;
  }
  auto m = shipped()->match(obs("http.header.server", "App-webs/"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_FALSE(m[0].supporting_only);
}

TEST(KbLoad, LoadRefusesABrokenKnowledgeBase) {
  Diagnostics d;
  auto r = KnowledgeBase::load_sources({{"kb.yaml", "kb.yaml", "kb_version: [oops"}}, d);
  EXPECT_FALSE(r);
  EXPECT_GE(d.error_count(), 3u);  // YAML error, no fields, no vendors
}

// ----------------------------------------------------------------------------------------- match
TEST(KbMatch, HikvisionServerHeader) {
  auto m = shipped()->match(obs("http.header.server", "App-webs/"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].rule_id, "hikvision-app-webs");
  EXPECT_EQ(m[0].set.at("hw.vendor"), "hikvision");
  EXPECT_EQ(m[0].observation.value, "App-webs/");
  EXPECT_GT(m[0].weight, 0.5);
}

TEST(KbMatch, CapturesAreSubstituted) {
  auto m = shipped()->match(obs("http.header.www_authenticate", "Digest realm=\"Login to 4L0123PAZ00001\", nonce=\"abc\""));
  const Match* best = strongest_vendor_match(m);
  ASSERT_NE(best, nullptr);
  EXPECT_EQ(best->set.at("hw.vendor"), "dahua");
  EXPECT_EQ(best->set.at("hw.serial"), "4L0123PAZ00001");

  auto f = shipped()->match(obs("ftp.banner", "220 AXIS P1346 Network Camera 5.50beta3 (2014) ready."));
  ASSERT_FALSE(f.empty());
  EXPECT_EQ(f.back().set.at("hw.model"), "P1346");
  EXPECT_EQ(f.back().set.at("hw.firmware"), "5.50beta3");
  EXPECT_EQ(f.back().set.at("hw.device"), "camera");
}

TEST(KbMatch, MultilineBanner) {
  auto m = shipped()->match(obs("telnet.banner", "\r\n\r\nWelcome\r\n192.0.0.64 login: "));
  ASSERT_NE(strongest_vendor_match(m), nullptr);
  EXPECT_EQ(strongest_vendor_match(m)->set.at("hw.vendor"), "hikvision");
}

TEST(KbMatch, SadpGivesManufacturerModelAndCategory) {
  auto m = shipped()->match(obs("sadp.device_description", "DS-7608NI-K2"));
  ASSERT_GE(m.size(), 2u);  // the NVR rule and the catch-all
  EXPECT_EQ(m[0].set.at("hw.device"), "nvr");
  EXPECT_EQ(m[0].set.at("hw.model"), "DS-7608NI-K2");
  auto fw = shipped()->match(obs("sadp.software_version", "V5.5.0 build 170725"));
  ASSERT_FALSE(fw.empty());
  EXPECT_EQ(fw[0].set.at("hw.firmware"), "V5.5.0 build 170725");
}

TEST(KbMatch, AliasLookupRulesGiveBrandLevelIds) {
  auto m = shipped()->match(obs("onvif.device.manufacturer", "Amcrest"));
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(m[0].set.at("hw.brand"), "amcrest");
  // A manufacturer-level lookup (OUI) that lands on a brand comes out as hw.brand.
  auto o = shipped()->match(obs("mac.oui", "Hangzhou Ezviz Software Co.,Ltd."));
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].set.count("hw.vendor"), 0u);
  EXPECT_EQ(o[0].set.at("hw.brand"), "ezviz");
  // The Dahua trap: exact names only ("Dahua" must not match names that merely contain it).
  auto trap = shipped()->match(obs("mac.oui", "Shanghai Dahua Scale Factory"));
  EXPECT_EQ(strongest_vendor_match(trap), nullptr);
  auto general = shipped()->match(obs("dhip.vendor", "General"));
  EXPECT_EQ(strongest_vendor_match(general), nullptr);
}

TEST(KbMatch, NonCameraSoftwareIsOtherWithoutVendor) {
  for (auto [key, value] : std::vector<std::pair<std::string, std::string>>{
           {"http.header.server", "nginx/1.22.1"}, {"http.header.server", "Apache/2.4.57 (Debian)"},
           {"rtsp.header.server", "GStreamer RTSP server"}, {"rtsp.header.server", "VLC/3.0.24"},
           {"rtsp.header.server", "LIVE555 Streaming Media v2022.10.01"}, {"upnp.manufacturer", "Justin Maggard"}}) {
    auto m = shipped()->match(obs(key, value));
    ASSERT_FALSE(m.empty()) << value;
    EXPECT_EQ(strongest_vendor_match(m), nullptr) << value;
    EXPECT_EQ(m[0].set.at("hw.device"), "other") << value;
  }
}

TEST(KbMatch, UnknownKeyAndNoMatch) {
  EXPECT_TRUE(shipped()->match(obs("no.such.key", "App-webs/")).empty());
  EXPECT_TRUE(shipped()->match(obs("http.header.server", "SomethingElse/1.0")).empty());
}

TEST(KbMatch, HostileValuesAreSafeAndFast) {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk += static_cast<char>((i * 131 + 7) % 256);
  std::string as(4096, 'a');
  std::string realm = "Basic realm=\"" + std::string(4000, ' ') + "camera";
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    for (const auto& f : shipped()->vocab().fields()) {
      (void)shipped()->match(obs(f.key, junk));
      (void)shipped()->match(obs(f.key, as));
      (void)shipped()->match(obs(f.key, realm));
    }
  }
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_LT(ms, 20000);
  // A value that looks like a pattern is only ever data.
  EXPECT_TRUE(shipped()->match(obs("http.header.server", ".*")).empty());
}

// ------------------------------------------------------------------------------------ vocabulary
TEST(KbVocab, AliasLookupIsCaseInsensitiveAndExact) {
  const auto& v = shipped()->vocab();
  ASSERT_NE(v.find("hikvision"), nullptr);
  EXPECT_EQ(v.find("hikvision")->name, "Hikvision");
  EXPECT_EQ(v.find_alias("HIKVISION")->id, "hikvision");
  EXPECT_EQ(v.find_alias("hangzhou hikvision digital technology co.,ltd.")->id, "hikvision");
  EXPECT_EQ(v.find_alias("  Axis Communications AB ")->id, "axis");
  EXPECT_EQ(v.find_alias("TP-LINK")->id, "tplink");
  EXPECT_EQ(v.find_alias("Xiongmai Technology")->id, "xiongmai");
  EXPECT_EQ(v.find_alias("Zhejiang Dahua Technology Co., Ltd.")->id, "dahua");
  EXPECT_EQ(v.find_alias("Shanghai Dahua Scale Factory"), nullptr);
  EXPECT_EQ(v.find_alias("Samsung Electronics"), nullptr);
  EXPECT_EQ(v.find_alias(""), nullptr);
  EXPECT_EQ(v.find("HIKVISION"), nullptr);  // ids are exact
}

TEST(KbVocab, EveryVendorOfVendorsMdIsPresent) {
  const auto& v = shipped()->vocab();
  for (const char* id : {"hikvision", "ezviz", "hilook", "hiwatch", "annke", "prama", "dahua", "amcrest", "lorex", "imou",
                         "empiretech", "loryta", "hytera", "huawei", "zte", "uniview", "uniarch", "tiandy", "kedacom",
                         "xiongmai", "raysharp", "axis", "hanwha", "bosch", "panasonic", "sony", "canon", "vivotek",
                         "geovision", "mobotix", "milesight", "reolink", "verkada", "avigilon", "arecont", "idis",
                         "digital_watchdog", "honeywell", "dlink", "tplink", "ubiquiti", "foscam", "hipcam", "avtech",
                         "iqinvision", "pelco", "grandstream", "2n", "truen", "siqura"})
    EXPECT_NE(v.find(id), nullptr) << id;
  EXPECT_EQ(v.find("hisilicon")->kind, "component");
}

const OemLink* edge(const std::vector<OemLink>& chain, const std::string& to) {
  for (const auto& l : chain)
    if (l.to == to) return &l;
  return nullptr;
}

TEST(KbVocab, OemChains) {
  const auto& v = shipped()->vocab();
  struct Case { const char* brand; const char* maker; Strength s; };
  for (auto c : {Case{"annke", "hikvision", Strength::kMedium}, Case{"amcrest", "dahua", Strength::kStrong},
                 Case{"ezviz", "hikvision", Strength::kStrong}, Case{"imou", "dahua", Strength::kStrong},
                 Case{"prama", "hikvision", Strength::kStrong}, Case{"prama_india", "hikvision", Strength::kWeak},
                 Case{"icrealtime", "dahua", Strength::kMedium}, Case{"lts", "hikvision", Strength::kMedium},
                 Case{"uniarch", "uniview", Strength::kMedium}, Case{"steinsvik", "truen", Strength::kMedium}}) {
    auto chain = v.oem_chain(c.brand);
    const OemLink* l = edge(chain, c.maker);
    ASSERT_NE(l, nullptr) << c.brand;
    EXPECT_EQ(l->strength, c.s) << c.brand;
    EXPECT_EQ(l->depth, 1);
    ASSERT_NE(l->edge, nullptr);
    EXPECT_FALSE(l->edge->sources.empty());
  }
  // Lorex: Dahua owned it 2018-02-06 .. 2022-11-23 and the relation is model-qualified. A Dahua-built line
  // is S; with the model unknown it is only possible lineage (W); a line without Dahua evidence has no Dahua edge.
  auto lorex = v.oem_chain("lorex");
  ASSERT_GE(lorex.size(), 2u);
  EXPECT_EQ(edge(lorex, "dahua")->strength, Strength::kWeak);
  EXPECT_EQ(edge(lorex, "hikvision")->strength, Strength::kWeak);
  for (const char* dahua_built : {"E891AB", "LNB8005-C", "lne8964ab", "NR908"}) {
    auto chain = v.oem_chain("lorex", dahua_built);
    ASSERT_NE(edge(chain, "dahua"), nullptr) << dahua_built;
    EXPECT_EQ(edge(chain, "dahua")->strength, Strength::kStrong) << dahua_built;
    EXPECT_EQ(edge(chain, "dahua")->edge->since, "2018-02-06");
    EXPECT_EQ(edge(chain, "dahua")->edge->until, "2022-11-23");
  }
  for (const char* other_line : {"W881AA", "2K-B451AJD", "C581DA"})
    EXPECT_EQ(edge(v.oem_chain("lorex", other_line), "dahua"), nullptr) << other_line;
  EXPECT_EQ(edge(v.oem_chain("lorex", "  "), "dahua")->strength, Strength::kWeak);  // blank = unknown
  EXPECT_TRUE(v.oem_chain("hikvision").empty());
  EXPECT_TRUE(v.oem_chain("nope").empty());
  EXPECT_STREQ(strength_name(Strength::kMedium), "M");
}

TEST(KbVocab, RegistryNamesAndSeparateCompanies) {
  const auto& v = shipped()->vocab();
  // The IEEE MA-L name of 14:2F:FD resolves to LTS (exact lookup after case folding).
  ASSERT_NE(v.find_alias("LT SECURITY INC"), nullptr);
  EXPECT_EQ(v.find_alias("LT SECURITY INC")->id, "lts");
  // ACTi (Taiwan) and ACT Security are two companies.
  ASSERT_NE(v.find_alias("ACTi"), nullptr);
  EXPECT_EQ(v.find_alias("ACTi")->id, "acti");
  EXPECT_EQ(v.find_alias("ACTi")->hq, "TW");
  EXPECT_EQ(v.find_alias("ACT Security")->id, "act");
  // The joint venture's registry name keeps its S relation; the later company name is only possible lineage.
  EXPECT_EQ(v.find_alias("Prama Hikvision India Private Limited")->id, "prama");
  EXPECT_EQ(v.find_alias("Prama India Private Limited")->id, "prama_india");
  EXPECT_EQ(v.find_alias("Prama India Pvt. Ltd.")->id, "prama_india");
}

TEST(KbVocab, EveryRuleVendorIsKnownAndNoRuleNamesAComponent) {
  // Indirect: the shipped KB verified clean, and hw.vendor never names a brand.
  for (const auto& f : shipped()->vocab().fields()) EXPECT_FALSE(f.probe.empty()) << f.key;
}

}  // namespace
}  // namespace anshin::kb
