// anshin scan: plan the targets, sweep and identify, print the summary, write JSON.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>

#include "model/ports.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "kbops/load.h"
#include "core/text.h"
#include "i18n/catalog.h"
#include "report/json.h"
#include "report/observations.h"
#include "report/table.h"
#include "report/terminal.h"
#include "scan/pipeline.h"
#include "store/store.h"
#include "targets/targets.h"

namespace anshin::cli {

namespace {

// Each step returns the exit status to stop with, or nullopt to go on.
using Stop = std::optional<int>;

// The credentials file: --credentials, else ANSHIN_CREDENTIALS, else none.
std::string credentials_path(const ScanOptions& o) {
  if (!o.credentials.empty()) return o.credentials;
  if (const char* env = std::getenv("ANSHIN_CREDENTIALS"); env && *env) return env;
  return "";
}

// Intrusive checks, only with the contract's flags. Credentials come from a 0600 file named by
// o.credentials (resolved by credentials_path), never from the command line (there is no --password).
Stop intrusive_options(const ScanOptions& o, scan::IntrusiveOptions& intrusive) {
  intrusive.default_creds = o.check_default_creds;
  intrusive.cves_active = o.check_cves_active;
  if (!o.credentials.empty()) {
    auto file = scan::load_credentials_file(o.credentials);
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

// A site name: 1 to 100 bytes of valid UTF-8 without control characters, not only spaces.
bool valid_site(const std::string& site) {
  if (site.empty() || site.size() > 100 || text::trim(site).empty()) return false;
  if (text::sanitize_utf8(site) != site) return false;
  for (unsigned char c : site)
    if (c < 0x20 || c == 0x7f) return false;
  return true;
}

// The settings stored with a new scan for --resume (o: lang and credentials already resolved).
scan::ScanSettings settings_of(const ScanOptions& o) {
  return {.rate = o.rate,
          .concurrency = o.concurrency,
          .timeout_ms = o.timeout_ms,
          .retries = o.retries,
          .policy = o.policy,
          .check_default_creds = o.check_default_creds,
          .check_cves_active = o.check_cves_active,
          .sweep_only = o.sweep_only,
          .no_multicast = o.no_multicast,
          .lang = o.lang,
          .kb_dir = o.kb_dir,
          .credentials = o.credentials,
          .site = o.site};
}

std::string shown(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}
std::string shown(int v) { return std::to_string(v); }
std::string shown(uint64_t v) { return std::to_string(v); }
std::string shown(const std::string& v) { return quote_value(v); }
std::string shown(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return quote_value(out);
}
std::string shown(const std::vector<uint16_t>& v) {
  std::string out;
  for (uint16_t p : v) out += (out.empty() ? "" : ",") + std::to_string(p);
  return out;
}

// The stored value wins; `option` on the command line with another value is refused (exit 1).
template <typename T>
Stop keep(const ScanOptions& o, const char* option, const T& stored, T& value) {
  if (o.given.contains(option) && value != stored)
    return usage_error("cli.scan.resume_conflict",
                       {{"option", option}, {"stored", shown(stored)}, {"given", shown(value)}});
  value = stored;
  return std::nullopt;
}
// A flag: given on the command line, the stored scan must have run with it too.
Stop keep_flag(const ScanOptions& o, const char* option, bool stored, bool& value) {
  if (o.given.contains(option) && value && !stored)
    return usage_error("cli.scan.resume_conflict_flag", {{"option", option}});
  value = stored;
  return std::nullopt;
}

// Lays the stored settings over the command line's (`o`, lang and credentials resolved): every setting
// of the interrupted scan is kept, and one given again with another value is refused before anything is sent.
Stop keep_stored_settings(const scan::ScanSettings& s, ScanOptions& o) {
  const std::function<Stop()> steps[] = {
      [&] { return keep(o, "--rate", s.rate, o.rate); },
      [&] { return keep(o, "--concurrency", s.concurrency, o.concurrency); },
      [&] { return keep(o, "--timeout", s.timeout_ms, o.timeout_ms); },
      [&] { return keep(o, "--retries", s.retries, o.retries); },
      [&] { return keep(o, "--policy", s.policy, o.policy); },
      [&] { return keep(o, "--lang", s.lang, o.lang); },
      [&] { return keep(o, "--kb", s.kb_dir, o.kb_dir); },
      [&] { return keep(o, "--credentials", s.credentials, o.credentials); },
      [&] { return keep(o, "--site", s.site, o.site); },
      [&] { return keep_flag(o, "--check-default-creds", s.check_default_creds, o.check_default_creds); },
      [&] { return keep_flag(o, "--check-cves-active", s.check_cves_active, o.check_cves_active); },
      [&] { return keep_flag(o, "--sweep-only", s.sweep_only, o.sweep_only); },
      [&] { return keep_flag(o, "--no-multicast", s.no_multicast, o.no_multicast); },
  };
  for (const auto& step : steps)  // the first conflict is the one line printed
    if (auto stop = step()) return stop;
  return std::nullopt;
}

// The stored plan's ports, excludes, allow_public and seed: the command line may repeat them, not change them.
Stop keep_stored_plan(const targets::PlanOptions& stored, uint64_t stored_seed, ScanOptions& o) {
  if (o.given.contains("--ports")) {
    auto ports = targets::parse_ports(o.ports);
    if (!ports) return usage_error(with_prefix(ports.error(), "--ports: "));
    std::vector<uint16_t> given = *ports;
    if (auto stop = keep(o, "--ports", stored.ports, given)) return stop;
  }
  if (auto stop = keep(o, "--exclude", stored.excludes, o.excludes)) return stop;
  if (auto stop = keep_flag(o, "--allow-public", stored.allow_public, o.allow_public)) return stop;
  return keep(o, "--seed", stored_seed, o.seed);
}

// --resume: the stored scan's plan, seed, settings and progress replace the command line's; `o` gets the
// stored settings (rows stored before settings were kept leave the command line's in place).
Stop resume_request(ScanOptions& o, store::Store& inventory, scan::ScanRequest& req) {
  Result<std::optional<store::UnfinishedScan>> unfinished = std::optional<store::UnfinishedScan>();
  if (o.resume_scan.empty()) {
    unfinished = inventory.unfinished_scan();
  } else {
    auto chosen = inventory.find_scan(o.resume_scan);
    if (!chosen) return usage_error(chosen.error());
    unfinished = inventory.unfinished_scan(chosen->number);
    if (unfinished && !*unfinished)
      return usage_error("cli.scan.resume_scan_completed",
                         {{"scan", text::escape_for_terminal(chosen->info.id)}, {"path", inventory.path()}});
  }
  if (!unfinished) return usage_error(unfinished.error());
  if (!*unfinished) return usage_error("cli.scan.nothing_to_resume", {{"path", inventory.path()}});
  const auto& u = **unfinished;
  auto stored = scan::plan_options_from_json(u.scan.resume.plan_json);
  if (!stored) return usage_error(stored.error());
  if (auto stop = keep_stored_plan(stored->plan, u.scan.resume.seed, o)) return stop;
  if (stored->settings) {
    if (auto stop = keep_stored_settings(*stored->settings, o)) return stop;
    set_ui_lang(o.lang);
  }
  req.plan = stored->plan;
  req.seed = u.scan.resume.seed;
  req.resume = scan::ScanRequest::Resume{u.scan.number, u.scan.info, u.scan.resume.hosts_done, u.done_addresses};
  note("cli.scan.resuming", {{"id", text::escape_for_terminal(u.scan.info.id)},
                             {"hosts", std::to_string(u.scan.resume.hosts_done)},
                             {"devices", std::to_string(u.done_addresses.size())}});
  return std::nullopt;
}

// The JSON document, the observations, the terminal summary. With --json -, stdout carries the
// document and the human summary goes to stderr.
// `exploited`: the finding ids known to be exploited (the terminal's top actions).
Stop write_outputs(const ScanOptions& o, const scan::ScanResult& result, const std::string& lang,
                   const std::set<std::string>& exploited) {
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
  report::render_terminal(snap, human, {.color = use_color(human), .lang = lang,
                                        .width = report::terminal_width(fileno(human)), .exploited = exploited});
  std::fflush(human);
  if (!o.quiet)  // what was sent beyond the targets' own addresses
    for (const auto& segment : result.multicast_segments)
      std::fprintf(stderr, "anshin: %s\n", i18n::tr(lang, "scan.multicast_used", {{"segment", segment}}).c_str());
  if (result.stats.accept_any_silent > 0)  // not quiet-dependent: addresses left out of the results
    std::fprintf(stderr, "anshin: %s\n",
                 i18n::tr(lang, "scan.accept_any_silent", {{"count", std::to_string(result.stats.accept_any_silent)},
                                                           {"port", std::to_string(kCanaryPort)}})
                     .c_str());
  std::fflush(stdout);  // the summary before any later stderr line
  return std::nullopt;
}

}  // namespace

// Why `path` cannot be written as an output (atomically: a temporary file in its folder, then a rename), in
// the operating system's words; nullopt when it can. Nothing is created.
static std::optional<std::string> unwritable(const std::string& path) {
  std::filesystem::path p(path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : std::string(".");
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) return std::string(std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return std::string(std::strerror(ENOTDIR));
  if (::access(dir.c_str(), W_OK) != 0) return std::string(std::strerror(errno));
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return std::string(std::strerror(EISDIR));
    if (::access(path.c_str(), W_OK) != 0) return std::string(std::strerror(errno));
  }
  return std::nullopt;
}

int run_scan(const ScanOptions& command_line) {
  const auto lang = resolve_lang(command_line.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(command_line.lang)}});
  ScanOptions o = command_line;  // with lang and credentials resolved, and on --resume the stored settings
  o.lang = *lang;
  o.credentials = credentials_path(command_line);
  if (o.resume && (!o.targets.empty() || !o.import_nmap.empty())) return usage_error("cli.scan.resume_with_targets");
  if (o.resume && o.no_db) return usage_error("cli.scan.resume_without_db");
  if (o.targets.empty() && o.import_nmap.empty() && !o.resume) return usage_error("cli.scan.no_targets");
  if (o.given.contains("--site") && !valid_site(o.site)) return usage_error("cli.scan.bad_site", {{"value", quote_value(o.site)}});
  // An output that cannot be written is refused now, with the system's reason, not after a long scan.
  for (const std::string* out : {&o.json_out, &o.observations_out})
    if (!out->empty() && *out != "-")
      if (auto why = unwritable(*out))
        return usage_error("cli.cannot_write_why", {{"path", quote_value(*out)}, {"reason", *why}});

