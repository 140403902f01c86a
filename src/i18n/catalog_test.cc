#include "i18n/catalog.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/embedded.h"

namespace anshin::i18n {
namespace {

TEST(I18nCatalog, ShipsEnglishAndJapanese) {
  const auto langs = languages();
  EXPECT_NE(std::find(langs.begin(), langs.end(), "en"), langs.end());
  EXPECT_NE(std::find(langs.begin(), langs.end(), "ja"), langs.end());
  EXPECT_GT(catalog("en").entries().size(), 50u);
}

TEST(I18nCatalog, EveryCatalogHasTheSameKeysAsEnglish) {
  const auto& en = catalog("en").entries();
  for (const auto& lang : languages()) {
    const auto& other = catalog(lang).entries();
    for (const auto& [key, value] : en) EXPECT_TRUE(other.contains(key)) << lang << " is missing key " << key;
    for (const auto& [key, value] : other) EXPECT_TRUE(en.contains(key)) << lang << " has extra key " << key;
  }
}

TEST(I18nCatalog, NoKeyMissingInJapanese) {
  for (const auto& [key, value] : catalog("en").entries()) {
    EXPECT_NE(catalog("ja").find(key), nullptr) << key;
    if (const auto* ja = catalog("ja").find(key)) {
      EXPECT_FALSE(ja->empty()) << key;
    }
  }
}

TEST(I18nCatalog, SamePlaceholdersPerKey) {
  for (const auto& lang : languages()) {
    for (const auto& [key, value] : catalog("en").entries()) {
      const std::string* other = catalog(lang).find(key);
      if (!other) continue;
      auto a = placeholders(value), b = placeholders(*other);
      std::sort(a.begin(), a.end());
      std::sort(b.begin(), b.end());
      EXPECT_EQ(a, b) << lang << ": " << key;
    }
  }
}

TEST(I18nCatalog, JapaneseIsActuallyTranslated) {
  EXPECT_EQ(catalog("ja").get("column.manufacturer"), "製造元");
  EXPECT_EQ(catalog("ja").get("severity.critical"), "緊急");
  EXPECT_EQ(catalog("ja").get("column.findings"), "指摘事項");
  EXPECT_EQ(catalog("en").get("column.manufacturer"), "Manufacturer");
}

TEST(I18nCatalog, LanguageNormalizationAndFallback) {
  EXPECT_EQ(normalize_lang("ja_JP.UTF-8"), "ja");
  EXPECT_EQ(normalize_lang("JA"), "ja");
  EXPECT_EQ(normalize_lang("en_US.UTF-8"), "en");
  EXPECT_EQ(normalize_lang("fr"), "en");
  EXPECT_EQ(normalize_lang(""), "en");
  EXPECT_EQ(&catalog("de"), &catalog("en"));
  EXPECT_EQ(catalog("ja").get("no.such.key"), "no.such.key");
}

TEST(I18nCatalog, FallsBackToEnglishForAMissingKey) {
  Catalog en("en", {{"a", "A"}, {"b", "B"}}, nullptr);
  Catalog xx("xx", {{"a", "ア"}}, &en);
  EXPECT_EQ(xx.get("a"), "ア");
  EXPECT_EQ(xx.get("b"), "B");
  EXPECT_EQ(xx.find("b"), nullptr);
  EXPECT_EQ(xx.get("c"), "c");
}

TEST(I18nFormat, NamedPlaceholders) {
  EXPECT_EQ(format("{a} of {b}", {{"a", "1"}, {"b", "2"}}), "1 of 2");
  EXPECT_EQ(format("{b}{a}{b}", {{"a", "x"}, {"b", "y"}}), "yxy");
  EXPECT_EQ(format("{missing} stays", {}), "{missing} stays");
  EXPECT_EQ(format("{{literal}} {a}", {{"a", "v"}}), "{literal} v");
  EXPECT_EQ(format("unclosed {a", {{"a", "v"}}), "unclosed {a");
  // A value is inserted verbatim and never re-scanned for placeholders.
  EXPECT_EQ(format("{a} {b}", {{"a", "{b}"}, {"b", "B"}}), "{b} B");
}

TEST(I18nFormat, PlaceholderList) {
  EXPECT_EQ(placeholders("{named} of {total} ({percent}) {{x}}"),
            (std::vector<std::string>{"named", "total", "percent"}));
  EXPECT_TRUE(placeholders("plain").empty());
}

TEST(I18nFormat, Tr) {
  EXPECT_EQ(tr("en", "terminal.summary", {{"devices", "3"}, {"addresses", "256"}, {"elapsed", "t"}}),
            "3 devices answered out of 256 addresses scanned (t).");
  EXPECT_EQ(tr("ja", "terminal.summary", {{"devices", "3"}, {"addresses", "256"}, {"elapsed", "t"}}),
            "256 アドレス中 3 台の機器が応答しました（t）。");
}

TEST(I18nCatalog, ParseRejectsMalformed) {
  EXPECT_THROW(parse_catalog("a: [1, 2]"), std::runtime_error);
  EXPECT_THROW(parse_catalog("a: {b: c"), std::runtime_error);
  const auto m = parse_catalog("a:\n  b: x\n  c: \"{n} y\"\n");
  EXPECT_EQ(m.at("a.b"), "x");
  EXPECT_EQ(m.at("a.c"), "{n} y");
}

TEST(I18nCatalog, EmbeddedFilesAreTheSourceFiles) {
  std::set<std::string> paths;
  for (const auto& f : embedded::data_i18n()) paths.insert(f.path);
  EXPECT_TRUE(paths.contains("data/i18n/en.yaml"));
  EXPECT_TRUE(paths.contains("data/i18n/ja.yaml"));
}

// The command line's texts (help, cli, error, lookup, scan) are named by literal keys in the sources:
// every key named in src/ (tests and comments aside) exists in every catalog, and every key of those
// sections is named somewhere (no dead text).
std::set<std::string> keys_named_in_sources() {
  const std::regex literal(R"re("((?:help|cli|error|lookup|scan)\.[a-z0-9_]+(?:\.[a-z0-9_]+)*)")re");
  std::set<std::string> out;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(ANSHIN_SOURCE_DIR) + "/src")) {
    const std::string path = entry.path().string();
    if (!entry.is_regular_file() || path.ends_with("_test.cc")) continue;
    if (!path.ends_with(".cc") && !path.ends_with(".h")) continue;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      const auto first = line.find_first_not_of(" \t");
      if (first != std::string::npos && line.compare(first, 2, "//") == 0) continue;
      for (std::sregex_iterator it(line.begin(), line.end(), literal), end; it != end; ++it) out.insert((*it)[1].str());
    }
  }
  return out;
}

