// anshin diff: what changed between two stored scans (new, gone, moved, firmware changed, findings
// changed), as a readable list in the user's language (--lang, else LANG) or anshin.diff/1 JSON (--json,
// the same in every language).
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "store/diff.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

int store_failure(const Error& e) { return fail(store::exit_status_for(e), e); }

}  // namespace

int run_diff(const DiffOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  if (!o.scans.empty() && o.scans.size() != 2) {
    return usage_error("cli.diff.two_scans");
  }
  auto db = store::Store::open(o.db, store::OpenOptions{.create = false});
  if (!db) return store_failure(db.error());

  store::ScanNumber older = 0;
  store::ScanNumber newer = 0;
  if (o.scans.empty()) {
    auto all = db->list_scans();
    if (!all) return store_failure(all.error());
    std::vector<store::ScanNumber> ended;
    for (const auto& s : *all)
      if (!s.info.finished.empty()) ended.push_back(s.number);
    if (ended.size() < 2) {
      return store_failure(i18n::error(Errc::kNotFound, "cli.diff.need_two_scans",
                                       {{"path", db->path()}, {"count", std::to_string(ended.size())}}));
    }
    older = ended[ended.size() - 2];
    newer = ended.back();
  } else {
    auto a = db->find_scan(o.scans[0]);
    if (!a) return store_failure(a.error());
    auto b = db->find_scan(o.scans[1]);
    if (!b) return store_failure(b.error());
    older = a->number;
    newer = b->number;
  }

  auto a = db->identified_snapshot(older);
  if (!a) return store_failure(a.error());
  auto b = db->identified_snapshot(newer);
  if (!b) return store_failure(b.error());
  const auto diff = store::diff_scans(*a, *b);
  const std::string out = o.json ? store::diff_to_json(diff) : store::diff_to_text(diff, *lang);
  if (std::fwrite(out.data(), 1, out.size(), stdout) != out.size() || std::fflush(stdout) != 0) return 2;
  return 0;
}

}  // namespace anshin::cli
