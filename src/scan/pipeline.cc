#include "scan/pipeline.h"

#include <fmt/core.h>
#include <nlohmann/json.hpp>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>

#include "core/clock.h"
#include "assess/intrusive.h"
#include "core/version.h"
#include "discovery/udp_discovery.h"
#include "i18n/catalog.h"
#include "net/dialer.h"
#include "model/ports.h"
#include "net/neighbours.h"
#include "probes/prober.h"
#include "targets/ports.h"
#include "verdict/verdict.h"

namespace anshin::scan {
namespace {

// Hosts in permuted order: the i-th host swept is plan.host(permutation(i)).
class PermutedHosts final : public HostSource {
 public:
  PermutedHosts(const targets::TargetPlan& plan, uint64_t seed)
      : plan_(plan), perm_(plan.address_count(), seed) {}
  uint64_t host_count() const override { return plan_.address_count(); }
  HostTarget host(uint64_t index) const override {
    const targets::HostPorts h = plan_.host(perm_.at(index));
    return {h.address, h.ports};
  }

 private:
  const targets::TargetPlan& plan_;
  targets::Permutation perm_;
};

// Without a knowledge base, a device is its address and its open ports.
Device device_from_host(const HostRecord& host) {
  Device d;
  d.address = host.address;
  d.mac = host.mac;
  d.verdict.category = Category::kUnknown;
  for (uint16_t port : host.open_tcp_ports) {
    ServiceSummary s;
    s.port = port;
    s.transport = Transport::kTcp;
    s.protocol = std::string(conventional_service(port));
    for (const auto& rec : host.services)
      if (rec.port == port && rec.transport == Transport::kTcp && !rec.protocol.empty() &&
          (rec.status == ProbeStatus::kSuccess || rec.status == ProbeStatus::kAuthRequired)) {
        s.protocol = rec.protocol;
        s.tls = rec.tls;
        break;
      }
    d.services.push_back(std::move(s));
  }
  return d;
}

// Ports no probe identified keep their conventional name rather than "unknown".
void name_unidentified_services(Device& d) {
  for (auto& s : d.services)
    if (s.transport == Transport::kTcp && (s.protocol.empty() || s.protocol == "unknown"))
      s.protocol = std::string(conventional_service(s.port));
}

}  // namespace

std::string plan_options_json(const targets::PlanOptions& o, const std::optional<ScanSettings>& settings) {
  nlohmann::json j;
  j["targets"] = o.targets;
  j["excludes"] = o.excludes;
  j["import_nmap"] = o.import_nmap;
  j["ports"] = o.ports;
  j["allow_public"] = o.allow_public;
  if (settings) {
    const ScanSettings& s = *settings;
    j["settings"] = {{"rate", s.rate},
                     {"concurrency", s.concurrency},
                     {"timeout_ms", s.timeout_ms},
                     {"retries", s.retries},
                     {"policy", s.policy},
                     {"check_default_creds", s.check_default_creds},
                     {"check_cves_active", s.check_cves_active},
                     {"sweep_only", s.sweep_only},
                     {"no_multicast", s.no_multicast},
                     {"lang", s.lang},
                     {"kb_dir", s.kb_dir},
                     {"credentials", s.credentials},
                     {"site", s.site}};
  }
  return j.dump();
}

Result<StoredPlan> plan_options_from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    StoredPlan out;
    targets::PlanOptions& o = out.plan;
    o.targets = j.at("targets").get<std::vector<std::string>>();
    o.excludes = j.at("excludes").get<std::vector<std::string>>();
    o.import_nmap = j.at("import_nmap").get<std::string>();
    o.ports = j.at("ports").get<std::vector<uint16_t>>();
    o.allow_public = j.at("allow_public").get<bool>();
    if (j.contains("settings")) {  // rows stored before the settings were kept have none
      const auto& js = j.at("settings");
      ScanSettings s;
      s.rate = js.at("rate").get<double>();
      s.concurrency = js.at("concurrency").get<int>();
      s.timeout_ms = js.at("timeout_ms").get<int>();
      s.retries = js.at("retries").get<int>();
      s.policy = js.at("policy").get<std::string>();
      s.check_default_creds = js.at("check_default_creds").get<bool>();
      s.check_cves_active = js.at("check_cves_active").get<bool>();
      s.sweep_only = js.at("sweep_only").get<bool>();
      s.no_multicast = js.at("no_multicast").get<bool>();
      s.lang = js.at("lang").get<std::string>();
      s.kb_dir = js.at("kb_dir").get<std::string>();
      s.credentials = js.at("credentials").get<std::string>();
      s.site = js.value("site", std::string());  // absent in rows stored before sites existed
      out.settings = std::move(s);
    }
    return out;
  } catch (const std::exception& e) {
    return Error{Errc::kInvalidInput, std::string("the stored scan's plan cannot be read: ") + e.what()};
  }
}

