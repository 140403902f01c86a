// Fuzzes the nmap XML importer: the input is an nmap XML document (parse-from-memory entry point).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "targets/nmap_xml.h"
#include "targets/targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace t = anshin::targets;
  auto hosts = t::parse_nmap_xml(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.xml");
  if (!hosts) return 0;
  for (const t::NmapHost& h : *hosts)
    for (size_t i = 0; i < h.open_tcp_ports.size(); ++i)
      if (h.open_tcp_ports[i] == 0 || (i > 0 && h.open_tcp_ports[i - 1] >= h.open_tcp_ports[i])) __builtin_trap();
  if (hosts->empty()) return 0;
  // Feed the result into a plan, as --import-nmap does.
  t::PlanOptions o;
  o.imported = std::move(*hosts);
  o.allow_public = true;
  o.ports = {80};
  auto plan = t::build_plan(o);
  if (!plan) __builtin_trap();  // non-empty, no excludes: always plannable
  for (uint64_t i = 0; i < plan->size() && i < 64; ++i) (void)plan->at(i);
  return 0;
}
