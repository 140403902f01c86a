// Man pages and shell completions generated from the CLI11 definitions themselves (the `anshin _generate`
// command, run at build time): every command and option of `--help` appears in them and nothing else, so
// they cannot drift. Hidden commands (an empty group) are left out.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace anshin::cli {

// anshin.1 and one page per command (anshin-scan.1, anshin-kb-info.1, ...): file name and roff text, with
// section headings and texts in `lang` (the app's help texts must be in the same language).
std::vector<std::pair<std::string, std::string>> man_pages(const CLI::App& app, std::string_view lang,
                                                           std::string_view version);

std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);
std::string fish_completion(const CLI::App& app);

// `anshin _generate man|bash|zsh|fish [-o PATH]`: the man pages into the folder PATH (default "."), a
// completion script into the file PATH (default stdout). Returns the exit status.
int run_generate(const CLI::App& app, const std::string& kind, const std::string& out, const std::string& lang);

}  // namespace anshin::cli
