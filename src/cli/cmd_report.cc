// anshin report: renders a stored scan from the inventory as anshin.scan/1 JSON, CSV, HTML, JSON lines (one
// finding a line, for SIEMs) or a CycloneDX 1.6 bill of materials.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "kbops/load.h"
#include "report/csv.h"
#include "report/cyclonedx.h"
#include "report/html.h"
#include "report/json.h"
#include "report/jsonl.h"
#include "scan/pipeline.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

int store_failure(const Error& e) { return fail(store::exit_status_for(e), e); }

// The stored scan `key` names (number or id), or the newest finished one when empty.
Result<store::StoredScan> pick_scan(store::Store& db, const std::string& key) {
  if (!key.empty()) return db.find_scan(key);
  auto latest = db.latest_scan();
  if (!latest) return latest.error();
  if (!*latest) {
    return i18n::error(Errc::kNotFound, "cli.report.no_finished_scan", {{"path", db.path()}});
  }
  return std::move(**latest);
}

// The policies of the built-in knowledge base (labels in `lang`), for the HTML summary.
Result<std::vector<PolicyInfo>> report_policies(const std::string& lang) {
  auto kb = scan::load_knowledge_base("");
  if (!kb) return kb.error();
  auto assessor = scan::load_assessor(**kb, "");
  if (!assessor) return assessor.error();
  assess::AssessOptions all;
  all.lang = lang;
  return assess::policy_infos((*assessor)->data(), all);
}

// json and jsonl are streamed: a large scan is never held as text.
int write_streamed(const ReportOptions& o, const ScanSnapshot& snap) {
  const bool lines = o.format == "jsonl";
  if (o.out.empty() || o.out == "-") {
    const report::JsonSink to_stdout = [](std::string_view piece) { std::fwrite(piece.data(), 1, piece.size(), stdout); };
    lines ? report::write_jsonl(snap, to_stdout) : report::write_json(snap, to_stdout);
    if (std::ferror(stdout) || std::fflush(stdout) != 0) {
      note("cli.report.stdout_failed");
      return 2;
    }
    return 0;
  }
  auto written = write_file_atomically(o.out, [&snap, lines](std::ostream& out) {
    const report::JsonSink to_file = [&out](std::string_view piece) {
      out.write(piece.data(), static_cast<std::streamsize>(piece.size()));
    };
    lines ? report::write_jsonl(snap, to_file) : report::write_json(snap, to_file);
  });
  if (!written) return fail(2, written.error());
  return 0;
}

}  // namespace

int run_report(const ReportOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  warn_if_stale(kbops::kb_in_use_cheaply(kbops::default_places()).kb_version);
  auto db = store::Store::open(o.db, store::OpenOptions{.create = false});
  if (!db) return store_failure(db.error());
  auto scan = pick_scan(*db, o.scan);
  if (!scan) return store_failure(scan.error());
  auto snap = db->snapshot(scan->number);
  if (!snap) return store_failure(snap.error());
  // Texts in the reader's language, whatever language the scan ran in. JSON keeps the scan's language
  // (the contract's anshin.scan/1) unless --lang asks for another.
  if (o.format != "json" || !o.lang.empty()) localize(*snap, *lang);

  if (o.format == "json" || o.format == "jsonl") return write_streamed(o, *snap);
  std::string body;
  if (o.format == "cyclonedx") {
    body = report::render_cyclonedx(*snap);
  } else if (o.format == "csv") {
    body = report::render_csv(*snap, report::CsvOptions{.lang = *lang, .excel = o.excel});
  } else if (o.format == "html") {
    auto policies = report_policies(*lang);
    if (!policies) return fail(2, policies.error());
    body = report::render_html(*snap, report::HtmlOptions{.lang = *lang, .policies = std::move(*policies)});
  } else {
    return usage_error("cli.report.bad_format", {{"value", quote_value(o.format)}});
  }

  if (o.out.empty() || o.out == "-") {
    if (std::fwrite(body.data(), 1, body.size(), stdout) != body.size() || std::fflush(stdout) != 0) {
      note("cli.report.stdout_failed");
      return 2;
    }
    return 0;
  }
  auto written = write_file_atomically(o.out, body);
  if (!written) return fail(2, written.error());
  return 0;
}

}  // namespace anshin::cli