Device judge_host(const HostRecord& h, const kb::KnowledgeBase* kb, const assess::Assessor* assessor,
                  const assess::AssessOptions& options, bool intrusive) {
  Device d = kb ? verdict::decide(h, *kb) : device_from_host(h);
  name_unidentified_services(d);
  if (assessor) {
    d.findings = assessor->assess(d, h, options);
    if (intrusive)  // intrusive checks: auth.default-credentials, confirmed CVEs
      assess::apply_intrusive_results(*assessor, h, options, d.findings);
  }
  return d;
}

Result<Reassessment> reassess(store::Store& db, const store::StoredScan& from, const kb::KnowledgeBase& kb,
                              const assess::Assessor& assessor, const assess::AssessOptions& options) {
  Reassessment out;
  out.from = from;
  auto before = db.snapshot(from.number);
  if (!before) return before.error();
  out.before = std::move(*before);
  auto addresses = db.host_record_addresses(from.number);
  if (!addresses) return addresses.error();
  if (addresses->empty() && !out.before.devices.empty())
    return i18n::error(Errc::kInvalidInput, "scan.reassess.no_records", {{"scan", std::to_string(from.number)}});
  // Results of intrusive checks, when the scan ran them, are observations in the records: kept.
  ScanInfo info = from.info;
  info.id.clear();
  info.started = now_rfc3339_utc();
  info.finished.clear();
  info.tool_version = std::string(kToolVersion);
  info.kb_version = kb.kb_version();
  auto begun = db.begin_scan(info, from.resume);
  if (!begun) return begun.error();
  out.number = *begun;
  if (auto marked = db.set_reassessed_from(out.number, from.number); !marked) return marked.error();
  for (const auto& address : *addresses) {  // one record in memory at a time
    auto h = db.host_record(from.number, address);
    if (!h) return h.error();
    const Device d = judge_host(*h, &kb, &assessor, options, true);
    if (auto put = db.put_device(out.number, d, *h); !put) return put.error();
  }
  if (auto done = db.finish_scan(out.number, now_rfc3339_utc(), from.info.interrupted); !done) return done.error();
  auto after = db.snapshot(out.number);
  if (!after) return after.error();
  out.after = std::move(*after);
  return out;
}

Result<std::shared_ptr<const kb::KnowledgeBase>> load_knowledge_base(const std::string& dir) {
  kb::Diagnostics diags;
  // MAC prefixes: the shipped camera-vendor table plus Debian's ieee-data registry when installed.
  const std::filesystem::path ieee = "/usr/share/ieee-data";
  auto loaded = dir.empty() ? kb::KnowledgeBase::load_embedded(diags, ieee) : kb::KnowledgeBase::load(dir, diags, ieee);
  if (!loaded) {
    std::string message = "knowledge base " + (dir.empty() ? std::string("(built in)") : dir) + " has errors:";
    size_t shown = 0;
    for (const auto& d : diags.all())
      if (d.error && shown++ < 5) message += "\n  " + kb::Diagnostics::format(d);
    if (diags.error_count() > 5) message += "\n  ... (" + std::to_string(diags.error_count()) + " errors; run `anshin kb verify`)";
    if (diags.error_count() == 0) message += " " + loaded.error().message;
    return Error{Errc::kInvalidInput, message};
  }
  return *loaded;
}

