#include "targets/targets.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <netinet/in.h>
#include <set>
#include <unordered_set>

#include "core/text.h"
#include "i18n/catalog.h"
#include "targets/detail.h"

namespace anshin::targets {

namespace {

constexpr u128 kMaxV6Span = 0xffffffffu;  // size - 1 of the widest IPv6 target: 2^32 addresses (a /96)
constexpr u128 kMaxProbes = static_cast<u128>(1) << 62;

// One target expression after @FILE expansion and name resolution.
struct Expanded {
  std::string label;             // normalised text
  TargetKind kind = TargetKind::kAddress;
  std::vector<AddrSpan> spans;   // one, or one per resolved address
};

// Reads an @FILE; works for pipes too (anshin scan @<(grep cam hosts.txt)), bounded by kMaxTargetFileBytes.
Result<std::string> read_target_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return i18n::error(Errc::kInvalidInput, "error.target_file.directory", {{"path", detail::quote(path)}});
  errno = 0;
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return i18n::error(Errc::kInvalidInput, "error.target_file.unreadable",
                       {{"path", detail::quote(path)}, {"reason", errno != 0 ? std::strerror(errno) : "cannot open"}});
  std::string data;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    data.append(buf, static_cast<size_t>(in.gcount()));
    if (data.size() > kMaxTargetFileBytes)
      return i18n::error(Errc::kInvalidInput, "error.target_file.too_large", {{"path", detail::quote(path)}});
  }
  if (in.bad())
    return i18n::error(Errc::kInvalidInput, "error.target_file.unreadable",
                       {{"path", detail::quote(path)}, {"reason", "read error"}});
  return data;
}

// `sweep`: the expression is a target (IPv6 size limit applies), not an exclude.
Result<void> expand_simple(const TargetExpr& e, const Resolver& resolve, const std::string& where, bool sweep,
                           std::vector<Expanded>& out) {
  Expanded x{e.text, e.kind, {}};
  if (e.kind == TargetKind::kHostName) {
    auto addrs = resolve(e.text);
    if (!addrs) return with_prefix(addrs.error(), where);
    if (addrs->empty())
      return with_prefix(i18n::error(Errc::kInvalidInput, "error.target.unknown_host", {{"target", detail::quote(e.text)}}),
                         where);
    for (const IpAddr& a : *addrs) x.spans.push_back(AddrSpan::single(a));
  } else {
    if (sweep && e.span.v6 && e.span.size_minus_one() > kMaxV6Span)
      return with_prefix(i18n::error(Errc::kInvalidInput, "error.target.ipv6_too_large", {{"target", e.text}}), where);
    x.spans.push_back(e.span);
  }
  out.push_back(std::move(x));
  return {};
}

// Expands one expression (a TARGET argument or an --exclude) into out.
Result<void> expand(const std::string& expr, const Resolver& resolve, bool sweep, std::vector<Expanded>& out) {
  auto parsed = parse_target(expr);
  if (!parsed) return parsed.error();
  if (parsed->kind != TargetKind::kFile) return expand_simple(*parsed, resolve, "", sweep, out);

  const std::string& path = parsed->text;
  auto data = read_target_file(path);
  if (!data) return data.error();
  size_t line_no = 0, entries = 0;
  for (std::string_view line : text::split(*data, '\n')) {
    ++line_no;
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = text::trim(line);
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    auto e = parse_target(line);
    if (!e) return with_prefix(e.error(), where);
    if (e->kind == TargetKind::kFile) return with_prefix(i18n::error(Errc::kInvalidInput, "error.target_file.nested"), where);
    if (auto r = expand_simple(*e, resolve, where, sweep, out); !r) return r.error();
    ++entries;
  }
  if (entries == 0)
    return i18n::error(Errc::kInvalidInput, "error.target_file.empty", {{"path", detail::quote(path)}});
  return {};
}

Error out_of_scope(const Expanded& x, const AddrSpan& span, const IpAddr& first_public) {
  const char* key = x.kind == TargetKind::kHostName ? "error.scope.public_host"
                    : span.lo == span.hi            ? "error.scope.public_address"
                                                    : "error.scope.public_range";
  return i18n::error(Errc::kOutOfScope, key, {{"target", x.label}, {"address", first_public.to_string()}});
}