TEST(I18nCatalog, EveryMessageKeyInTheSourcesIsInEveryCatalog) {
  const auto named = keys_named_in_sources();
  EXPECT_GT(named.size(), 150u);  // the scan found the command line's keys
  for (const auto& lang : languages()) {
    for (const auto& key : named) {
      EXPECT_NE(catalog(lang).find(key), nullptr) << lang << " lacks " << key;
    }
  }
}

TEST(I18nCatalog, EveryMessageKeyIsUsed) {
  const auto named = keys_named_in_sources();
  for (const auto& [key, value] : catalog("en").entries()) {
    const bool message = key.starts_with("help.") || key.starts_with("cli.") || key.starts_with("error.") ||
                         key.starts_with("lookup.") || key.starts_with("scan.");
    if (message) {
      EXPECT_TRUE(named.contains(key)) << key << " is in the catalog but no source names it";
    }
  }
}

TEST(I18nError, KeyedErrorsCarryEnglishAndRenderInTheUsersLanguage) {
  const Error e = error(Errc::kInvalidInput, "error.ports.not_number", {{"port", "\"http\""}});
  EXPECT_EQ(e.code, Errc::kInvalidInput);
  EXPECT_EQ(e.message, "invalid port \"http\": not a number");
  EXPECT_EQ(message("en", e), e.message);
  EXPECT_EQ(message("ja", e), "ポート \"http\" が正しくありません：数値ではありません。");
  // A language-neutral prefix goes in front in every language.
  const Error p = with_prefix(e, "--ports: ");
  EXPECT_EQ(p.message, "--ports: invalid port \"http\": not a number");
  EXPECT_EQ(message("ja", p), "--ports: ポート \"http\" が正しくありません：数値ではありません。");
  // An error without a key is its English message in every language.
  const Error plain = make_error(Errc::kIo, "lab: address in use");
  EXPECT_EQ(message("ja", plain), "lab: address in use");
}

}  // namespace
}  // namespace anshin::i18n
