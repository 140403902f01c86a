#include "cli/common.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "assess/assess.h"
#include "core/text.h"
#include "kb/kb.h"
#include "scan/pipeline.h"

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

std::string lang_for_messages(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;
    std::string_view value;
    if (arg == "--lang" && i + 1 < argc) {
      value = argv[i + 1];
    } else if (arg.starts_with("--lang=")) {
      value = arg.substr(7);
    } else {
      continue;
    }
    if (value == "ja" || value == "en") return std::string(value);
  }
  return *resolve_lang("");
}

namespace {
std::string& ui_lang_storage() {
  static std::string lang = "en";
  return lang;
}
}  // namespace

void set_ui_lang(std::string lang) { ui_lang_storage() = std::move(lang); }
const std::string& ui_lang() { return ui_lang_storage(); }

std::string msg(std::string_view key, std::initializer_list<i18n::Arg> args) { return i18n::tr(ui_lang(), key, args); }

void note(std::string_view key, std::initializer_list<i18n::Arg> args) {
  // Values may be the user's own paths: escaped like everything else that reaches the terminal.
  std::fprintf(stderr, "anshin: %s\n", text::escape_for_terminal(msg(key, args)).c_str());
}

int usage_error(std::string_view key, std::initializer_list<i18n::Arg> args) {
  note(key, args);
  return 1;
}

int usage_error(const Error& error) { return fail(1, error); }

int fail(int status, const Error& error) {
  // Control characters escaped line by line: only the knowledge-base diagnostics (--kb DIR) span lines.
  const std::string text = i18n::message(ui_lang(), error);
  std::string out;
  for (std::string_view line : text::split(text, '\n')) {
    if (!out.empty()) out += '\n';
    out += text::escape_for_terminal(line);
  }
  std::fprintf(stderr, "anshin: %s\n", out.c_str());
  return status;
}

std::string quote_value(std::string_view s) {
  constexpr size_t kMax = 80;
  std::string body = text::escape_for_terminal(s.size() > kMax ? s.substr(0, kMax) : s);
  if (s.size() > kMax) body += "...";
  return "\"" + body + "\"";
}

bool use_color(std::FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  return isatty(fileno(stream)) != 0;
}

Result<void> write_file_atomically(const std::string& path, const std::string& contents) {
  return write_file_atomically(path, [&contents](std::ostream& out) {
    out.write(contents.data(), static_cast<std::streamsize>(contents.size()));
  });
}

Result<void> write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return i18n::error(Errc::kIo, "cli.cannot_write", {{"path", path}});
    bool written = true;
    try {
      write(out);
    } catch (const std::exception&) {  // e.g. bad_alloc while rendering: no half file, one clear line
      written = false;
    }
    if (!written || !out.flush()) {
      out.close();
      std::error_code ignored;
      std::filesystem::remove(tmp, ignored);
      return i18n::error(Errc::kIo, "cli.cannot_write", {{"path", path}});
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return i18n::error(Errc::kIo, "cli.cannot_write_why", {{"path", path}, {"reason", ec.message()}});
  return {};
}

std::function<bool(const kb::KnowledgeBase&, const std::vector<kb::SourceFile>&)> keep_assessor(
    std::shared_ptr<const assess::Assessor>& out, kb::Diagnostics& problems) {
  return [&out, &problems](const kb::KnowledgeBase& kb, const std::vector<kb::SourceFile>& files) {
    kb::Diagnostics d;
    auto a = assess::Assessor::load(kb, files, d);
    if (!a) {
      problems = d;
      return false;
    }
    out = std::make_shared<const assess::Assessor>(std::move(*a));
    return true;
  };
}

void print_errors(const kb::Diagnostics& diags, size_t limit) {
  size_t shown = 0;
  for (const auto& d : diags.all())
    if (d.error && shown++ < limit)
      std::fprintf(stderr, "%s\n", text::escape_for_terminal(kb::Diagnostics::format(d)).c_str());
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

store::FirmwareOrder firmware_order_of_kb() {
  auto kb = scan::load_knowledge_base("");
  if (!kb) return {};
  auto assessor = scan::load_assessor(**kb, "");
  if (!assessor) return {};
  std::shared_ptr<const assess::Assessor> keep = std::move(*assessor);
  std::shared_ptr<const kb::KnowledgeBase> keep_kb = std::move(*kb);
  return [keep, keep_kb](const Device& d, const std::string& from, const std::string& to) {
    return assess::firmware_order(keep->data(), d.verdict, from, to);
  };
}

}  // namespace anshin::cli
