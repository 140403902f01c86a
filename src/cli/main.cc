// anshin command line: parses every contract command with CLI11 and hands a plain options struct
// to cmd_*.cc. Parse errors are one line on stderr and exit status 1.
//
// Messages, --help and parse errors are in the user's language (data/i18n: help.*, cli.*), decided
// before parsing: --lang on the command line, else LC_ALL/LC_MESSAGES/LANG, else English.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>

#include "cli/cli11_i18n.h"
#include "cli/commands.h"
#include "cli/config.h"
#include "cli/docgen.h"
#include "cli/common.h"
#include "core/version.h"
#include "i18n/catalog.h"

namespace {

using namespace anshin::cli;
using Help = std::function<std::string(std::string_view)>;  // --help text of a catalog key

// nmap's -iL FILE: CLI11 short names are one letter, so "-iL" is spelled as this long option before parsing.
constexpr const char* kInputListOption = "--input-list";

// Rewrites nmap's "-iL" (a token of its own, after the scan command) to kInputListOption.
void accept_nmap_input_list(int argc, char** argv) {
  bool in_scan = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return;
    if (arg == "scan") in_scan = true;
    if (in_scan && arg == "-iL") argv[i] = const_cast<char*>(kInputListOption);
  }
}

// One function per contract command: its options and flags, bound to the options struct (which must
// outlive the parse and the run); parsing the command sets `run`.
void add_scan_command(CLI::App& app, ScanOptions& scan, std::function<int()>& run, const Help& H) {
  auto* s = app.add_subcommand("scan", H("help.command.scan"));
  s->add_option("targets", scan.targets, H("help.scan.targets"));
  s->add_option("--exclude", scan.excludes, H("help.scan.exclude"));
  s->add_option(kInputListOption, scan.input_lists, H("help.scan.input_list"));
  s->add_option("--excludefile", scan.exclude_files, H("help.scan.excludefile"));
  s->add_option("--import-nmap", scan.import_nmap, H("help.scan.import_nmap"));
  s->add_option("-p,--ports", scan.ports, H("help.scan.ports"));
  s->add_option("--json", scan.json_out, H("help.scan.json"));
  s->add_option("--observations", scan.observations_out, H("help.scan.observations"));
  auto* db_opt = s->add_option("--db", scan.db, H("help.db"));
  s->add_flag("--no-db", scan.no_db, H("help.scan.no_db"));
  s->add_option("--concurrency", scan.concurrency, H("help.scan.concurrency"))->check(CLI::Range(1, 20000));
  s->add_option("--rate", scan.rate, H("help.scan.rate"))->check(CLI::Range(0.0, 1e7));
  s->add_option("--timeout", scan.timeout_ms, H("help.scan.timeout"))->check(CLI::Range(10, 60000));
  s->add_option("--retries", scan.retries, H("help.scan.retries"))->check(CLI::Range(0, 5));
  s->add_option("--lang", scan.lang, H("help.lang"));
  s->add_option("--kb", scan.kb_dir, H("help.kb_dir"));
  s->add_option("--policy", scan.policy, H("help.scan.policy"));
  s->add_option("--fail-on", scan.fail_on, H("help.scan.fail_on"))
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
  s->add_flag("--allow-public", scan.allow_public, H("help.scan.allow_public"));
  s->add_flag("--dry-run", scan.dry_run, H("help.scan.dry_run"));
  s->add_flag("--sweep-only", scan.sweep_only, H("help.scan.sweep_only"));
  s->add_flag("--no-multicast", scan.no_multicast, H("help.scan.no_multicast"));
  s->add_flag("--check-default-creds", scan.check_default_creds, H("help.scan.check_default_creds"));
  s->add_flag("--check-cves-active", scan.check_cves_active, H("help.scan.check_cves_active"));
  s->add_flag("--resume", scan.resume, H("help.scan.resume"));
  s->add_option("--resume-scan", scan.resume_scan, H("help.scan.resume_scan"));
  s->add_option("--credentials", scan.credentials, H("help.scan.credentials"));
  s->add_option("--site", scan.site, H("help.scan.site"));
  s->add_flag("-q,--quiet", scan.quiet, H("help.scan.quiet"));
  s->add_option("--seed", scan.seed, H("help.scan.seed"));
  s->callback([o = &scan, run_slot = &run, db_opt, s] {
    o->db_given = db_opt->count() > 0;
    if (!o->resume_scan.empty()) o->resume = true;
    for (const CLI::Option* opt : s->get_options())
      if (opt->count() > 0) o->given.insert(opt->get_name());
    // The nmap spellings are @FILE targets and excludes (--resume compares them as --exclude).
    for (const auto& file : o->input_lists) o->targets.push_back("@" + file);
    for (const auto& file : o->exclude_files) o->excludes.push_back("@" + file);
    if (!o->exclude_files.empty()) o->given.insert("--exclude");
    *run_slot = [o] { return run_scan(*o); };
  });
}

