// Options of each contract command (docs/contract.md), parsed in main.cc, run by cmd_*.cc.
// Each run_* returns the process exit status: 0 ok, 1 bad usage/input, 2 could not run,
// 3 findings at or above --fail-on.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "i18n/catalog.h"

namespace anshin::cli {

struct ScanOptions {
  std::vector<std::string> targets;
  std::vector<std::string> excludes;
  std::vector<std::string> input_lists;    // -iL/--input-list FILE (nmap): become "@FILE" targets
  std::vector<std::string> exclude_files;  // --excludefile FILE (nmap): become "@FILE" excludes
  std::string import_nmap;
  std::string ports;            // empty = the default camera port set
  std::string json_out;         // "" = none, "-" = stdout
  std::string observations_out; // raw observations as JSON lines ("" = none)
  std::string db = "anshin.db";
  bool db_given = false;         // --db was on the command line
  std::set<std::string> given;   // the long names of the options on the command line ("--rate", ...)
  bool no_db = false;
  int concurrency = 512;
  double rate = 0;              // new connections per second, 0 = unlimited
  int timeout_ms = 1000;
  int retries = 5;
  std::string lang;             // "" = from LANG
  std::string kb_dir;           // "" = the built-in knowledge base
  std::string policy = "all";
  std::string fail_on;
  bool allow_public = false;
  bool dry_run = false;
  bool sweep_only = false;      // connect sweep only: no identification probes, no UDP discovery
  bool no_multicast = false;    // UDP discovery unicast only, no multicast on local segments
  bool check_default_creds = false;
  bool check_cves_active = false;
  bool resume = false;
  std::string resume_scan;      // --resume-scan: that stored scan (number or id) instead of the newest
  std::string credentials;
  std::string site;             // --site: the store, building or customer the scan belongs to
  bool quiet = false;
  uint64_t seed = 0;            // 0 = random permutation seed
};

struct LabOptions {
  std::string fleet = "default";
  std::string bind = "127.77.0.0/24";
  int scale = 0;                // 0 = the fleet as written; N = replicate to N devices
  std::string fleet_dir;        // "" = built-in fleets
  std::string ready_file;       // written once every listener is up (for scripts and tests)
  std::string log_file;         // --log: JSON lines, one per request/datagram received; "" = none
  int threads = 2;              // serving threads
};

struct DemoOptions {
  std::string lang;
  std::string json_out = "anshin-demo.json";
  std::string html_out = "anshin-report.html";
  std::string bind = "127.77.0.0/24";
  std::string fleet = "default";  // built-in fleet name or a YAML path (as `anshin lab --fleet`)
};

struct KbOptions {
  std::string kb_dir;              // "" = the KB in use (kbops/place.h)
  bool json = false;               // info --json
  std::string file;                // update FILE
  bool allow_downgrade = false;    // update --allow-downgrade
  std::string key;                 // bundle --key PRIVATE.pem
  std::string data_dir = "data";   // bundle --data DIR
  std::string out = "anshin-kb.bundle";  // bundle -o FILE
};

struct KbSuggestOptions {
  std::string observations;     // a `scan --observations` file
  std::string kb_dir;           // "" = the built-in knowledge base
};

struct ReportOptions {
  std::string db = "anshin.db";
  std::string scan;             // number or id; "" = the newest finished scan
  std::string format;           // json, csv, html, jsonl or cyclonedx
  std::string lang;             // "" = from LANG
  std::string out;              // "" or "-" = stdout
  bool excel = false;           // csv: UTF-8 BOM + CRLF
};

struct DiffOptions {
  std::string db = "anshin.db";
  std::vector<std::string> scans;  // none (the two newest finished scans) or OLD NEW
  std::string site;                // --site: the two newest finished scans of this site
  bool site_given = false;
  bool fail_on_change = false;     // exit 3 when anything changed
  bool json = false;
  std::string lang;                // "" = from LANG (the text output; --json is language-neutral)
};

struct ScansOptions {
  std::string db = "anshin.db";
  std::string site;                // --site: only this site's scans
  bool site_given = false;
  bool json = false;
  std::string lang;                // "" = from LANG
};

struct LookupOptions {
  std::vector<std::string> queries;  // each one brand/model string, e.g. "Annke C800"
  bool json = false;
  std::string lang;                  // "" = from LANG
  std::string policy = "all";
  std::string kb_dir;                // "" = the built-in knowledge base
};

struct ReassessOptions {
  std::string db = "anshin.db";
  std::string scan;                  // number or id; "" = the newest finished scan
  std::string lang;                  // "" = from LANG
  std::string policy = "all";
  std::string kb_dir;                // "" = the KB in use
};

struct TrafficOptions {
  std::vector<std::string> pcaps;    // --pcap FILE... (pcap or pcapng)
  std::string zeek_dir;              // --zeek DIR (conn/dns/ssl/http logs, TSV or JSON)
  std::string db;                    // "" = no inventory
  std::string json_out;              // "" = none
  std::string lang;                  // "" = from LANG
  std::string policy = "all";
  std::string kb_dir;                // "" = the KB in use
};

int run_scan(const ScanOptions&);
int run_traffic(const TrafficOptions&);
struct ServeOptions {
  std::string db = "anshin.db";
  std::string listen = "127.0.0.1:8741";
  std::string tls_cert;              // with tls_key: HTTPS (required for a non-loopback --listen)
  std::string tls_key;
  std::string add_user;              // add this user (password on stdin) and exit
  std::string role = "viewer";       // with --add-user: viewer or admin
  std::string ready_file;            // the bound ADDR:PORT is written here once listening (tests)
  int request_timeout_s = 10;        // a whole request must arrive within this
  std::string webhook;               // alerts: http://HOST:PORT/PATH ("" = none)
  std::string webhook_secret_file;   // alerts: the HMAC key, first line of this file
  std::string syslog;                // alerts: ADDRESS:PORT, UDP ("" = none)
  int alert_interval_s = 30;         // how often finished scans are looked for
  std::string webhook_ca;            // alerts: extra trusted CA certificates (PEM) for an https:// webhook
  int max_scans = 1;                 // scheduled audits: scans the server runs at once (0 = none: queue only)
  int schedule_tick_ms = 20000;      // how often schedules and the job queue are looked at (tests use less)
  std::string lang;                  // messages; the dashboard's language when the browser names none
  std::string add_sensor;            // issue a token for this sensor (printed once) and exit
  std::string sensor_site;           // with --add-sensor: the one site it acts for
  std::string revoke_sensor;         // revoke this sensor's token and exit
};

int run_serve(const ServeOptions&);

struct SensorOptions {
  std::string server;                // https://HOST:PORT (http:// only to a loopback address)
  std::string token_file;            // the token `serve --add-sensor` printed, first line
  std::string site;                  // the site it expects to act for ("" = whatever the token names)
  std::string spool = "anshin-sensor-spool";  // one inventory and state file per job
  std::string ca_file;               // trust these CA certificates instead of the system's
  std::vector<std::string> allow;    // local limit: scan only inside these ranges ("" = the site's)
  int poll_s = 30;                   // seconds between looks for a job when idle
  int heartbeat_s = 15;              // seconds between heartbeats while a job runs
  int chunk = 100;                   // devices per upload
  bool once = false;                 // handle at most one job (or one empty look), then exit
  std::string lang;
};

int run_sensor(const SensorOptions&);
int run_reassess(const ReassessOptions&);
int run_lookup(const LookupOptions&);
int run_lab(const LabOptions&);
int run_demo(const DemoOptions&);
int run_kb_verify(const KbOptions&);
int run_kb_suggest(const KbSuggestOptions&);
int run_kb_info(const KbOptions&);
int run_kb_update(const KbOptions&);
int run_kb_bundle(const KbOptions&);
// One line on stderr when the knowledge base version is more than 90 days old (scan, report).
void warn_if_stale(const std::string& kb_version);
int run_report(const ReportOptions&);
int run_diff(const DiffOptions&);
int run_scans(const ScansOptions&);

// The one-line answer to bad input: prints "anshin: <text>" on stderr in the message language
// (common.h: ui_lang) and returns 1. The text is the catalog entry `key` (data/i18n), or the error's.
int usage_error(std::string_view key, std::initializer_list<i18n::Arg> args = {});
int usage_error(const Error& error);
// The same line for an error that stops a command, with the given exit status (2: could not run).
int fail(int status, const Error& error);

}  // namespace anshin::cli
