// `anshin lookup TEXT... [--json]`: offline pre-purchase lookup (src/assess/lookup.h). Text or JSON
// (anshin.lookup/1) on stdout. Exit 0 when every query was recognised, 3 when at least one matches
// nothing in the knowledge base (its answer still says so), 1 on bad usage.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

#include "assess/assess.h"
#include "assess/lookup.h"
#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "i18n/catalog.h"
#include "kb/kb.h"
#include "kbops/load.h"

namespace anshin::cli {
namespace {

// One result of anshin.lookup/1 (device strings made valid UTF-8).
nlohmann::json result_json(const assess::LookupResult& r) {
  nlohmann::json j = {{"query", text::sanitize_utf8(r.query)}, {"known", r.known}};
  auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
  j["manufacturer"] = opt(r.manufacturer);
  j["brand"] = opt(r.brand);
  j["model"] = opt(text::sanitize_utf8(r.model));
  j["category"] = opt(r.category);
  j["relation"] = opt(r.relation);
  j["how"] = r.how;
  j["normalized"] = text::sanitize_utf8(r.normalized);
  j["oem_chain"] = nlohmann::json::array();
  for (const auto& l : r.oem_chain)
    j["oem_chain"].push_back({{"from", l.from}, {"to", l.to}, {"strength", l.strength}, {"since", opt(l.since)},
                              {"until", opt(l.until)}, {"sources", l.sources}});
  j["policies"] = nlohmann::json::array();
  for (size_t i = 0; i < r.policies.size(); ++i) {
    const auto& f = r.policies[i];
    const auto& p = r.policy_details[i];
    j["policies"].push_back({{"id", f.id}, {"severity", severity_name(f.severity)}, {"title", f.title},
                             {"detail", f.detail}, {"remediation", f.remediation}, {"references", f.references},
                             {"effective", opt(p.effective)}, {"vendor", opt(p.vendor)}, {"entity", opt(p.entity)},
                             {"since", opt(p.since)}, {"scope", opt(p.scope)}, {"source", opt(p.source)}});
  }
  j["cves"] = nlohmann::json::array();
  for (const auto& c : r.cves)
    j["cves"].push_back({{"id", c.id}, {"title", c.title}, {"cvss", c.cvss}, {"kev_added", opt(c.kev_added)},
                         {"state", c.state}, {"affected", opt(c.affected)}, {"fixed", opt(c.fixed)},
                         {"advisory", c.advisory}});
  if (!r.known) j["message"] = r.message;
  return j;
}

// One result as text in `lang`; device and user strings escaped.
void print_result(const assess::LookupResult& r, const std::string& lang) {
  const auto T = [&](std::string_view key, std::initializer_list<i18n::Arg> args = {}) { return i18n::tr(lang, key, args); };
  std::printf("%s\n", text::escape_for_terminal(r.query).c_str());
  if (!r.known) {
    std::printf("  %s\n\n", r.message.c_str());
    return;
  }
  auto line = [](const std::string& label, const std::string& v) {
    if (v.empty()) return;
    std::string l = label;
    size_t w = text::display_width(l);
    if (w < 14) l.append(14 - w, ' ');
    std::printf("  %s %s\n", l.c_str(), text::escape_for_terminal(v).c_str());
  };
  line(T("lookup.manufacturer"), r.manufacturer.empty() ? T("lookup.unknown") : r.manufacturer);
  line(T("lookup.brand"), r.brand);
  line(T("lookup.model"), r.model);
  line(T("lookup.category"), r.category.empty() ? "" : T("category." + r.category));
  line(T("lookup.relation"), r.relation);
  for (const auto& h : r.how) line(T("lookup.recognised_by"), h);
  for (const auto& l : r.oem_chain) {
    std::string dates;
    if (!l.since.empty()) dates += T("lookup.oem_since", {{"since", l.since}});
    if (!l.until.empty()) dates += T("lookup.oem_until", {{"until", l.until}});
    line(T("lookup.relation"), T("lookup.oem_link", {{"from", l.from}, {"to", l.to}, {"strength", l.strength}, {"dates", dates}}));
  }
  if (r.policies.empty()) line(T("lookup.policies"), T("lookup.no_policy"));
  for (size_t i = 0; i < r.policies.size(); ++i) {
    const auto& f = r.policies[i];
    const auto& p = r.policy_details[i];
    std::printf("  [%s] %s\n", T(std::string("severity.") + severity_name(f.severity)).c_str(), f.title.c_str());
    // The scope id ("use-qualified") has a short label in each catalog; an id without one is shown as it is.
    const std::string scope_key = "policy_scope." + p.scope;
    const std::string scope = i18n::catalog(lang).find(scope_key) ? T(scope_key) : p.scope;
    if (!p.since.empty())
      std::printf("      %s\n", T("lookup.policy_when", {{"entity", p.entity}, {"since", p.since}, {"scope", scope},
                                                         {"effective", p.effective.empty() ? "?" : p.effective}})
                                      .c_str());
    std::printf("      %s\n", f.detail.c_str());
  }
  if (r.cves.empty() && !r.model.empty()) line("CVE", T("lookup.no_cve"));
  for (const auto& c : r.cves) {
    std::printf("  %s\n", T(c.kev_added.empty() ? "lookup.cve_line" : "lookup.cve_line_kev",
                            {{"id", c.id}, {"cvss", fmt::format("{:.1f}", c.cvss)}, {"date", c.kev_added}, {"title", c.title}})
                              .c_str());
    const std::string fixed = c.fixed.empty() ? T("lookup.see_advisory") : c.fixed;
    std::printf("      %s\n", (c.affected.empty() ? T("lookup.cve_state", {{"fixed", fixed}})
                                                  : T("lookup.cve_state_affected", {{"affected", c.affected}, {"fixed", fixed}}))
                                     .c_str());
  }
  std::printf("\n");
}

}  // namespace

namespace {

std::vector<const assess::Policy*> context_records(const assess::AssessData& data, const assess::AssessOptions& ao) {
  std::vector<const assess::Policy*> out;
  for (const assess::Policy* p : assess::listed_policies(data, ao))
    if (p->context) out.push_back(p);
  return out;
}

nlohmann::json context_json(const assess::AssessData& data, const assess::AssessOptions& ao) {
  auto out = nlohmann::json::array();
  for (const assess::Policy* p : context_records(data, ao))
    out.push_back({{"id", p->finding_id}, {"label", p->label.get(ao.lang)}, {"effective", p->effective},
                   {"issuer", p->issuer.get(ao.lang)}, {"scope", p->scope.get(ao.lang)}, {"sources", p->sources}});
  return out;
}

void print_context(const assess::AssessData& data, const assess::AssessOptions& ao) {
  const auto records = context_records(data, ao);
  if (!records.empty()) std::printf("%s\n", i18n::tr(ao.lang, "lookup.context").c_str());
  for (const assess::Policy* p : records)
    std::printf("  %s\n", i18n::tr(ao.lang, "lookup.context_item",
                                    {{"date", p->effective},
                                     {"label", p->label.get(ao.lang)},
                                     {"issuer", p->issuer.get(ao.lang)},
                                     {"scope", p->scope.get(ao.lang)}})
                              .c_str());
}

}  // namespace

int run_lookup(const LookupOptions& opts) {
  auto lang = resolve_lang(opts.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(opts.lang)}});
  kb::Diagnostics diags, assess_diags;
  std::shared_ptr<const assess::Assessor> as;
  auto in_use = kbops::load_kb_in_use(opts.kb_dir, kbops::default_places(), {}, diags, keep_assessor(as, assess_diags));
  if (!in_use) {
    print_errors(diags);
    print_errors(assess_diags);
    return usage_error("cli.kb_does_not_load");
  }
  for (const auto& n : in_use->notes) note("cli.kb.skipped", {{"what", n}});
  const auto& kb = in_use->kb;
  auto juris = assess::parse_policy_option(opts.policy, as->data().jurisdictions());
  if (!juris) return usage_error(with_prefix(juris.error(), "--policy: "));
  assess::AssessOptions ao;
  ao.jurisdictions = *juris;
  ao.lang = *lang;
  nlohmann::json out = {{"schema", "anshin.lookup/1"}, {"kb_version", kb->kb_version()}, {"results", nlohmann::json::array()}};
  bool all_known = true;
  for (const auto& q : opts.queries) {
    auto r = assess::lookup(*as, q, ao);
    all_known = all_known && r.known;
    if (opts.json) {
      out["results"].push_back(result_json(r));
      continue;
    }
    print_result(r, *lang);
  }
  // Rules that name no vendor: once per run, never per device.
  if (opts.json) {
    out["context"] = context_json(as->data(), ao);
    std::printf("%s\n", out.dump(2).c_str());
    return all_known ? 0 : 3;
  }
  print_context(as->data(), ao);
  return all_known ? 0 : 3;
}

}  // namespace anshin::cli