bool contains(const std::vector<AddrSpan>& spans, const IpAddr& a) {
  const u128 v = to_u128(a);
  const bool v6 = a.is_v6();
  // First span that starts after a; the one before it is the only candidate.
  auto it = std::upper_bound(spans.begin(), spans.end(), std::make_pair(v6, v), [](const auto& key, const AddrSpan& s) {
    if (key.first != s.v6) return !key.first;
    return key.second < s.lo;
  });
  if (it == spans.begin()) return false;
  --it;
  return it->v6 == v6 && it->lo <= v && v <= it->hi;
}

std::vector<uint16_t> merge_ports(const std::vector<uint16_t>& a, std::span<const uint16_t> b) {
  std::vector<uint16_t> out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

}  // namespace

Result<std::vector<IpAddr>> resolve_with_getaddrinfo(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;  // one entry per address instead of one per socket type
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0) {
    const std::string why = rc == EAI_SYSTEM ? std::strerror(errno) : ::gai_strerror(rc);
    return i18n::error(Errc::kInvalidInput, "error.target.unknown_host_why",
                       {{"target", detail::quote(host)}, {"reason", why}});
  }
  std::vector<IpAddr> out;
  for (const addrinfo* p = res; p != nullptr; p = p->ai_next) {
    IpAddr a;
    if (p->ai_family == AF_INET && p->ai_addrlen >= sizeof(sockaddr_in)) {
      const auto* sin = reinterpret_cast<const sockaddr_in*>(p->ai_addr);
      a = IpAddr::v4(ntohl(sin->sin_addr.s_addr));
    } else if (p->ai_family == AF_INET6 && p->ai_addrlen >= sizeof(sockaddr_in6)) {
      const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(p->ai_addr);
      std::array<uint8_t, 16> b{};
      std::memcpy(b.data(), sin6->sin6_addr.s6_addr, 16);
      a = IpAddr::v6(b);
    } else {
      continue;
    }
    if (std::find(out.begin(), out.end(), a) == out.end()) out.push_back(a);
  }
  ::freeaddrinfo(res);
  if (out.empty())
    return i18n::error(Errc::kInvalidInput, "error.target.no_addresses", {{"target", detail::quote(host)}});
  return out;
}

IpAddr TargetPlan::address_in_group(const PortGroup& g, uint64_t local) const {
  const auto it = std::upper_bound(g.starts.begin(), g.starts.end(), local);
  const size_t k = static_cast<size_t>(it - g.starts.begin()) - 1;
  const AddrSpan& s = g.spans[k];
  return from_u128(s.lo + (local - g.starts[k]), s.v6);
}

Probe TargetPlan::at(uint64_t index) const {
  const auto it = std::upper_bound(group_first_probe_.begin(), group_first_probe_.end(), index);
  const PortGroup& g = groups_[static_cast<size_t>(it - group_first_probe_.begin()) - 1];
  const uint64_t local = index - g.first_probe;
  const uint64_t n = g.ports.size();
  return Probe{address_in_group(g, local / n), g.ports[static_cast<size_t>(local % n)]};
}

bool TargetPlan::contains(const IpAddr& address) const {
  const u128 v = to_u128(address);
  const bool v6 = address.is_v6();
  for (const PortGroup& g : groups_) {
    // spans are sorted (IPv4 before IPv6, then by lo): find the last span starting at or before v.
    auto it = std::upper_bound(g.spans.begin(), g.spans.end(), std::make_pair(v6, v),
                               [](const std::pair<bool, u128>& key, const AddrSpan& s) {
                                 return key.first != s.v6 ? key.first < s.v6 : key.second < s.lo;
                               });
    if (it == g.spans.begin()) continue;
    --it;
    if (it->v6 == v6 && v >= it->lo && v <= it->hi) return true;
  }
  return false;
}

