// Commands whose implementation has not landed yet. Each says so in one line (contract: an option or
// command whose feature is not built yet says so instead of failing obscurely).
#include "cli/commands.h"

namespace anshin::cli {

int run_lab(const LabOptions&) { return usage_error("lab: not built yet"); }
int run_kb_verify(const KbOptions&) { return usage_error("kb verify: not built yet"); }

}  // namespace anshin::cli
