#include "codec/common/xml.h"

#include <cstring>

#include "codec/common/strings.h"
#include "core/text.h"

namespace anshin::codec::xml {
namespace {

bool icontains(std::string_view hay, std::string_view needle) {
  if (needle.size() > hay.size()) return false;
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i)
    if (text::iequals(hay.substr(i, needle.size()), needle)) return true;
  return false;
}

// Walks every node without recursion; fn(node, depth) returns false to stop.
template <class Fn>
void walk(pugi::xml_node root, Fn&& fn) {
  pugi::xml_node n = root.first_child();
  size_t depth = 1;
  while (n) {
    if (!fn(n, depth)) return;
    if (n.first_child()) {
      n = n.first_child();
      ++depth;
      continue;
    }
    while (n && !n.next_sibling() && n != root) {
      n = n.parent();
      --depth;
    }
    if (!n || n == root) return;
    n = n.next_sibling();
  }
}

}  // namespace

Result<void> load(pugi::xml_document& doc, std::string_view bytes, const Limits& limits) {
  if (bytes.size() > limits.max_bytes) return make_error(Errc::kProtocol, "xml: document too large");
  if (bytes.empty()) return make_error(Errc::kProtocol, "xml: empty document");
  if (icontains(bytes, "<!DOCTYPE") || icontains(bytes, "<!ENTITY"))
    return make_error(Errc::kProtocol, "xml: DTD not accepted");
  // Cheap upper bound before pugixml allocates: every element or markup starts with '<'. pugixml's
  // parser is iterative, so nesting costs no stack; depth is checked exactly after parsing.
  size_t lt = 0;
  for (char c : bytes) lt += c == '<';
  if (lt > limits.max_nodes) return make_error(Errc::kProtocol, "xml: too many nodes");

  const unsigned opts = pugi::parse_default & ~pugi::parse_doctype;
  pugi::xml_parse_result r = doc.load_buffer(bytes.data(), bytes.size(), opts, pugi::encoding_utf8);
  if (!r) return make_error(Errc::kProtocol, std::string("xml: ") + r.description());
  if (!doc.document_element()) return make_error(Errc::kProtocol, "xml: no root element");

  size_t nodes = 0;
  bool too_deep = false, too_many = false;
  walk(doc, [&](pugi::xml_node, size_t d) {
    if (++nodes > limits.max_nodes) {
      too_many = true;
      return false;
    }
    if (d > limits.max_depth) {
      too_deep = true;
      return false;
    }
    return true;
  });
  if (too_many) return make_error(Errc::kProtocol, "xml: too many nodes");
  if (too_deep) return make_error(Errc::kProtocol, "xml: nesting too deep");
  return {};
}

std::string_view local_name(std::string_view qname) {
  size_t c = qname.rfind(':');
  return c == std::string_view::npos ? qname : qname.substr(c + 1);
}

std::string_view local_name(pugi::xml_node node) { return local_name(std::string_view(node.name())); }

std::string_view prefix(std::string_view qname) {
  size_t c = qname.find(':');
  return c == std::string_view::npos ? std::string_view{} : qname.substr(0, c);
}

pugi::xml_node child(pugi::xml_node parent, std::string_view local) {
  for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == local) return c;
  return {};
}

std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view local, size_t max) {
  std::vector<pugi::xml_node> out;
  for (pugi::xml_node c = parent.first_child(); c && out.size() < max; c = c.next_sibling())
    if (c.type() == pugi::node_element && local_name(c) == local) out.push_back(c);
  return out;
}

pugi::xml_node descendant(pugi::xml_node root, std::string_view local) {
  pugi::xml_node found;
  walk(root, [&](pugi::xml_node n, size_t) {
    if (n.type() == pugi::node_element && local_name(n) == local) {
      found = n;
      return false;
    }
    return true;
  });
  return found;
}

std::vector<pugi::xml_node> descendants(pugi::xml_node root, std::string_view local, size_t max) {
  std::vector<pugi::xml_node> out;
  walk(root, [&](pugi::xml_node n, size_t) {
    if (n.type() == pugi::node_element && local_name(n) == local) out.push_back(n);
    return out.size() < max;
  });
  return out;
}

std::string text(pugi::xml_node node) {
  if (!node) return {};
  return bounded(node.text().get());
}

std::string child_text(pugi::xml_node parent, std::string_view local) { return text(child(parent, local)); }

std::string namespace_uri(pugi::xml_node node) {
  std::string_view p = prefix(node.name());
  std::string attr = p.empty() ? std::string("xmlns") : "xmlns:" + std::string(p);
  for (pugi::xml_node n = node; n && n.type() == pugi::node_element; n = n.parent()) {
    pugi::xml_attribute a = n.attribute(attr.c_str());
    if (a) return bounded(a.value());
  }
  return {};
}

std::vector<std::string> declared_namespaces(const pugi::xml_document& doc, size_t max) {
  std::vector<std::string> out;
  walk(doc, [&](pugi::xml_node n, size_t) {
    if (n.type() != pugi::node_element) return true;
    for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
      std::string_view name = a.name();
      if (name == "xmlns" || name.substr(0, 6) == "xmlns:") {
        std::string v = bounded(a.value());
        bool dup = false;
        for (const auto& e : out) dup = dup || e == v;
        if (!dup && !v.empty()) out.push_back(std::move(v));
        if (out.size() >= max) return false;
      }
    }
    return true;
  });
  return out;
}

}  // namespace anshin::codec::xml
