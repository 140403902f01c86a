// Fuzzes the target and port syntax: the input is split at the first newline into a target expression
// (or a whole @FILE body when it starts with "#!file\n") and a port list. Never resolves names (the
// resolver is a stub) and never reads files other than the one written from the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <unistd.h>

#include "core/text.h"
#include "targets/targets.h"

namespace {

anshin::Result<std::vector<anshin::IpAddr>> no_dns(const std::string& host) {
  if (host.size() % 3 == 0) return std::vector<anshin::IpAddr>{anshin::IpAddr::v4(0x0a000001u)};
  return anshin::make_error(anshin::Errc::kInvalidInput, "unknown host");
}

void check_plan(const anshin::targets::TargetPlan& plan) {
  if (plan.size() == 0) __builtin_trap();  // a successful plan is never empty
  const anshin::targets::Permutation perm(plan.size(), plan.size());
  for (uint64_t i = 0; i < 4 && i < plan.size(); ++i) {
    const uint64_t j = perm.at(i);
    if (j >= plan.size() || perm.index_of(j) != i) __builtin_trap();
    (void)plan.at(j);
    (void)plan.host(plan.address_count() - 1 - i % plan.address_count());
  }
  (void)plan.at(plan.size() - 1);
  (void)plan.summary();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  namespace t = anshin::targets;

  const size_t nl = in.find('\n');
  const std::string_view first = in.substr(0, nl);
  const std::string_view rest = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  // The expression parser on its own.
  if (auto e = t::parse_target(first); e && e->kind != t::TargetKind::kFile && e->kind != t::TargetKind::kHostName) {
    if (e->span.lo > e->span.hi) __builtin_trap();
    // Normalised text must parse back to the same span.
    auto again = t::parse_target(e->text);
    if (!again || !(again->span == e->span)) __builtin_trap();
  }
  auto ports = t::parse_ports(rest);
  if (ports) {
    for (size_t i = 0; i < ports->size(); ++i)
      if ((*ports)[i] == 0 || (i > 0 && (*ports)[i - 1] >= (*ports)[i])) __builtin_trap();
    auto again = t::parse_ports(t::format_ports(*ports));
    if (!again || *again != *ports) __builtin_trap();
  }

  // A whole plan: the first line as target, the rest as excludes, line by line.
  t::PlanOptions o;
  o.resolve = no_dns;
  if (first.rfind("#!file", 0) == 0) {
    char path[] = "/tmp/anshin_targets_fuzz_XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd < 0) return 0;
    const ssize_t w = ::write(fd, rest.data(), rest.size());
    ::close(fd);
    if (w == static_cast<ssize_t>(rest.size())) {
      o.targets = {std::string("@") + path};
      o.allow_public = true;
      if (auto plan = t::build_plan(o)) check_plan(*plan);
    }
    ::unlink(path);
    return 0;
  }
  if (!first.empty() && first.front() == '@') return 0;  // never read files named by the input
  o.targets = {std::string(first)};
  o.ports = ports ? *ports : std::vector<uint16_t>{80};
  for (std::string_view line : anshin::text::split(rest, '\n'))
    if (!line.empty() && line.front() == '!') o.excludes.emplace_back(line.substr(1));
  o.allow_public = !first.empty() && first.back() == ' ';
  if (auto plan = t::build_plan(o)) check_plan(*plan);
  return 0;
}
