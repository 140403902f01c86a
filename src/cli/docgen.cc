#include "cli/docgen.h"

#include <CLI/CLI.hpp>
#include <algorithm>

#include "i18n/catalog.h"

namespace anshin::cli {
namespace {

// One command of the tree: its words after "anshin" and its app.
struct Command {
  std::vector<std::string> words;
  const CLI::App* app;
};

bool hidden(const CLI::App& app) { return app.get_group().empty(); }

std::vector<const CLI::App*> visible_subcommands(const CLI::App& app) {
  return app.get_subcommands([](const CLI::App* sub) { return !hidden(*sub); });
}

void collect(const CLI::App& app, std::vector<std::string> words, std::vector<Command>& out) {
  out.push_back({words, &app});
  for (const CLI::App* sub : visible_subcommands(app)) {
    auto next = words;
    next.push_back(sub->get_name());
    collect(*sub, next, out);
  }
}

std::vector<Command> commands_of(const CLI::App& app) {
  std::vector<Command> out;
  collect(app, {}, out);
  return out;
}

std::string joined(const std::vector<std::string>& words, std::string_view sep, std::string_view prefix = "") {
  std::string out(prefix);
  for (const auto& w : words) {
    if (!out.empty()) out += sep;
    out += w;
  }
  return out;
}

// The option's flags as typed: "-p", "--ports" (none for a positional).
std::vector<std::string> flags_of(const CLI::Option& opt) {
  std::vector<std::string> out;
  for (const auto& s : opt.get_snames()) out.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) out.push_back("--" + l);
  return out;
}

bool takes_value(const CLI::Option& opt) { return opt.get_expected_min() > 0 || opt.get_expected_max() > 0; }
bool repeatable(const CLI::Option& opt) { return opt.get_items_expected_max() > 1; }

// The allowed values of an option checked with IsMember ("TEXT:{json,csv}"), else none.
std::vector<std::string> choices_of(const CLI::Option& opt) {
  const std::string type = opt.get_type_name();
  const size_t open = type.find(":{");
  if (open == std::string::npos || type.back() != '}') return {};
  std::vector<std::string> out;
  std::string item;
  for (char c : type.substr(open + 2, type.size() - open - 3)) {
    if (c == ',') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  out.push_back(item);
  return out;
}

// The value's name as --help shows it, without the choices ("TEXT", "INT").
std::string value_name(const CLI::Option& opt) {
  const std::string type = opt.get_type_name();
  return type.substr(0, type.find(':'));
}

// --- man pages ---------------------------------------------------------------------------------------------

// Text for roff: backslashes and hyphens escaped, no line starting with a control character.
std::string roff(std::string_view text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (line_start && (c == '.' || c == '\'')) out += "\\&";
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

std::string page_name(const std::vector<std::string>& words) { return joined(words, "-", "anshin"); }

std::string synopsis(const Command& c, std::string_view lang) {
  std::string out = ".B " + roff(joined(c.words, " ", "anshin")) + "\n";
  if (!visible_subcommands(*c.app).empty()) {
    out += "[\\fI" + roff(i18n::tr(lang, "man.options_word")) + "\\fR] \\fI" + roff(i18n::tr(lang, "man.command_word")) +
           "\\fR ...\n";
    return out;
  }
  out += "[\\fI" + roff(i18n::tr(lang, "man.options_word")) + "\\fR]";
  for (const CLI::Option* opt : c.app->get_options()) {
    if (opt->nonpositional()) continue;
    std::string name = "\\fI" + roff(opt->get_name()) + "\\fR" + (repeatable(*opt) ? "..." : "");
    out += opt->get_required() ? " " + name : " [" + name + "]";
  }
  return out + "\n";
}

std::string options_section(const Command& c, std::string_view lang) {
  std::string out = ".SH " + i18n::tr(lang, "man.options") + "\n";
  for (const CLI::Option* opt : c.app->get_options()) {
    out += ".TP\n";
    if (opt->nonpositional()) {
      std::vector<std::string> bold;
      for (const auto& f : flags_of(*opt)) bold.push_back("\\fB" + roff(f) + "\\fR");
      out += joined(bold, ", ");
      if (takes_value(*opt)) out += " \\fI" + roff(value_name(*opt)) + "\\fR" + (repeatable(*opt) ? " ..." : "");
    } else {
      out += "\\fI" + roff(opt->get_name()) + "\\fR";
    }
    out += "\n" + roff(opt->get_description());
    if (auto choices = choices_of(*opt); !choices.empty()) out += " {" + roff(joined(choices, ",")) + "}";
    out += "\n";
  }
  return out;
}

std::string commands_section(const Command& c, std::string_view lang) {
  std::string out;
  const auto subs = visible_subcommands(*c.app);
  if (subs.empty()) return out;
  out += ".SH " + i18n::tr(lang, "man.commands") + "\n";
  for (const CLI::App* sub : subs) {
    auto words = c.words;
    words.push_back(sub->get_name());
    out += ".TP\n\\fB" + roff(sub->get_name()) + "\\fR\n" + roff(sub->get_description()) + " (" +
           roff(page_name(words)) + "(1))\n";
  }
  return out;
}

std::string page(const Command& c, const std::vector<Command>& all, std::string_view lang, std::string_view version) {
  const std::string name = page_name(c.words);
  std::string upper = name;
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char ch) { return std::toupper(ch); });
  std::string out = ".\\\" " + i18n::tr(lang, "man.generated") + "\n";
  out += ".TH " + roff(upper) + " 1 \"\" \"anshin " + roff(version) + "\" \"" + i18n::tr(lang, "man.manual") + "\"\n";
  out += ".nh\n.ad l\n";
  out += ".SH " + i18n::tr(lang, "man.name") + "\n" + roff(name) + " \\- " + roff(c.app->get_description()) + "\n";
  out += ".SH " + i18n::tr(lang, "man.synopsis") + "\n" + synopsis(c, lang);
  out += ".SH " + i18n::tr(lang, "man.description") + "\n" + roff(c.app->get_description()) + "\n";
  if (c.words.empty()) out += ".PP\n" + roff(i18n::tr(lang, "man.intro")) + "\n";
  out += options_section(c, lang);
  out += commands_section(c, lang);
  if (c.words.empty()) {
    out += ".SH " + i18n::tr(lang, "man.files") + "\n" + roff(i18n::tr(lang, "man.files_text")) + "\n";
    out += ".SH " + i18n::tr(lang, "man.exit_status") + "\n" + roff(i18n::tr(lang, "man.exit_status_text")) + "\n";
  }
  std::vector<std::string> see_also;
  for (const Command& other : all)
    if (&other != &c && (other.words.size() <= 1 || other.words.front() == (c.words.empty() ? "" : c.words.front())))
      see_also.push_back("\\fB" + roff(page_name(other.words)) + "\\fR(1)");
  out += ".SH " + i18n::tr(lang, "man.see_also") + "\n" + joined(see_also, ",\n") + "\n";
  return out;
}

// --- shells ------------------------------------------------------------------------------------------------

std::string single_quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string path_key(const Command& c) { return joined(c.words, "/", "anshin"); }

}  // namespace

