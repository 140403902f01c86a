// The scan pipeline, the only place that knows every stage:
// targets -> engine sweep (+ identification probes per host) -> host records -> devices -> snapshot.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "assess/assess.h"
#include "kb/kb.h"
#include "model/device.h"
#include "scan/engine.h"
#include "scan/intrusive.h"
#include "store/store.h"
#include "targets/targets.h"

namespace anshin::scan {

// The command-line settings that change how a scan behaves, kept with its resume state so that
// `scan --resume` continues with every one of them (docs/contract.md). Values as given on the command
// line (lang: the resolved message language; credentials: the file's path, never its contents).
struct ScanSettings {
  double rate = 0;
  int concurrency = 512;
  int timeout_ms = 1000;
  int retries = 5;
  std::string policy = "all";
  bool check_default_creds = false;
  bool check_cves_active = false;
  bool sweep_only = false;
  bool no_multicast = false;
  std::string lang;
  std::string kb_dir;
  std::string credentials;
  std::string site;          // --site ("" = none)
  bool operator==(const ScanSettings&) const = default;
};

struct ScanRequest {
  targets::PlanOptions plan;
  EngineOptions engine;
  uint64_t seed = 0;  // permutation seed; 0 = random
  bool identify = true;                          // run the identification probes on open ports
  std::shared_ptr<const kb::KnowledgeBase> kb;   // interprets observations; null = addresses and ports only
  std::chrono::milliseconds probe_timeout{3000};  // per probe exchange
  const assess::Assessor* assessor = nullptr;    // findings; null = none
  assess::AssessOptions assess_options;
  bool udp_discovery = true;                     // WS-Discovery, SADP, DHIP, SSDP to every address
  bool multicast = true;                         // ...and to their groups on local segments the plan covers
  // Keep every host's raw observations in ScanResult::hosts (for --observations). Without it each
  // host's record is released once its device is decided: thousands of devices then cost their
  // verdicts and findings only.
  bool keep_observations = true;
  store::Store* store = nullptr;                 // write the scan incrementally (null = --no-db)
  // Resuming an interrupted scan stored in `store`: continue it instead of beginning a new one.
  struct Resume {
    store::ScanNumber scan = 0;
    ScanInfo info;                               // the stored scan's id, start time, targets
    uint64_t start_index = 0;                    // hosts before this permutation index are stored
    std::vector<IpAddr> done_addresses;          // stored beyond the low-water mark
  };
  std::optional<Resume> resume;
  // ---- intrusive checks (--check-default-creds, --credentials, --check-cves-active) ----
  // Off by default. When set, a second pass after the sweep and discovery runs the intrusive probes on
  // the hosts whose decided verdict gives them something to try (scan/intrusive.h). Needs kb + assessor.
  IntrusiveOptions intrusive;
  // The command line's settings, stored with the plan for --resume (null: none stored).
  std::optional<ScanSettings> settings;
};

// What `scan --resume` reads back: the plan, and the settings (absent in rows stored before they were kept).
struct StoredPlan {
  targets::PlanOptions plan;
  std::optional<ScanSettings> settings;
};

// The plan options and settings as stored for --resume, and back.
std::string plan_options_json(const targets::PlanOptions& options, const std::optional<ScanSettings>& settings);
Result<StoredPlan> plan_options_from_json(const std::string& json);

struct ScanResult {
  ScanSnapshot snapshot;
  EngineStats stats;
  std::vector<HostRecord> hosts;  // raw observations, by address (empty unless keep_observations)
  std::vector<std::string> multicast_segments;  // "eth0 192.168.1.10/24": where discovery multicast (if it sent)
  // How often hosts were decided (verdict + findings) and written to the inventory: once each, plus once
  // more for a host discovery heard more from after it was stored, or whose findings the intrusive pass
  // changed.
  struct Passes {
    uint64_t decided = 0;
    uint64_t stored = 0;
    uint64_t redecided = 0;  // of `decided`: again, because discovery heard more after the first decision
  } passes;
};

// Plans the targets (errors: bad input, out of scope) without sending anything.
Result<targets::TargetPlan> plan_targets(const ScanRequest& request);

// Prints what a scan would probe: counts, ports, and the first `sample` probes in scan order, in `lang`
// ("ja" or "en"; the catalog entries scan.dry_run.* in data/i18n).
// Walks the whole permutation (nothing is stored), so its time and memory show the iteration cost.
void print_dry_run(const targets::TargetPlan& plan, uint64_t seed, size_t sample, std::FILE* out,
                   std::string_view lang);

// Identification and assessment of one host: verdict::decide, then the findings (with the results of
// intrusive checks found in the record when `intrusive`). The same for a live scan and `reassess`.
Device judge_host(const HostRecord& host, const kb::KnowledgeBase* kb, const assess::Assessor* assessor,
                  const assess::AssessOptions& options, bool intrusive);

// `anshin reassess`: the stored observations of scan `from` judged again with `kb` and `assessor`,
// offline (no packet is sent: nothing here touches the network), stored as a new scan marked
// reassessed_from. An error when the scan holds devices but no observations (stored before schema 3).
struct Reassessment {
  store::StoredScan from;
  store::ScanNumber number = 0;  // the new scan
  ScanSnapshot before, after;
};
Result<Reassessment> reassess(store::Store& db, const store::StoredScan& from, const kb::KnowledgeBase& kb,
                              const assess::Assessor& assessor, const assess::AssessOptions& options);

// The knowledge base compiled into the binary, or the one in `dir` (--kb). Errors list every problem.
Result<std::shared_ptr<const kb::KnowledgeBase>> load_knowledge_base(const std::string& dir);

// The assessment data (policies, CVEs, finding texts) for `kb`, from the built-in data or `dir`.
Result<std::shared_ptr<const assess::Assessor>> load_assessor(const kb::KnowledgeBase& kb, const std::string& dir);

// Runs the scan. Never throws; Ctrl-C returns what was found with snapshot.scan.interrupted set.
Result<ScanResult> run_scan(const ScanRequest& request, const targets::TargetPlan& plan);

}  // namespace anshin::scan
