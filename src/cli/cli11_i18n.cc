#include "cli/cli11_i18n.h"

#include <CLI/CLI.hpp>

#include <regex>
#include <utility>
#include <vector>

#include "cli/common.h"
#include "core/text.h"
#include "i18n/catalog.h"

namespace anshin::cli {
namespace {

// CLI11 2.x error texts (CLI/Error.hpp) and the catalog sentence for each. The captures are named in
// order; "option" is an option or positional name, "value" the user's text.
struct Pattern {
  const char* regex;
  const char* key;
  std::vector<const char*> captures;
};

const std::vector<Pattern>& patterns() {
  static const std::vector<Pattern> kPatterns = {
      {R"(^The following arguments? (?:was|were) not expected: (.*)$)", "cli.parse.unexpected", {"value"}},
      {R"(^A subcommand is required$)", "cli.parse.command_required", {}},
      {R"(^(\S+) is required$)", "cli.parse.required", {"option"}},
      {R"(^(\S+): \d+ required \S+ missing$)", "cli.parse.missing_value", {"option"}},
      {R"(^(\S+): At Most (\d+) required but received (\d+)$)", "cli.parse.too_many", {"option", "max", "count"}},
      {R"(^(\S+): At least (\d+) required but received (\d+)$)", "cli.parse.too_few", {"option", "min", "count"}},
      {R"(^Expected at least (\d+) arguments to (\S+), got (\d+)$)", "cli.parse.too_few", {"min", "option", "count"}},
      {R"(^Expected exactly (\d+) arguments to (\S+), got (\d+)$)", "cli.parse.count", {"expected", "option", "count"}},
      {R"(^(\S+) was given a disallowed flag override$)", "cli.parse.flag_value", {"option"}},
      {R"(^(\S+): too many inputs for a flag$)", "cli.parse.flag_value", {"option"}},
      {R"(^(\S+): Should be true/false or a number$)", "cli.parse.bad_flag", {"option"}},
      {R"(^Could not convert: (\S+) = (.*)$)", "cli.parse.bad_value", {"option", "value"}},
      {R"(^The value (.*) is not an allowed value for (\S+)$)", "cli.parse.bad_value", {"value", "option"}},
      {R"(^(\S+): Value (.*) not in range (\S+) to (\S+)$)", "cli.parse.range", {"option", "value", "min", "max"}},
      {R"(^(\S+): (.*) not in \{(.*)\}$)", "cli.parse.choice", {"option", "value", "choices"}},
  };
  return kPatterns;
}

// "10000000.000000" -> "10000000" (CLI::Range prints doubles with std::to_string).
std::string tidy_number(std::string n) {
  if (n.find('.') == std::string::npos) return n;
  while (!n.empty() && n.back() == '0') n.pop_back();
  if (!n.empty() && n.back() == '.') n.pop_back();
  return n;
}

// The subcommands given, outermost first: {} for none, {scan}, {kb, verify}.
std::vector<const CLI::App*> given_commands(const CLI::App& app) {
  std::vector<const CLI::App*> out;
  const CLI::App* cur = &app;
  while (true) {
    auto subs = cur->get_subcommands();
    if (subs.empty()) break;
    cur = subs.front();
    out.push_back(cur);
  }
  return out;
}

// Whether `name` ("--lang", "-p") is an option of `app` or of any of its commands that takes a value
// (so the next argument is that value, not a command).
bool takes_value(const CLI::App& app, const std::string& name) {
  if (const CLI::Option* opt = app.get_option_no_throw(name); opt && opt->get_items_expected_max() > 0) return true;
  for (const CLI::App* sub : app.get_subcommands({}))
    if (takes_value(*sub, name)) return true;
  return false;
}

// libstdc++'s std::regex recurses once per character on "(.*)" (GCC PR 86164): a 30,000-character
// argument overflowed the stack. Words longer than kLongWord are cut to their first kKeptPrefix bytes
// (messages show at most 80 bytes of a value anyway) and a message still longer than
// kMaxMatchedMessage is not matched at all.
constexpr size_t kLongWord = 200, kKeptPrefix = 100, kMaxMatchedMessage = 2048;

std::string shorten_long_words(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view word = text.substr(i, end - i);
    if (word.size() > kLongWord) {
      out += word.substr(0, kKeptPrefix);
      out += "...";
    } else {
      out += word;
    }
    if (end < text.size()) out += ' ';
    i = end + 1;
  }
  return out;
}

std::string command_names(const CLI::App& parent) {
  std::string out;
  for (const CLI::App* sub : parent.get_subcommands({})) {
    if (!out.empty()) out += ", ";
    out += sub->get_name();
  }
  return out;
}

}  // namespace

