#include "codec/soap/onvif.h"

#include <cstdio>

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::onvif {
namespace {

constexpr size_t kMaxEntries = 64;

struct Loaded {
  pugi::xml_node body;
  Envelope env;
};

Result<Envelope> load_envelope(pugi::xml_document& doc, std::string_view bytes, const xml::Limits& limits,
                               pugi::xml_node& body_out) {
  if (auto r = xml::load(doc, bytes, limits); !r) return r.error();
  pugi::xml_node env = doc.document_element();
  if (xml::local_name(env) != "Envelope") return make_error(Errc::kProtocol, "soap: not an Envelope");
  Envelope out;
  out.namespaces = xml::declared_namespaces(doc);
  pugi::xml_node body = xml::child(env, "Body");
  if (!body) return make_error(Errc::kProtocol, "soap: no Body");
  body_out = body;
  pugi::xml_node first;
  for (pugi::xml_node c = body.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element) {
      first = c;
      break;
    }
  if (first) out.body_element = std::string(xml::local_name(first));
  if (first && xml::local_name(first) == "Fault") {
    Fault f;
    pugi::xml_node code = xml::child(first, "Code");
    f.code = xml::child_text(code, "Value");
    pugi::xml_node sub = xml::child(code, "Subcode");
    for (size_t i = 0; sub && i < 8; ++i) {
      f.subcodes.push_back(xml::child_text(sub, "Value"));
      sub = xml::child(sub, "Subcode");
    }
    f.reason = xml::child_text(xml::child(first, "Reason"), "Text");
    if (f.code.empty()) f.code = xml::child_text(first, "faultcode");  // SOAP 1.1 shape
    if (f.reason.empty()) f.reason = xml::child_text(first, "faultstring");
    pugi::xml_node detail = xml::child(first, "Detail");
    if (!detail) detail = xml::child(first, "detail");
    f.detail = xml::text(detail);
    if (f.detail.empty()) f.detail = xml::child_text(detail, "Text");
    out.fault = std::move(f);
  }
  return out;
}

std::optional<int> int_of(pugi::xml_node parent, std::string_view local, int lo, int hi) {
  auto v = parse_int(xml::child_text(parent, local));
  if (!v || *v < lo || *v > hi) return std::nullopt;
  return static_cast<int>(*v);
}

std::optional<DateTime> parse_dt(pugi::xml_node n) {
  if (!n) return std::nullopt;
  pugi::xml_node t = xml::child(n, "Time"), d = xml::child(n, "Date");
  auto y = int_of(d, "Year", 1, 9999), mo = int_of(d, "Month", 1, 12), da = int_of(d, "Day", 1, 31);
  auto h = int_of(t, "Hour", 0, 23), mi = int_of(t, "Minute", 0, 59), s = int_of(t, "Second", 0, 60);
  if (!y || !mo || !da || !h || !mi || !s) return std::nullopt;
  return DateTime{*y, *mo, *da, *h, *mi, *s};
}

std::string body_with(std::string_view inner) { return envelope(inner); }

}  // namespace

std::string envelope(std::string_view body_inner, std::string_view header) {
  std::string out = "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\">";
  out += header;
  out += "<s:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
         "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\">";
  out += body_inner;
  out += "</s:Body></s:Envelope>";
  return out;
}

std::string get_system_date_and_time() {
  return body_with("<GetSystemDateAndTime xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/>");
}
std::string get_device_information(std::string_view security_header) {
  return envelope("<GetDeviceInformation xmlns=\"http://www.onvif.org/ver10/device/wsdl\"/>", security_header);
}
std::string get_capabilities() {
  return body_with(
      "<GetCapabilities xmlns=\"http://www.onvif.org/ver10/device/wsdl\"><Category>All</Category></GetCapabilities>");
}
std::string get_services() {
  return body_with(
      "<GetServices xmlns=\"http://www.onvif.org/ver10/device/wsdl\"><IncludeCapability>false</IncludeCapability>"
      "</GetServices>");
}
std::string content_type(std::string_view op) {
  std::string clean;
  for (char c : op)
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) clean.push_back(c);
  return "application/soap+xml;charset=utf-8;action=\"http://www.onvif.org/ver10/device/wsdl/" + clean + "\"";
}

bool Fault::is_not_authorized() const {
  for (const auto& s : subcodes)
    if (xml::local_name(s) == "NotAuthorized") return true;
  return false;
}