std::vector<std::pair<std::string, std::string>> man_pages(const CLI::App& app, std::string_view lang,
                                                           std::string_view version) {
  const auto all = commands_of(app);
  std::vector<std::pair<std::string, std::string>> out;
  for (const Command& c : all) out.emplace_back(page_name(c.words) + ".1", page(c, all, lang, version));
  return out;
}

std::string bash_completion(const CLI::App& app) {
  const auto all = commands_of(app);
  std::vector<std::string> paths, values, choice_cases, word_cases;
  for (const Command& c : all) {
    if (!c.words.empty()) paths.push_back(path_key(c));
    std::vector<std::string> words;
    for (const CLI::App* sub : visible_subcommands(*c.app)) words.push_back(sub->get_name());
    for (const CLI::Option* opt : c.app->get_options()) {
      const auto flags = flags_of(*opt);
      words.insert(words.end(), flags.begin(), flags.end());
      if (!opt->nonpositional() || !takes_value(*opt)) continue;
      std::vector<std::string> keys;
      for (const auto& f : flags) keys.push_back(path_key(c) + "/" + f);
      if (auto choices = choices_of(*opt); !choices.empty()) {
        choice_cases.push_back("    " + joined(keys, "|") + ") COMPREPLY=($(compgen -W " +
                               single_quoted(joined(choices, " ")) + " -- \"$cur\")); return ;;");
      } else {
        values.insert(values.end(), keys.begin(), keys.end());
      }
    }
    word_cases.push_back("    " + path_key(c) + ") words=" + single_quoted(joined(words, " ")) + " ;;");
  }
  std::string out =
      "# bash completion for anshin: generated from its command-line definitions (`anshin _generate bash`).\n"
      "_anshin() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path=anshin words= i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case \"$path/${COMP_WORDS[i]}\" in\n"
      "      " + joined(paths, "|") + ") path=$path/${COMP_WORDS[i]} ;;\n"
      "    esac\n"
      "  done\n"
      "  case \"$path/$prev\" in\n" + joined(choice_cases, "\n") + "\n";
  if (!values.empty()) out += "    " + joined(values, "|") + ") return ;;  # a value: files by default\n";
  out += "  esac\n"
         "  case \"$path\" in\n" + joined(word_cases, "\n") + "\n"
         "  esac\n"
         "  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
         "}\n"
         "complete -o default -F _anshin anshin\n";
  return out;
}

