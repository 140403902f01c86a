#include "kbops/load.h"

#include "core/embedded.h"
#include "i18n/catalog.h"

namespace anshin::kbops {

std::string builtin_kb_yaml() {
  for (const auto& f : embedded::data())
    if (std::string_view(f.path) == "data/kb.yaml") return std::string(f.contents);
  return {};
}

KbCandidate kb_in_use_cheaply(const KbPlaces& places) {
  auto choice = rank_places(places, builtin_kb_yaml());
  return choice.ranked.empty() ? KbCandidate{"built-in", {}, ""} : choice.ranked.front();
}

Result<LoadedKb> load_kb_in_use(const std::string& explicit_dir, const KbPlaces& places,
                                const std::filesystem::path& ieee_dir, kb::Diagnostics& diags, const AcceptKb& accept) {
  LoadedKb out;
  std::vector<KbCandidate> ranked;
  if (!explicit_dir.empty()) {
    ranked.push_back({"--kb", explicit_dir, ""});
  } else {
    auto choice = rank_places(places, builtin_kb_yaml());
    ranked = std::move(choice.ranked);
    for (auto& s : choice.skipped) out.notes.push_back(std::move(s));
  }
  for (size_t i = 0; i < ranked.size(); ++i) {
    kb::Diagnostics attempt;
    std::vector<kb::SourceFile> files;
    if (ranked[i].dir.empty()) {
      files = kb::KnowledgeBase::embedded_sources();
    } else {
      auto f = kb::KnowledgeBase::dir_sources(ranked[i].dir);
      if (!f) {
        attempt.error(ranked[i].dir.string(), 0, f.error().message);
        if (i + 1 == ranked.size()) diags = attempt;
        out.notes.push_back(ranked[i].dir.string() + ": " + f.error().message);
        continue;
      }
      files = std::move(*f);
    }
    auto loaded = kb::KnowledgeBase::load_sources(files, attempt, ieee_dir);
    if (loaded && accept && !accept(**loaded, files)) {
      out.notes.push_back(describe(ranked[i]) + ": the assessment data does not load");
      if (i + 1 == ranked.size()) diags.error(describe(ranked[i]), 0, "the assessment data does not load");
      continue;
    }
    if (loaded) {
      out.kb = *loaded;
      out.from = ranked[i];
      out.from.kb_version = out.kb->kb_version();
      out.files = std::move(files);
      return out;
    }
    out.notes.push_back(describe(ranked[i]) + ": " + std::to_string(attempt.error_count()) + " error(s)");
    if (i + 1 == ranked.size()) diags = attempt;
  }
  return i18n::error(Errc::kInvalidInput, "kbops.nothing_loads");
}

}  // namespace anshin::kbops
