// Axis VAPIX basicdeviceinfo.cgi (JSON in, JSON out; readable anonymously by default):
//   request:  {"apiVersion":"1.0","context":"..","method":"getAllUnrestrictedProperties"}
//   reply:    {"apiVersion":"1.x","context":..,"data":{"propertyList":{"Brand":..,"BuildDate":..,...}}}
//   error:    {"apiVersion":"1.x","context":..,"error":{"code":N,"message":".."}}
// Limits: 256 KiB, JSON depth 16, 64 properties kept.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace anshin::codec::axis {

struct ApiError {
  std::optional<int64_t> code;
  std::string message;
};

struct BasicDeviceInfo {
  std::string api_version, context;
  std::string brand, build_date, hardware_id, prod_full_name, prod_nbr, prod_short_name, prod_type, prod_variant,
      serial_number, version, web_url;
  std::vector<std::pair<std::string, std::string>> properties;  // every propertyList entry (scalars)
  std::optional<ApiError> error;  // set for an error reply (then the fields are empty)
};

// Errc::kProtocol for non-JSON, limits, or JSON that is neither a data nor an error reply.
Result<BasicDeviceInfo> parse_basic_device_info(std::string_view body);

std::string build_basic_device_info_request(std::string_view context = "anshin");

// VAPIX param.cgi?action=list&group=Brand (older AXIS OS, no basicdeviceinfo): text lines
// `root.Brand.<Name>=<value>`. Other lines are ignored. Limits: 64 KiB, 64 lines kept, 4 KiB a value.
// Errc::kProtocol when no root.Brand line is present.
struct BrandGroup {
  std::string brand, prod_full_name, prod_nbr, prod_short_name, prod_type;
};
Result<BrandGroup> parse_param_brand(std::string_view body);

}  // namespace anshin::codec::axis