Result<std::shared_ptr<const assess::Assessor>> load_assessor(const kb::KnowledgeBase& kb, const std::string& dir) {
  kb::Diagnostics diags;
  Result<assess::Assessor> loaded = Error{Errc::kNotFound, ""};
  if (dir.empty()) {
    loaded = assess::Assessor::load(kb, diags);
  } else {
    auto files = kb::KnowledgeBase::dir_sources(dir);
    if (!files) return files.error();
    loaded = assess::Assessor::load(kb, *files, diags);
  }
  if (!loaded) {
    std::string message = "assessment data has errors:";
    size_t shown = 0;
    for (const auto& d : diags.all())
      if (d.error && shown++ < 5) message += "\n  " + kb::Diagnostics::format(d);
    if (diags.error_count() == 0) message += " " + loaded.error().message;
    return Error{Errc::kInvalidInput, message};
  }
  return std::make_shared<const assess::Assessor>(std::move(*loaded));
}

Result<targets::TargetPlan> plan_targets(const ScanRequest& request) {
  return targets::build_plan(request.plan);
}

void print_dry_run(const targets::TargetPlan& plan, uint64_t seed, size_t sample, std::FILE* out,
                   std::string_view lang) {
  const auto line = [&](std::string_view indent, std::string_view key, std::initializer_list<i18n::Arg> args) {
    fmt::print(out, "{}{}\n", indent, i18n::tr(lang, key, args));
  };
  if (seed == 0) seed = random_u64();
  line("", "scan.dry_run.header",
       {{"addresses", std::to_string(plan.address_count())},
        {"attempts", std::to_string(plan.size())},
        {"per_host", std::to_string(kMaxConnectionsPerHost)}});
  for (const targets::PortGroup& g : plan.groups()) {
    const std::string ports = targets::format_ports(g.ports);
    for (const targets::AddrSpan& s : g.spans) line("  ", "scan.dry_run.ports", {{"target", s.to_string()}, {"ports", ports}});
  }
  PermutedHosts hosts(plan, seed);
  line("", "scan.dry_run.order", {{"seed", fmt::format("{:#x}", seed)}});
  // Walk every host in scan order, as the engine would, to show the iteration is streaming.
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t checksum = 0, probes = 0;
  for (uint64_t i = 0; i < hosts.host_count(); ++i) {
    const HostTarget h = hosts.host(i);
    probes += h.ports.size();
    checksum += h.address.is_v4() ? h.address.v4_value() : h.address.v6_bytes()[15];
    if (i < sample) {
      std::string ports;
      for (uint16_t p : h.ports) ports += (ports.empty() ? "" : ",") + std::to_string(p);
      line("  ", "scan.dry_run.ports", {{"target", h.address.to_string()}, {"ports", ports}});
    }
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  line("", "scan.dry_run.walked",
       {{"hosts", std::to_string(hosts.host_count())},
        {"attempts", std::to_string(probes)},
        {"seconds", fmt::format("{:.3f}", secs)},
        {"checksum", fmt::format("{:x}", checksum)},
        {"rss", std::to_string(ru.ru_maxrss)}});
}

namespace {

bool same_observations(const std::vector<Observation>& a, const std::vector<Observation>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const Observation& x, const Observation& y) {
    return x.key == y.key && x.value == y.value && x.port == y.port && x.probe == y.probe;
  });
}

// The same discovery records (what a decision was made on, and what discovery finally heard).
bool same_records(const std::vector<ServiceRecord>& a, const std::vector<ServiceRecord>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const ServiceRecord& x, const ServiceRecord& y) {
    return x.probe == y.probe && x.port == y.port && x.transport == y.transport && x.status == y.status &&
           x.protocol == y.protocol && x.tls == y.tls && same_observations(x.observations, y.observations);
  });
}

// One scan's way from host records to devices, stored and in the snapshot. Each host is decided
// (verdict + findings) once and stored once: during the sweep with what discovery had heard from it by
// then, and again only if discovery heard more afterwards; the intrusive pass adds its findings to that
// decision and stores it again only when they changed.
class ScanRun {
 public:
  ScanRun(const ScanRequest& request, const targets::TargetPlan& plan) : request_(request), plan_(plan) {}

