// In-process `anshin scan CIDR` for the lab tests: the default camera ports, the built-in knowledge
// base, the assessor when `assess` (English texts), the intrusive checks asked for, no signal handling
// (the test owns the process), the inventory when given, `extra_ports`. The knowledge base and assessor live until the
// scan returns.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "scan/pipeline.h"
#include "targets/targets.h"

namespace anshin::labtest {

struct LabScanOptions {
  bool assess = true;
  scan::IntrusiveOptions intrusive;
  store::Store* store = nullptr;  // the inventory to write (null = --no-db)
  bool udp_discovery = true;
  std::vector<uint16_t> extra_ports;  // scanned besides the default camera ports
};

inline Result<scan::ScanResult> scan_lab(const std::string& cidr, const LabScanOptions& options = {}) {
  scan::ScanRequest req;
  req.plan.targets = {cidr};
  const auto ports = targets::default_camera_ports();
  req.plan.ports.assign(ports.begin(), ports.end());
  req.plan.ports.insert(req.plan.ports.end(), options.extra_ports.begin(), options.extra_ports.end());
  std::sort(req.plan.ports.begin(), req.plan.ports.end());
  req.plan.ports.erase(std::unique(req.plan.ports.begin(), req.plan.ports.end()), req.plan.ports.end());
  req.engine.handle_signals = false;
  auto kb = scan::load_knowledge_base("");
  if (!kb) return kb.error();
  req.kb = *kb;
  Result<std::shared_ptr<const assess::Assessor>> assessor = std::shared_ptr<const assess::Assessor>();
  if (options.assess) {
    assessor = scan::load_assessor(**kb, "");
    if (!assessor) return assessor.error();
    req.assessor = assessor->get();
    req.assess_options.lang = "en";
  }
  req.intrusive = options.intrusive;
  req.store = options.store;
  req.udp_discovery = options.udp_discovery;
  auto plan = scan::plan_targets(req);
  if (!plan) return plan.error();
  return scan::run_scan(req, *plan);
}

}  // namespace anshin::labtest
