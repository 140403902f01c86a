#include "net/neighbours.h"

#include <fstream>
#include <sstream>

#include "core/text.h"

namespace anshin::net {

std::map<IpAddr, std::string> parse_arp_table(std::string_view text) {
  std::map<IpAddr, std::string> out;
  bool header = true;
  for (std::string_view line : text::split(text, '\n')) {
    if (header) {  // the first line names the columns
      header = false;
      continue;
    }
    std::istringstream row{std::string(line)};
    std::string ip, hw_type, flags, mac;
    if (!(row >> ip >> hw_type >> flags >> mac)) continue;
    const auto addr = IpAddr::parse(ip);
    if (!addr || mac.size() != 17 || mac == "00:00:00:00:00:00") continue;
    unsigned long f = 0;
    try {
      f = std::stoul(flags, nullptr, 16);
    } catch (...) {
      continue;
    }
    if ((f & 0x2) == 0) continue;  // ATF_COM: the entry is complete
    out[*addr] = text::to_lower(mac);
  }
  return out;
}

std::map<IpAddr, std::string> read_neighbour_table() {
  std::ifstream in("/proc/net/arp");
  if (!in) return {};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_arp_table(ss.str());
}

}  // namespace anshin::net