namespace {

// One _arguments spec of an option: '--rate=[new connections per second]:rate:' and the like.
std::string zsh_spec(const std::string& flag, const CLI::Option& opt) {
  std::string desc;
  for (char c : opt.get_description()) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') desc += '\\';
    desc += c;
  }
  std::string spec = (repeatable(opt) ? "*" : "") + flag;
  if (takes_value(opt)) spec += flag.starts_with("--") ? "=" : "+";
  spec += "[" + desc + "]";
  if (takes_value(opt)) {
    const auto choices = choices_of(opt);
    spec += ":" + opt.get_lnames().front() + ":" + (choices.empty() ? "_files" : "(" + joined(choices, " ") + ")");
  }
  return single_quoted(spec);
}

std::string zsh_function(const Command& c) {
  const std::string fn = "_" + joined(c.words, "_", "anshin");
  std::vector<std::string> specs;
  for (const CLI::Option* opt : c.app->get_options()) {
    if (opt->nonpositional()) {
      for (const auto& f : flags_of(*opt)) specs.push_back(zsh_spec(f, *opt));
    } else {
      specs.push_back(single_quoted("*:" + opt->get_name() + ":_files"));
    }
  }
  const auto subs = visible_subcommands(*c.app);
  std::string out = fn + "() {\n";
  if (subs.empty()) return out + "  _arguments -s \\\n    " + joined(specs, " \\\n    ") + "\n}\n";
  std::vector<std::string> values, cases;
  for (const CLI::App* sub : subs) {
    std::string desc;
    for (char ch : sub->get_description()) {
      if (ch == '[' || ch == ']' || ch == ':' || ch == '\\') desc += '\\';
      desc += ch;
    }
    values.push_back(single_quoted(sub->get_name() + "[" + desc + "]"));
    cases.push_back("      " + sub->get_name() + ") " + fn + "_" + sub->get_name() + " ;;");
  }
  specs.push_back("'1: :->command'");
  specs.push_back("'*:: :->args'");
  return out + "  local curcontext=$curcontext state line\n  _arguments -C \\\n    " + joined(specs, " \\\n    ") +
         "\n  case $state in\n    command) _values command \\\n      " + joined(values, " \\\n      ") +
         " ;;\n    args) case $line[1] in\n" + joined(cases, "\n") + "\n    esac ;;\n  esac\n}\n";
}

}  // namespace

std::string zsh_completion(const CLI::App& app) {
  std::string out = "#compdef anshin\n# zsh completion for anshin: generated from its command-line definitions "
                    "(`anshin _generate zsh`).\n";
  for (const Command& c : commands_of(app)) out += zsh_function(c);
  return out + "_anshin \"$@\"\n";
}

std::string fish_completion(const CLI::App& app) {
  std::string out = "# fish completion for anshin: generated from its command-line definitions "
                    "(`anshin _generate fish`).\ncomplete -c anshin -f\n";
  for (const Command& c : commands_of(app)) {
    // The condition: exactly this command's words typed (and no subcommand of it yet).
    std::string cond = c.words.empty() ? "__fish_use_subcommand" : "";
    for (const auto& w : c.words) cond += std::string(cond.empty() ? "" : "; and ") + "__fish_seen_subcommand_from " + w;
    std::vector<std::string> subs;
    for (const CLI::App* sub : visible_subcommands(*c.app)) subs.push_back(sub->get_name());
    if (!c.words.empty() && !subs.empty()) cond += "; and not __fish_seen_subcommand_from " + joined(subs, " ");
    const std::string head = "complete -c anshin -n " + single_quoted(cond);
    for (const CLI::App* sub : visible_subcommands(*c.app))
      out += head + " -a " + single_quoted(sub->get_name()) + " -d " + single_quoted(sub->get_description()) + "\n";
    for (const CLI::Option* opt : c.app->get_options()) {
      if (!opt->nonpositional()) {
        out += head + " -F\n";  // positionals: files and the like
        continue;
      }
      std::string line = head;
      for (const auto& s : opt->get_snames()) line += " -s " + single_quoted(s);
      for (const auto& l : opt->get_lnames()) line += " -l " + single_quoted(l);
      if (takes_value(*opt)) {
        const auto choices = choices_of(*opt);
        line += choices.empty() ? " -r -F" : " -x -a " + single_quoted(joined(choices, " "));
      }
      out += line + " -d " + single_quoted(opt->get_description()) + "\n";
    }
  }
  return out;
}

}  // namespace anshin::cli
