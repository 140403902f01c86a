// anshin _generate (hidden, used by the build): man pages and shell completions from the CLI definitions.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>

#include "cli/common.h"
#include "cli/docgen.h"
#include "core/version.h"

namespace anshin::cli {

int run_generate(const CLI::App& app, const std::string& kind, const std::string& out, const std::string& lang) {
  if (kind == "man") {
    const std::string dir = out.empty() ? "." : out;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    for (const auto& [name, text] : man_pages(app, lang, kToolVersion)) {
      if (auto w = write_file_atomically(dir + "/" + name, text); !w) return fail(2, w.error());
    }
    return 0;
  }
  const std::string text = kind == "bash" ? bash_completion(app) : kind == "zsh" ? zsh_completion(app) : fish_completion(app);
  if (out.empty() || out == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? 0 : 2;
  }
  if (const auto parent = std::filesystem::path(out).parent_path(); !parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
  }
  if (auto w = write_file_atomically(out, text); !w) return fail(2, w.error());
  return 0;
}

}  // namespace anshin::cli
