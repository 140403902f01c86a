// anshin reassess: a stored scan judged again, offline, with the knowledge base in use (scan::reassess):
// stored as a new scan marked reassessed_from, and what changed printed like `diff`:
//   CVE-2017-7921: high → critical on 3 devices (now in CISA KEV, since 2026-03-05)
// Exit 0 done; 1 bad usage, unknown scan, or a scan stored without observations; 2 could not run.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "kbops/load.h"
#include "scan/pipeline.h"
#include "store/diff.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

int store_failure(const Error& e) { return fail(store::exit_status_for(e), e); }

// "cve.CVE-2017-7921" -> "CVE-2017-7921"; other ids as they are.
std::string finding_label(const std::string& id) { return id.rfind("cve.", 0) == 0 ? id.substr(4) : id; }

std::string devices_text(size_t n, std::string_view lang) {
  return i18n::tr(lang, n == 1 ? "cli.reassess.one_device" : "cli.reassess.devices", {{"count", std::to_string(n)}});
}

void print_changes(const store::ReassessChanges& c, const assess::Assessor& as, std::string_view lang) {
  const auto T = [&](std::string_view key, std::initializer_list<i18n::Arg> args) { return i18n::tr(lang, key, args); };
  // English: the contract's severity names ("high", as --fail-on takes them); Japanese: the reports' words (重要).
  const auto severity_name = [&](Severity s) {
    return lang == "ja" ? i18n::tr(lang, std::string("severity.") + anshin::severity_name(s)) : std::string(anshin::severity_name(s));
  };
  if (c.empty()) std::printf("%s\n", T("cli.reassess.no_changes", {}).c_str());
  for (const auto& s : c.severity) {
    std::string line = T("cli.reassess.severity", {{"finding", finding_label(s.finding)}, {"from", severity_name(s.from)},
                                                   {"to", severity_name(s.to)}, {"devices", devices_text(s.devices, lang)}});
    for (const auto& cve : as.data().cves)
      if ("cve." + cve.id == s.finding && !cve.kev_added.empty() && s.to > s.from)
        line += T("cli.reassess.kev", {{"date", cve.kev_added}});
    std::printf("%s\n", line.c_str());
  }
  for (const auto& a : c.added)
    std::printf("%s\n", T("cli.reassess.added", {{"finding", finding_label(a.finding)}, {"severity", severity_name(a.severity)},
                                                 {"devices", devices_text(a.devices, lang)}})
                            .c_str());
  for (const auto& r : c.removed)
    std::printf("%s\n", T("cli.reassess.removed", {{"finding", finding_label(r.finding)}, {"severity", severity_name(r.severity)},
                                                   {"devices", devices_text(r.devices, lang)}})
                            .c_str());
  for (const auto& i : c.identity) {
    const std::string unknown = T("cli.diff.unknown", {});
    std::printf("%s\n", text::escape_for_terminal(T("cli.reassess.identity", {{"address", i.address.to_string()}, {"what", i.what},
                                                                             {"from", i.from.empty() ? unknown : i.from},
                                                                             {"to", i.to.empty() ? unknown : i.to}}))
                            .c_str());
  }
}

}  // namespace

int run_reassess(const ReassessOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  auto db = store::Store::open(o.db, store::OpenOptions{.create = false});
  if (!db) return store_failure(db.error());
  Result<store::StoredScan> from = Error{Errc::kNotFound, ""};
  if (o.scan.empty()) {
    auto latest = db->latest_scan();
    if (!latest) return store_failure(latest.error());
    if (!*latest) return store_failure(i18n::error(Errc::kNotFound, "cli.report.no_finished_scan", {{"path", db->path()}}));
    from = std::move(**latest);
  } else {
    from = db->find_scan(o.scan);
  }
  if (!from) return store_failure(from.error());

  kb::Diagnostics diags, assess_diags;
  std::shared_ptr<const assess::Assessor> assessor;
  auto in_use = kbops::load_kb_in_use(o.kb_dir, kbops::default_places(), "/usr/share/ieee-data", diags,
                                      keep_assessor(assessor, assess_diags));
  if (!in_use) {
    print_errors(diags);
    print_errors(assess_diags);
    return usage_error("cli.kb_does_not_load");
  }
  for (const auto& n : in_use->notes) note("cli.kb.skipped", {{"what", n}});
  auto juris = assess::parse_policy_option(o.policy, assessor->data().jurisdictions());
  if (!juris) return usage_error(with_prefix(juris.error(), "--policy: "));
  warn_if_stale(in_use->kb->kb_version());

  assess::AssessOptions ao;
  ao.jurisdictions = *juris;
  ao.lang = *lang;
  auto done = scan::reassess(*db, *from, *in_use->kb, *assessor, ao);
  if (!done) return store_failure(done.error());
  std::printf("%s\n", text::escape_for_terminal(i18n::tr(*lang, "cli.reassess.header",
                                                         {{"from", std::to_string(from->number)},
                                                          {"old_kb", from->info.kb_version},
                                                          {"new_kb", in_use->kb->kb_version()},
                                                          {"number", std::to_string(done->number)}}))
                          .c_str());
  print_changes(store::reassessment_changes(done->before, done->after), *assessor, *lang);
  if (std::fflush(stdout) != 0) return 2;
  return 0;
}

}  // namespace anshin::cli
