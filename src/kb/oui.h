// MAC prefix -> organisation / vendor id. Longest prefix wins: MA-S/IAB (36 bits), then MA-M (28), then
// MA-L (24). Locally administered MACs (bit 0x02 of the first octet: often randomised) carry no vendor.
// Sources: data/oui/*.yaml (shipped, IEEE organisation strings only) and, when present, the Debian
// ieee-data registry files (/usr/share/ieee-data/{oui,mam,oui36,iab}.csv).
#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace anshin::kb {

class Vocabulary;

struct OuiEntry {
  std::string prefix;        // upper-case hex, 6, 7 or 9 digits
  int bits = 24;             // 24, 28 or 36
  std::string organization;  // IEEE organisation string ("" when not in hand)
  std::string vendor_id;     // vocabulary id ("" when the organisation is not a known vendor)
};

class OuiTable {
 public:
  // Adds or completes an entry (an existing entry keeps its non-empty fields). False on a bad prefix.
  bool add(std::string_view prefix_hex, int bits, std::string organization, std::string vendor_id);
  // Reads an IEEE registry CSV ("Registry,Assignment,Organization Name,Organization Address"); the
  // assignment length gives the prefix size. When `vocab` is given, organisation strings are mapped to
  // vendor ids through its aliases. Returns the number of rows added, 0 when the file is absent.
  size_t load_ieee_csv(const std::filesystem::path& file, const Vocabulary* vocab = nullptr);
  // oui.csv, mam.csv, oui36.csv and iab.csv from `dir` (default: Debian's ieee-data); 0 when absent.
  size_t load_ieee_dir(const std::filesystem::path& dir = "/usr/share/ieee-data", const Vocabulary* vocab = nullptr);

  std::optional<OuiEntry> lookup(std::string_view mac) const;
  size_t size() const { return size_; }

  // "aa:bb:cc:dd:ee:ff", "AA-BB-CC-DD-EE-FF", "aabb.ccdd.eeff" or 12 hex digits -> 48-bit value.
  static std::optional<uint64_t> parse_mac(std::string_view mac);
  static bool locally_administered(uint64_t mac) { return ((mac >> 40) & 0x02) != 0; }

 private:
  std::unordered_map<uint64_t, OuiEntry> by36_, by28_, by24_;
  size_t size_ = 0;
};

}  // namespace anshin::kb
