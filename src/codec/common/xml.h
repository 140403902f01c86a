// Hardened pugixml loading for device replies. Limits: total bytes, element depth, node count.
// DOCTYPE / ENTITY declarations are rejected outright (pugixml never expands external entities,
// but there is no legitimate use of a DTD in any protocol we parse, so refusing is simplest).
// Names are compared by local name only (prefixes vary between vendors).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include <pugixml.hpp>

#include "core/result.h"

namespace anshin::codec::xml {

struct Limits {
  size_t max_bytes = 1 << 20;  // 1 MiB: HTTP bodies
  size_t max_depth = 48;
  size_t max_nodes = 50000;
};
inline constexpr Limits kUdpLimits{64 * 1024, 48, 5000};  // one datagram
inline constexpr Limits kHttpLimits{1 << 20, 48, 50000};

// Parses bytes into doc. Errc::kProtocol on malformed XML, DTDs or exceeded limits.
Result<void> load(pugi::xml_document& doc, std::string_view bytes, const Limits& limits);

std::string_view local_name(std::string_view qname);
std::string_view local_name(pugi::xml_node node);
std::string_view prefix(std::string_view qname);

// First child element with the given local name (or an empty node).
pugi::xml_node child(pugi::xml_node parent, std::string_view local);
std::vector<pugi::xml_node> children(pugi::xml_node parent, std::string_view local, size_t max = 1024);
// First descendant element (document order, iterative) with the given local name.
pugi::xml_node descendant(pugi::xml_node root, std::string_view local);
std::vector<pugi::xml_node> descendants(pugi::xml_node root, std::string_view local, size_t max = 1024);

// Trimmed text content of an element's first PCDATA/CDATA child, bounded to kMaxFieldBytes.
std::string text(pugi::xml_node node);
std::string child_text(pugi::xml_node parent, std::string_view local);

// Resolves the namespace URI of node's prefix via xmlns attributes on it and its ancestors.
std::string namespace_uri(pugi::xml_node node);

// Every xmlns / xmlns:p attribute value in the document (document order, deduplicated, bounded).
std::vector<std::string> declared_namespaces(const pugi::xml_document& doc, size_t max = 256);

}  // namespace anshin::codec::xml