HostPorts TargetPlan::host(uint64_t index) const {
  const auto it = std::upper_bound(group_first_address_.begin(), group_first_address_.end(), index);
  const PortGroup& g = groups_[static_cast<size_t>(it - group_first_address_.begin()) - 1];
  return HostPorts{address_in_group(g, index - g.first_address), g.ports};
}

std::vector<std::string> TargetPlan::summary() const {
  std::vector<std::string> out;
  for (const PortGroup& g : groups_) {
    const std::string ports = " ports " + format_ports(g.ports);
    for (const AddrSpan& s : g.spans) out.push_back(s.to_string() + ports);
  }
  return out;
}

namespace {

// The user's ports (-p), sorted and unique; the default camera set when none were given.
Result<std::vector<uint16_t>> plan_ports(const PlanOptions& options) {
  std::vector<uint16_t> ports;
  if (options.ports.empty()) {
    const auto d = default_camera_ports();
    ports.assign(d.begin(), d.end());
    return ports;
  }
  ports = options.ports;
  std::sort(ports.begin(), ports.end());
  ports.erase(std::unique(ports.begin(), ports.end()), ports.end());
  if (ports.front() == 0) return i18n::error(Errc::kInvalidInput, "error.ports.out_of_range", {{"port", "0"}});
  return ports;
}

// Hosts from an nmap import (a file and/or already parsed hosts), merged by address.
struct Imported {
  std::map<IpAddr, std::vector<uint16_t>> hosts;  // address -> open TCP ports
  std::string label;                              // "nmap:FILE", "nmap import" or ""
};

Result<Imported> import_hosts(const PlanOptions& options) {
  Imported out;
  const auto add = [&out](const std::vector<NmapHost>& hosts) {
    for (const NmapHost& h : hosts) {
      auto& p = out.hosts[h.address];
      p = merge_ports(p, h.open_tcp_ports);
    }
  };
  if (!options.import_nmap.empty()) {
    auto hosts = load_nmap_xml(options.import_nmap);
    if (!hosts) return hosts.error();
    if (hosts->empty())
      return i18n::error(Errc::kInvalidInput, "error.nmap.no_hosts_up", {{"path", detail::quote(options.import_nmap)}});
    add(*hosts);
    out.label = "nmap:" + options.import_nmap;
  }
  if (!options.imported.empty()) {
    add(options.imported);
    if (out.label.empty()) out.label = "nmap import";
  }
  return out;
}

// Scope guard: every address that will be probed must be internal (or excluded).
Result<void> check_scope(const std::vector<Expanded>& targets, const std::vector<AddrSpan>& excluded,
                         const Imported& imported) {
  std::vector<AddrSpan> allowed = internal_spans();
  allowed.insert(allowed.end(), excluded.begin(), excluded.end());
  normalize(allowed);
  for (const Expanded& x : targets)
    for (const AddrSpan& s : x.spans)
      if (auto pub = first_outside(s, allowed)) return out_of_scope(x, s, *pub);
  for (const auto& [addr, unused] : imported.hosts) {
    if (contains(allowed, addr)) continue;
    return i18n::error(Errc::kOutOfScope, "error.scope.public_imported",
                       {{"address", addr.to_string()}, {"source", imported.label}});
  }
  return {};
}

// The addresses to probe, grouped by port list: the user's targets on the user's ports, and imported
// hosts on their own open ports (plus the user's when also a user target).
struct Grouped {
  std::vector<AddrSpan> user;
  std::map<std::vector<uint16_t>, std::vector<AddrSpan>> by_ports;
};

Grouped group_addresses(const std::vector<Expanded>& targets, const std::vector<AddrSpan>& excluded,
                        const Imported& imported, const std::vector<uint16_t>& ports) {
  Grouped g;
  for (const Expanded& x : targets) g.user.insert(g.user.end(), x.spans.begin(), x.spans.end());
  normalize(g.user);
  g.user = subtract(g.user, excluded);
  std::vector<AddrSpan> moved, ping_only;
  for (const auto& [addr, open] : imported.hosts) {
    if (contains(excluded, addr)) continue;
    if (open.empty()) {
      ping_only.push_back(AddrSpan::single(addr));
      continue;
    }
    if (contains(g.user, addr)) {
      moved.push_back(AddrSpan::single(addr));
      g.by_ports[merge_ports(open, ports)].push_back(AddrSpan::single(addr));
    } else {
      g.by_ports[open].push_back(AddrSpan::single(addr));
    }
  }
  normalize(moved);
  g.user = subtract(g.user, moved);
  g.user.insert(g.user.end(), ping_only.begin(), ping_only.end());
  normalize(g.user);
  return g;
}

}  // namespace

