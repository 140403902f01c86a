// The headline of a top action (model/top_actions.h) in the report's language, as plain text:
// "Update the firmware of 6 Hikvision cameras", "Telnet is open: 3 devices". Renderers escape it for
// their format (HTML, terminal).
#pragma once
#include <string>

#include "i18n/catalog.h"
#include "model/top_actions.h"

namespace anshin::report {

std::string action_headline(const i18n::Catalog& L, const TopAction& action);

}  // namespace anshin::report