  Result<ScanResult> run() {
    const uint64_t seed = request_.seed ? request_.seed : random_u64();
    if (auto begun = begin(seed); !begun) return begun.error();
    sweep(seed);
    if (request_.intrusive.any() && request_.kb && request_.assessor && !result_.stats.interrupted) intrusive_pass();
    collect_devices();
    finish();
    return std::move(result_);
  }

 private:
  struct Decision {
    Device device;
    std::vector<ServiceRecord> discovery;  // the discovery records it was decided with
    bool stored = false;
  };

  Result<void> begin(uint64_t seed) {
    const auto started = std::chrono::system_clock::now();
    ScanInfo& info = result_.snapshot.scan;
    if (request_.resume) {
      info = request_.resume->info;
    } else {
      info.id = new_scan_id(started);
      info.started = rfc3339_utc(started);
      info.targets = plan_.describe();
      if (request_.settings) info.site = request_.settings->site;
    }
    info.addresses = plan_.address_count();
    info.tool_version = std::string(kToolVersion);
    info.kb_version = request_.kb ? request_.kb->kb_version() : "none";
    if (!request_.store) return {};
    if (request_.resume) {
      stored_scan_ = request_.resume->scan;
      return {};
    }
    auto begun = request_.store->begin_scan(info, {plan_options_json(request_.plan, request_.settings), seed, 0});
    if (!begun) return begun.error();
    stored_scan_ = *begun;
    return {};
  }

  // Identification and assessment of one host: the same function for the store and the snapshot.
  // The device's finding texts are the scan's shared ones (texts_).
  Device decide(const HostRecord& h) {
    ++result_.passes.decided;
    Device d = judge_host(h, request_.kb.get(), request_.assessor, request_.assess_options, request_.intrusive.any());
    share_texts(d.findings, texts_);
    return d;
  }

  // Writes one device to the inventory. During the sweep a failure is reported and nothing more is
  // written; after it, a failed write is left to finish_scan() to report.
  // The host record the device was decided from is kept with it (bounded), for `anshin reassess`.
  bool store(const Device& d, const HostRecord& h, bool during_sweep) {
    if (!request_.store || store_failed_) return false;
    ++result_.passes.stored;
    auto put = request_.store->put_device(stored_scan_, d, h);
    if (!put && during_sweep) {
      std::fprintf(stderr, "anshin: %s\n",
                   i18n::tr(request_.assess_options.lang, "scan.inventory_stopped",
                            {{"reason", i18n::message(request_.assess_options.lang, put.error())}}).c_str());
      store_failed_ = true;
    }
    return put.has_value();
  }

  // A host the sweep finished: decided and stored now (a killed scan keeps it), with what discovery
  // has heard from it so far. A host cut short by Ctrl-C is not stored: --resume probes it again.
  void on_host_done(HostRecord* record, uint64_t completed_prefix) {
    if (store_failed_) return;
    if (record && !record->interrupted) {
      Decision decision;
      if (udp_) decision.discovery = udp_->results_for(record->address);
      if (decision.discovery.empty()) {
        decision.device = decide(*record);
        decision.stored = store(decision.device, *record, true);
      } else {
        HostRecord with_discovery = *record;
        for (const auto& r : decision.discovery) with_discovery.services.push_back(r);
        decision.device = decide(with_discovery);
        decision.stored = store(decision.device, with_discovery, true);
      }
      if (decision.stored && !request_.intrusive.any()) release_stored_texts(decision.device);
      decisions_[record->address] = std::move(decision);
      if (store_failed_) return;
    }
    if (record || completed_prefix >= last_mark_ + 256) {
      last_mark_ = completed_prefix;
      (void)request_.store->set_hosts_done(stored_scan_, completed_prefix);
    }
  }

