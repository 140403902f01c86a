#include "codec/soap/wsd.h"

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::wsd {
namespace {

constexpr size_t kMaxMatches = 64;
constexpr size_t kMaxItems = 256;

std::string xml_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\r': case '\n': case '\0': break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  for (auto part : split_ws(s, kMaxItems)) out.emplace_back(part);
  return out;
}

}  // namespace

const char* scope_kind_name(ScopeKind k) {
  switch (k) {
    case ScopeKind::kName: return "name";
    case ScopeKind::kHardware: return "hardware";
    case ScopeKind::kLocation: return "location";
    case ScopeKind::kMac: return "mac";
    case ScopeKind::kProfile: return "profile";
    case ScopeKind::kType: return "type";
    case ScopeKind::kManufacturer: return "manufacturer";
    case ScopeKind::kOther: return "other";
  }
  return "other";
}

Scope classify_scope(std::string_view raw) {
  Scope s;
  s.raw = bounded(raw);
  std::string_view rest = s.raw;
  constexpr std::string_view kPrefix = "onvif://www.onvif.org/";
  if (!text::istarts_with(rest, kPrefix)) {
    s.value = percent_decode(rest);
    return s;
  }
  rest.remove_prefix(kPrefix.size());
  size_t slash = rest.find('/');
  std::string_view cat = rest.substr(0, slash);
  std::string_view val = slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  struct { std::string_view name; ScopeKind kind; } table[] = {
      {"name", ScopeKind::kName},       {"hardware", ScopeKind::kHardware}, {"location", ScopeKind::kLocation},
      {"mac", ScopeKind::kMac},         {"profile", ScopeKind::kProfile},   {"type", ScopeKind::kType},
      {"manufacturer", ScopeKind::kManufacturer},
  };
  for (const auto& t : table) {
    if (text::iequals(cat, t.name)) {
      s.kind = t.kind;
      s.value = percent_decode(val);
      return s;
    }
  }
  s.value = percent_decode(rest);
  return s;
}

bool ProbeMatch::has_type(std::string_view local) const {
  for (const auto& t : type_names)
    if (text::iequals(t, local)) return true;
  return false;
}

std::vector<std::string> ProbeMatch::scope_values(ScopeKind kind) const {
  std::vector<std::string> out;
  for (const auto& s : scopes)
    if (s.kind == kind) out.push_back(s.value);
  return out;
}

Result<ProbeMatches> parse_probe_matches(std::string_view datagram, const xml::Limits& limits) {
  pugi::xml_document doc;
  if (auto r = xml::load(doc, datagram, limits); !r) return r.error();
  pugi::xml_node env = doc.document_element();
  if (xml::local_name(env) != "Envelope") return make_error(Errc::kProtocol, "wsd: not a SOAP envelope");
  ProbeMatches out;
  pugi::xml_node header = xml::child(env, "Header");
  out.message_id = xml::child_text(header, "MessageID");
  out.relates_to = xml::child_text(header, "RelatesTo");
  out.action = xml::child_text(header, "Action");
  pugi::xml_node body = xml::child(env, "Body");
  std::vector<pugi::xml_node> nodes = xml::descendants(body, "ProbeMatch", kMaxMatches);
  bool hello = false;
  if (nodes.empty()) {
    nodes = xml::descendants(body, "Hello", kMaxMatches);
    hello = !nodes.empty();
  }
  if (nodes.empty()) return make_error(Errc::kProtocol, "wsd: no ProbeMatch or Hello");
  out.discovery_namespace = xml::namespace_uri(nodes.front());
  for (pugi::xml_node n : nodes) {
    ProbeMatch m;
    m.is_hello = hello;
    m.endpoint = xml::child_text(xml::child(n, "EndpointReference"), "Address");
    m.types = split_list(xml::child_text(n, "Types"));
    for (const auto& t : m.types) m.type_names.emplace_back(xml::local_name(t));
    for (const auto& raw : split_list(xml::child_text(n, "Scopes"))) m.scopes.push_back(classify_scope(raw));
    m.xaddrs = split_list(xml::child_text(n, "XAddrs"));
    m.metadata_version = xml::child_text(n, "MetadataVersion");
    out.matches.push_back(std::move(m));
  }
  return out;
}

std::string build_probe(std::string_view message_id, bool typed) {
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<s:Envelope xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\" "
      "xmlns:a=\"http://schemas.xmlsoap.org/ws/2004/08/addressing\" "
      "xmlns:d=\"http://schemas.xmlsoap.org/ws/2005/04/discovery\" "
      "xmlns:dn=\"http://www.onvif.org/ver10/network/wsdl\">"
      "<s:Header>"
      "<a:Action s:mustUnderstand=\"1\">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>"
      "<a:MessageID>";
  out += xml_escape(message_id);
  out +=
      "</a:MessageID>"
      "<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>"
      "<a:To s:mustUnderstand=\"1\">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>"
      "</s:Header><s:Body>";
  out += typed ? "<d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe>" : "<d:Probe/>";
  out += "</s:Body></s:Envelope>";
  return out;
}

}  // namespace anshin::codec::wsd