void add_lab_command(CLI::App& app, LabOptions& lab, std::function<int()>& run, const Help& H) {
  auto* l = app.add_subcommand("lab", H("help.command.lab"));
  l->add_option("--fleet", lab.fleet, H("help.lab.fleet"));
  l->add_option("--bind", lab.bind, H("help.lab.bind"));
  l->add_option("--scale", lab.scale, H("help.lab.scale"))->check(CLI::Range(0, 1000000));
  l->add_option("--ready-file", lab.ready_file, H("help.lab.ready_file"));
  l->add_option("--fleet-dir", lab.fleet_dir, H("help.lab.fleet_dir"));
  l->add_option("--log", lab.log_file, H("help.lab.log"));
  l->add_option("--threads", lab.threads, H("help.lab.threads"))->check(CLI::Range(1, 64));
  l->callback([o = &lab, run_slot = &run] { *run_slot = [o] { return run_lab(*o); }; });
}

void add_demo_command(CLI::App& app, DemoOptions& demo, std::function<int()>& run, const Help& H) {
  auto* d = app.add_subcommand("demo", H("help.command.demo"));
  d->add_option("--lang", demo.lang, H("help.lang"));
  d->add_option("--json", demo.json_out, H("help.demo.json"));
  d->add_option("--html", demo.html_out, H("help.demo.html"));
  d->add_option("--bind", demo.bind, H("help.demo.bind"));
  d->add_option("--fleet", demo.fleet, H("help.demo.fleet"));
  d->callback([o = &demo, run_slot = &run] { *run_slot = [o] { return run_demo(*o); }; });
}

void add_report_command(CLI::App& app, ReportOptions& report, std::function<int()>& run, const Help& H) {
  auto* r = app.add_subcommand("report", H("help.command.report"));
  r->add_option("--db", report.db, H("help.db"));
  r->add_option("--scan", report.scan, H("help.report.scan"));
  r->add_option("--format", report.format, H("help.report.format"))
      ->required()
      ->check(CLI::IsMember({"json", "csv", "html", "jsonl", "cyclonedx"}));
  r->add_option("--lang", report.lang, H("help.lang"));
  r->add_option("-o,--output", report.out, H("help.report.output"));
  r->add_flag("--excel", report.excel, H("help.report.excel"));
  r->callback([o = &report, run_slot = &run] { *run_slot = [o] { return run_report(*o); }; });
}

void add_diff_command(CLI::App& app, DiffOptions& diff, std::function<int()>& run, const Help& H) {
  auto* df = app.add_subcommand("diff", H("help.command.diff"));
  df->add_option("--db", diff.db, H("help.db"));
  df->add_option("scans", diff.scans, H("help.diff.scans"))->expected(0, 2);
  df->add_flag("--json", diff.json, H("help.diff.json"));
  auto* site = df->add_option("--site", diff.site, H("help.diff.site"));
  df->add_flag("--fail-on-change", diff.fail_on_change, H("help.diff.fail_on_change"));
  df->add_option("--lang", diff.lang, H("help.lang"));
  df->callback([o = &diff, site, run_slot = &run] {
    o->site_given = site->count() > 0;
    *run_slot = [o] { return run_diff(*o); };
  });
}

void add_scans_command(CLI::App& app, ScansOptions& scans, std::function<int()>& run, const Help& H) {
  auto* sc = app.add_subcommand("scans", H("help.command.scans"));
  sc->add_option("--db", scans.db, H("help.db"));
  auto* site = sc->add_option("--site", scans.site, H("help.scans.site"));
  sc->add_flag("--json", scans.json, H("help.scans.json"));
  sc->add_option("--lang", scans.lang, H("help.lang"));
  sc->callback([o = &scans, site, run_slot = &run] {
    o->site_given = site->count() > 0;
    *run_slot = [o] { return run_scans(*o); };
  });
}

