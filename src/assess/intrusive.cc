#include "assess/intrusive.h"

#include <algorithm>

#include "i18n/catalog.h"

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
          auto head = [&](const std::string& lang) {
            const Text* t = assessor.data().fragment("cve.confirmed_active");
            return (t ? i18n::format(t->get(lang), {{"result", o.value}}) : o.value) + "\n";
          };
          f.detail = head(opts.lang) + f.detail;
          for (auto& [lang, text] : f.texts) text.detail = head(lang) + text.detail;
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
