// The configuration file (docs/contract.md "Configuration file"): YAML files that set defaults for the long
// options of every command. Read in this order, each overriding the one before, the command line last:
//   /etc/anshin/anshin.yaml            (ANSHIN_CONFIG_SYSTEM names another file, for tests and packaging)
//   $XDG_CONFIG_HOME/anshin/anshin.yaml, else ~/.config/anshin/anshin.yaml
//   the file named by ANSHIN_CONFIG    (e.g. one per site, for the anshin-scan@SITE systemd units)
// A missing file is skipped. A top-level key is an option's long name without "--" (`db`, `rate`, `lang`) and
// applies to every command that has that option; a key naming a command (`scan:`, `report:`) holds options for
// that command only. An unknown key or a value the option refuses is one line naming the file and key.
#pragma once
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"

namespace CLI {
class App;
}

namespace anshin::cli {

// A fresh application with every command and option, as main() builds it, for trial parses.
using AppFactory = std::function<std::shared_ptr<CLI::App>()>;

struct ConfiguredArgs {
  std::vector<std::string> args;  // argv with the configuration's defaults inserted after the command
  std::set<std::string> injected; // long names ("--rate") set by a configuration file, not the command line
};

// The configuration files in the order they are read (existing or not).
std::vector<std::string> config_paths();

// argv with the defaults of the configuration files for the options the command line does not give. A
// command line that does not parse is returned unchanged (its own error is reported by the real parse).
Result<ConfiguredArgs> apply_config(const std::vector<std::string>& argv, const AppFactory& make_app,
                                    const std::vector<std::string>& paths);

}  // namespace anshin::cli
