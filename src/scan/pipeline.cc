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

std::string plan_options_json(const targets::PlanOptions& o) {
  nlohmann::json j;
  j["targets"] = o.targets;
  j["excludes"] = o.excludes;
  j["import_nmap"] = o.import_nmap;
  j["ports"] = o.ports;
  j["allow_public"] = o.allow_public;
  return j.dump();
}

Result<targets::PlanOptions> plan_options_from_json(const std::string& text) {
  try {
    const auto j = nlohmann::json::parse(text);
    targets::PlanOptions o;
    o.targets = j.at("targets").get<std::vector<std::string>>();
    o.excludes = j.at("excludes").get<std::vector<std::string>>();
    o.import_nmap = j.at("import_nmap").get<std::string>();
    o.ports = j.at("ports").get<std::vector<uint16_t>>();
    o.allow_public = j.at("allow_public").get<bool>();
    return o;
  } catch (const std::exception& e) {
    return Error{Errc::kInvalidInput, std::string("the stored scan's plan cannot be read: ") + e.what()};
  }
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

Result<ScanResult> run_scan(const ScanRequest& request, const targets::TargetPlan& plan) {
  ScanResult result;
  const auto started = std::chrono::system_clock::now();
  ScanInfo& info = result.snapshot.scan;
  if (request.resume) {
    info = request.resume->info;
  } else {
    info.id = new_scan_id(started);
    info.started = rfc3339_utc(started);
    info.targets = plan.describe();
  }
  info.addresses = plan.address_count();
  info.tool_version = std::string(kToolVersion);
  info.kb_version = request.kb ? request.kb->kb_version() : "none";

  const uint64_t seed = request.seed ? request.seed : random_u64();
  store::ScanNumber stored_scan = 0;
  if (request.store) {
    if (request.resume) {
      stored_scan = request.resume->scan;
    } else {
      auto begun = request.store->begin_scan(info, {plan_options_json(request.plan), seed, 0});
      if (!begun) return begun.error();
      stored_scan = *begun;
    }
  }

  // Identification and assessment of one host: the same function for the store and the snapshot.
  auto finalize = [&](const HostRecord& h) {
    Device d = request.kb ? verdict::decide(h, *request.kb) : device_from_host(h);
    name_unidentified_services(d);
    if (request.assessor) {
      d.findings = request.assessor->assess(d, h, request.assess_options);
      if (request.intrusive.any())  // intrusive checks: auth.default-credentials, confirmed CVEs
        assess::apply_intrusive_results(*request.assessor, h, request.assess_options, d.findings);
    }
    return d;
  };

  std::set<IpAddr> done;
  if (request.resume) done.insert(request.resume->done_addresses.begin(), request.resume->done_addresses.end());
  bool store_failed = false;
  uint64_t last_mark = 0;
  EngineObserver observer;
  if (!done.empty()) observer.skip_host = [&done](const IpAddr& a) { return done.count(a) > 0; };
  if (request.store) {
    observer.on_host_done = [&](HostRecord* record, uint64_t completed_prefix) {
      if (store_failed) return;
      // A host cut short by Ctrl-C is not stored: --resume probes it again.
      if (record && !record->interrupted) {
        if (auto put = request.store->put_device(stored_scan, finalize(*record)); !put) {
          std::fprintf(stderr, "anshin: %s\n",
                       i18n::tr(request.assess_options.lang, "scan.inventory_stopped",
                                {{"reason", i18n::message(request.assess_options.lang, put.error())}}).c_str());
          store_failed = true;
          return;
        }
      }
      if (record || completed_prefix >= last_mark + 256) {
        last_mark = completed_prefix;
        (void)request.store->set_hosts_done(stored_scan, completed_prefix);
      }
    };
  }

  PermutedHosts hosts(plan, seed);  // a resumed scan passes its stored seed: the same order
  // The dialer only reaches the plan's own addresses: a device cannot send the scan elsewhere.
  auto dialer = net::make_lazy_tcp_dialer([&plan](const IpAddr& a) { return plan.contains(a); });
  probes::RegistryProber prober(*dialer, request.probe_timeout);
  EngineOptions engine_options = request.engine;
  if (request.resume) engine_options.start_index = request.resume->start_index;
  Engine engine(engine_options);
  // UDP discovery beside the sweep, paced like it; a resumed scan does not repeat it.
  discovery::UdpDiscovery udp(plan, seed, *dialer, {.rate = request.engine.rate, .multicast = request.multicast});
  std::vector<BackgroundTask*> background;
  if (request.udp_discovery && !request.resume) background.push_back(&udp);
  result.stats = engine.run(hosts, request.identify ? &prober : nullptr, result.hosts, &observer, background);
  if (udp.stats().multicast_sent > 0) result.multicast_segments = udp.stats().multicast_segments;

  // Merge what discovery heard: into the host's record, or a new one (a device may answer discovery
  // while its TCP ports are filtered).
  std::map<IpAddr, size_t> index;
  for (size_t i = 0; i < result.hosts.size(); ++i) index[result.hosts[i].address] = i;
  std::set<IpAddr> touched;
  for (auto& [address, records] : udp.take_results()) {
    auto it = index.find(address);
    if (it == index.end()) {
      HostRecord h;
      h.address = address;
      it = index.emplace(address, result.hosts.size()).first;
      result.hosts.push_back(std::move(h));
    }
    HostRecord& host = result.hosts[it->second];
    for (auto& r : records) host.services.push_back(std::move(r));
    touched.insert(address);
  }
  std::sort(result.hosts.begin(), result.hosts.end(),
            [](const HostRecord& a, const HostRecord& b) { return a.address < b.address; });

  // ---- intrusive pass (only with --check-default-creds / --credentials / --check-cves-active) ----
  // After the sweep and discovery, so the verdict (and SADP's "not activated") is known: decide each
  // host, pick what may be tried from the data, then run the intrusive probes.
  if (request.intrusive.any() && request.kb && request.assessor && !result.stats.interrupted) {
    std::vector<probes::IntrusiveJob> jobs;
    for (auto& h : result.hosts) {
      if (h.interrupted || h.open_tcp_ports.empty()) continue;
      auto intrusive_plan = plan_intrusive(finalize(h), h, request.kb->vocab(), request.kb->credentials(), request.intrusive);
      if (!intrusive_plan.empty()) jobs.push_back({&h, std::move(intrusive_plan)});
    }
    std::atomic<bool> stop{false};
    probes::run_intrusive_pass(jobs, [&plan](const IpAddr& a) { return plan.contains(a); }, request.probe_timeout, 8,
                               request.engine.handle_signals, stop);
    for (const auto& job : jobs) touched.insert(job.host->address);
    if (stop) result.stats.interrupted = true;
  }

  for (auto& h : result.hosts) {
    result.snapshot.devices.push_back(finalize(h));
    // Devices stored during the sweep are stored again with what discovery (and the intrusive pass) added.
    if (request.store && !store_failed && touched.count(h.address) && !h.interrupted)
      (void)request.store->put_device(stored_scan, result.snapshot.devices.back());
    if (!request.keep_observations) h = HostRecord{};
  }
  if (!request.keep_observations) result.hosts = {};
  info.finished = now_rfc3339_utc();
  info.interrupted = result.stats.interrupted;
  if (request.store && !store_failed) {
    if (!info.interrupted) (void)request.store->set_hosts_done(stored_scan, plan.address_count());
    if (auto fin = request.store->finish_scan(stored_scan, info.finished, info.interrupted); !fin)
      std::fprintf(stderr, "anshin: %s\n",
                   i18n::tr(request.assess_options.lang, "scan.inventory_failed",
                            {{"reason", i18n::message(request.assess_options.lang, fin.error())}}).c_str());
  }
  if (request.resume && request.store) {
    // The snapshot of a resumed scan is the whole stored scan, not only this run's part.
    if (auto whole = request.store->snapshot(stored_scan)) result.snapshot = std::move(*whole);
    result.snapshot.scan.interrupted = info.interrupted;
  }
  return result;
}

}  // namespace anshin::scan
