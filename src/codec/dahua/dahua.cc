#include "codec/dahua/dahua.h"

#include "codec/common/json.h"
#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::dahua {

std::string KeyValues::get(std::string_view key) const {
  for (const auto& [k, v] : items)
    if (k == key) return v;
  return {};
}

Result<KeyValues> parse_key_values(std::string_view body) {
  if (body.size() > 64 * 1024) return make_error(Errc::kProtocol, "dahua: body too large");
  KeyValues kv;
  size_t pos = 0, lines = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    std::string_view line = body.substr(pos, nl == std::string_view::npos ? body.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? body.size() : nl + 1;
    if (++lines > 256) break;
    size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view k = text::trim(line.substr(0, eq));
    if (k.empty() || k.size() > 128) continue;
    kv.items.emplace_back(std::string(k), bounded(line.substr(eq + 1)));
  }
  if (kv.items.empty()) return make_error(Errc::kProtocol, "dahua: no key=value line");
  return kv;
}

SoftwareVersion split_software_version(std::string_view value) {
  SoftwareVersion out;
  value = text::trim(value);
  size_t cut = value.find_first_of(", \t");
  out.version = bounded(value.substr(0, cut));
  if (cut == std::string_view::npos) return out;
  std::string_view rest = value.substr(cut + 1);
  std::string lower = text::to_lower(rest);
  size_t b = lower.find("build");
  if (b != std::string::npos) {
    std::string_view tail = rest.substr(b + 5);
    tail = text::trim(tail);
    if (!tail.empty() && (tail[0] == ':' || tail[0] == '=')) tail.remove_prefix(1);
    out.build = bounded(tail.substr(0, tail.find_first_of(", \t")));
  }
  return out;
}

MagicBoxInfo magicbox_info(const KeyValues& kv) {
  MagicBoxInfo m;
  m.device_type = kv.get("type");
  if (m.device_type.empty()) m.device_type = kv.get("deviceType");
  SoftwareVersion sv = split_software_version(kv.get("version"));
  m.software_version = sv.version;
  m.build_date = sv.build;
  m.serial_number = kv.get("serialNumber");
  if (m.serial_number.empty()) m.serial_number = kv.get("sn");
  m.vendor = kv.get("vendor");
  m.machine_name = kv.get("name");
  if (m.machine_name.empty()) m.machine_name = kv.get("machineName");
  m.hardware_version = kv.get("hardwareVersion");
  m.device_class = kv.get("class");
  if (m.device_class.empty()) m.device_class = kv.get("deviceClass");
  m.processor = kv.get("processor");
  return m;
}

Result<Rpc2LoginReply> parse_rpc2_login(std::string_view body) {
  json::Limits lim;
  lim.max_bytes = 64 * 1024;
  auto j = json::parse(body, lim);
  if (!j) return j.error();
  const nlohmann::json& root = *j;
  if (!root.is_object()) return make_error(Errc::kProtocol, "dahua: RPC2 reply is not an object");
  Rpc2LoginReply r;
  r.id = parse_int(json::get(root, "id"));
  r.result = parse_lenient_bool(json::get(root, "result"));
  r.session = json::get(root, "session");
  if (const nlohmann::json* p = json::find(root, "params")) {
    r.realm = json::get(*p, "realm");
    r.random = json::get(*p, "random");
    r.encryption = json::get(*p, "encryption");
  }
  if (const nlohmann::json* e = json::find(root, "error")) {
    r.error_code = parse_int(json::get(*e, "code"));
    r.error_message = json::get(*e, "message");
  }
  if (r.session.empty() && r.realm.empty() && !r.error_code && !r.result)
    return make_error(Errc::kProtocol, "dahua: not an RPC2 login reply");
  return r;
}

std::string build_rpc2_login_first(std::string_view user, int id) {
  nlohmann::json j = {{"method", "global.login"},
                      {"params", {{"userName", std::string(user)}, {"password", ""}, {"clientType", "Web3.0"},
                                  {"loginType", "Direct"}}},
                      {"id", id}};
  try {
    return j.dump();
  } catch (...) {
    return {};
  }
}

}  // namespace anshin::codec::dahua
