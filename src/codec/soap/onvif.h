// ONVIF device-service SOAP 1.2: request bodies (byte-exact https://github.com/agsh/onvif lib/cam.js form)
// and reply parsers for GetDeviceInformation, GetSystemDateAndTime, GetCapabilities, GetServices,
// plus SOAP Faults and the namespace URIs declared in any envelope (vendor tells).
// Elements are matched by local name; any prefix is accepted.
// Limits: xml::kHttpLimits (1 MiB, depth 48, 50000 nodes); at most 64 services / capabilities.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/common/xml.h"
#include "core/result.h"

namespace anshin::codec::onvif {

inline constexpr std::string_view kDeviceWsdl = "http://www.onvif.org/ver10/device/wsdl";

// ---- requests ----
// `<s:Envelope xmlns:s=".../soap-envelope">[header]<s:Body xmlns:xsi=.. xmlns:xsd=..>inner</s:Body></s:Envelope>`
std::string envelope(std::string_view body_inner, std::string_view header = {});
std::string get_system_date_and_time();
std::string get_device_information(std::string_view security_header = {});
std::string get_capabilities();  // <Category>All</Category>
std::string get_services();      // <IncludeCapability>false</IncludeCapability>
// `application/soap+xml;charset=utf-8;action="http://www.onvif.org/ver10/device/wsdl/<op>"`
std::string content_type(std::string_view op);

// ---- replies ----
struct Fault {
  std::string code;                   // Code/Value, e.g. "s:Sender" / "SOAP-ENV:Receiver"
  std::vector<std::string> subcodes;  // nested Subcode/Value, outermost first, e.g. "ter:NotAuthorized"
  std::string reason;                 // first Reason/Text
  std::string detail;                 // Detail text, if any
  bool is_not_authorized() const;     // any subcode with local name NotAuthorized
};

struct Envelope {
  std::vector<std::string> namespaces;  // every xmlns URI declared (document order, deduplicated)
  std::string body_element;             // local name of the first Body child ("GetDeviceInformationResponse", "Fault")
  std::optional<Fault> fault;
};
// Namespace URIs not belonging to W3C / OASIS / xmlsoap / ONVIF / Microsoft / tempuri (vendor tells
// such as http://www.hikvision.com/2011/event/topics, http://www.axis.com/2009/event/topics).
std::vector<std::string> vendor_namespaces(const std::vector<std::string>& all);

Result<Envelope> parse_envelope(std::string_view bytes, const xml::Limits& limits = xml::kHttpLimits);

struct DeviceInformation {
  Envelope envelope;  // fault set (and fields empty) when the device refused
  std::string manufacturer, model, firmware_version, serial_number, hardware_id;
};
Result<DeviceInformation> parse_device_information(std::string_view bytes,
                                                   const xml::Limits& limits = xml::kHttpLimits);

struct DateTime {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::string rfc3339() const;  // "2014-12-24T19:14:37Z"
};
struct SystemDateAndTime {
  Envelope envelope;
  std::string date_time_type;  // "Manual" | "NTP"
  std::optional<bool> daylight_savings;
  std::string tz;              // POSIX TZ string
  std::optional<DateTime> utc;    // absent on some cheap devices, or out of range
  std::optional<DateTime> local;
};
Result<SystemDateAndTime> parse_system_date_and_time(std::string_view bytes,
                                                     const xml::Limits& limits = xml::kHttpLimits);

struct Service {
  std::string ns;     // Namespace
  std::string xaddr;  // XAddr (may name another host: never follow outside scope)
  std::string version;  // "Major.Minor" when present
};
struct Services {
  Envelope envelope;
  std::vector<Service> services;
};
Result<Services> parse_services(std::string_view bytes, const xml::Limits& limits = xml::kHttpLimits);

struct Capabilities {
  Envelope envelope;
  // (category, XAddr), e.g. ("Device", "http://.../onvif/services"), ("Media", ...); categories
  // inside Extension are reported by their own local names.
  std::vector<std::pair<std::string, std::string>> xaddrs;
};
Result<Capabilities> parse_capabilities(std::string_view bytes, const xml::Limits& limits = xml::kHttpLimits);

}  // namespace anshin::codec::onvif
