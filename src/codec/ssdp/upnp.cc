#include "codec/ssdp/upnp.h"

namespace anshin::codec::upnp {
namespace {

Device device_of(pugi::xml_node d) {
  Device out;
  out.device_type = xml::child_text(d, "deviceType");
  out.friendly_name = xml::child_text(d, "friendlyName");
  out.manufacturer = xml::child_text(d, "manufacturer");
  out.manufacturer_url = xml::child_text(d, "manufacturerURL");
  out.model_description = xml::child_text(d, "modelDescription");
  out.model_name = xml::child_text(d, "modelName");
  out.model_number = xml::child_text(d, "modelNumber");
  out.model_url = xml::child_text(d, "modelURL");
  out.serial_number = xml::child_text(d, "serialNumber");
  out.udn = xml::child_text(d, "UDN");
  out.presentation_url = xml::child_text(d, "presentationURL");
  for (pugi::xml_node s : xml::children(xml::child(d, "serviceList"), "service", 64))
    out.service_types.push_back(xml::child_text(s, "serviceType"));
  return out;
}

}  // namespace

Result<Description> parse_description(std::string_view bytes, const xml::Limits& limits) {
  pugi::xml_document doc;
  if (auto r = xml::load(doc, bytes, limits); !r) return r.error();
  pugi::xml_node root = doc.document_element();
  if (xml::local_name(root) != "root") return make_error(Errc::kProtocol, "upnp: root element is not <root>");
  pugi::xml_node dev = xml::child(root, "device");
  if (!dev) return make_error(Errc::kProtocol, "upnp: no <device>");
  Description out;
  pugi::xml_node sv = xml::child(root, "specVersion");
  if (sv) out.spec_version = xml::child_text(sv, "major") + "." + xml::child_text(sv, "minor");
  out.url_base = xml::child_text(root, "URLBase");
  out.root = device_of(dev);
  for (pugi::xml_node e : xml::descendants(xml::child(dev, "deviceList"), "device", 32)) out.embedded.push_back(device_of(e));
  return out;
}

}  // namespace anshin::codec::upnp
