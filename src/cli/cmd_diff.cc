// anshin diff: what changed between two stored scans of one site and one kind (active scans with active
// scans, traffic captures with traffic captures: store::ScanPair) (new, gone, replaced, moved, firmware
// changed or downgraded, findings changed), as a readable list in the user's language (--lang, else LANG)
// or anshin.diff/1 JSON (--json, the same in every language). --fail-on-change: exit 3 when anything changed.
#include <cstdio>
#include <string>

#include "assess/assess.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "scan/pipeline.h"
#include "store/diff.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

int store_failure(const Error& e) { return fail(store::exit_status_for(e), e); }

std::string site_shown(const std::string& site, const std::string& lang) {
  return site.empty() ? i18n::tr(lang, "cli.diff.no_site") : quote_value(site);
}

// The newest comparable pair of one site (--site's, else the newest finished scan's): both finished, of
// one kind (store::newest_comparable_pair). Newer scans of the other kind left out are named on stderr.
Result<store::ScanPair> newest_two(store::Store& db, const DiffOptions& o, const std::string& lang) {
  auto all = db.list_scans();
  if (!all) return all.error();
  std::vector<const store::StoredScan*> ended;
  for (const auto& s : *all)
    if (!s.info.finished.empty()) ended.push_back(&s);
  if (!o.site_given && ended.size() < 2)
    return i18n::error(Errc::kNotFound, "cli.diff.need_two_scans",
                       {{"path", db.path()}, {"count", std::to_string(ended.size())}});
  const std::string site = o.site_given ? o.site : ended.back()->info.site;
  size_t of_site = 0;
  for (const auto* s : ended) of_site += s->info.site == site ? 1 : 0;
  if (of_site < 2)
    return i18n::error(Errc::kNotFound, "cli.diff.need_two_site_scans",
                       {{"path", db.path()}, {"site", site_shown(site, lang)}, {"count", std::to_string(of_site)}});
  auto pair = store::newest_comparable_pair(*all, site);
  if (!pair)
    return i18n::error(Errc::kNotFound, "cli.diff.need_two_of_a_kind", {{"path", db.path()}, {"site", site_shown(site, lang)}});
  if (!pair->skipped.empty()) {
    std::string numbers;
    for (auto it = pair->skipped.rbegin(); it != pair->skipped.rend(); ++it)
      numbers += (numbers.empty() ? "" : ", ") + std::to_string(*it);
    note(pair->kind == ScanKind::kActive ? "cli.diff.skipped_traffic" : "cli.diff.skipped_active", {{"numbers", numbers}});
  }
  return *pair;
}

std::string kind_text(const ScanInfo& scan, const std::string& lang) {
  return i18n::tr(lang, scan_kind(scan) == ScanKind::kTraffic ? "cli.diff.kind_traffic" : "cli.diff.kind_active");
}

}  // namespace

int run_diff(const DiffOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  if (!o.scans.empty() && o.scans.size() != 2) return usage_error("cli.diff.two_scans");
  auto db = store::Store::open(o.db, store::OpenOptions{.create = false});
  if (!db) return store_failure(db.error());

  store::ScanNumber older = 0;
  store::ScanNumber newer = 0;
  if (o.scans.empty()) {
    auto two = newest_two(*db, o, *lang);
    if (!two) return store_failure(two.error());
    older = two->older;
    newer = two->newer;
  } else {
    auto a = db->find_scan(o.scans[0]);
    if (!a) return store_failure(a.error());
    auto b = db->find_scan(o.scans[1]);
    if (!b) return store_failure(b.error());
    if (a->info.site != b->info.site)
      return usage_error("cli.diff.site_mismatch",
                         {{"old", std::to_string(a->number)}, {"old_site", site_shown(a->info.site, *lang)},
                          {"new", std::to_string(b->number)}, {"new_site", site_shown(b->info.site, *lang)}});
    if (scan_kind(a->info) != scan_kind(b->info))
      return usage_error("cli.diff.kind_mismatch",
                         {{"old", std::to_string(a->number)}, {"old_kind", kind_text(a->info, *lang)},
                          {"new", std::to_string(b->number)}, {"new_kind", kind_text(b->info, *lang)}});
    older = a->number;
    newer = b->number;
  }

  auto a = db->identified_snapshot(older);
  if (!a) return store_failure(a.error());
  auto b = db->identified_snapshot(newer);
  if (!b) return store_failure(b.error());
  const auto diff = store::diff_scans(*a, *b, firmware_order_of_kb());
  const std::string out = o.json ? store::diff_to_json(diff) : store::diff_to_text(diff, *lang);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) return 2;
  return o.fail_on_change && !diff.empty() ? 3 : 0;
}

}  // namespace anshin::cli
