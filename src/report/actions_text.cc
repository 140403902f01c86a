#include "report/actions_text.h"

namespace anshin::report {

std::string action_headline(const i18n::Catalog& L, const TopAction& a) {
  const std::string count = std::to_string(a.devices.size());
  const bool one = a.devices.size() == 1;
  if (a.kind == ActionKind::kFixFinding)
    return i18n::format(L.get(one ? "actions.fix_one" : "actions.fix"), {{"title", a.title}, {"count", count}});
  const std::string category = std::string(L.get(std::string(one ? "actions.kind_one." : "actions.kind.") +
                                                 category_name(a.category)));
  const std::string maker = a.manufacturer.empty() ? std::string(L.get("chart.unknown_manufacturer")) : a.manufacturer;
  return i18n::format(L.get(one ? "actions.update_firmware_one" : "actions.update_firmware"),
                      {{"maker", maker}, {"category", category}, {"count", count}});
}

}  // namespace anshin::report
