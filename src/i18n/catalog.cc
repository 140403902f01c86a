#include "i18n/catalog.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <stdexcept>

#include "core/embedded.h"

namespace anshin::i18n {
namespace {

void flatten(const YAML::Node& node, const std::string& prefix, std::map<std::string, std::string, std::less<>>& out) {
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string key = kv.first.as<std::string>();
      flatten(kv.second, prefix.empty() ? key : prefix + "." + key, out);
    }
  } else if (node.IsScalar()) {
    if (prefix.empty()) throw std::runtime_error("catalog: top level must be a map");
    out[prefix] = node.as<std::string>();
  } else if (!node.IsNull()) {
    throw std::runtime_error("catalog: key '" + prefix + "' must be text or a map");
  }
}

struct Catalogs {
  std::vector<std::unique_ptr<Catalog>> all;  // all[0] is English
};

std::string lang_of_path(std::string_view path) {
  const auto slash = path.rfind('/');
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.find('.');
  return std::string(name.substr(0, dot));
}

const Catalogs& catalogs() {
  static const Catalogs instance = [] {
    Catalogs c;
    std::map<std::string, std::map<std::string, std::string, std::less<>>> parsed;
    for (const auto& file : embedded::data_i18n()) {
      const std::string_view path = file.path;
      if (!path.ends_with(".yaml")) continue;
      parsed[lang_of_path(path)] = parse_catalog(file.contents);
    }
    c.all.push_back(std::make_unique<Catalog>("en", std::move(parsed["en"]), nullptr));
    const Catalog* en = c.all.front().get();
    for (auto& [lang, entries] : parsed)
      if (lang != "en") c.all.push_back(std::make_unique<Catalog>(lang, std::move(entries), en));
    return c;
  }();
  return instance;
}

}  // namespace

Catalog::Catalog(std::string lang, std::map<std::string, std::string, std::less<>> entries, const Catalog* fallback)
    : lang_(std::move(lang)), entries_(std::move(entries)), fallback_(fallback) {}

const std::string* Catalog::find(std::string_view key) const {
  const auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : &it->second;
}

std::string_view Catalog::get(std::string_view key) const {
  if (const std::string* s = find(key)) return *s;
  if (fallback_) return fallback_->get(key);
  return key;
}

std::string normalize_lang(std::string_view lang) {
  std::string code;
  for (const char ch : lang) {
    if (!std::isalpha(static_cast<unsigned char>(ch))) break;
    code += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  for (const auto& c : catalogs().all)
    if (c->lang() == code) return code;
  return std::string(kDefaultLang);
}

std::vector<std::string> languages() {
  std::vector<std::string> out;
  for (const auto& c : catalogs().all) out.push_back(c->lang());
  return out;
}

const Catalog& catalog(std::string_view lang) {
  const std::string code = normalize_lang(lang);
  for (const auto& c : catalogs().all)
    if (c->lang() == code) return *c;
  return *catalogs().all.front();
}

namespace {

template <class Args>
std::string format_with(std::string_view pattern, const Args& args) {
  std::string out;
  out.reserve(pattern.size() + 16);
  for (size_t i = 0; i < pattern.size();) {
    const char ch = pattern[i];
    if ((ch == '{' || ch == '}') && i + 1 < pattern.size() && pattern[i + 1] == ch) {
      out += ch;
      i += 2;
      continue;
    }
    if (ch == '{') {
      const size_t close = pattern.find('}', i + 1);
      if (close != std::string_view::npos) {
        const std::string_view name = pattern.substr(i + 1, close - i - 1);
        const auto it = std::find_if(args.begin(), args.end(), [&](const auto& a) { return a.name == name; });
        if (it != args.end()) {
          out += it->value;
          i = close + 1;
          continue;
        }
      }
    }
    out += ch;
    ++i;
  }
  return out;
}

}  // namespace

std::string format(std::string_view pattern, std::initializer_list<Arg> args) { return format_with(pattern, args); }
std::string format(std::string_view pattern, std::span<const Arg> args) { return format_with(pattern, args); }
std::string format(std::string_view pattern, std::span<const MessageArg> args) { return format_with(pattern, args); }

std::vector<std::string> placeholders(std::string_view pattern) {
  std::vector<std::string> out;
  for (size_t i = 0; i < pattern.size();) {
    if ((pattern[i] == '{' || pattern[i] == '}') && i + 1 < pattern.size() && pattern[i + 1] == pattern[i]) {
      i += 2;
      continue;
    }
    if (pattern[i] == '{') {
      const size_t close = pattern.find('}', i + 1);
      if (close == std::string_view::npos) break;
      out.emplace_back(pattern.substr(i + 1, close - i - 1));
      i = close + 1;
      continue;
    }
    ++i;
  }
  return out;
}

std::string tr(std::string_view lang, std::string_view key, std::initializer_list<Arg> args) {
  return format(catalog(lang).get(key), args);
}

std::string tr(std::string_view lang, std::string_view key, std::span<const Arg> args) {
  return format(catalog(lang).get(key), args);
}

std::string tr(std::string_view lang, std::string_view key, std::span<const MessageArg> args) {
  return format(catalog(lang).get(key), args);
}

Error error(Errc code, std::string key, const std::vector<Arg>& args) {
  Error e{code, tr("en", key, args), std::move(key)};
  for (const Arg& a : args) e.args.push_back({std::string(a.name), a.value});
  return e;
}

std::string message(std::string_view lang, const Error& error) {
  if (error.key.empty() || normalize_lang(lang) == kDefaultLang) return error.message;
  return error.prefix + tr(lang, error.key, error.args);
}

std::map<std::string, std::string, std::less<>> parse_catalog(std::string_view yaml_text) {
  std::map<std::string, std::string, std::less<>> out;
  try {
    flatten(YAML::Load(std::string(yaml_text)), "", out);
  } catch (const YAML::Exception& e) {
    throw std::runtime_error(std::string("catalog: ") + e.what());
  }
  return out;
}

}  // namespace anshin::i18n
