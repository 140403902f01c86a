#include "codec/isapi/isapi.h"

#include "codec/common/strings.h"

namespace anshin::codec::isapi {

std::string DeviceInfo::field(std::string_view name) const {
  for (const auto& [k, v] : fields)
    if (k == name) return v;
  return {};
}

Result<DeviceInfo> parse_device_info(std::string_view body, const xml::Limits& limits) {
  pugi::xml_document doc;
  if (auto r = xml::load(doc, body, limits); !r) return r.error();
  pugi::xml_node root = doc.document_element();
  if (xml::local_name(root) != "DeviceInfo") return make_error(Errc::kProtocol, "isapi: root is not DeviceInfo");
  DeviceInfo d;
  d.xmlns = bounded(root.attribute("xmlns").value());
  d.version = bounded(root.attribute("version").value());
  for (pugi::xml_node c = root.first_child(); c && d.fields.size() < 128; c = c.next_sibling())
    if (c.type() == pugi::node_element) d.fields.emplace_back(std::string(xml::local_name(c)).substr(0, 64), xml::text(c));
  auto f = [&](const char* n) { return d.field(n); };
  d.device_name = f("deviceName");
  d.device_id = f("deviceID");
  d.device_description = f("deviceDescription");
  d.device_location = f("deviceLocation");
  d.system_contact = f("systemContact");
  d.model = f("model");
  d.serial_number = f("serialNumber");
  d.mac_address = f("macAddress");
  d.firmware_version = f("firmwareVersion");
  d.firmware_released_date = f("firmwareReleasedDate");
  d.boot_version = f("bootVersion");
  d.boot_released_date = f("bootReleasedDate");
  d.hardware_version = f("hardwareVersion");
  d.encoder_version = f("encoderVersion");
  d.encoder_released_date = f("encoderReleasedDate");
  d.decoder_version = f("decoderVersion");
  d.device_type = f("deviceType");
  d.telecontrol_id = f("telecontrolID");
  d.manufacturer = f("manufacturer");
  d.oem_code = f("OEMCode");
  d.firmware_version_info = f("firmwareVersionInfo");
  return d;
}

Result<UserCheck> parse_user_check(std::string_view body, const xml::Limits& limits) {
  pugi::xml_document doc;
  if (auto r = xml::load(doc, body, limits); !r) return r.error();
  pugi::xml_node root = doc.document_element();
  if (xml::local_name(root) != "userCheck") return make_error(Errc::kProtocol, "isapi: root is not userCheck");
  UserCheck u;
  u.status_value = parse_int(xml::child_text(root, "statusValue"));
  u.status_string = xml::child_text(root, "statusString");
  u.is_illegal_login = parse_lenient_bool(xml::child_text(root, "isIllegalLogin"));
  u.lock_status = xml::child_text(root, "lockStatus");
  u.unlock_time = parse_int(xml::child_text(root, "unlockTime"));
  u.retry_login_time = parse_int(xml::child_text(root, "retryLoginTime"));
  return u;
}

}  // namespace anshin::codec::isapi