void add_lookup_command(CLI::App& app, LookupOptions& lookup, std::function<int()>& run, const Help& H) {
  auto* lk = app.add_subcommand("lookup", H("help.command.lookup"));
  lk->add_option("queries", lookup.queries, H("help.lookup.queries"))->required();
  lk->add_flag("--json", lookup.json, H("help.lookup.json"));
  lk->add_option("--lang", lookup.lang, H("help.lang"));
  lk->add_option("--policy", lookup.policy, H("help.lookup.policy"));
  lk->add_option("--kb", lookup.kb_dir, H("help.kb_dir"));
  lk->callback([o = &lookup, run_slot = &run] { *run_slot = [o] { return run_lookup(*o); }; });
}

void add_kb_command(CLI::App& app, KbOptions& kb, std::function<int()>& run, const Help& H) {
  auto* k = app.add_subcommand("kb", H("help.command.kb"));
  k->require_subcommand(1);
  auto* kv = k->add_subcommand("verify", H("help.command.kb_verify"));
  kv->add_option("--kb", kb.kb_dir, H("help.kb_dir"));
  kv->callback([o = &kb, run_slot = &run] { *run_slot = [o] { return run_kb_verify(*o); }; });
  auto* ki = k->add_subcommand("info", H("help.command.kb_info"));
  ki->add_option("--kb", kb.kb_dir, H("help.kb_dir"));
  ki->add_flag("--json", kb.json, H("help.kb.json"));
  ki->callback([o = &kb, run_slot = &run] { *run_slot = [o] { return run_kb_info(*o); }; });
  auto* ku = k->add_subcommand("update", H("help.command.kb_update"));
  ku->add_option("file", kb.file, H("help.kb.file"))->required();
  ku->add_flag("--allow-downgrade", kb.allow_downgrade, H("help.kb.allow_downgrade"));
  ku->callback([o = &kb, run_slot = &run] { *run_slot = [o] { return run_kb_update(*o); }; });
  auto* kbn = k->add_subcommand("bundle", H("help.command.kb_bundle"));
  kbn->add_option("--key", kb.key, H("help.kb.key"))->required();
  kbn->add_option("--data", kb.data_dir, H("help.kb.data"));
  kbn->add_option("-o,--output", kb.out, H("help.kb.output"));
  kbn->callback([o = &kb, run_slot = &run] { *run_slot = [o] { return run_kb_bundle(*o); }; });
}

void add_kb_suggest_command(CLI::App& kb_app, KbSuggestOptions& suggest, std::function<int()>& run, const Help& H) {
  auto* ks = kb_app.add_subcommand("suggest", H("help.command.kb_suggest"));
  ks->add_option("observations", suggest.observations, H("help.kb_suggest_file"))->required();
  ks->add_option("--kb", suggest.kb_dir, H("help.kb_dir"));
  ks->callback([o = &suggest, run_slot = &run] { *run_slot = [o] { return run_kb_suggest(*o); }; });
}

void add_reassess_command(CLI::App& app, ReassessOptions& reassess, std::function<int()>& run, const Help& H) {
  auto* ra = app.add_subcommand("reassess", H("help.command.reassess"));
  ra->add_option("--db", reassess.db, H("help.db"));
  ra->add_option("--scan", reassess.scan, H("help.reassess.scan"));
  ra->add_option("--lang", reassess.lang, H("help.lang"));
  ra->add_option("--policy", reassess.policy, H("help.lookup.policy"));
  ra->add_option("--kb", reassess.kb_dir, H("help.kb_dir"));
  ra->callback([o = &reassess, run_slot = &run] { *run_slot = [o] { return run_reassess(*o); }; });
}

