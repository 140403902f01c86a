// Where the knowledge base in use comes from (docs/kb-format.md "Where the KB is read from"):
// the installed data directory, then the user's, then the copy built into the binary. The newest valid
// version wins; on a tie the earlier place in that order wins. An explicit --kb DIR beats them all, and
// a downgrade installed with `kb update --allow-downgrade` beats the other places (kbops/update.h).
#pragma once
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::kbops {

inline constexpr int kSupportedFormat = 1;
inline constexpr int kStaleAfterDays = 90;

struct KbPlaces {
  std::filesystem::path system_dir;  // /usr/share/anshin/kb; $ANSHIN_KB_SYSTEM_DIR replaces it
  std::filesystem::path user_dir;    // $XDG_DATA_HOME/anshin/kb, else ~/.local/share/anshin/kb
};
KbPlaces default_places();

struct KbMeta {
  std::string kb_version;
  int format_version = 0;
};
// kb.yaml's version fields; an error when either is missing or malformed.
Result<KbMeta> kb_meta_from_yaml(std::string_view kb_yaml);

// Date-style versions ("2026.11.27", "2026.11.27.1") compared number by number; a part that is not a
// number compares as text. <0, 0, >0.
int compare_versions(std::string_view a, std::string_view b);
// The release date of a date-style version ("2026.11.27" -> 2026-11-27), nullopt otherwise.
std::optional<std::chrono::sys_days> version_date(std::string_view kb_version);
// Whole days from the version's date to `today`; nullopt when the version carries no date.
std::optional<int> age_in_days(std::string_view kb_version, std::chrono::sys_days today);
std::chrono::sys_days today_utc();

struct KbCandidate {
  std::string place;                 // "system" | "user" | "built-in" | "--kb"
  std::filesystem::path dir;         // empty for built-in
  std::string kb_version;
};

struct KbChoice {
  std::vector<KbCandidate> ranked;   // usable candidates, best first (the caller falls back in this order)
  std::vector<std::string> skipped;  // "<dir>: why" for places that hold something unusable
};

// Ranks the places. `builtin_kb_yaml` is the compiled-in kb.yaml. A place without kb.yaml is silently
// absent; one whose kb.yaml is malformed or of another format is skipped with a note.
KbChoice rank_places(const KbPlaces& places, std::string_view builtin_kb_yaml);

// How a candidate is shown: "built-in" or its folder.
std::string describe(const KbCandidate& c);

}  // namespace anshin::kbops
