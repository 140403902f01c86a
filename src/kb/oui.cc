#include "kb/oui.h"

#include <fstream>
#include <vector>

#include "kb/kb.h"

namespace anshin::kb {
namespace {

int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Splits one CSV line (RFC 4180 quoting, no embedded newlines in the IEEE files we read).
std::vector<std::string> split_csv(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          cur += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        cur += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.push_back(std::move(cur));
      cur.clear();
    } else if (c != '\r') {
      cur += c;
    }
  }
  out.push_back(std::move(cur));
  return out;
}

}  // namespace

std::optional<uint64_t> OuiTable::parse_mac(std::string_view mac) {
  uint64_t v = 0;
  int digits = 0;
  for (char c : mac) {
    int h = hexval(c);
    if (h >= 0) {
      if (++digits > 12) return std::nullopt;
      v = (v << 4) | static_cast<uint64_t>(h);
    } else if (c != ':' && c != '-' && c != '.') {
      return std::nullopt;
    }
  }
  if (digits != 12) return std::nullopt;
  return v;
}

bool OuiTable::add(std::string_view prefix_hex, int bits, std::string organization, std::string vendor_id) {
  if (bits != 24 && bits != 28 && bits != 36) return false;
  if (prefix_hex.size() != static_cast<size_t>(bits / 4)) return false;
  uint64_t key = 0;
  std::string upper;
  for (char c : prefix_hex) {
    int h = hexval(c);
    if (h < 0) return false;
    key = (key << 4) | static_cast<uint64_t>(h);
    upper += "0123456789ABCDEF"[h];
  }
  auto& map = bits == 36 ? by36_ : bits == 28 ? by28_ : by24_;
  auto [it, inserted] = map.try_emplace(key);
  OuiEntry& e = it->second;
  if (inserted) {
    e.prefix = upper;
    e.bits = bits;
    ++size_;
  }
  if (e.organization.empty()) e.organization = std::move(organization);
  if (e.vendor_id.empty()) e.vendor_id = std::move(vendor_id);
  return true;
}

std::optional<OuiEntry> OuiTable::lookup(std::string_view mac) const {
  auto v = parse_mac(mac);
  if (!v || locally_administered(*v)) return std::nullopt;
  if (auto it = by36_.find(*v >> 12); it != by36_.end()) return it->second;
  if (auto it = by28_.find(*v >> 20); it != by28_.end()) return it->second;
  if (auto it = by24_.find(*v >> 24); it != by24_.end()) return it->second;
  return std::nullopt;
}

size_t OuiTable::load_ieee_csv(const std::filesystem::path& file, const Vocabulary* vocab) {
  std::ifstream in(file);
  if (!in) return 0;
  std::string line;
  size_t added = 0;
  bool header = true;
  while (std::getline(in, line)) {
    if (header) {  // "Registry,Assignment,Organization Name,Organization Address"
      header = false;
      if (line.rfind("Registry", 0) == 0) continue;
    }
    auto cols = split_csv(line);
    if (cols.size() < 3) continue;
    const std::string& assignment = cols[1];
    int bits = static_cast<int>(assignment.size()) * 4;
    std::string vendor;
    if (vocab != nullptr) {
      if (const Vendor* v = vocab->find_alias(cols[2])) vendor = v->id;
    }
    if (add(assignment, bits, cols[2], vendor)) ++added;
  }
  return added;
}

size_t OuiTable::load_ieee_dir(const std::filesystem::path& dir, const Vocabulary* vocab) {
  size_t n = 0;
  for (const char* name : {"oui36.csv", "iab.csv", "mam.csv", "oui.csv"}) n += load_ieee_csv(dir / name, vocab);
  return n;
}

}  // namespace anshin::kb
