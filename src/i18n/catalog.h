// Message catalogs: every user-facing text (report labels, the terminal summary, command-line help,
// messages and errors) per language, from data/i18n/<lang>.yaml (compiled into the binary). Keys are the YAML maps flattened with dots
// ("column.address"); values may hold named placeholders "{name}" ("{{" / "}}" are literal braces).
//
//   i18n::tr("ja", "summary.sentence_risk", {{"count", "3"}, {"total", "12"}, {"percent", "25%"}})
//
// Values are plain text: the caller escapes the result for its output (HTML, CSV, terminal).
#pragma once
#include <initializer_list>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::i18n {

inline constexpr std::string_view kDefaultLang = "en";

class Catalog {
 public:
  Catalog(std::string lang, std::map<std::string, std::string, std::less<>> entries, const Catalog* fallback);

  const std::string& lang() const { return lang_; }
  // The catalog's own text for key, or nullptr (no fallback).
  const std::string* find(std::string_view key) const;
  // The text for key: this catalog, else the fallback (English), else the key itself.
  std::string_view get(std::string_view key) const;
  const std::map<std::string, std::string, std::less<>>& entries() const { return entries_; }

 private:
  std::string lang_;
  std::map<std::string, std::string, std::less<>> entries_;
  const Catalog* fallback_;
};

// "ja", "ja_JP.UTF-8", "JA-jp" -> "ja"; anything not shipped (or empty) -> "en".
std::string normalize_lang(std::string_view lang);
// The languages shipped in data/i18n, e.g. {"en", "ja"}.
std::vector<std::string> languages();

// The catalog for lang (normalized; unknown languages get English). Loaded once, thread-safe.
const Catalog& catalog(std::string_view lang);

struct Arg {
  std::string_view name;
  std::string value;
};

// Substitutes {name} placeholders; an unknown placeholder is left as written.
std::string format(std::string_view pattern, std::initializer_list<Arg> args);
std::string format(std::string_view pattern, std::span<const Arg> args);
std::string format(std::string_view pattern, std::span<const MessageArg> args);
// The placeholder names of a pattern in order of appearance, e.g. {"named", "total", "percent"}.
std::vector<std::string> placeholders(std::string_view pattern);

// catalog(lang).get(key) with placeholders substituted.
std::string tr(std::string_view lang, std::string_view key, std::initializer_list<Arg> args = {});
std::string tr(std::string_view lang, std::string_view key, std::span<const Arg> args);
std::string tr(std::string_view lang, std::string_view key, std::span<const MessageArg> args);

// An error whose text is the catalog entry `key`: message = the English text, key and args kept so the
// command line can show it in the user's language.
//   return i18n::error(Errc::kInvalidInput, "error.ports.not_number", {{"port", quoted}});
Error error(Errc code, std::string key, const std::vector<Arg>& args = {});
// The error's text in lang: prefix + the catalog text; the English message when it has no key.
std::string message(std::string_view lang, const Error& error);

// Parses one catalog file (flattens nested maps). Throws std::runtime_error on a malformed file.
std::map<std::string, std::string, std::less<>> parse_catalog(std::string_view yaml_text);

}  // namespace anshin::i18n
