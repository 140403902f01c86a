// anshin traffic (--pcap FILE... | --zeek DIR) [--db DB] [--json FILE]: passive evidence. Reads capture
// files or Zeek logs (never the network), decides the devices the traffic reveals with the knowledge base
// in use, adds the traffic.* findings, prints the terminal summary, and writes anshin.scan/1 JSON and/or
// a scan in the inventory. Exit 0 done; 1 bad usage or unreadable input; 2 could not write the outputs.
#include <cstdio>
#include <string>

#include "cli/commands.h"
#include "cli/common.h"
#include "codec/packet/packet.h"
#include "core/clock.h"
#include "core/text.h"
#include "core/version.h"
#include "kbops/load.h"
#include "report/json.h"
#include "report/terminal.h"
#include "store/store.h"
#include "traffic/capture.h"
#include "traffic/devices.h"
#include "traffic/zeek.h"

namespace anshin::cli {
namespace {

// Reads every input into the analyzer; prints the reading summary on stderr.
Result<void> read_inputs(const TrafficOptions& o, traffic::Analyzer& analyzer) {
  if (!o.zeek_dir.empty()) {
    traffic::ZeekStats zs;
    if (auto r = traffic::read_zeek_dir(o.zeek_dir, analyzer, zs); !r) return r;
    note("cli.traffic.read_zeek", {{"files", std::to_string(zs.files)}, {"records", std::to_string(zs.records)},
                                   {"skipped", std::to_string(zs.skipped_lines)}});
    return {};
  }
  traffic::CaptureStats cs;
  for (const auto& path : o.pcaps) {
    auto r = traffic::read_capture(path, [&analyzer](const traffic::CapturedPacket& p) {
      auto frame = codec::packet::decode_frame(p.bytes, p.link_type);
      if (frame) analyzer.packet(p.time_us, *frame);
      else analyzer.undecoded_packet();
    }, cs);
    if (!r) return r;
  }
  if (!cs.cut.empty()) note("cli.traffic.capture_cut", {{"reason", text::escape_for_terminal(cs.cut)}});
  note("cli.traffic.read_pcap", {{"files", std::to_string(o.pcaps.size())}, {"packets", std::to_string(cs.packets)},
                                 {"bytes", traffic::byte_text(cs.bytes)},
                                 {"undecoded", std::to_string(analyzer.stats().undecoded)}});
  return {};
}

// The devices the inventory already knows (its newest finished active scan: a capture's devices are only
// those that talked), so that traffic attaches to them.
void add_known_devices(store::Store& db, traffic::DeviceOptions& options) {
  auto all = db.list_scans();
  if (!all) return;
  const store::StoredScan* latest = nullptr;
  for (const auto& s : *all)
    if (!s.info.finished.empty() && scan_kind(s.info) == ScanKind::kActive) latest = &s;
  if (latest == nullptr) return;
  auto snap = db.snapshot(latest->number);
  if (!snap) return;
  for (const auto& d : snap->devices) {
    options.known_addresses.insert(d.address);
    if (d.mac) options.known_macs.emplace(text::to_lower(*d.mac), d.address);
  }
  options.known_record = [&db, number = latest->number](const IpAddr& address) -> std::optional<HostRecord> {
    auto rec = db.host_record(number, address);
    if (!rec) return std::nullopt;
    return std::move(*rec);
  };
}

int store_scan(store::Store& db, const ScanSnapshot& snap, const std::vector<traffic::PassiveDevice>& devices) {
  auto begun = db.begin_scan(snap.scan);
  if (!begun) return fail(store::exit_status_for(begun.error()), begun.error());
  for (const auto& d : devices)
    if (auto put = db.put_device(*begun, d.device, d.host); !put) return fail(store::exit_status_for(put.error()), put.error());
  if (auto done = db.finish_scan(*begun, snap.scan.finished, false); !done)
    return fail(store::exit_status_for(done.error()), done.error());
  note("cli.traffic.stored", {{"number", std::to_string(*begun)}, {"path", db.path()}});
  return 0;
}

}  // namespace

int run_traffic(const TrafficOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  if (o.pcaps.empty() == o.zeek_dir.empty()) return usage_error("cli.traffic.one_input");
  kb::Diagnostics diags, assess_diags;
  std::shared_ptr<const assess::Assessor> assessor;
  auto in_use = kbops::load_kb_in_use(o.kb_dir, kbops::default_places(), "/usr/share/ieee-data", diags,
                                      keep_assessor(assessor, assess_diags));
  if (!in_use) {
    print_errors(diags);
    print_errors(assess_diags);
    return usage_error("cli.kb_does_not_load");
  }
  auto juris = assess::parse_policy_option(o.policy, assessor->data().jurisdictions());
  if (!juris) return usage_error(with_prefix(juris.error(), "--policy: "));
  std::optional<store::Store> db;
  if (!o.db.empty()) {
    auto opened = store::Store::open(o.db);
    if (!opened) return fail(store::exit_status_for(opened.error()), opened.error());
    db.emplace(std::move(*opened));
  }

  ScanSnapshot snap;
  const auto started = std::chrono::system_clock::now();
  snap.scan.id = new_scan_id(started);
  snap.scan.started = rfc3339_utc(started);
  snap.scan.tool_version = std::string(kToolVersion);
  snap.scan.kb_version = in_use->kb->kb_version();
  if (!o.zeek_dir.empty()) snap.scan.targets.push_back("zeek:" + o.zeek_dir);
  for (const auto& p : o.pcaps) snap.scan.targets.push_back("pcap:" + p);

  traffic::Analyzer analyzer(in_use->kb->services());
  if (auto r = read_inputs(o, analyzer); !r) return usage_error(r.error());
  analyzer.finish();

  traffic::DeviceOptions options;
  options.kb = in_use->kb.get();
  options.assessor = assessor.get();
  options.assess.jurisdictions = *juris;
  options.assess.lang = *lang;
  if (db) add_known_devices(*db, options);
  size_t others = 0;
  auto devices = traffic::build_devices(analyzer, options, &others);
  for (const auto& d : devices) snap.devices.push_back(d.device);
  snap.scan.addresses = analyzer.hosts().size();
  snap.scan.finished = now_rfc3339_utc();
  note("cli.traffic.hosts", {{"hosts", std::to_string(analyzer.hosts().size())},
                             {"devices", std::to_string(devices.size())}, {"others", std::to_string(others)}});

  if (!o.json_out.empty())
    if (auto w = write_file_atomically(o.json_out, [&snap](std::ostream& out) { report::write_json(snap, out); }); !w)
      return fail(2, w.error());
  if (db)
    if (int rc = store_scan(*db, snap, devices); rc != 0) return rc;
  report::render_terminal(snap, stdout, {.color = use_color(stdout), .lang = *lang});
  return std::fflush(stdout) == 0 ? 0 : 2;
}

}  // namespace anshin::cli