std::vector<std::string> vendor_namespaces(const std::vector<std::string>& all) {
  static constexpr std::string_view kStandard[] = {
      "www.w3.org",       "docs.oasis-open.org", "schemas.xmlsoap.org", "www.onvif.org",
      "schemas.microsoft.com", "tempuri.org",    "urn:",                "www.ietf.org",
  };
  std::vector<std::string> out;
  for (const auto& ns : all) {
    std::string_view v = ns;
    if (text::istarts_with(v, "http://")) v.remove_prefix(7);
    else if (text::istarts_with(v, "https://")) v.remove_prefix(8);
    bool standard = false;
    for (auto s : kStandard) standard = standard || text::istarts_with(v, s) || text::istarts_with(ns, s);
    if (!standard) out.push_back(ns);
  }
  return out;
}

Result<Envelope> parse_envelope(std::string_view bytes, const xml::Limits& limits) {
  pugi::xml_document doc;
  pugi::xml_node body;
  return load_envelope(doc, bytes, limits, body);
}

Result<DeviceInformation> parse_device_information(std::string_view bytes, const xml::Limits& limits) {
  pugi::xml_document doc;
  pugi::xml_node body;
  auto env = load_envelope(doc, bytes, limits, body);
  if (!env) return env.error();
  DeviceInformation out;
  out.envelope = std::move(*env);
  if (out.envelope.fault) return out;
  pugi::xml_node r = xml::child(body, "GetDeviceInformationResponse");
  if (!r) return make_error(Errc::kProtocol, "onvif: no GetDeviceInformationResponse");
  out.manufacturer = xml::child_text(r, "Manufacturer");
  out.model = xml::child_text(r, "Model");
  out.firmware_version = xml::child_text(r, "FirmwareVersion");
  out.serial_number = xml::child_text(r, "SerialNumber");
  out.hardware_id = xml::child_text(r, "HardwareId");
  return out;
}

std::string DateTime::rfc3339() const {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day, hour, minute, second);
  return buf;
}

Result<SystemDateAndTime> parse_system_date_and_time(std::string_view bytes, const xml::Limits& limits) {
  pugi::xml_document doc;
  pugi::xml_node body;
  auto env = load_envelope(doc, bytes, limits, body);
  if (!env) return env.error();
  SystemDateAndTime out;
  out.envelope = std::move(*env);
  if (out.envelope.fault) return out;
  pugi::xml_node sdt = xml::child(xml::child(body, "GetSystemDateAndTimeResponse"), "SystemDateAndTime");
  if (!sdt) return make_error(Errc::kProtocol, "onvif: no SystemDateAndTime");
  out.date_time_type = xml::child_text(sdt, "DateTimeType");
  out.daylight_savings = parse_lenient_bool(xml::child_text(sdt, "DaylightSavings"));
  out.tz = xml::child_text(xml::child(sdt, "TimeZone"), "TZ");
  out.utc = parse_dt(xml::child(sdt, "UTCDateTime"));
  out.local = parse_dt(xml::child(sdt, "LocalDateTime"));
  return out;
}

Result<Services> parse_services(std::string_view bytes, const xml::Limits& limits) {
  pugi::xml_document doc;
  pugi::xml_node body;
  auto env = load_envelope(doc, bytes, limits, body);
  if (!env) return env.error();
  Services out;
  out.envelope = std::move(*env);
  if (out.envelope.fault) return out;
  pugi::xml_node r = xml::child(body, "GetServicesResponse");
  if (!r) return make_error(Errc::kProtocol, "onvif: no GetServicesResponse");
  for (pugi::xml_node s : xml::children(r, "Service", kMaxEntries)) {
    Service sv;
    sv.ns = xml::child_text(s, "Namespace");
    sv.xaddr = xml::child_text(s, "XAddr");
    pugi::xml_node v = xml::child(s, "Version");
    std::string major = xml::child_text(v, "Major"), minor = xml::child_text(v, "Minor");
    if (!major.empty()) sv.version = major + "." + (minor.empty() ? "0" : minor);
    out.services.push_back(std::move(sv));
  }
  return out;
}

Result<Capabilities> parse_capabilities(std::string_view bytes, const xml::Limits& limits) {
  pugi::xml_document doc;
  pugi::xml_node body;
  auto env = load_envelope(doc, bytes, limits, body);
  if (!env) return env.error();
  Capabilities out;
  out.envelope = std::move(*env);
  if (out.envelope.fault) return out;
  pugi::xml_node caps = xml::child(xml::child(body, "GetCapabilitiesResponse"), "Capabilities");
  if (!caps) return make_error(Errc::kProtocol, "onvif: no Capabilities");
  for (pugi::xml_node x : xml::descendants(caps, "XAddr", kMaxEntries)) {
    pugi::xml_node cat = x.parent();
    out.xaddrs.emplace_back(std::string(xml::local_name(cat)), xml::text(x));
  }
  return out;
}

}  // namespace anshin::codec::onvif
