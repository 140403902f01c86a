// `anshin lookup TEXT... [--json]`: offline pre-purchase lookup (src/assess/lookup.h). Text or JSON
// (anshin.lookup/1) on stdout. Exit 0 (an unknown query is an answer: "not in the knowledge base"),
// 1 on bad usage.
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

namespace anshin::cli {

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
  kb::Diagnostics diags;
  auto kb = opts.kb_dir.empty() ? kb::KnowledgeBase::load_embedded(diags) : kb::KnowledgeBase::load(opts.kb_dir, diags);
  if (!kb) {
    for (const auto& d : diags.all()) std::fprintf(stderr, "%s\n", text::escape_for_terminal(kb::Diagnostics::format(d)).c_str());
    return usage_error("cli.kb_does_not_load");
  }
  std::vector<kb::SourceFile> files;
  if (opts.kb_dir.empty()) {
    files = kb::KnowledgeBase::embedded_sources();
  } else {
    auto f = kb::KnowledgeBase::dir_sources(opts.kb_dir);
    if (!f) return usage_error(f.error());
    files = std::move(*f);
  }
  auto as = assess::Assessor::load(**kb, files, diags);
  if (!as) {
    for (const auto& d : diags.all()) std::fprintf(stderr, "%s\n", text::escape_for_terminal(kb::Diagnostics::format(d)).c_str());
    return usage_error("cli.assessment_does_not_load");
  }
  auto juris = assess::parse_policy_option(opts.policy, as->data().jurisdictions());
  if (!juris) return usage_error(with_prefix(juris.error(), "--policy: "));
  assess::AssessOptions ao;
  ao.jurisdictions = *juris;
  ao.lang = *lang;
  const auto T = [&](std::string_view key, std::initializer_list<i18n::Arg> args = {}) { return i18n::tr(*lang, key, args); };

  nlohmann::json out = {{"schema", "anshin.lookup/1"}, {"kb_version", (*kb)->kb_version()}, {"results", nlohmann::json::array()}};
  for (const auto& q : opts.queries) {
    auto r = assess::lookup(*as, q, ao);
    if (opts.json) {
      nlohmann::json j = {{"query", text::sanitize_utf8(r.query)}, {"known", r.known}};
      auto opt = [](const std::string& s) { return s.empty() ? nlohmann::json(nullptr) : nlohmann::json(s); };
      j["manufacturer"] = opt(r.manufacturer);
      j["brand"] = opt(r.brand);
      j["model"] = opt(text::sanitize_utf8(r.model));
      j["category"] = opt(r.category);
      j["relation"] = opt(r.relation);
      j["how"] = r.how;
      j["policies"] = nlohmann::json::array();
      for (const auto& f : r.policies)
        j["policies"].push_back({{"id", f.id}, {"severity", severity_name(f.severity)}, {"title", f.title},
                                 {"detail", f.detail}, {"remediation", f.remediation}, {"references", f.references}});
      j["cves"] = nlohmann::json::array();
      for (const auto& c : r.cves)
        j["cves"].push_back({{"id", c.id}, {"title", c.title}, {"cvss", c.cvss}, {"kev_added", opt(c.kev_added)},
                             {"state", c.state}, {"affected", opt(c.affected)}, {"fixed", opt(c.fixed)},
                             {"advisory", c.advisory}});
      if (!r.known) j["message"] = r.message;
      out["results"].push_back(std::move(j));
      continue;
    }
    std::printf("%s\n", text::escape_for_terminal(r.query).c_str());
    if (!r.known) {
      std::printf("  %s\n\n", r.message.c_str());
      continue;
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
    line(T("lookup.category"), r.category);
    line(T("lookup.relation"), r.relation);
    for (const auto& h : r.how) line(T("lookup.recognised_by"), h);
    if (r.policies.empty()) line(T("lookup.policies"), T("lookup.no_policy"));
    for (const auto& f : r.policies) {
      std::printf("  [%s] %s\n", severity_name(f.severity), f.title.c_str());
      std::printf("      %s\n", f.detail.c_str());
    }
    if (r.cves.empty() && !r.model.empty()) line("CVE", T("lookup.no_cve"));
    for (const auto& c : r.cves) {
      std::printf("  %s (CVSS %.1f%s): %s\n", c.id.c_str(), c.cvss,
                  c.kev_added.empty() ? "" : (std::string(", KEV ") + c.kev_added).c_str(), c.title.c_str());
      const std::string fixed = c.fixed.empty() ? T("lookup.see_advisory") : c.fixed;
      std::printf("      %s\n", (c.affected.empty() ? T("lookup.cve_state", {{"fixed", fixed}})
                                                    : T("lookup.cve_state_affected", {{"affected", c.affected}, {"fixed", fixed}}))
                                       .c_str());
    }
    std::printf("\n");
  }
  // Rules that name no vendor: once per run, never per device.
  if (opts.json) {
    out["context"] = context_json(as->data(), ao);
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  print_context(as->data(), ao);
  return 0;
}

}  // namespace anshin::cli
