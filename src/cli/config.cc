#include "cli/config.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "cli/cli11_i18n.h"
#include "cli/common.h"
#include "core/text.h"
#include "i18n/catalog.h"

namespace anshin::cli {
namespace {

Error config_error(std::string_view key, std::initializer_list<i18n::Arg> args) {
  return i18n::error(Errc::kInvalidInput, std::string(key), args);
}

// The option of `app` (not of its subcommands) a configuration key names: a long name or a positional.
const CLI::Option* option_named(const CLI::App& app, const std::string& key) {
  for (const CLI::Option* opt : app.get_options()) {
    if (opt == app.get_help_ptr() || opt == app.get_help_all_ptr()) continue;
    for (const auto& name : opt->get_lnames())
      if (name == key) return opt;
    if (!opt->nonpositional() && opt->get_name() == key) return opt;
  }
  return nullptr;
}

// Whether `app` or any command below it has an option called `key`.
bool known_anywhere(const CLI::App& app, const std::string& key) {
  if (option_named(app, key)) return true;
  for (const CLI::App* sub : app.get_subcommands({}))
    if (!sub->get_group().empty() && known_anywhere(*sub, key)) return true;  // hidden commands (_generate) aside
  return false;
}

// The command of `app` called `name`, or nullptr.
CLI::App* command_named(CLI::App& app, const std::string& name) {
  for (CLI::App* sub : app.get_subcommands({}))
    if (sub->get_name() == name) return sub;
  return nullptr;
}

// The commands a parse selected, outermost first ("kb", "info").
std::vector<CLI::App*> selected_path(CLI::App& app) {
  std::vector<CLI::App*> path;
  for (CLI::App* cur = &app; !cur->get_subcommands().empty();) {
    cur = cur->get_subcommands().front();
    path.push_back(cur);
  }
  return path;
}

// One configuration value: a key, its values as command-line words, and where it was read.
struct Setting {
  std::string file;
  std::string key;       // as written: rate, or scan.rate for a key under scan:
  std::string name;      // the option's long name or positional name
  const YAML::Node value;
};

Result<std::vector<std::string>> words_for(const Setting& s, const CLI::Option& opt) {
  std::vector<YAML::Node> items;
  if (s.value.IsSequence()) {
    for (const auto& item : s.value) items.push_back(item);
  } else {
    items.push_back(s.value);
  }
  std::vector<std::string> words;
  for (const auto& item : items) {
    if (!item.IsScalar()) {
      return config_error("cli.config.bad_value",
                          {{"file", s.file}, {"key", s.key}, {"reason", msg("cli.config.not_scalar")}});
    }
    const std::string value = item.Scalar();
    if (opt.get_expected_min() == 0) {  // a flag: true or false
      bool on = false;
      if (!YAML::convert<bool>::decode(item, on)) {
        return config_error("cli.config.bad_value",
                            {{"file", s.file}, {"key", s.key}, {"reason", msg("cli.config.not_bool")}});
      }
      if (on) words.push_back("--" + s.name);
    } else if (!opt.nonpositional()) {
      words.push_back(value);
    } else {
      words.push_back("--" + s.name + "=" + value);
    }
  }
  return words;
}

// A trial parse of the command with only this setting: the option's own checks judge the value.
Result<void> check_value(const Setting& s, const std::vector<std::string>& command, const std::vector<std::string>& words,
                         const AppFactory& make_app) {
  if (s.name == "lang") {
    for (const auto& w : words) {
      const std::string value = w.substr(w.find('=') + 1);
      if (!resolve_lang(value)) {
        return config_error("cli.config.bad_value",
                            {{"file", s.file}, {"key", s.key}, {"reason", msg("cli.bad_lang", {{"value", quote_value(value)}})}});
      }
    }
  }
  std::vector<std::string> trial = {"anshin"};
  trial.insert(trial.end(), command.begin(), command.end());
  trial.insert(trial.end(), words.begin(), words.end());
  std::vector<char*> argv;
  for (auto& w : trial) argv.push_back(w.data());
  auto app = make_app();
  try {
    app->parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::RequiredError&) {
    // Another option the command needs is missing from the trial: this value itself is fine.
  } catch (const CLI::ParseError& e) {
    return config_error("cli.config.bad_value",
                        {{"file", s.file},
                         {"key", s.key},
                         {"reason", parse_error_message(ui_lang(), *app, e, static_cast<int>(argv.size()), argv.data())}});
  }
  return {};
}

Result<YAML::Node> read_yaml(const std::string& path, bool& exists) {
  std::ifstream in(path, std::ios::binary);
  exists = in.is_open() || errno != ENOENT;
  if (!in) {
    if (!exists) return YAML::Node();
    return config_error("cli.config.cannot_read", {{"file", path}, {"reason", std::strerror(errno)}});
  }
  std::stringstream text;
  text << in.rdbuf();
  try {
    YAML::Node doc = YAML::Load(text.str());
    if (!doc.IsNull() && !doc.IsMap()) return config_error("cli.config.not_mapping", {{"file", path}});
    return doc;
  } catch (const YAML::Exception& e) {
    return config_error("cli.config.not_yaml",
                        {{"file", path}, {"line", std::to_string(e.mark.line + 1)}, {"reason", text::escape_for_terminal(e.msg)}});
  }
}

std::string key_text(const YAML::Node& key) {
  return text::escape_for_terminal(key.IsScalar() ? key.Scalar() : std::string("?"));
}

// The settings of one file that apply to the selected command `path` (every key checked against the whole app).
Result<std::vector<Setting>> settings_of(const std::string& file, const YAML::Node& doc, CLI::App& app,
                                         const std::vector<CLI::App*>& path) {
  std::vector<Setting> out;
  for (const auto& entry : doc) {
    const std::string key = entry.first.IsScalar() ? entry.first.Scalar() : "";
    CLI::App* section = command_named(app, key);
    if (section && entry.second.IsMap()) {
      for (const auto& inner : entry.second) {
        const std::string name = inner.first.IsScalar() ? inner.first.Scalar() : "";
        if (name.empty() || !known_anywhere(*section, name)) {
          return config_error("cli.config.unknown_key", {{"file", file}, {"key", key + "." + key_text(inner.first)}});
        }
        if (!path.empty() && path.front() == section) out.push_back({file, key + "." + name, name, inner.second});
      }
      continue;
    }
    if (key.empty() || !known_anywhere(app, key)) {
      return config_error("cli.config.unknown_key", {{"file", file}, {"key", key_text(entry.first)}});
    }
    out.push_back({file, key, key, entry.second});
  }
  return out;
}

// Configured scan targets step aside when the command line names its targets another way: -iL FILE, an nmap
// import, or --resume (which continues the stored scan's own targets).
bool targets_given_otherwise(const CLI::App& command, const CLI::Option& opt) {
  if (opt.nonpositional() || opt.get_name() != "targets") return false;
  for (const char* other : {"input-list", "import-nmap", "resume", "resume-scan"})
    if (const CLI::Option* o = option_named(command, other); o && o->count() > 0) return true;
  return false;
}

// A trial parse of argv: the selected commands and the options given, or nullopt when argv does not parse.
struct Given {
  std::shared_ptr<CLI::App> app;
  std::vector<CLI::App*> path;
};
std::optional<Given> parse_command_line(const std::vector<std::string>& argv, const AppFactory& make_app) {
  std::vector<std::string> copy = argv;
  std::vector<char*> ptrs;
  for (auto& w : copy) ptrs.push_back(w.data());
  auto app = make_app();
  try {
    app->parse(static_cast<int>(ptrs.size()), ptrs.data());
  } catch (const CLI::RequiredError&) {
    // A required option (report --format) may come from the configuration.
  } catch (const CLI::ParseError&) {
    return std::nullopt;
  }
  Given g{app, {}};
  g.path = selected_path(*app);
  if (g.path.empty()) return std::nullopt;
  return g;
}

}  // namespace

std::vector<std::string> config_paths() {
  std::vector<std::string> paths;
  const char* system = std::getenv("ANSHIN_CONFIG_SYSTEM");
  paths.push_back(system && *system ? system : "/etc/anshin/anshin.yaml");
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const char* home = std::getenv("HOME");
  if (xdg && *xdg) {
    paths.push_back(std::string(xdg) + "/anshin/anshin.yaml");
  } else if (home && *home) {
    paths.push_back(std::string(home) + "/.config/anshin/anshin.yaml");
  }
  if (const char* extra = std::getenv("ANSHIN_CONFIG"); extra && *extra) paths.push_back(extra);
  return paths;
}

Result<ConfiguredArgs> apply_config(const std::vector<std::string>& argv, const AppFactory& make_app,
                                    const std::vector<std::string>& paths) {
  ConfiguredArgs out{argv, {}};
  auto given = parse_command_line(argv, make_app);
  if (!given) return out;
  CLI::App& command = *given->path.back();
  std::vector<std::string> command_words;
  for (const CLI::App* c : given->path) command_words.push_back(c->get_name());

  // Later files override earlier ones: the last setting of each option wins.
  std::map<const CLI::Option*, std::vector<std::string>> chosen;
  std::map<const CLI::Option*, std::string> chosen_name;
  for (const auto& path : paths) {
    bool exists = false;
    auto doc = read_yaml(path, exists);
    if (!doc) return doc.error();
    if (!exists || doc->IsNull()) continue;
    auto settings = settings_of(path, *doc, *given->app, given->path);
    if (!settings) return settings.error();
    for (const auto& s : *settings) {
      const CLI::Option* opt = option_named(command, s.name);
      if (!opt) continue;  // an option of another command
      auto words = words_for(s, *opt);
      if (!words) return words.error();
      if (auto ok = check_value(s, command_words, *words, make_app); !ok) return ok.error();
      if (opt->count() > 0 || targets_given_otherwise(command, *opt)) continue;  // the command line wins
      chosen[opt] = std::move(*words);
      chosen_name[opt] = opt->nonpositional() ? "--" + s.name : s.name;
    }
  }
  // Configured positional words (targets) go right after the command words, configured options at the end (before
  // a "--"): an option taking several values (--exclude=A) never sits before a positional word it would swallow.
  std::vector<std::string> positional, options;
  for (const auto& [opt, words] : chosen) {
    auto& into = opt->nonpositional() ? options : positional;
    into.insert(into.end(), words.begin(), words.end());
    out.injected.insert(chosen_name[opt]);
  }
  // After argv[0] and the command words, which the command line starts with (options of the bare program, like
  // --help and --version, leave no command selected and never get here).
  auto at = out.args.begin() + 1;
  for (const auto& word : command_words) {
    at = std::find(at, out.args.end(), word);
    if (at != out.args.end()) ++at;
  }
  at = out.args.insert(at, positional.begin(), positional.end()) + static_cast<std::ptrdiff_t>(positional.size());
  out.args.insert(std::find(at, out.args.end(), std::string("--")), options.begin(), options.end());
  return out;
}

}  // namespace anshin::cli
