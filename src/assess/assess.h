// Assessment: one identified device (+ what its host revealed) -> findings with stable ids
// (docs/contract.md): policy.* (the rules of data/policies naming the manufacturer, following OEM relations),
// cve.CVE-* (model line + firmware in a published affected range; version match only, never exploit
// traffic), and non-intrusive hygiene checks (auth.*, exposure.*, tls.weak). Every vendor fact, range and
// text comes from data/ (policies, cves, findings); docs/assessment.md has the severity policy.
//
//   auto kb = kb::KnowledgeBase::load_embedded(diags);
//   auto assessor = assess::Assessor::load(**kb, diags);
//   auto findings = assessor->assess(device, host, {.jurisdictions = {"us", "uk"}, .lang = "ja"});
//
// The Assessor keeps a pointer to the knowledge base: the KnowledgeBase must outlive it.
#pragma once
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "assess/data.h"
#include "core/result.h"
#include "kb/kb.h"
#include "model/device.h"
#include "model/observation.h"

namespace anshin::assess {

struct AssessOptions {
  // "all" = every policy; "us" also selects its parts ("us-la"); see policy_selected().
  std::vector<std::string> jurisdictions = {"all"};
  std::string lang = "en";                                      // "en" | "ja" (others: English)
  std::string as_of;                                            // YYYY-MM-DD, "" = today (UTC)
};

// Parses a --policy value ("us,uk", "all", "none", "") against the jurisdictions of the data
// (AssessData::jurisdictions()); error on one that is neither known nor the first part of a known one.
Result<std::vector<std::string>> parse_policy_option(std::string_view value, const std::vector<std::string>& known);
// Whether `opts` selects a policy of `jurisdiction` ("us" selects "us" and "us-la").
bool policy_selected(std::string_view jurisdiction, const AssessOptions& opts);
// The policies the reports and `lookup` list, context records included, in display order.
std::vector<const Policy*> listed_policies(const AssessData& data, const AssessOptions& opts);
// The same as report rows in opts.lang.
std::vector<PolicyInfo> policy_infos(const AssessData& data, const AssessOptions& opts);
// The finding ids ("cve.CVE-2021-36260") of the CVEs with a CISA KEV date: they rank the top actions.
std::set<std::string> exploited_finding_ids(const AssessData& data);

// How a device is tied to a vendor named by a policy or a CVE file.
enum class LinkKind : uint8_t {
  kDirect,      // the manufacturer is the vendor (brand equal, or the brand's OEM chain leads there)
  kIdentified,  // the manufacturer is the vendor by device evidence; the brand has no recorded relation
  kStrong,      // brand/manufacturer -> vendor through an S relation
  kMedium,      // ... through an M relation
  kWeak,        // ... through a W relation only: "possible lineage, verify"
};

struct Lineage {
  LinkKind kind = LinkKind::kDirect;
  std::string target;                 // vendor id
  std::string from;                   // the vendor id the chain starts at (brand or manufacturer)
  kb::Strength strength = kb::Strength::kStrong;  // of the relation used (direct: S)
  const kb::OemEdge* edge = nullptr;  // the relation cited, when one was used
};

// How verdict's manufacturer/brand reach `target`; nullopt when they do not (or the device has neither).
// A known manufacturer is followed by its own oem_of edges only; the brand's edges are used when the
// manufacturer is unknown (docs/assessment.md).
std::optional<Lineage> resolve_lineage(const kb::Vocabulary& vocab, const DeviceVerdict& verdict,
                                       std::string_view target);

// Result of matching one CVE against a model and firmware.
enum class CveState : uint8_t {
  kMiss,
  kPossibleModelOnly,  // the record lists the model line without a version range
  kPossibleFirmware,   // model line affected, firmware unknown or not comparable (e.g. no build date)
  kPossibleUncertain,  // firmware falls in a range the data marks as approximate / unverified
  kHit,                // model line and firmware in the published range
};
const char* cve_state_name(CveState s);  // "miss", "possible", "hit"
CveState evaluate_cve(const Cve& cve, std::string_view model, const std::optional<std::string>& firmware,
                      const CveAffected** matched = nullptr, const VersionRange** range = nullptr);

// Severity from CVSS: critical >= 9, high >= 7, medium >= 4, else low.
Severity cvss_severity(double cvss);
Severity raise(Severity s);

class Assessor {
 public:
  // From the data compiled into the binary (data/policies, data/cves, data/findings, data/models).
  static Result<Assessor> load(const kb::KnowledgeBase& kb, kb::Diagnostics& diags);
  // From files (e.g. KnowledgeBase::dir_sources(--kb DIR)); roles other than policies/ cves/ findings/
  // models/ are ignored.
  static Result<Assessor> load(const kb::KnowledgeBase& kb, const std::vector<kb::SourceFile>& files,
                               kb::Diagnostics& diags);

