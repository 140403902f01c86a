// One line per service for the report: what answered on each port, with the product the knowledge base
// recognised there. Not identification logic: it only summarises the host record and the rule matches.
#pragma once
#include <vector>

#include "kb/kb.h"
#include "model/device.h"
#include "model/observation.h"

namespace anshin::verdict {

// One ServiceSummary per open TCP port and per UDP service that answered (status success or
// auth-required), sorted TCP then UDP by port. `protocol` from the first probe that identified it
// (else "unknown"); `tls` when any probe saw TLS there; `product` from the strongest `service.product`
// match on that port, with `service.version` appended when present.
std::vector<ServiceSummary> summarize_services(const HostRecord& host, const std::vector<kb::Match>& matches);

}  // namespace anshin::verdict
