// Helpers shared by the cmd_*.cc files.
#pragma once
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/result.h"
#include "model/device.h"

namespace anshin::cli {

// "ja" or "en": the explicit choice, else from LANG/LC_ALL/LC_MESSAGES ("ja_JP.UTF-8" -> "ja").
// nullopt when the explicit choice is neither.
std::optional<std::string> resolve_lang(const std::string& explicit_choice);

// Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org).
bool use_color(std::FILE* stream);

// Writes via a temporary file and rename, so an interrupted write never leaves half a report.
Result<void> write_file_atomically(const std::string& path, const std::string& contents);

// 0, or 3 when --fail-on SEVERITY is set and a finding is at or above it.
int exit_status_for(const ScanSnapshot& snapshot, const std::string& fail_on);

// One line per scan option whose feature has not landed yet and that the user asked for.
std::vector<std::string> not_built_yet_notes(const ScanOptions& options);

}  // namespace anshin::cli