  void sweep(uint64_t seed) {
    std::set<IpAddr>& done = stored_before_resume_;
    if (request_.resume) done.insert(request_.resume->done_addresses.begin(), request_.resume->done_addresses.end());
    EngineObserver observer;
    if (!done.empty()) observer.skip_host = [&done](const IpAddr& a) { return done.count(a) > 0; };
    if (request_.store)
      observer.on_host_done = [this](HostRecord* record, uint64_t prefix) { on_host_done(record, prefix); };

    PermutedHosts hosts(plan_, seed);  // a resumed scan passes its stored seed: the same order
    // The dialer only reaches the plan's own addresses: a device cannot send the scan elsewhere.
    auto dialer = net::make_lazy_tcp_dialer([this](const IpAddr& a) { return plan_.contains(a); });
    probes::RegistryProber prober(*dialer, request_.probe_timeout);
    EngineOptions engine_options = request_.engine;
    if (request_.resume) engine_options.start_index = request_.resume->start_index;
    Engine engine(engine_options);
    // UDP discovery beside the sweep, paced like it. A resumed scan runs it again: the hosts it has still
    // to probe need what discovery hears (SADP, DHIP, WS-Discovery name many makers and models); what it
    // hears from hosts stored before the interruption is left out (merge_discovery), their rows stay.
    discovery::UdpDiscovery udp(plan_, seed, *dialer, {.rate = request_.engine.rate, .multicast = request_.multicast});
    std::vector<BackgroundTask*> background;
    if (request_.udp_discovery) {
      background.push_back(&udp);
      udp_ = &udp;
    }
    result_.stats = engine.run(hosts, request_.identify ? &prober : nullptr, result_.hosts, &observer, background);
    udp_ = nullptr;
    if (udp.stats().multicast_sent > 0) result_.multicast_segments = udp.stats().multicast_segments;
    merge_discovery(udp.take_results());
  }

  // What discovery heard, into the host's record or a new one (a device may answer discovery while its
  // TCP ports are filtered). A decision made on fewer discovery records than it finally heard is dropped.
  void merge_discovery(std::map<IpAddr, std::vector<ServiceRecord>> heard) {
    std::map<IpAddr, size_t> index;
    for (size_t i = 0; i < result_.hosts.size(); ++i) index[result_.hosts[i].address] = i;
    for (auto& [address, records] : heard) {
      if (stored_before_resume_.count(address)) continue;
      auto it = index.find(address);
      if (it == index.end()) {
        HostRecord h;
        h.address = address;
        it = index.emplace(address, result_.hosts.size()).first;
        result_.hosts.push_back(std::move(h));
      }
      if (auto d = decisions_.find(address); d != decisions_.end() && !same_records(d->second.discovery, records))
        stale_.insert(address);
      HostRecord& host = result_.hosts[it->second];
      for (auto& r : records) host.services.push_back(std::move(r));
    }
    for (auto& [address, decision] : decisions_)
      if (!decision.discovery.empty() && !heard.count(address)) stale_.insert(address);
    std::sort(result_.hosts.begin(), result_.hosts.end(),
              [](const HostRecord& a, const HostRecord& b) { return a.address < b.address; });
  }

  // The host's current decision: the one made during the sweep unless discovery heard more since.
  Decision& decision_for(const HostRecord& h) {
    auto it = decisions_.find(h.address);
    if (it == decisions_.end() || stale_.count(h.address)) {
      if (stale_.erase(h.address)) ++result_.passes.redecided;
      Decision fresh;
      fresh.device = decide(h);
      it = decisions_.insert_or_assign(h.address, std::move(fresh)).first;
    }
    return it->second;
  }

  // After the sweep and discovery, so the verdict (and SADP's "not activated") is known: pick what may
  // be tried on each host from the data, run the intrusive probes, then add their findings.
  void intrusive_pass() {
    std::vector<probes::IntrusiveJob> jobs;
    for (auto& h : result_.hosts) {
      if (h.interrupted || h.open_tcp_ports.empty()) continue;
      auto intrusive_plan = plan_intrusive(decision_for(h).device, h, request_.kb->vocab(), request_.kb->credentials(),
                                           request_.intrusive);
      if (!intrusive_plan.empty()) jobs.push_back({&h, std::move(intrusive_plan)});
    }
    std::atomic<bool> stop{false};
    probes::run_intrusive_pass(jobs, [this](const IpAddr& a) { return plan_.contains(a); }, request_.probe_timeout, 8,
                               request_.engine.handle_signals, stop);
    for (const auto& job : jobs) {
      Decision& decision = decision_for(*job.host);
      const size_t before = decision.device.findings.size();
      const std::string details = joined_details(decision.device.findings);
      assess::apply_intrusive_results(*request_.assessor, *job.host, request_.assess_options, decision.device.findings);
      share_texts(decision.device.findings, texts_);
      if (decision.device.findings.size() != before || joined_details(decision.device.findings) != details)
        decision.stored = false;  // its findings changed: store it again
    }
    if (stop) result_.stats.interrupted = true;
  }

