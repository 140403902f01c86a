#include "assess/counts.h"

#include <set>
#include <string>

namespace anshin::assess {

KnowledgeCounts count_knowledge(const kb::KnowledgeBase& kb, const AssessData& data) {
  KnowledgeCounts c;
  for (const auto& v : kb.vocab().vendors()) {
    if (v.kind == "component") continue;
    ++c.vendors;
    if (v.kind == "brand") ++c.brands;
    else ++c.manufacturers;
  }
  const kb::KbStats s = kb.stats();
  c.rules = s.rules;
  c.oui_prefixes = s.oui_prefixes;
  c.examples = s.examples + data.scheme_examples.size();
  for (const auto& p : data.policies) c.examples += p.examples.size();
  for (const auto& m : data.model_lines) c.examples += m.examples.size() + m.counter_examples.size();
  std::set<std::string> cve_vendors;
  for (const auto& cve : data.cves) {
    c.examples += cve.examples.size();
    cve_vendors.insert(cve.vendor);
    if (!cve.kev_added.empty()) ++c.kev;
  }
  c.policies = data.policies.size();
  c.cves = data.cves.size();
  c.cve_vendors = cve_vendors.size();
  return c;
}

}  // namespace anshin::assess
