#include "codec/axis/axis.h"

#include "codec/common/json.h"
#include "codec/common/strings.h"

namespace anshin::codec::axis {

Result<BasicDeviceInfo> parse_basic_device_info(std::string_view body) {
  auto j = json::parse(body);
  if (!j) return j.error();
  const nlohmann::json& root = *j;
  if (!root.is_object()) return make_error(Errc::kProtocol, "axis: not a JSON object");
  BasicDeviceInfo out;
  out.api_version = json::get(root, "apiVersion");
  out.context = json::get(root, "context");
  if (const nlohmann::json* e = json::find(root, "error")) {
    ApiError err;
    err.code = parse_int(json::get(*e, "code"));
    err.message = json::get(*e, "message");
    out.error = std::move(err);
    return out;
  }
  const nlohmann::json* data = json::find(root, "data");
  const nlohmann::json* pl = data ? json::find(*data, "propertyList") : nullptr;
  if (!pl || !pl->is_object()) return make_error(Errc::kProtocol, "axis: no data.propertyList");
  for (auto it = pl->begin(); it != pl->end() && out.properties.size() < 64; ++it)
    out.properties.emplace_back(bounded(it.key(), 128), json::scalar(it.value()));
  out.brand = json::get(*pl, "Brand");
  out.build_date = json::get(*pl, "BuildDate");
  out.hardware_id = json::get(*pl, "HardwareID");
  out.prod_full_name = json::get(*pl, "ProdFullName");
  out.prod_nbr = json::get(*pl, "ProdNbr");
  out.prod_short_name = json::get(*pl, "ProdShortName");
  out.prod_type = json::get(*pl, "ProdType");
  out.prod_variant = json::get(*pl, "ProdVariant");
  out.serial_number = json::get(*pl, "SerialNumber");
  out.version = json::get(*pl, "Version");
  out.web_url = json::get(*pl, "WebURL");
  return out;
}

std::string build_basic_device_info_request(std::string_view context) {
  nlohmann::json j = {{"apiVersion", "1.0"}, {"context", std::string(context)}, {"method", "getAllUnrestrictedProperties"}};
  try {
    return j.dump();
  } catch (...) {  // invalid UTF-8 in context
    return R"({"apiVersion":"1.0","context":"anshin","method":"getAllUnrestrictedProperties"})";
  }
}

Result<BrandGroup> parse_param_brand(std::string_view body) {
  if (body.size() > 64 * 1024) return make_error(Errc::kProtocol, "axis param: reply too large");
  BrandGroup g;
  bool any = false;
  size_t pos = 0, lines = 0;
  constexpr std::string_view kPrefix = "root.Brand.";
  while (pos < body.size() && lines < 64) {
    size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? body.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.starts_with(kPrefix)) continue;
    ++lines;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view name = line.substr(kPrefix.size(), eq - kPrefix.size());
    std::string value(line.substr(eq + 1, 4096));
    if (name == "Brand") g.brand = value, any = true;
    else if (name == "ProdFullName") g.prod_full_name = value, any = true;
    else if (name == "ProdNbr") g.prod_nbr = value, any = true;
    else if (name == "ProdShortName") g.prod_short_name = value, any = true;
    else if (name == "ProdType") g.prod_type = value, any = true;
  }
  if (!any) return make_error(Errc::kProtocol, "axis param: no root.Brand line");
  return g;
}

}  // namespace anshin::codec::axis