  // A device's findings carry their texts in every shipped language for the inventory; once the
  // device is stored (or there is no inventory) only the scan's language is shown (terminal, JSON,
  // reports of this scan), which title/detail/remediation hold. Dropping the rest keeps the
  // memory of a large scan's decided devices at one language (a /16 of 2,000 devices: ~35 MB before the
  // texts were shared, ~5 MB of per-finding entries since).
  static void release_stored_texts(Device& device) {
    for (auto& f : device.findings) f.texts.clear();
  }

  static std::string joined_details(const std::vector<Finding>& findings) {
    std::string out;
    for (const auto& f : findings) out += f.id + '\n' + f.detail + '\n';
    return out;
  }

  // An interrupted scan stores only hosts its sweep finished: a host only discovery has heard from may lie
  // beyond where the sweep stopped, and stored now with its discovery alone it would be skipped by --resume
  // (its ports never probed); left out, the resumed run's discovery hears it again.
  void collect_devices() {
    for (auto& h : result_.hosts) {
      const bool swept = decisions_.count(h.address) > 0;
      Decision& decision = decision_for(h);
      const bool keep = !h.interrupted && (swept || !result_.stats.interrupted);
      if (!decision.stored && keep) decision.stored = store(decision.device, h, false);
      release_stored_texts(decision.device);
      result_.snapshot.devices.push_back(std::move(decision.device));
      decisions_.erase(h.address);
      if (!request_.keep_observations) h = HostRecord{};
    }
    if (!request_.keep_observations) result_.hosts = {};
  }

  void finish() {
    ScanInfo& info = result_.snapshot.scan;
    info.finished = now_rfc3339_utc();
    info.interrupted = result_.stats.interrupted;
    if (request_.store && !store_failed_) {
      if (!info.interrupted) (void)request_.store->set_hosts_done(stored_scan_, plan_.address_count());
      if (auto fin = request_.store->finish_scan(stored_scan_, info.finished, info.interrupted); !fin)
        std::fprintf(stderr, "anshin: %s\n",
                     i18n::tr(request_.assess_options.lang, "scan.inventory_failed",
                              {{"reason", i18n::message(request_.assess_options.lang, fin.error())}}).c_str());
    }
    if (request_.resume && request_.store) {
      // The snapshot of a resumed scan is the whole stored scan, not only this run's part.
      if (auto whole = request_.store->snapshot(stored_scan_)) result_.snapshot = std::move(*whole);
      result_.snapshot.scan.interrupted = info.interrupted;
    }
  }

  const ScanRequest& request_;
  const targets::TargetPlan& plan_;
  ScanResult result_;
  store::ScanNumber stored_scan_ = 0;
  bool store_failed_ = false;
  uint64_t last_mark_ = 0;
  discovery::UdpDiscovery* udp_ = nullptr;  // while the sweep runs with discovery
  // Every finding text of this scan's devices, once: a text rendered for thousands of devices is one string.
  TextPool texts_;
  std::map<IpAddr, Decision> decisions_;     // hosts decided and not yet in the snapshot
  std::set<IpAddr> stale_;                   // decisions made before discovery heard everything
  std::set<IpAddr> stored_before_resume_;    // a resumed scan's hosts stored by the interrupted run
};

}  // namespace

Result<ScanResult> run_scan(const ScanRequest& request, const targets::TargetPlan& plan) {
  return ScanRun(request, plan).run();
}

}  // namespace anshin::scan