  // Every finding for one device, most severe first (then by id), assessed once: each finding carries its
  // texts in every language of data/i18n (Finding::texts), rendered from the same arguments; title, detail
  // and remediation are in opts.lang. So does every other method making findings.
  std::vector<Finding> assess(const Device& device, const HostRecord& host, const AssessOptions& opts) const;

  // One finding per selected policy (context records never) whose entries the device's lineage reaches.
  std::vector<Finding> assess_policies(const DeviceVerdict& verdict, const AssessOptions& opts) const;
  // identity.weak-evidence (docs/verdict.md "Evidence tiers"): for a maker only clone-prone tells suggest
  // ("possibly X"), and for a maker one medium tell names while a policy would name it. Policy findings
  // themselves need a proven maker; this finding says why none was raised and what to check.
  std::optional<Finding> assess_weak_identity(const DeviceVerdict& verdict, const AssessOptions& opts) const;
  // With `host`, a firmware without a build date is completed from the vendor's firmware_date_keys observations.
  std::vector<Finding> assess_cves(const DeviceVerdict& verdict, const AssessOptions& opts,
                                   const HostRecord* host = nullptr) const;
  std::vector<Finding> assess_hygiene(const HostRecord& host, const AssessOptions& opts) const;

  // The text of auth.default-credentials (the check itself is intrusive and lives elsewhere): `service`
  // like "http", the port, and where the pair comes from (a row id / source, never the password).
  Finding default_credentials_finding(std::string_view service, uint16_t port, std::string_view pair_source,
                                      const AssessOptions& opts) const;

  // The same (kept for callers of the one-language form: every finding renders every language).
  Finding default_credentials_finding_in(std::string_view service, uint16_t port, std::string_view pair_source,
                                         const AssessOptions& opts) const;
  // The finding `id` with its data/findings texts in opts.lang and `args` filled in, for findings whose
  // evidence is gathered elsewhere (traffic.*: the capture analysis). No evidence attached.
  Finding render_finding(std::string_view id, const std::vector<std::pair<std::string, std::string>>& args,
                         const AssessOptions& opts) const;

  const AssessData& data() const { return *data_; }
  const kb::KnowledgeBase& kb() const { return *kb_; }

 private:
  Assessor(const kb::KnowledgeBase* kb, std::shared_ptr<const AssessData> data) : kb_(kb), data_(std::move(data)) {}
  const kb::KnowledgeBase* kb_;
  std::shared_ptr<const AssessData> data_;
};

// -1 / 0 / +1 comparing two firmware texts of a device (the version scheme of its manufacturer's CVE data,
// else digit groups); nullopt when they cannot be compared. `anshin diff` flags downgrades with it.
std::optional<int> firmware_order(const AssessData& data, const DeviceVerdict& verdict, std::string_view from,
                                  std::string_view to);

// ------------------------------------------------------------------------------- verification
struct AssessStats {
  size_t files = 0, policies = 0, policy_entries = 0, policy_examples = 0;
  size_t cves = 0, cve_examples = 0, scheme_examples = 0, findings = 0, model_lines = 0, model_examples = 0;
};

// `anshin kb verify` for the assessment data: loads it, checks the contract's finding ids all have
// en+ja texts with the same placeholders, vendor ids exist in the vocabulary, and runs every example
// (version schemes, CVE hit/possible/miss, policy severities, model names). True when no error.
bool verify_assessment_data(const kb::KnowledgeBase& kb, const std::vector<kb::SourceFile>& files,
                            kb::Diagnostics& diags, AssessStats* stats = nullptr);
// The same on the built-in data (kb_dir empty) or a --kb folder; loads the knowledge base itself.
bool verify_assessment(const std::filesystem::path& kb_dir, kb::Diagnostics& diags, AssessStats* stats = nullptr);

// The fixed finding ids of the contract ("cve.*" stands for every CVE id). Policy ids come from
// data/policies (one finding id per policy file that is not context); docs/contract.md lists them.
const std::vector<std::string>& contract_finding_ids();

// Placeholder names left in a text (a rendered finding must have none).
std::vector<std::string> unfilled_placeholders(std::string_view text);

}  // namespace anshin::assess
