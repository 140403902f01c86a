// `anshin kb update FILE`: installs a signed bundle as the user's knowledge base, atomically.
//
// Layout under the user's data directory (…/anshin/):
//   kb          symlink -> kb.d/<version>-<random>   (the folder the loader reads)
//   kb.d/       installed versions; kb.d/.staging-* are unfinished installs (removed by the next update)
//   kb.pinned   the version installed with --allow-downgrade below the version then in use: while it
//               names the version in `kb`, that version is used even if another place holds a newer one
// Steps: write every file into kb.d/.staging-*, fsync files and folders, run the caller's verifier on
// it (kb verify), rename it to its final name, point a fresh symlink at it and rename that over `kb`
// (rename(2) is atomic), fsync the parent. A crash before the last rename leaves the old KB in use and
// untouched; after it the new KB is complete. The previous version's folder is removed last.
#pragma once
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kbops/bundle.h"

namespace anshin::kbops {

struct UpdateOptions {
  std::string current_version;      // the version in use now (any place); "" = none
  bool allow_downgrade = false;
  // Runs `kb verify` on the staged folder; an error refuses the bundle.
  std::function<Result<void>(const std::filesystem::path& staged)> verify;
  // Test hook: called at "staged", "verified", "renamed" and "linked" (e.g. to SIGKILL the process).
  std::function<void(std::string_view point)> crash_point;
};

struct UpdateOutcome {
  std::string kb_version;
  std::string previous_version;
  std::filesystem::path dir;        // the folder now behind `user_dir`
};

// Installs `bundle` so that `user_dir` (e.g. ~/.local/share/anshin/kb) serves it.
Result<UpdateOutcome> install_bundle(const Bundle& bundle, const std::filesystem::path& user_dir,
                                     const UpdateOptions& options);

}  // namespace anshin::kbops
