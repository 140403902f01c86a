// `anshin kb verify|info|update|bundle` (docs/contract.md, docs/kb-format.md "Bundles").
// verify: every check of docs/kb-format.md on the KB in use (or --kb DIR), one diagnostic a line.
// info: version, date, where it was loaded from, counts; warns when older than 90 days.
// update FILE: a signed bundle becomes the user's KB (kbops/update.h); one clear line when refused.
// bundle: builds a signed bundle from a data/ folder (`make kb-bundle KEY=...`).
// Exit 0 ok, 1 refused or bad input, 2 could not run (the user's data folder cannot be written).
#include <nlohmann/json.hpp>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "assess/assess.h"
#include "assess/counts.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/clock.h"
#include "core/text.h"
#include "kb/kb.h"
#include "kbops/bundle.h"
#include "kbops/load.h"
#include "kbops/update.h"

namespace anshin::cli {
namespace {

void print_diagnostics(const kb::Diagnostics& diags, std::FILE* out) {
  for (const auto& d : diags.all())
    std::fprintf(out, "%s\n", text::escape_for_terminal(kb::Diagnostics::format(d)).c_str());
}

Result<std::string> read_file(const std::string& path, size_t limit) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return i18n::error(Errc::kNotFound, "cli.cannot_read", {{"path", path}});
  std::string data(limit + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

// `kb verify` on a folder (empty = built in), both halves (fingerprints, then the assessment data);
// every diagnostic to `out` (null: only collected in `first_error`). Returns the number of errors.
size_t verify_folder(const std::filesystem::path& dir, std::FILE* out, kb::KbStats* stats, assess::AssessStats* astats,
                     std::string* first_error = nullptr) {
  kb::Diagnostics diags;
  bool ok = dir.empty() ? kb::KnowledgeBase::verify_embedded(diags, stats) : kb::KnowledgeBase::verify_dir(dir, diags, stats);
  kb::Diagnostics assess_diags;
  bool assess_ok = assess::verify_assessment(dir, assess_diags, astats);
  for (const auto* all : {&diags, &assess_diags}) {
    if (out != nullptr) print_diagnostics(*all, out);
    for (const auto& d : all->all())
      if (d.error && first_error != nullptr && first_error->empty()) {
        kb::Diagnostic shown = d;
        if (shown.file.starts_with(dir.string() + "/")) shown.file = shown.file.substr(dir.string().size() + 1);
        *first_error = kb::Diagnostics::format(shown);
      }
  }
  const size_t errors = diags.error_count() + assess_diags.error_count();
  return errors == 0 && !(ok && assess_ok) ? 1 : errors;
}

// "built into anshin", or the folder and which place it is.
std::string place_text(const kbops::KbCandidate& c) {
  if (c.place == "built-in") return msg("cli.kb.place_builtin");
  const std::string which = c.place == "system" ? msg("cli.kb.place_system")
                            : c.place == "user" ? msg("cli.kb.place_user")
                                                : std::string("--kb");
  return c.dir.string() + " (" + which + ")";
}

}  // namespace

int run_kb_verify(const KbOptions& opts) {
  kbops::KbCandidate in_use = opts.kb_dir.empty() ? kbops::kb_in_use_cheaply(kbops::default_places())
                                                  : kbops::KbCandidate{"--kb", opts.kb_dir, ""};
  if (opts.kb_dir.empty()) note("cli.kb.verifying", {{"where", place_text(in_use)}});
  kb::KbStats stats;
  assess::AssessStats astats;
  const size_t errors = verify_folder(in_use.dir, stdout, &stats, &astats);
  const bool ok = errors == 0;
  const size_t assess_examples =
      astats.policy_examples + astats.cve_examples + astats.scheme_examples + astats.model_examples;
  std::printf("%s\n", msg(ok ? "cli.kb.assess_ok" : "cli.kb.assess_errors",
                          {{"policies", std::to_string(astats.policies)},
                           {"cves", std::to_string(astats.cves)},
                           {"examples", std::to_string(assess_examples)}})
                         .c_str());
  std::string version = stats.kb_version.empty() ? "?" : stats.kb_version;
  if (ok) {
    std::printf("%s\n", msg("cli.kb.ok", {{"version", version},
                                          {"vendors", std::to_string(stats.vendors)},
                                          {"rules", std::to_string(stats.rules)},
                                          {"examples", std::to_string(stats.examples)},
                                          {"oui", std::to_string(stats.oui_prefixes)}})
                           .c_str());
    return 0;
  }
  std::printf("%s\n", msg("cli.kb.errors", {{"version", version},
                                            {"vendors", std::to_string(stats.vendors)},
                                            {"rules", std::to_string(stats.rules)},
                                            {"examples", std::to_string(stats.examples)},
                                            {"errors", std::to_string(errors)}})
                         .c_str());
  return 1;
}

int run_kb_info(const KbOptions& opts) {
  kb::Diagnostics diags, assess_diags;
  std::shared_ptr<const assess::Assessor> as;
  auto loaded = kbops::load_kb_in_use(opts.kb_dir, kbops::default_places(), {}, diags, keep_assessor(as, assess_diags));
  if (!loaded) {
    print_errors(diags);
    print_errors(assess_diags);
    return usage_error("cli.kb_does_not_load");
  }
  for (const auto& n : loaded->notes) note("cli.kb.skipped", {{"what", n}});
  const auto c = assess::count_knowledge(*loaded->kb, as->data());
  const std::string version = loaded->kb->kb_version();
  const auto date = kbops::version_date(version);
  const auto age = kbops::age_in_days(version, kbops::today_utc());
  const bool stale = age && *age > kbops::kStaleAfterDays;
  std::string date_text;
  if (date) {
    const std::chrono::year_month_day ymd{*date};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    date_text = buf;
  }
  const std::string where = kbops::describe(loaded->from);
  if (opts.json) {
    nlohmann::json j = {{"schema", "anshin.kb-info/1"},
                        {"kb_version", version},
                        {"date", date ? nlohmann::json(date_text) : nlohmann::json(nullptr)},
                        {"age_days", age ? nlohmann::json(*age) : nlohmann::json(nullptr)},
                        {"stale", stale},
                        {"loaded_from", text::sanitize_utf8(where)},
                        {"place", loaded->from.place},
                        {"counts",
                         {{"vendors", c.vendors}, {"manufacturers", c.manufacturers}, {"brands", c.brands},
                          {"rules", c.rules}, {"examples", c.examples}, {"oui_prefixes", c.oui_prefixes},
                          {"policies", c.policies}, {"cves", c.cves}, {"cve_vendors", c.cve_vendors},
                          {"kev", c.kev}}}};
    std::printf("%s\n", j.dump(2).c_str());
  } else {
    std::printf("%s\n", msg("cli.kb.info_version", {{"version", version}, {"date", date ? date_text : "?"},
                                                    {"days", age ? std::to_string(*age) : "?"}})
                           .c_str());
    std::printf("  %s\n", text::escape_for_terminal(msg("cli.kb.info_from", {{"where", place_text(loaded->from)}})).c_str());
    std::printf("  %s\n", msg("cli.kb.info_vendors", {{"vendors", std::to_string(c.vendors)},
                                                      {"manufacturers", std::to_string(c.manufacturers)},
                                                      {"brands", std::to_string(c.brands)}})
                              .c_str());
    std::printf("  %s\n", msg("cli.kb.info_rules", {{"rules", std::to_string(c.rules)},
                                                    {"examples", std::to_string(c.examples)},
                                                    {"oui", std::to_string(c.oui_prefixes)}})
                              .c_str());
    std::printf("  %s\n", msg("cli.kb.info_assess", {{"policies", std::to_string(c.policies)},
                                                     {"cves", std::to_string(c.cves)},
                                                     {"cve_vendors", std::to_string(c.cve_vendors)},
                                                     {"kev", std::to_string(c.kev)}})
                              .c_str());
  }
  if (stale) note("cli.kb.stale", {{"version", version}, {"days", std::to_string(*age)}});
  return 0;
}

int run_kb_update(const KbOptions& opts) {
  auto bytes = read_file(opts.file, kbops::kMaxBundleBytes);
  if (!bytes) return usage_error(bytes.error());
  std::vector<std::string> key_problems;
  const auto keys = kbops::trusted_keys(kbops::default_keys_dir(), &key_problems);
  for (const auto& p : key_problems) note("cli.kb.skipped", {{"what", p}});
  auto bundle = kbops::open_bundle(*bytes, keys);
  if (!bundle) return usage_error(with_prefix(bundle.error(), opts.file + ": "));

  const auto places = kbops::default_places();
  kbops::UpdateOptions uo;
  uo.current_version = kbops::kb_in_use_cheaply(places).kb_version;
  uo.allow_downgrade = opts.allow_downgrade;
  uo.verify = [](const std::filesystem::path& staged) -> Result<void> {
    // One line: the count and the first problem (`kb verify --kb DIR` on the unpacked data lists them all).
    std::string first;
    const size_t errors = verify_folder(staged, nullptr, nullptr, nullptr, &first);
    if (errors != 0)
      return i18n::error(Errc::kInvalidInput, "kbops.verify_failed", {{"errors", std::to_string(errors)}, {"first", first}});
    return {};
  };
  if (const char* point = std::getenv("ANSHIN_TEST_KB_UPDATE_CRASH_AT"); point != nullptr && *point != '\0')
    uo.crash_point = [want = std::string(point)](std::string_view at) {
      if (at == want) std::raise(SIGKILL);  // a crash at a chosen step (tests/integration/kb_update.py)
    };
  auto done = kbops::install_bundle(*bundle, places.user_dir, uo);
  if (!done) return fail(done.error().code == Errc::kIo ? 2 : 1, with_prefix(done.error(), opts.file + ": "));
  note("cli.kb.updated", {{"version", done->kb_version},
                          {"previous", done->previous_version.empty() ? "-" : done->previous_version},
                          {"where", places.user_dir.string()}});
  return 0;
}

int run_kb_bundle(const KbOptions& opts) {
  auto key = read_file(opts.key, 64 * 1024);
  if (!key) return usage_error(key.error());
  auto files = kbops::bundle_files_from_dir(opts.data_dir);
  if (!files) return usage_error(files.error());
  std::string first;
  if (const size_t errors = verify_folder(opts.data_dir, stderr, nullptr, nullptr, &first); errors != 0)
    return usage_error("kbops.verify_failed", {{"errors", std::to_string(errors)}, {"first", first}});
  auto bundle = kbops::make_bundle(*files, *key, now_rfc3339_utc());
  if (!bundle) return usage_error(bundle.error());
  auto written = write_file_atomically(opts.out, *bundle);
  if (!written) return fail(2, written.error());
  note("cli.kb.bundled", {{"path", opts.out}, {"files", std::to_string(files->size())}});
  return 0;
}

// The one-line note of `scan` and `report` when the knowledge base in use is older than 90 days.
void warn_if_stale(const std::string& kb_version) {
  const auto age = kbops::age_in_days(kb_version, kbops::today_utc());
  if (age && *age > kbops::kStaleAfterDays) note("cli.kb.stale", {{"version", kb_version}, {"days", std::to_string(*age)}});
}

}  // namespace anshin::cli
