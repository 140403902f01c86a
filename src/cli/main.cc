// anshin command line: parses every contract command with CLI11 and hands a plain options struct
// to cmd_*.cc. Parse errors are one line on stderr and exit status 1.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <functional>
#include <string>

#include "cli/commands.h"
#include "core/version.h"

namespace anshin::cli {

int usage_error(const std::string& message) {
  std::fprintf(stderr, "anshin: %s\n", message.c_str());
  return 1;
}

}  // namespace anshin::cli

int main(int argc, char** argv) {
  using namespace anshin::cli;
  CLI::App app{"anshin: audit the IP video-surveillance equipment on a network"};
  app.set_version_flag("--version", std::string(anshin::kToolVersion));
  app.require_subcommand(1);
  std::function<int()> run;

  ScanOptions scan;
  auto* s = app.add_subcommand("scan", "discover, identify and assess every device at TARGET");
  s->add_option("targets", scan.targets, "addresses, CIDRs, ranges, host names or @FILE");
  s->add_option("--exclude", scan.excludes, "remove these addresses (repeatable)");
  s->add_option("--import-nmap", scan.import_nmap, "add the hosts and open ports of an nmap XML run");
  s->add_option("-p,--ports", scan.ports, "ports, e.g. 80,443,554,8000-8010 (default: camera port set)");
  s->add_option("--json", scan.json_out, "write anshin.scan/1 JSON to FILE ('-' = stdout)");
  s->add_option("--observations", scan.observations_out, "write what every probe saw, one host per JSON line");
  auto* db_opt = s->add_option("--db", scan.db, "inventory database");
  s->add_flag("--no-db", scan.no_db, "do not store the scan");
  s->add_option("--concurrency", scan.concurrency, "connections in flight at once")->check(CLI::Range(1, 20000));
  s->add_option("--rate", scan.rate, "new connections per second (0 = unlimited)")->check(CLI::Range(0.0, 1e7));
  s->add_option("--timeout", scan.timeout_ms, "per-connection timeout in ms")->check(CLI::Range(10, 60000));
  s->add_option("--retries", scan.retries, "retries after a connect timeout")->check(CLI::Range(0, 5));
  s->add_option("--lang", scan.lang, "report language: ja or en (default from LANG)");
  s->add_option("--kb", scan.kb_dir, "knowledge-base folder (development; default: built in)");
  s->add_option("--policy", scan.policy, "policies to apply: us,uk,au or all");
  s->add_option("--fail-on", scan.fail_on, "exit 3 when a finding is at or above SEVERITY")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical"}));
  s->add_flag("--allow-public", scan.allow_public, "allow addresses outside private, loopback, link-local");
  s->add_flag("--dry-run", scan.dry_run, "print what would be probed, send nothing");
  s->add_flag("--sweep-only", scan.sweep_only, "find open ports only: no identification probes, no UDP discovery");
  s->add_flag("--no-multicast", scan.no_multicast, "UDP discovery by unicast only, even on a local segment");
  s->add_flag("--check-default-creds", scan.check_default_creds, "try documented factory defaults (intrusive)");
  s->add_flag("--check-cves-active", scan.check_cves_active, "send read-only CVE confirmation requests (intrusive)");
  s->add_flag("--resume", scan.resume, "finish the interrupted scan stored in --db");
  s->add_option("--credentials", scan.credentials, "credentials file (mode 0600)");
  s->add_flag("-q,--quiet", scan.quiet, "no progress line");
  s->add_option("--seed", scan.seed, "permutation seed (default random)");
  s->callback([&] {
    scan.db_given = db_opt->count() > 0;
    run = [&] { return run_scan(scan); };
  });

  LabOptions lab;
  auto* l = app.add_subcommand("lab", "run the simulated device fleet on loopback until interrupted");
  l->add_option("--fleet", lab.fleet, "fleet name (lab/fleets/NAME.yaml) or a YAML file path");
  l->add_option("--bind", lab.bind, "loopback CIDR to serve on");
  l->add_option("--scale", lab.scale, "replicate the fleet to N devices over --bind")->check(CLI::Range(0, 1000000));
  l->add_option("--ready-file", lab.ready_file, "write this file once all listeners are up");
  l->add_option("--fleet-dir", lab.fleet_dir, "folder holding NAME.yaml fleets (default: built in)");
  l->add_option("--log", lab.log_file, "append every request/datagram received as a JSON line");
  l->add_option("--threads", lab.threads, "serving threads")->check(CLI::Range(1, 64));
  l->callback([&] { run = [&] { return run_lab(lab); }; });

  DemoOptions demo;
  auto* d = app.add_subcommand("demo", "start the lab fleet, scan it, print the summary, write the report");
  d->add_option("--lang", demo.lang, "ja or en");
  d->add_option("--json", demo.json_out, "where to write the scan JSON");
  d->add_option("--html", demo.html_out, "where to write the HTML report");
  d->add_option("--bind", demo.bind, "loopback CIDR for the demo fleet");
  d->callback([&] { run = [&] { return run_demo(demo); }; });

  ReportOptions report;
  auto* r = app.add_subcommand("report", "render a stored scan (default: the newest)");
  r->add_option("--db", report.db, "inventory database");
  r->add_option("--scan", report.scan, "scan number or id (default: the newest finished scan)");
  r->add_option("--format", report.format, "json, csv or html")
      ->required()
      ->check(CLI::IsMember({"json", "csv", "html"}));
  r->add_option("--lang", report.lang, "ja or en (default from LANG)");
  r->add_option("-o,--output", report.out, "write to FILE (default: stdout)");
  r->add_flag("--excel", report.excel, "CSV for Excel: UTF-8 with BOM and CRLF (Japanese Excel opens it)");
  r->callback([&] { run = [&] { return run_report(report); }; });

  DiffOptions diff;
  auto* df = app.add_subcommand("diff", "what changed between two stored scans (default: the two newest)");
  df->add_option("--db", diff.db, "inventory database");
  df->add_option("scans", diff.scans, "OLD NEW: scan numbers or ids")->expected(0, 2);
  df->add_flag("--json", diff.json, "anshin.diff/1 JSON on stdout");
  df->callback([&] { run = [&] { return run_diff(diff); }; });

  LookupOptions lookup;
  auto* lk = app.add_subcommand("lookup", "offline, before purchase: who makes this brand/model, which policies, which CVEs");
  lk->add_option("queries", lookup.queries, "brand/model strings, e.g. \"Annke C800\" DS-2CD2043G0-I")->required();
  lk->add_flag("--json", lookup.json, "JSON on stdout");
  lk->add_option("--lang", lookup.lang, "ja or en (default from LANG)");
  lk->add_option("--policy", lookup.policy, "policies to apply: us,uk,au, all or none");
  lk->add_option("--kb", lookup.kb_dir, "knowledge-base folder (development; default: built in)");
  lk->callback([&] { run = [&] { return run_lookup(lookup); }; });

  KbOptions kb;
  auto* k = app.add_subcommand("kb", "knowledge-base tools");
  k->require_subcommand(1);
  auto* kv = k->add_subcommand("verify", "check every rule against its examples");
  kv->add_option("--kb", kb.kb_dir, "knowledge-base folder (default: built in)");
  kv->callback([&] { run = [&] { return run_kb_verify(kb); }; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  }
  return run ? run() : 0;
}