Result<TargetPlan> build_plan(const PlanOptions& options) {
  const Resolver resolve = options.resolve ? options.resolve : Resolver(resolve_with_getaddrinfo);
  auto ports = plan_ports(options);
  if (!ports) return ports.error();
  if (options.targets.empty() && options.import_nmap.empty() && options.imported.empty())
    return i18n::error(Errc::kInvalidInput, "error.targets.none");

  // Targets and excludes.
  std::vector<Expanded> targets, excludes;
  for (const std::string& t : options.targets)
    if (auto r = expand(t, resolve, true, targets); !r) return r.error();
  for (const std::string& t : options.excludes)
    if (auto r = expand(t, resolve, false, excludes); !r) return r.error();
  std::vector<AddrSpan> excluded;
  for (const Expanded& x : excludes) excluded.insert(excluded.end(), x.spans.begin(), x.spans.end());
  normalize(excluded);

  auto imported = import_hosts(options);
  if (!imported) return imported.error();
  if (!options.allow_public)
    if (auto in_scope = check_scope(targets, excluded, *imported); !in_scope) return in_scope.error();
  Grouped grouped = group_addresses(targets, excluded, *imported, *ports);
  const std::string& import_label = imported->label;

  TargetPlan plan;
  const auto add_group = [&plan](std::vector<uint16_t> group_ports, std::vector<AddrSpan> spans) {
    if (spans.empty()) return;
    normalize(spans);
    PortGroup g;
    g.ports = std::move(group_ports);
    g.spans = std::move(spans);
    plan.groups_.push_back(std::move(g));
  };
  add_group(*ports, std::move(grouped.user));
  for (auto& [p, spans] : grouped.by_ports) add_group(p, std::move(spans));

  if (plan.groups_.empty()) {
    if (!excluded.empty()) return i18n::error(Errc::kInvalidInput, "error.targets.all_excluded");
    return i18n::error(Errc::kInvalidInput, "error.targets.none");
  }

  u128 addresses = 0, probes = 0;
  for (PortGroup& g : plan.groups_) {
    u128 n = 0;
    g.starts.reserve(g.spans.size());
    for (const AddrSpan& s : g.spans) {
      g.starts.push_back(static_cast<uint64_t>(n));
      n += s.size_minus_one() + 1;  // at most 2^32 per span: spans are IPv4 or at most 2^32 IPv6
      if (n > kMaxProbes) return i18n::error(Errc::kInvalidInput, "error.targets.too_many_addresses");
    }
    g.addresses = static_cast<uint64_t>(n);
    g.first_address = static_cast<uint64_t>(addresses);
    g.first_probe = static_cast<uint64_t>(probes);
    addresses += n;
    probes += n * g.ports.size();
    if (probes > kMaxProbes) return i18n::error(Errc::kInvalidInput, "error.targets.too_many_probes");
    plan.group_first_address_.push_back(g.first_address);
    plan.group_first_probe_.push_back(g.first_probe);
  }
  plan.addresses_ = static_cast<uint64_t>(addresses);
  plan.probes_ = static_cast<uint64_t>(probes);

  std::unordered_set<std::string> seen;
  for (const Expanded& x : targets)
    if (seen.insert(x.label).second) plan.described_.push_back(x.label);
  if (!import_label.empty()) plan.described_.push_back(import_label);
  seen.clear();
  for (const Expanded& x : excludes)
    if (seen.insert(x.label).second) plan.excluded_.push_back(x.label);
  return plan;
}

}  // namespace anshin::targets
