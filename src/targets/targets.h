// Targets: turns the user's TARGET arguments, --exclude, --import-nmap and -p into a TargetPlan, the
// list of (address, port) probes a scan makes, without ever enumerating addresses.
//
// Syntax (docs/contract.md "TARGET"): IPv4/IPv6 address, CIDR (10.1.0.0/16, fd00::/120), range
// (10.1.2.3-10.1.2.99 or 10.1.2.3-99), host name (forward lookup only, never reverse DNS), @FILE (one
// target a line, '#' comments, blank lines ignored; an @FILE may not name another @FILE).
//
// Scope guard: without allow_public every address of every target (after excludes) must be internal
// (IpAddr::is_internal(): loopback, private, link-local); otherwise build_plan() fails with
// Errc::kOutOfScope naming the target and the first public address. Checked on intervals, not addresses.
//
// Representation: per port list, a sorted, merged, non-overlapping list of address intervals (IPv4 as
// 32-bit, IPv6 as 128-bit numbers). Memory is O(number of target expressions): 10.0.0.0/8 or 0.0.0.0/0
// is one interval. An IPv6 target of more than 2^32 addresses (wider than a /96) is refused.
//
// nmap import: hosts that nmap saw up are probed on their own open TCP ports. A host nmap saw up but
// with no open TCP port (e.g. an -sn ping scan) is probed on the user's ports, as is everything else.
// An imported host that is also one of the user's targets is probed on the union of both port lists.
// Excludes apply to imported hosts too.
#pragma once
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "targets/intervals.h"
#include "targets/nmap_xml.h"
#include "targets/permutation.h"
#include "targets/ports.h"
#include "targets/syntax.h"

namespace anshin::targets {

// One connection attempt: an address and a TCP port.
struct Probe {
  IpAddr address;
  uint16_t port = 0;
};

// One address and every port to try on it (the span points into the plan; valid while it lives).
struct HostPorts {
  IpAddr address;
  std::span<const uint16_t> ports;
};

// Forward resolution of a host name to its addresses. Errors are Errc::kInvalidInput ("unknown host").
using Resolver = std::function<Result<std::vector<IpAddr>>(const std::string& host)>;

// The default resolver: getaddrinfo(AF_UNSPEC) — may send DNS queries to the system's resolvers, so it
// is used only for names the user typed. Returns every distinct IPv4/IPv6 address, in resolver order.
Result<std::vector<IpAddr>> resolve_with_getaddrinfo(const std::string& host);

inline constexpr size_t kMaxTargetFileBytes = size_t{64} << 20;  // an @FILE larger than 64 MiB is refused

struct PlanOptions {
  std::vector<std::string> targets;   // TARGET expressions (or @FILE)
  std::vector<std::string> excludes;  // --exclude expressions (same syntax)
  std::string import_nmap;            // --import-nmap FILE.xml; empty = none
  std::vector<uint16_t> ports;        // -p list (see parse_ports); empty = default_camera_ports()
  bool allow_public = false;          // --allow-public
  Resolver resolve;                   // empty = resolve_with_getaddrinfo
  // Hosts already parsed from nmap XML (e.g. parse_nmap_xml on a buffer); merged with import_nmap's.
  std::vector<NmapHost> imported;
};

// The addresses that share one port list.
struct PortGroup {
  std::vector<uint16_t> ports;     // ascending, unique, non-empty
  std::vector<AddrSpan> spans;     // normalized (sorted, merged, IPv4 before IPv6)
  std::vector<uint64_t> starts;    // starts[k] = number of addresses in spans[0..k)
  uint64_t addresses = 0;          // total addresses in spans
  uint64_t first_address = 0;      // plan-wide host index of this group's first address
  uint64_t first_probe = 0;        // plan-wide probe index of this group's first probe
};

// What a scan probes. Immutable once built; cheap to query from many threads.
// Probe order (the "natural" order a Permutation scrambles): groups in order, within a group
// address-major (all ports of the group's first address, then the next address, ...).
class TargetPlan {
 public:
  TargetPlan() = default;

  // Number of (address, port) probes.
  uint64_t size() const { return probes_; }
  // Number of distinct addresses (hosts).
  uint64_t address_count() const { return addresses_; }
  bool empty() const { return probes_ == 0; }

  // The index-th probe, index < size(). O(log groups + log spans-in-group), no allocation.
  Probe at(uint64_t index) const;
  // The index-th host and its ports, index < address_count(). O(log groups + log spans-in-group).
  HostPorts host(uint64_t index) const;
  // Whether `address` is one of the plan's hosts (the scope a scan may contact). O(groups x log spans).
  bool contains(const IpAddr& address) const;

  // Normalised target expressions for the JSON "scan.targets": the user's targets in order (with @FILE
  // expanded to its entries, duplicates dropped), then "nmap:FILE" for an import.
  const std::vector<std::string>& describe() const { return described_; }
  // Normalised --exclude expressions (@FILE expanded).
  const std::vector<std::string>& excluded() const { return excluded_; }
  // The merged address intervals with their ports, e.g. "10.0.0.0/24 ports 80,443" (for --dry-run).
  std::vector<std::string> summary() const;
  const std::vector<PortGroup>& groups() const { return groups_; }

 private:
  friend Result<TargetPlan> build_plan(const PlanOptions& options);
  IpAddr address_in_group(const PortGroup& g, uint64_t local) const;

  std::vector<PortGroup> groups_;
  std::vector<uint64_t> group_first_address_;  // copies of groups_[i].first_address, for binary search
  std::vector<uint64_t> group_first_probe_;
  uint64_t addresses_ = 0;
  uint64_t probes_ = 0;
  std::vector<std::string> described_;
  std::vector<std::string> excluded_;
};

// Parses, resolves, imports, checks scope and builds the plan. Errors: Errc::kInvalidInput for bad
// syntax, unreadable or empty files, unknown hosts, bad ports, an IPv6 target wider than 2^32
// addresses, no targets, or nothing left after excludes ("no addresses left after excludes");
// Errc::kOutOfScope for public addresses without allow_public.
Result<TargetPlan> build_plan(const PlanOptions& options);

}  // namespace anshin::targets
