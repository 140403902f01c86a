#include "kb/services.h"

#include <yaml-cpp/yaml.h>

#include <optional>

#include "core/text.h"
#include "kb/kb.h"

namespace anshin::kb {
namespace {

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

std::string scalar_or_empty(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : std::string(); }

std::vector<std::string> strings(const YAML::Node& n) {
  std::vector<std::string> out;
  if (n && n.IsSequence())
    for (const auto& e : n)
      if (e.IsScalar()) out.push_back(e.Scalar());
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// "a.b.c": lower-case letters, digits, '-' and '.', no empty label.
bool valid_domain(std::string_view d) {
  if (d.empty() || d.size() > 253 || d.front() == '.' || d.back() == '.' || d.find("..") != std::string_view::npos)
    return false;
  for (char c : d)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) return false;
  return true;
}

std::optional<AddressRange> parse_range(const std::string& text) {
  const size_t slash = text.find('/');
  auto base = IpAddr::parse(text.substr(0, slash));
  if (!base) return std::nullopt;
  const int max = base->is_v4() ? 32 : 128;
  int bits = max;
  if (slash != std::string::npos) {
    const std::string b = text.substr(slash + 1);
    if (b.empty() || b.size() > 3 || b.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    bits = std::stoi(b);
    if (bits < 8 || bits > max) return std::nullopt;  // nothing wider than a /8: a range that large is no evidence
  }
  return AddressRange{*base, bits, text};
}

bool prefix_equal(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b, int bits) {
  for (int i = 0; i < bits; ++i) {
    const int byte = i / 8, bit = 7 - i % 8;
    if (((a[byte] >> bit) & 1) != ((b[byte] >> bit) & 1)) return false;
  }
  return true;
}

void load_examples(const SourceFile& f, const YAML::Node& list, VendorService& s, Diagnostics& d) {
  if (!list || !list.IsSequence() || list.size() == 0) {
    d.error(f.path, s.line, "service '" + s.id + "' needs examples");
    return;
  }
  for (const auto& e : list) {
    ServiceExample ex;
    ex.line = line_of(e);
    if (e.IsScalar()) {
      ex.value = e.Scalar();
    } else if (e.IsMap() && e["value"]) {
      ex.value = scalar_or_empty(e["value"]);
      ex.match = !e["match"] || scalar_or_empty(e["match"]) != "false";
    } else {
      d.error(f.path, ex.line, "an example is a name or address, or {value, match}");
      continue;
    }
    s.examples.push_back(std::move(ex));
  }
}

void check_service(const SourceFile& f, const YAML::Node& e, const Vocabulary& vocab, VendorService& s,
                   Diagnostics& d) {
  for (const auto& kv : e) {
    const std::string k = kv.first.Scalar();
    static const char* const known[] = {"id", "name", "vendors", "kind", "domains", "addresses", "source", "examples", "note"};
    if (std::find(std::begin(known), std::end(known), k) == std::end(known))
      d.error(f.path, line_of(kv.first), "unknown key '" + k + "' in service");
  }
  if (s.id.empty() || s.name.empty()) d.error(f.path, s.line, "a service needs an id and a name");
  if (s.kind != "cloud" && s.kind != "p2p") d.error(f.path, s.line, "service '" + s.id + "': kind must be cloud or p2p");
  if (s.source.empty()) d.error(f.path, s.line, "service '" + s.id + "' needs a source");
  if (s.domains.empty() && s.addresses.empty()) d.error(f.path, s.line, "service '" + s.id + "' needs domains or addresses");
  for (const auto& v : s.vendors)
    if (vocab.find(v) == nullptr) d.error(f.path, s.line, "service '" + s.id + "': unknown vendor id '" + v + "'");
  for (const auto& dom : s.domains)
    if (!valid_domain(dom)) d.error(f.path, s.line, "service '" + s.id + "': bad domain '" + dom + "'");
}

}  // namespace

bool AddressRange::contains(const IpAddr& a) const {
  if (a.is_v4() != base.is_v4()) return false;
  if (a.is_v4()) {
    const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
    return (a.v4_value() & mask) == (base.v4_value() & mask);
  }
  return prefix_equal(a.v6_bytes(), base.v6_bytes(), bits);
}

const VendorService* ServiceTable::by_name(std::string_view name) const {
  while (!name.empty()) {
    auto it = by_domain_.find(std::string(name));
    if (it != by_domain_.end()) return &services_[it->second];
    const size_t dot = name.find('.');
    if (dot == std::string_view::npos) break;
    name.remove_prefix(dot + 1);
  }
  return nullptr;
}

const VendorService* ServiceTable::by_address(const IpAddr& address) const {
  for (const auto& s : services_)
    for (const auto& r : s.addresses)
      if (r.contains(address)) return &s;
  return nullptr;
}

bool ServiceTable::add(VendorService service, std::string* clash) {
  for (const auto& d : service.domains) {
    auto it = by_domain_.find(d);
    if (it != by_domain_.end()) {
      if (clash) *clash = d + " (also in '" + services_[it->second].id + "')";
      return false;
    }
  }
  const size_t index = services_.size();
  for (const auto& d : service.domains) by_domain_.emplace(d, index);
  services_.push_back(std::move(service));
  return true;
}

void load_services(const SourceFile& f, const Vocabulary& vocab, ServiceTable& table, Diagnostics& d) {
  YAML::Node root;
  try {
    root = YAML::Load(f.contents);
  } catch (const YAML::Exception& e) {
    d.error(f.path, e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML: " + e.msg);
    return;
  }
  YAML::Node list = root.IsMap() ? root["services"] : YAML::Node();
  if (!list || !list.IsSequence()) {
    d.error(f.path, 1, "'services' must be a list");
    return;
  }
  for (const auto& e : list) {
    if (!e.IsMap()) {
      d.error(f.path, line_of(e), "a service must be a mapping");
      continue;
    }
    VendorService s;
    s.file = f.path;
    s.line = line_of(e);
    s.id = scalar_or_empty(e["id"]);
    s.name = scalar_or_empty(e["name"]);
    s.vendors = strings(e["vendors"]);
    s.kind = scalar_or_empty(e["kind"]);
    for (const auto& dom : strings(e["domains"])) s.domains.push_back(lower(text::trim(dom)));
    for (const auto& a : strings(e["addresses"])) {
      auto r = parse_range(a);
      if (!r) d.error(f.path, s.line, "service '" + s.id + "': bad address range '" + a + "' (CIDR, /8 or narrower)");
      else s.addresses.push_back(*r);
    }
    s.source = scalar_or_empty(e["source"]);
    check_service(f, e, vocab, s, d);
    load_examples(f, e["examples"], s, d);
    std::string clash;
    if (!table.add(std::move(s), &clash)) d.error(f.path, line_of(e), "domain claimed twice: " + clash);
  }
}

bool verify_service_examples(const ServiceTable& table, Diagnostics& d) {
  const size_t before = d.error_count();
  for (const auto& s : table.all()) {
    for (const auto& ex : s.examples) {
      const VendorService* got = nullptr;
      if (auto address = IpAddr::parse(ex.value)) got = table.by_address(*address);
      else got = table.by_name(lower(ex.value));
      const bool matched = got != nullptr && got->id == s.id;
      if (matched != ex.match)
        d.error(s.file, ex.line, "example '" + ex.value + (ex.match ? "' does not match" : "' matches") + " service '" + s.id + "'");
    }
  }
  return d.error_count() == before;
}

}  // namespace anshin::kb
