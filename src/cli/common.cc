#include "cli/common.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace anshin::cli {

std::optional<std::string> resolve_lang(const std::string& explicit_choice) {
  if (!explicit_choice.empty()) {
    if (explicit_choice == "ja" || explicit_choice == "en") return explicit_choice;
    return std::nullopt;
  }
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) return std::string(v).rfind("ja", 0) == 0 ? "ja" : "en";
  }
  return "en";
}

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return isatty(fileno(stream)) != 0;
}

Result<void> write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Error{Errc::kIo, "cannot write " + path};
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
    if (!out.flush()) return Error{Errc::kIo, "cannot write " + path};
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Error{Errc::kIo, "cannot write " + path + ": " + ec.message()};
  return {};
}

int exit_status_for(const ScanSnapshot& snapshot, const std::string& fail_on) {
  if (fail_on.empty()) return 0;
  const auto threshold = parse_severity(fail_on);
  if (!threshold) return 0;  // validated before the scan
  for (const auto& d : snapshot.devices)
    for (const auto& f : d.findings)
      if (f.severity >= *threshold) return 3;
  return 0;
}

std::vector<std::string> not_built_yet_notes(const ScanOptions& o) {
  // --check-default-creds, --check-cves-active and --credentials are built (docs/assessment.md).
  (void)o;
  return {};
}

}  // namespace anshin::cli
