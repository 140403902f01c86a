// anshin scan: plan the targets, sweep and identify, print the summary, write JSON.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>

#include "cli/commands.h"
#include "cli/common.h"
#include "kbops/load.h"
#include "core/text.h"
#include "i18n/catalog.h"
#include "report/json.h"
#include "report/observations.h"
#include "report/terminal.h"
#include "scan/pipeline.h"
#include "store/store.h"
#include "targets/targets.h"

namespace anshin::cli {

namespace {

// Each step returns the exit status to stop with, or nullopt to go on.
using Stop = std::optional<int>;

// Intrusive checks, only with the contract's flags. Credentials come from a 0600 file named by
// --credentials or ANSHIN_CREDENTIALS, never from the command line (there is no --password).
Stop intrusive_options(const ScanOptions& o, scan::IntrusiveOptions& intrusive) {
  intrusive.default_creds = o.check_default_creds;
  intrusive.cves_active = o.check_cves_active;
  std::string credentials_path = o.credentials;
  if (credentials_path.empty())
    if (const char* env = std::getenv("ANSHIN_CREDENTIALS"); env && *env) credentials_path = env;
  if (!credentials_path.empty()) {
    auto file = scan::load_credentials_file(credentials_path);
    if (!file) return usage_error(file.error());
    intrusive.credentials = std::make_shared<const scan::CredentialsFile>(std::move(*file));
  }
  return std::nullopt;
}

// The request from the command line: targets, ports, engine settings.
Stop plan_request(const ScanOptions& o, const std::string& lang, scan::ScanRequest& req) {
  req.plan.targets = o.targets;
  req.plan.excludes = o.excludes;
  req.plan.import_nmap = o.import_nmap;
  req.plan.allow_public = o.allow_public;
  if (!o.ports.empty()) {
    auto ports = targets::parse_ports(o.ports);
    if (!ports) return usage_error(with_prefix(ports.error(), "--ports: "));
    req.plan.ports = *ports;
  } else {
    const auto def = targets::default_camera_ports();
    req.plan.ports.assign(def.begin(), def.end());
  }
  req.engine.concurrency = o.concurrency;
  req.engine.rate = o.rate;
  req.engine.timeout = std::chrono::milliseconds(o.timeout_ms);
  req.engine.retries = o.retries;
  req.engine.progress = !o.quiet && isatty(STDERR_FILENO);
  req.engine.lang = lang;
  req.seed = o.seed;
  req.identify = !o.sweep_only;
  req.udp_discovery = !o.sweep_only;
  req.multicast = !o.no_multicast;
  req.keep_observations = !o.observations_out.empty();
  return std::nullopt;
}

// --resume: the stored scan's plan, seed and progress replace the command line's targets.
Stop resume_request(const ScanOptions& o, store::Store& inventory, scan::ScanRequest& req) {
  auto unfinished = inventory.unfinished_scan();
  if (!unfinished) return usage_error(unfinished.error());
  if (!*unfinished) return usage_error("cli.scan.nothing_to_resume", {{"path", o.db}});
  const auto& u = **unfinished;
  auto options = scan::plan_options_from_json(u.scan.resume.plan_json);
  if (!options) return usage_error(options.error());
  req.plan = *options;
  req.seed = u.scan.resume.seed;
  req.resume = scan::ScanRequest::Resume{u.scan.number, u.scan.info, u.scan.resume.hosts_done, u.done_addresses};
  note("cli.scan.resuming", {{"id", text::escape_for_terminal(u.scan.info.id)},
                             {"hosts", std::to_string(u.scan.resume.hosts_done)},
                             {"devices", std::to_string(u.done_addresses.size())}});
  return std::nullopt;
}

// The JSON document, the observations, the terminal summary. With --json -, stdout carries the
// document and the human summary goes to stderr.
Stop write_outputs(const ScanOptions& o, const scan::ScanResult& result, const std::string& lang) {
  const ScanSnapshot& snap = result.snapshot;
  std::FILE* human = o.json_out == "-" ? stderr : stdout;
  if (!o.json_out.empty()) {
    if (o.json_out == "-") {
      report::write_json(snap, stdout);
      std::fflush(stdout);
    } else if (auto w = write_file_atomically(o.json_out, [&snap](std::ostream& out) { report::write_json(snap, out); });
               !w) {
      return fail(2, w.error());
    }
  }
  if (!o.observations_out.empty()) {
    if (auto w = write_file_atomically(o.observations_out, report::observations_jsonl(result.hosts)); !w)
      return fail(2, w.error());
  }
  report::render_terminal(snap, human, {.color = use_color(human), .lang = lang});
  std::fflush(human);
  if (!o.quiet)  // what was sent beyond the targets' own addresses
    for (const auto& segment : result.multicast_segments)
      std::fprintf(stderr, "anshin: %s\n", i18n::tr(lang, "scan.multicast_used", {{"segment", segment}}).c_str());
  std::fflush(stdout);  // the summary before any later stderr line
  return std::nullopt;
}

}  // namespace

int run_scan(const ScanOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  if (o.resume && (!o.targets.empty() || !o.import_nmap.empty())) return usage_error("cli.scan.resume_with_targets");
  if (o.resume && o.no_db) return usage_error("cli.scan.resume_without_db");
  if (o.targets.empty() && o.import_nmap.empty() && !o.resume) return usage_error("cli.scan.no_targets");
  for (const auto& line : not_built_yet_notes(o)) std::fprintf(stderr, "anshin: %s\n", line.c_str());

  scan::IntrusiveOptions intrusive;
  if (auto stop = intrusive_options(o, intrusive)) return *stop;
  scan::ScanRequest req;
  if (auto stop = plan_request(o, *lang, req)) return *stop;
  req.intrusive = intrusive;

  // The inventory: opened before anything is sent, so a locked or foreign file stops the scan early.
  std::optional<store::Store> inventory;
  if (!o.no_db && !o.dry_run) {
    auto opened = store::Store::open(o.db);
    if (!opened) return fail(store::exit_status_for(opened.error()), opened.error());
    inventory.emplace(std::move(*opened));
    req.store = &*inventory;
  }
  if (o.resume)
    if (auto stop = resume_request(o, *inventory, req)) return *stop;

  auto plan = scan::plan_targets(req);
  if (!plan) return usage_error(plan.error());
  kb::Diagnostics kb_diags, assess_diags;
  std::shared_ptr<const assess::Assessor> assessor;
  auto in_use = kbops::load_kb_in_use(o.kb_dir, kbops::default_places(), "/usr/share/ieee-data", kb_diags,
                                      keep_assessor(assessor, assess_diags));
  if (!in_use) {
    print_errors(kb_diags, 5);
    print_errors(assess_diags, 5);
    return usage_error("cli.kb_does_not_load");
  }
  for (const auto& n : in_use->notes) note("cli.kb.skipped", {{"what", n}});
  req.kb = in_use->kb;
  warn_if_stale(in_use->kb->kb_version());
  req.assessor = assessor.get();
  auto jurisdictions = assess::parse_policy_option(o.policy, assessor->data().jurisdictions());
  if (!jurisdictions) return usage_error(with_prefix(jurisdictions.error(), "--policy: "));
  req.assess_options.jurisdictions = *jurisdictions;
  req.assess_options.lang = *lang;
  if (o.dry_run) {
    scan::print_dry_run(*plan, o.seed, 20, stdout, *lang);
    return 0;
  }

  auto result = scan::run_scan(req, *plan);
  if (!result) return fail(2, result.error());
  if (auto stop = write_outputs(o, *result, *lang)) return *stop;
  return exit_status_for(result->snapshot, o.fail_on);
}

}  // namespace anshin::cli