void add_traffic_command(CLI::App& app, TrafficOptions& traffic, std::function<int()>& run, const Help& H) {
  auto* t = app.add_subcommand("traffic", H("help.command.traffic"));
  auto* pcap = t->add_option("--pcap", traffic.pcaps, H("help.traffic.pcap"))->check(CLI::ExistingFile);
  auto* zeek = t->add_option("--zeek", traffic.zeek_dir, H("help.traffic.zeek"))->check(CLI::ExistingDirectory);
  pcap->excludes(zeek);
  t->add_option("--db", traffic.db, H("help.traffic.db"));
  t->add_option("--json", traffic.json_out, H("help.traffic.json"));
  t->add_option("--lang", traffic.lang, H("help.lang"));
  t->add_option("--policy", traffic.policy, H("help.lookup.policy"));
  t->add_option("--kb", traffic.kb_dir, H("help.kb_dir"));
  t->callback([o = &traffic, run_slot = &run] { *run_slot = [o] { return run_traffic(*o); }; });
}

void add_serve_command(CLI::App& app, ServeOptions& serve, std::function<int()>& run, const Help& H) {
  auto* sv = app.add_subcommand("serve", H("help.command.serve"));
  sv->add_option("--db", serve.db, H("help.db"));
  sv->add_option("--listen", serve.listen, H("help.serve.listen"));
  sv->add_option("--tls-cert", serve.tls_cert, H("help.serve.tls_cert"));
  sv->add_option("--tls-key", serve.tls_key, H("help.serve.tls_key"));
  sv->add_option("--add-user", serve.add_user, H("help.serve.add_user"));
  sv->add_option("--role", serve.role, H("help.serve.role"))->check(CLI::IsMember({"viewer", "admin"}));
  sv->add_option("--ready-file", serve.ready_file, H("help.serve.ready_file"));
  sv->add_option("--lang", serve.lang, H("help.lang"));
  sv->add_option("--request-timeout", serve.request_timeout_s, H("help.serve.request_timeout"))->check(CLI::Range(1, 300));
  sv->add_option("--webhook", serve.webhook, H("help.serve.webhook"));
  sv->add_option("--webhook-secret-file", serve.webhook_secret_file, H("help.serve.webhook_secret_file"));
  sv->add_option("--syslog", serve.syslog, H("help.serve.syslog"));
  sv->add_option("--alert-interval", serve.alert_interval_s, H("help.serve.alert_interval"))->check(CLI::Range(1, 86400));
  sv->add_option("--webhook-ca", serve.webhook_ca, H("help.serve.webhook_ca"))->check(CLI::ExistingFile);
  sv->add_option("--max-scans", serve.max_scans, H("help.serve.max_scans"))->check(CLI::Range(0, 16));
  sv->add_option("--schedule-tick-ms", serve.schedule_tick_ms, H("help.serve.schedule_tick_ms"))->check(CLI::Range(100, 600000));
  sv->add_option("--add-sensor", serve.add_sensor, H("help.serve.add_sensor"));
  sv->add_option("--site", serve.sensor_site, H("help.serve.sensor_site"));
  sv->add_option("--revoke-sensor", serve.revoke_sensor, H("help.serve.revoke_sensor"));
  sv->callback([o = &serve, run_slot = &run] { *run_slot = [o] { return run_serve(*o); }; });
}

void add_sensor_command(CLI::App& app, SensorOptions& sensor, std::function<int()>& run, const Help& H) {
  auto* sn = app.add_subcommand("sensor", H("help.command.sensor"));
  sn->add_option("--server", sensor.server, H("help.sensor.server"))->required();
  sn->add_option("--token-file", sensor.token_file, H("help.sensor.token_file"))->required();
  sn->add_option("--site", sensor.site, H("help.sensor.site"));
  sn->add_option("--spool", sensor.spool, H("help.sensor.spool"));
  sn->add_option("--ca-file", sensor.ca_file, H("help.sensor.ca_file"));
  sn->add_option("--allow", sensor.allow, H("help.sensor.allow"));
  sn->add_option("--poll", sensor.poll_s, H("help.sensor.poll"))->check(CLI::Range(1, 86400));
  sn->add_option("--heartbeat", sensor.heartbeat_s, H("help.sensor.heartbeat"))->check(CLI::Range(1, 3600));
  sn->add_option("--chunk", sensor.chunk, H("help.sensor.chunk"))->check(CLI::Range(1, 1000));
  sn->add_flag("--once", sensor.once, H("help.sensor.once"));
  sn->add_option("--lang", sensor.lang, H("help.lang"));
  sn->callback([o = &sensor, run_slot = &run] { *run_slot = [o] { return run_sensor(*o); }; });
}

