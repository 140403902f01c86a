// CLI11 in the user's language: --help labels and groups, and parse errors as one catalog line
// (data/i18n: help.label.*, help.group.*, cli.parse.*).
#pragma once
#include <string>
#include <string_view>

namespace CLI {
class App;
class ParseError;
}  // namespace CLI

namespace anshin::cli {

// "Usage", "Options", "Positionals", "REQUIRED", ... in lang. Call before adding subcommands (they
// share the formatter).
void localize_help_labels(CLI::App& app, std::string_view lang);
// The "Options" and "Subcommands" groups of every option and subcommand, in lang. Call after the last
// option is added.
void localize_help_groups(CLI::App& app, std::string_view lang);

// The one-line text for a CLI11 parse error: the offending option and value in a catalog sentence
// (cli.parse.*). CLI11 2.x carries them only inside its English text, which is read by pattern; an
// unrecognised text is shown as cli.parse.other with CLI11's words.
std::string parse_error_message(std::string_view lang, const CLI::App& app, const CLI::ParseError& error, int argc,
                                char** argv);

}  // namespace anshin::cli
