#include "targets/nmap_xml.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <pugixml.hpp>
#include <string>
#include <system_error>

#include "i18n/catalog.h"
#include "targets/detail.h"

namespace anshin::targets {

namespace {

bool parse_portid(const char* s, uint16_t& out) {
  uint32_t v = 0;
  if (*s == '\0') return false;
  for (; *s; ++s) {
    if (*s < '0' || *s > '9') return false;
    v = v * 10 + static_cast<uint32_t>(*s - '0');
    if (v > 65535) return false;
  }
  if (v == 0) return false;
  out = static_cast<uint16_t>(v);
  return true;
}

// parse_default skips the DOCTYPE (no parse_doctype) and pugixml has no notion of external or custom
// entities, so a document cannot pull in anything or expand into more than it is.
constexpr unsigned kParseFlags = pugi::parse_default & ~pugi::parse_pi & ~pugi::parse_comments;

Result<std::vector<NmapHost>> extract_hosts(const pugi::xml_document& doc, const pugi::xml_parse_result& parsed,
                                            const std::string& where) {
  if (!parsed)
    return i18n::error(Errc::kInvalidInput, "error.nmap.not_xml",
                       {{"file", where}, {"reason", parsed.description()}, {"offset", std::to_string(parsed.offset)}});
  const pugi::xml_node root = doc.document_element();
  if (std::strcmp(root.name(), "nmaprun") != 0)
    return i18n::error(Errc::kInvalidInput, "error.nmap.not_nmap", {{"file", where}});

  // IPv4 before IPv6, then by address.
  const auto v4_first = [](const IpAddr& a, const IpAddr& b) {
    return a.is_v6() != b.is_v6() ? b.is_v6() : a < b;
  };
  std::map<IpAddr, std::vector<uint16_t>, decltype(v4_first)> hosts(v4_first);
  for (const pugi::xml_node host : root.children("host")) {
    if (std::strcmp(host.child("status").attribute("state").value(), "up") != 0) continue;
    std::vector<uint16_t> ports;
    for (const pugi::xml_node port : host.child("ports").children("port")) {
      if (std::strcmp(port.attribute("protocol").value(), "tcp") != 0) continue;
      if (std::strcmp(port.child("state").attribute("state").value(), "open") != 0) continue;
      uint16_t p = 0;
      if (!parse_portid(port.attribute("portid").value(), p))
        return i18n::error(Errc::kInvalidInput, "error.nmap.bad_portid",
                           {{"file", where}, {"portid", detail::quote(port.attribute("portid").value())}});
      ports.push_back(p);
    }
    for (const pugi::xml_node addr : host.children("address")) {
      const std::string_view type = addr.attribute("addrtype").value();
      if (type != "ipv4" && type != "ipv6") continue;  // "mac"
      const char* text = addr.attribute("addr").value();
      const auto ip = IpAddr::parse(text);
      if (!ip || ip->is_v6() != (type == "ipv6"))
        return i18n::error(Errc::kInvalidInput, "error.nmap.bad_address",
                           {{"file", where}, {"family", std::string(type)}, {"address", detail::quote(text)}});
      auto& merged = hosts[*ip];
      merged.insert(merged.end(), ports.begin(), ports.end());
    }
  }
  std::vector<NmapHost> out;
  out.reserve(hosts.size());
  for (auto& [ip, ports] : hosts) {
    std::sort(ports.begin(), ports.end());
    ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
    out.push_back(NmapHost{ip, std::move(ports)});
  }
  return out;
}

}  // namespace

Result<std::vector<NmapHost>> parse_nmap_xml(std::string_view xml, std::string_view origin) {
  const std::string where(origin);
  if (xml.size() > kMaxNmapXmlBytes)
    return i18n::error(Errc::kInvalidInput, "error.nmap.data_too_large", {{"file", where}});
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size(), kParseFlags, pugi::encoding_utf8);
  return extract_hosts(doc, parsed, where);
}

Result<std::vector<NmapHost>> load_nmap_xml(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return i18n::error(Errc::kInvalidInput, "error.nmap.unreadable", {{"path", detail::quote(path)}, {"reason", ec.message()}});
  if (size > kMaxNmapXmlBytes)
    return i18n::error(Errc::kInvalidInput, "error.nmap.too_large", {{"path", detail::quote(path)}});
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return i18n::error(Errc::kInvalidInput, "error.nmap.unreadable",
                       {{"path", detail::quote(path)}, {"reason", std::strerror(errno)}});
  std::string data(static_cast<size_t>(size), '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  if (static_cast<uint64_t>(in.gcount()) != size)
    return i18n::error(Errc::kInvalidInput, "error.nmap.unreadable", {{"path", detail::quote(path)}, {"reason", "short read"}});
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer_inplace(data.data(), data.size(), kParseFlags, pugi::encoding_utf8);
  return extract_hosts(doc, parsed, path);
}

}  // namespace anshin::targets