// The hidden `_generate` command: man pages and completions from this very tree (cli/docgen.h).
struct GenerateOptions {
  std::string kind;
  std::string out;
  std::string lang = "en";
};

void add_generate_command(CLI::App& app, GenerateOptions& gen, std::function<int()>& run, const Help& H) {
  auto* g = app.add_subcommand("_generate", H("help.command.generate"));
  g->add_option("kind", gen.kind, H("help.generate.kind"))->required()->check(CLI::IsMember({"man", "bash", "zsh", "fish"}));
  g->add_option("--lang", gen.lang, H("help.lang"))->check(CLI::IsMember({"en", "ja"}));
  g->add_option("-o,--output", gen.out, H("help.generate.output"));
  g->callback([o = &gen, run_slot = &run, &app] { *run_slot = [o, &app] { return run_generate(app, o->kind, o->out, o->lang); }; });
}

// Every option of every command, for as long as the command runs.
struct CommandOptions {
  ScanOptions scan;
  LabOptions lab;
  DemoOptions demo;
  ReportOptions report;
  DiffOptions diff;
  ScansOptions scans;
  LookupOptions lookup;
  KbOptions kb;
  KbSuggestOptions suggest;
  ReassessOptions reassess;
  TrafficOptions traffic;
  ServeOptions serve;
  SensorOptions sensor;
  GenerateOptions generate;
};

// The whole command line in `lang`: every contract command with its options bound to `o`.
void build_app(CLI::App& app, CommandOptions& o, std::function<int()>& run, const std::string& lang) {
  const Help H = [&lang](std::string_view key) { return anshin::i18n::tr(lang, key); };
  app.description(H("help.app"));
  localize_help_labels(app, lang);
  app.set_help_flag("-h,--help", H("help.help"));
  app.set_version_flag("--version", std::string(anshin::kToolVersion), H("help.version"));
  app.require_subcommand(1);
  add_scan_command(app, o.scan, run, H);
  add_lab_command(app, o.lab, run, H);
  add_demo_command(app, o.demo, run, H);
  add_report_command(app, o.report, run, H);
  add_diff_command(app, o.diff, run, H);
  add_scans_command(app, o.scans, run, H);
  add_lookup_command(app, o.lookup, run, H);
  add_kb_command(app, o.kb, run, H);
  add_kb_suggest_command(*app.get_subcommand("kb"), o.suggest, run, H);
  add_reassess_command(app, o.reassess, run, H);
  add_traffic_command(app, o.traffic, run, H);
  add_serve_command(app, o.serve, run, H);
  add_sensor_command(app, o.sensor, run, H);
  add_generate_command(app, o.generate, run, H);
  localize_help_groups(app, lang);
  app.get_subcommand("_generate")->group("");  // hidden from --help, man pages and completions
}

// A fresh application for trial parses (the configuration file's checks), owning its options.
std::shared_ptr<CLI::App> scratch_app() {
  struct Scratch {
    CLI::App app;
    CommandOptions options;
    std::function<int()> run;
  };
  auto scratch = std::make_shared<Scratch>();
  build_app(scratch->app, scratch->options, scratch->run, "en");
  return std::shared_ptr<CLI::App>(scratch, &scratch->app);
}

}  // namespace

int main(int argc, char** argv) {
  accept_nmap_input_list(argc, argv);
  set_ui_lang(lang_for_messages(argc, argv));
  auto configured = apply_config(std::vector<std::string>(argv, argv + argc), scratch_app, config_paths());
  if (!configured) return usage_error(configured.error());
  std::vector<std::string>& args = configured->args;
  std::vector<char*> arg_ptrs;
  for (auto& a : args) arg_ptrs.push_back(a.data());
  const int n = static_cast<int>(arg_ptrs.size());
  set_ui_lang(lang_for_messages(n, arg_ptrs.data()));  // --lang from the configuration counts too
  const std::string lang = ui_lang();

  CLI::App app;
  CommandOptions options;
  std::function<int()> run;
  build_app(app, options, run, lang);
  try {
    app.parse(n, arg_ptrs.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "anshin: %s\n", parse_error_message(lang, app, e, n, arg_ptrs.data()).c_str());
    return 1;
  }
  // A configuration value is a default, not a choice made for this run (scan --resume keeps its stored one).
  for (const auto& name : configured->injected) options.scan.given.erase(name);
  return run ? run() : 0;
}
