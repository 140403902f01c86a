// Hikvision ISAPI XML (element names as read by https://github.com/cameronnewman/hikvision-tooling,
// internal/isapi/client.go).
// GET /ISAPI/System/deviceInfo ->
//   <DeviceInfo version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><deviceName/>
//   <deviceID/><model/><serialNumber/><macAddress/><firmwareVersion/><firmwareReleasedDate/>
//   <deviceType/>...</DeviceInfo>   (flat; matched by local name, any namespace)
// 401 body on newer firmware:
//   <userCheck><statusValue>401</statusValue><statusString>Unauthorized</statusString>
//   <isIllegalLogin>..</isIllegalLogin><lockStatus>unlock|lock</lockStatus><unlockTime>..</unlockTime>...
// Limits: xml::kHttpLimits; at most 128 raw fields kept.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/common/xml.h"
#include "core/result.h"

namespace anshin::codec::isapi {

struct DeviceInfo {
  std::string xmlns, version;  // root attributes
  std::string device_name, device_id, device_description, device_location, system_contact, model, serial_number,
      mac_address, firmware_version, firmware_released_date, boot_version, boot_released_date, hardware_version,
      encoder_version, encoder_released_date, decoder_version, device_type, telecontrol_id, manufacturer, oem_code,
      firmware_version_info;
  std::vector<std::pair<std::string, std::string>> fields;  // every child element (local name, text)
  std::string field(std::string_view name) const;
};
Result<DeviceInfo> parse_device_info(std::string_view body, const xml::Limits& limits = xml::kHttpLimits);

struct UserCheck {
  std::optional<int64_t> status_value;  // 401, 200 ...
  std::string status_string;
  std::optional<bool> is_illegal_login;
  std::string lock_status;               // "unlock" | "lock"
  std::optional<int64_t> unlock_time;    // seconds
  std::optional<int64_t> retry_login_time;
};
Result<UserCheck> parse_user_check(std::string_view body, const xml::Limits& limits = xml::kHttpLimits);

}  // namespace anshin::codec::isapi
