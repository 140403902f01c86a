// anshin report: renders a stored scan from the inventory as anshin.scan/1 JSON, CSV or HTML.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "report/csv.h"
#include "report/html.h"
#include "report/json.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

int store_failure(const Error& e) {
  std::fprintf(stderr, "anshin: %s\n", text::escape_for_terminal(e.message).c_str());
  return store::exit_status_for(e);
}

// The stored scan `key` names (number or id), or the newest finished one when empty.
Result<store::StoredScan> pick_scan(store::Store& db, const std::string& key) {
  if (!key.empty()) return db.find_scan(key);
  auto latest = db.latest_scan();
  if (!latest) return latest.error();
  if (!*latest) {
    return Error{Errc::kNotFound, "no finished scan in " + db.path() +
                                      " (run `anshin scan` first; --scan N renders an unfinished one)"};
  }
  return std::move(**latest);
}

}  // namespace

int run_report(const ReportOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("--lang: expected ja or en, got " + text::escape_for_terminal(o.lang));
  auto db = store::Store::open(o.db, store::OpenOptions{.create = false});
  if (!db) return store_failure(db.error());
  auto scan = pick_scan(*db, o.scan);
  if (!scan) return store_failure(scan.error());
  auto snap = db->snapshot(scan->number);
  if (!snap) return store_failure(snap.error());

  std::string body;
  if (o.format == "json") {
    body = report::to_json(*snap);
  } else if (o.format == "csv") {
    body = report::render_csv(*snap, report::CsvOptions{.lang = *lang, .excel = o.excel});
  } else if (o.format == "html") {
    body = report::render_html(*snap, report::HtmlOptions{.lang = *lang});
  } else {
    return usage_error("--format: expected json, csv or html");
  }

  if (o.out.empty() || o.out == "-") {
    if (std::fwrite(body.data(), 1, body.size(), stdout) != body.size() || std::fflush(stdout) != 0) {
      std::fprintf(stderr, "anshin: cannot write the report to stdout\n");
      return 2;
    }
    return 0;
  }
  auto written = write_file_atomically(o.out, body);
  if (!written) {
    std::fprintf(stderr, "anshin: %s\n", text::escape_for_terminal(written.error().message).c_str());
    return 2;
  }
  return 0;
}

}  // namespace anshin::cli
