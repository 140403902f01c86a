// UPnP device description XML (UPnP Device Architecture, urn:schemas-upnp-org:device-1-0):
// <root><specVersion/><URLBase/>?<device><deviceType/><friendlyName/><manufacturer/>
// <manufacturerURL/><modelDescription/><modelName/><modelNumber/><modelURL/><serialNumber/><UDN/>
// <presentationURL/><serviceList><service><serviceType/>...</service></serviceList>
// <deviceList><device>...</device></deviceList></device></root>
// Matched by local name (namespace prefixes vary). Limits: xml::kHttpLimits; at most 32 embedded
// devices and 64 services per device.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "codec/common/xml.h"
#include "core/result.h"

namespace anshin::codec::upnp {

struct Device {
  std::string device_type, friendly_name, manufacturer, manufacturer_url, model_description, model_name,
      model_number, model_url, serial_number, udn, presentation_url;
  std::vector<std::string> service_types;
};

struct Description {
  std::string spec_version;  // "1.0"
  std::string url_base;
  Device root;                    // the root device
  std::vector<Device> embedded;   // deviceList descendants (flattened, bounded)
};

Result<Description> parse_description(std::string_view xml_bytes, const xml::Limits& limits = xml::kHttpLimits);

}  // namespace anshin::codec::upnp
