// Findings from the opt-in intrusive checks (docs/assessment.md, "Intrusive checks"): reads the
// observations the creds and cve_active probes recorded and
//   - adds auth.default-credentials for each `creds.default.accepted` (service, port, data row; the
//     observation never holds the password, so neither does the finding);
//   - marks a cve.<ID> finding confirmed when `cve.active` says "<ID> confirmed" (evidence + a line
//     at the head of the detail).
#pragma once
#include <vector>

#include "assess/assess.h"

namespace anshin::assess {

void apply_intrusive_results(const Assessor& assessor, const HostRecord& host, const AssessOptions& opts,
                             std::vector<Finding>& findings);

}  // namespace anshin::assess
