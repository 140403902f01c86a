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
  std::vector<std::string> notes;
  if (o.check_default_creds) notes.push_back("--check-default-creds: not built yet; no credentials are tried");
  if (o.check_cves_active) notes.push_back("--check-cves-active: not built yet; no active checks are sent");
  if (!o.credentials.empty()) notes.push_back("--credentials: not built yet; the file is not read");
  return notes;
}

}  // namespace anshin::cli
