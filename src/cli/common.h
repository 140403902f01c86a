// Helpers shared by the cmd_*.cc files.
#pragma once
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/result.h"
#include "model/device.h"
#include "store/diff.h"

namespace anshin::kb {
class KnowledgeBase;
class Diagnostics;
struct SourceFile;
}  // namespace anshin::kb
namespace anshin::assess {
class Assessor;
}  // namespace anshin::assess

namespace anshin::cli {

// "ja" or "en": the explicit choice, else from LANG/LC_ALL/LC_MESSAGES ("ja_JP.UTF-8" -> "ja").
// nullopt when the explicit choice is neither.
std::optional<std::string> resolve_lang(const std::string& explicit_choice);

// The language of messages and --help, decided once before the command line is parsed: the value of
// --lang in argv when it is "ja" or "en", else resolve_lang("") (LC_ALL, LC_MESSAGES, LANG).
std::string lang_for_messages(int argc, char** argv);
void set_ui_lang(std::string lang);
const std::string& ui_lang();

// The catalog entry key in the message language.
std::string msg(std::string_view key, std::initializer_list<i18n::Arg> args = {});
// Prints "anshin: " + msg(key, args) on stderr (a status line, not an error).
void note(std::string_view key, std::initializer_list<i18n::Arg> args = {});

// User text for a message: in double quotes, control characters escaped, at most ~80 bytes.
std::string quote_value(std::string_view text);

// Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org).
bool use_color(std::FILE* stream);

// Writes via a temporary file and rename, so an interrupted write never leaves half a report.
Result<void> write_file_atomically(const std::string& path, const std::string& contents);
// The same, with the contents streamed by `write` (called once with the open file): large reports
// are never held in memory whole.
Result<void> write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// The rest of "a valid knowledge base" for kbops::load_kb_in_use: its assessment data loads. The last
// assessor that loaded is kept in `out`; the diagnostics of one that did not go to `problems`.
std::function<bool(const kb::KnowledgeBase&, const std::vector<kb::SourceFile>&)> keep_assessor(
    std::shared_ptr<const assess::Assessor>& out, kb::Diagnostics& problems);
// Prints every error of `diags` (at most `limit`) on stderr, escaped, "file:line: message".
void print_errors(const kb::Diagnostics& diags, size_t limit = 20);

// How `diff` and `serve` order two firmware texts of a device (downgrade flags): the version schemes of the
// built-in knowledge base; an empty function when it does not load.
store::FirmwareOrder firmware_order_of_kb();

// 0, or 3 when --fail-on SEVERITY is set and a finding is at or above it.
int exit_status_for(const ScanSnapshot& snapshot, const std::string& fail_on);

// One line per scan option whose feature has not landed yet and that the user asked for.
std::vector<std::string> not_built_yet_notes(const ScanOptions& options);

}  // namespace anshin::cli
