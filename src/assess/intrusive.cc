#include "assess/intrusive.h"

#include <algorithm>

namespace anshin::assess {

void apply_intrusive_results(const Assessor& assessor, const HostRecord& host, const AssessOptions& opts,
                             std::vector<Finding>& findings) {
  bool added = false;
  for (const auto& rec : host.services) {
    for (const auto& o : rec.observations) {
      if (o.key == "creds.default.accepted") {
        findings.push_back(assessor.default_credentials_finding(rec.protocol, rec.port, o.value, opts));
        added = true;
      } else if (o.key == "cve.active") {
        const auto sp = o.value.find(' ');
        if (sp == std::string::npos || o.value.compare(sp + 1, 10, "confirmed:") != 0) continue;
        const std::string id = "cve." + o.value.substr(0, sp);
        for (auto& f : findings) {
          if (f.id != id) continue;
          Evidence e;
          e.source = "cve.active";
          e.port = rec.port;
          e.value = o.value;
          e.rule = "active-check (--check-cves-active)";
          f.evidence.insert(f.evidence.begin(), std::move(e));
          const std::string head = opts.lang == "ja"
                                       ? "読み取り専用の能動確認（--check-cves-active）で確認済み: "
                                       : "Confirmed by a read-only active check (--check-cves-active): ";
          f.detail = head + o.value + "\n" + f.detail;
        }
      }
    }
  }
  if (added)
    std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
      if (a.severity != b.severity) return a.severity > b.severity;
      return a.id < b.id;
    });
}

}  // namespace anshin::assess
