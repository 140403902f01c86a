#include "serve/job_texts.h"

#include <algorithm>
#include <regex>
#include <vector>

namespace anshin::serve {

namespace {

constexpr std::string_view kPrefix = "serve.job_error.";

struct JobPattern {
  std::string key;
  std::regex match;                 // the English text, each {name} a capture
  std::vector<std::string> names;   // the captures' placeholder names, in order
};

// Longest English texts first: "scan exited with status {status}: {tail}" before "... {status}".
std::vector<JobPattern> build_patterns() {
  std::vector<JobPattern> out;
  for (const auto& [key, text] : i18n::catalog("en").entries()) {
    if (!key.starts_with(kPrefix)) continue;
    std::string expr = "^";
    for (size_t i = 0; i < text.size();) {
      if (text[i] == '{') {
        const size_t close = text.find('}', i);
        if (close == std::string::npos) break;
        expr += "([\\s\\S]*?)";
        i = close + 1;
        continue;
      }
      if (std::string_view("\\^$.|?*+()[]{}").find(text[i]) != std::string_view::npos) expr += '\\';
      expr += text[i++];
    }
    out.push_back({key, std::regex(expr + "$"), i18n::placeholders(text)});
  }
  std::sort(out.begin(), out.end(), [](const JobPattern& a, const JobPattern& b) {
    return i18n::catalog("en").get(a.key).size() > i18n::catalog("en").get(b.key).size();
  });
  return out;
}

}  // namespace

std::string job_text(std::string_view id, std::initializer_list<i18n::Arg> args) {
  return i18n::tr("en", std::string(kPrefix) + std::string(id), args);
}

std::string localize_job_text(const std::string& stored, const std::string& lang) {
  if (i18n::normalize_lang(lang) == "en" || stored.size() > 4096) return stored;
  static const std::vector<JobPattern> patterns = build_patterns();
  for (const auto& p : patterns) {
    std::smatch m;
    if (!std::regex_match(stored, m, p.match) || m.size() != p.names.size() + 1) continue;
    std::vector<i18n::Arg> args;
    for (size_t i = 0; i < p.names.size(); ++i) args.push_back({p.names[i], m[i + 1].str()});
    return i18n::tr(lang, p.key, args);
  }
  return stored;
}

}  // namespace anshin::serve
