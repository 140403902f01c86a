// Loads the knowledge base in use (kbops/place.h): --kb DIR when given, else the best-ranked place,
// falling back to the next one when a place does not load (each fallback is noted).
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "kb/kb.h"
#include "kbops/place.h"

namespace anshin::kbops {

struct LoadedKb {
  std::shared_ptr<const kb::KnowledgeBase> kb;
  KbCandidate from;
  std::vector<kb::SourceFile> files;   // the loaded files (the assessment data reads them too)
  std::vector<std::string> notes;      // places skipped or fallen back from, one line each
};

// `diags` receives the diagnostics of the last attempt that failed (all of them when nothing loads).
// `accept`, when given, is the rest of "valid" (the assessment data loads): a place it refuses is passed
// over like one whose rules do not load.
using AcceptKb = std::function<bool(const kb::KnowledgeBase&, const std::vector<kb::SourceFile>&)>;
Result<LoadedKb> load_kb_in_use(const std::string& explicit_dir, const KbPlaces& places,
                                const std::filesystem::path& ieee_dir, kb::Diagnostics& diags,
                                const AcceptKb& accept = {});

// The kb.yaml compiled into the binary ("" when absent).
std::string builtin_kb_yaml();

// The version in use without loading rules: the best-ranked place's version (for staleness notes).
KbCandidate kb_in_use_cheaply(const KbPlaces& places);

}  // namespace anshin::kbops
