// Commands whose implementation has not landed yet. Each says so in one line (contract: an option or
// command whose feature is not built yet says so instead of failing obscurely).
#include "cli/commands.h"

namespace anshin::cli {


}  // namespace anshin::cli
