// What the knowledge base in use holds, counted for `anshin kb info` (and the test that fails when
// the knowledge falls: assess/counts_test.cc).
#pragma once
#include <cstddef>

#include "assess/data.h"
#include "kb/kb.h"

namespace anshin::assess {

struct KnowledgeCounts {
  size_t vendors = 0;         // every vocabulary entry that is not a component
  size_t manufacturers = 0;
  size_t brands = 0;
  size_t rules = 0;           // fingerprint rules
  size_t examples = 0;        // fingerprint, policy, CVE, version-scheme and model-name examples
  size_t oui_prefixes = 0;
  size_t policies = 0;
  size_t cves = 0;
  size_t cve_vendors = 0;     // distinct vendors with at least one CVE
  size_t kev = 0;             // CVEs with a CISA KEV date
};

KnowledgeCounts count_knowledge(const kb::KnowledgeBase& kb, const AssessData& data);

}  // namespace anshin::assess