void localize_help_labels(CLI::App& app, std::string_view lang) {
  static constexpr std::pair<const char*, const char*> kLabels[] = {
      {"Usage", "help.label.usage"},           {"OPTIONS", "help.label.options"},
      {"SUBCOMMAND", "help.label.subcommand"}, {"SUBCOMMANDS", "help.label.subcommand"},
      {"Positionals", "help.label.positionals"}, {"REQUIRED", "help.label.required"},
  };
  auto formatter = app.get_formatter();
  for (const auto& [label, key] : kLabels) formatter->label(label, i18n::tr(lang, key));
}

void localize_help_groups(CLI::App& app, std::string_view lang) {
  const std::string options = i18n::tr(lang, "help.group.options");
  const std::string subcommands = i18n::tr(lang, "help.group.subcommands");
  for (CLI::Option* opt : app.get_options())
    if (opt->nonpositional()) opt->group(options);
  for (CLI::App* sub : app.get_subcommands({})) {
    sub->group(subcommands);
    localize_help_groups(*sub, lang);
  }
}

std::string parse_error_message(std::string_view lang, const CLI::App& app, const CLI::ParseError& error, int argc,
                                char** argv) {
  const std::string what = shorten_long_words(error.what());
  const auto commands = given_commands(app);
  std::string command = "anshin";
  for (const CLI::App* c : commands) command += " " + c->get_name();
  const CLI::App& innermost = commands.empty() ? app : *commands.back();

  if (what.size() > kMaxMatchedMessage)
    return i18n::tr(lang, "cli.parse.other",
                    {{"detail", text::escape_for_terminal(what.substr(0, 200)) + "..."}});
  for (const Pattern& p : patterns()) {
    std::smatch m;
    if (!std::regex_match(what, m, std::regex(p.regex))) continue;
    std::vector<i18n::Arg> args = {{"help", command + " --help"}};
    for (size_t i = 0; i < p.captures.size(); ++i) {
      const std::string_view name = p.captures[i];
      std::string value = m[i + 1].str();
      if (name == "value") {
        value = quote_value(value);
      } else if (name == "min" || name == "max") {
        value = tidy_number(value);
      } else if (name == "choices") {
        value = text::escape_for_terminal(std::regex_replace(value, std::regex(","), ", "));
      } else if (name == "option" && !value.starts_with("-")) {
        // A positional: its name for people ("TEXT", "OLD NEW").
        static constexpr std::pair<const char*, const char*> kPositionals[] = {
            {"targets", "help.positional.targets"}, {"queries", "help.positional.queries"},
            {"scans", "help.positional.scans"}};
        for (const auto& [positional, key] : kPositionals)
          if (value == positional) value = i18n::tr(lang, key);
      } else {
        value = text::escape_for_terminal(value);
      }
      args.push_back({name, value});
    }
    std::string key = p.key;
    if (key == "cli.parse.unexpected") {
      // "--foo": an option this command does not have; anything else is one argument too many.
      const std::string first = m[1].str().substr(0, m[1].str().find(' '));
      if (first.starts_with("-")) {
        key = "cli.parse.unknown_option";
        args.push_back({"option", quote_value(first)});
      }
    } else if (key == "cli.parse.command_required") {
      // No subcommand where one is needed: none given, or an unknown word in its place.
      args.push_back({"commands", command_names(innermost)});
      args.push_back({"command", command});
      if (!commands.empty()) key = "cli.parse.subcommand_required";
      for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg.starts_with("-")) {
          if (arg.find('=') == std::string_view::npos && takes_value(app, std::string(arg))) ++i;  // its value
          continue;
        }
        bool known = false;
        for (const CLI::App* c : commands) known = known || c->get_name() == arg;
        if (known) continue;
        key = "cli.parse.unknown_command";
        args.push_back({"value", quote_value(arg)});
        break;
      }
    }
    return i18n::format(i18n::catalog(lang).get(key), args);
  }
  return i18n::tr(lang, "cli.parse.other", {{"detail", text::escape_for_terminal(what)}});
}

}  // namespace anshin::cli