  // The inventory: opened before anything is sent, so a locked or foreign file stops the scan early.
  std::optional<store::Store> inventory;
  if (!o.no_db && (!o.dry_run || o.resume)) {
    auto opened = store::Store::open(o.db);
    if (!opened) return fail(store::exit_status_for(opened.error()), opened.error());
    inventory.emplace(std::move(*opened));
  }
  scan::ScanRequest resumed;
  if (o.resume)
    if (auto stop = resume_request(o, *inventory, resumed)) return *stop;
  for (const auto& line : not_built_yet_notes(o)) std::fprintf(stderr, "anshin: %s\n", line.c_str());

  scan::IntrusiveOptions intrusive;
  if (auto stop = intrusive_options(o, intrusive)) return *stop;
  scan::ScanRequest req;
  if (auto stop = plan_request(o, o.lang, req)) return *stop;
  req.intrusive = intrusive;
  req.settings = settings_of(o);
  if (inventory && !o.dry_run) req.store = &*inventory;
  if (o.resume) {
    req.plan = resumed.plan;
    req.seed = resumed.seed;
    req.resume = std::move(resumed.resume);
  }

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
  req.assess_options.lang = o.lang;
  if (o.dry_run) {
    scan::print_dry_run(*plan, o.seed, 20, stdout, o.lang);
    return 0;
  }

  auto result = scan::run_scan(req, *plan);
  if (!result) return fail(2, result.error());
  if (auto stop = write_outputs(o, *result, o.lang, assess::exploited_finding_ids(assessor->data()))) return *stop;
  return exit_status_for(result->snapshot, o.fail_on);
}

}  // namespace anshin::cli
