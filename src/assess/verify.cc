// verify_assessment_data(): the examples in data/policies, data/cves and data/models are the tests.
#include <algorithm>
#include <map>
#include <set>

#include <re2/re2.h>

#include "assess/assess.h"
#include "assess/lookup.h"
#include "core/text.h"

namespace anshin::assess {
namespace {

std::set<std::string> names(const std::string& s) {
  auto v = unfilled_placeholders(s);
  return {v.begin(), v.end()};
}

void same_placeholders(kb::Diagnostics& diags, const std::string& file, int line, const std::string& what,
                       const Text& t) {
  if (t.en.empty() && t.ja.empty()) return;
  if (names(t.en) != names(t.ja)) diags.error(file, line, what + ": en and ja use different {placeholders}");
}

std::string numbers_text(const ParsedVersion& v) {
  std::string out;
  for (size_t i = 0; i < v.numbers.size(); ++i) out += (i ? "." : "") + std::to_string(v.numbers[i]);
  return out;
}

// data/vocab/lookup_aliases.yaml: known vendor ids, no name that means two vendors (after name_key),
// and every example query resolves to its vendor.
void verify_lookup_aliases(const Assessor& as, kb::Diagnostics& diags, AssessStats& st) {
  const auto& vocab = as.kb().vocab();
  std::map<std::string, std::string> owner;  // name_key -> vendor id
  for (const auto& v : vocab.vendors()) {
    for (const auto& n : v.aliases) owner.emplace(name_key(n), v.id);
    owner.emplace(name_key(v.name), v.id);
    owner.emplace(name_key(v.id), v.id);
  }
  for (const auto& a : as.data().lookup_aliases) {
    if (!vocab.find(a.vendor)) {
      diags.error(a.file, a.line, "unknown vendor id '" + a.vendor + "'");
      continue;
    }
    for (const auto& n : a.names) {
      auto [it, inserted] = owner.emplace(name_key(n), a.vendor);
      if (!inserted && it->second != a.vendor)
        diags.error(a.file, a.line, "lookup name '" + n + "' also names '" + it->second + "'");
    }
    for (const auto& q : a.examples) {
      ++st.model_examples;
      const LookupResult r = lookup(as, q, {});
      const bool found = (r.manufacturer_id && *r.manufacturer_id == a.vendor) || (r.brand_id && *r.brand_id == a.vendor);
      if (!found) diags.error(a.file, a.line, "example '" + q + "' does not find '" + a.vendor + "'");
    }
  }
}

// Version schemes: each example parses to the stated numbers and build date, or compares as stated.
void verify_scheme_examples(const AssessData& d, kb::Diagnostics& diags, AssessStats& st) {
  for (const auto& ex : d.scheme_examples) {
    ++st.scheme_examples;
    if (!ex.parse.empty()) {
      auto pv = parse_version(ex.scheme, ex.parse);
      std::string nums = pv ? numbers_text(*pv) : "", date = pv ? format_build_date(pv->build_date) : "";
      if (nums != ex.numbers || date != ex.build_date)
        diags.error(ex.file, ex.line, std::string(scheme_name(ex.scheme)) + " parse '" + ex.parse + "': expected '" +
                                          ex.numbers + "' / '" + ex.build_date + "', got '" + nums + "' / '" + date + "'");
    }
    if (!ex.a.empty()) {
      auto c = compare(ex.scheme, ex.a, ex.b);
      std::string got = !c ? "unknown" : *c < 0 ? "lt" : *c > 0 ? "gt" : "eq";
      if (got != ex.expect)
        diags.error(ex.file, ex.line, std::string(scheme_name(ex.scheme)) + " '" + ex.a + "' vs '" + ex.b +
                                          "': expected " + ex.expect + ", got " + got);
    }
  }
}

// CVEs: the vendor exists; each example is a hit, possible or miss as stated.
void verify_cves(const AssessData& d, const kb::Vocabulary& vocab, kb::Diagnostics& diags, AssessStats& st) {
  for (const auto& c : d.cves) {
    ++st.cves;
    if (!vocab.find(c.vendor)) diags.error(c.file, c.line, "unknown vendor id '" + c.vendor + "'");
    for (const auto& ex : c.examples) {
      ++st.cve_examples;
      auto got = cve_state_name(evaluate_cve(c, ex.model, ex.firmware));
      if (ex.expect != got)
        diags.error(c.file, ex.line, c.id + " example " + ex.model + " / " + ex.firmware.value_or("(no firmware)") +
                                         ": expected " + ex.expect + ", got " + got);
    }
  }
}

// Model lines: the vendor exists; examples match, counter-examples do not.
void verify_model_lines(const AssessData& d, const kb::Vocabulary& vocab, kb::Diagnostics& diags, AssessStats& st) {
  for (const auto& m : d.model_lines) {
    ++st.model_lines;
    if (!vocab.find(m.vendor)) diags.error(m.file, m.line, "unknown vendor id '" + m.vendor + "'");
    if (!m.re) continue;
    for (const auto& e : m.examples) {
      ++st.model_examples;
      if (!RE2::PartialMatch(e, *m.re)) diags.error(m.file, m.line, "example '" + e + "' does not match " + m.pattern);
    }
    for (const auto& e : m.counter_examples) {
      ++st.model_examples;
      if (RE2::PartialMatch(e, *m.re)) diags.error(m.file, m.line, "counter-example '" + e + "' matches " + m.pattern);
    }
  }
}

}  // namespace

bool verify_assessment_data(const kb::KnowledgeBase& kb, const std::vector<kb::SourceFile>& files,
                            kb::Diagnostics& diags, AssessStats* stats) {
  size_t before = diags.error_count();
  auto loaded = Assessor::load(kb, files, diags);
  if (!loaded) return false;
  const Assessor& as = *loaded;
  const AssessData& d = as.data();
  const auto& vocab = kb.vocab();
  AssessStats st;
  st.files = d.files;

  // Every fixed contract finding id has texts (policy ids are the policy files themselves).
  for (const auto& id : contract_finding_ids())
    if (!d.finding(id)) diags.error("data/findings", 0, "no text for contract finding " + id);
  if (!d.finding("policy.*")) diags.error("data/findings", 0, "no text for policy.* (policy finding details)");
  for (const auto& [id, f] : d.findings) {
    ++st.findings;
    same_placeholders(diags, f.file, f.line, id + " title", f.title);
    same_placeholders(diags, f.file, f.line, id + " detail", f.detail);
    same_placeholders(diags, f.file, f.line, id + " remediation", f.remediation);
    for (const auto& [vn, v] : f.variants) {
      same_placeholders(diags, f.file, f.line, id + "/" + vn + " title", v.title);
      same_placeholders(diags, f.file, f.line, id + "/" + vn + " detail", v.detail);
      same_placeholders(diags, f.file, f.line, id + "/" + vn + " remediation", v.remediation);
      if (!v.detail.en.empty() && !v.detail.complete()) diags.error(f.file, f.line, id + "/" + vn + ": detail needs en and ja");
    }
  }
  for (const auto& [k, t] : d.fragments) same_placeholders(diags, "data/findings", 0, "fragment " + k, t);

  // Policies: vendors exist; examples give the stated severity.
  for (const auto& p : d.policies) {
    ++st.policies;
    same_placeholders(diags, p.file, p.line, p.id + " statement", p.statement);
    for (const auto* t : {&p.title, &p.label, &p.issuer, &p.scope, &p.remediation})
      if (!unfilled_placeholders(t->en).empty() || !unfilled_placeholders(t->ja).empty())
        diags.error(p.file, p.line, p.id + ": title, label, issuer, scope and remediation take no {placeholders}");
    for (const auto& e : p.entries) {
      ++st.policy_entries;
      if (!vocab.find(e.vendor)) diags.error(p.file, e.line, "unknown vendor id '" + e.vendor + "'");
      if (!d.fragment("scope." + e.scope)) diags.error(p.file, e.line, "no fragment scope." + e.scope);
    }
    for (const auto& ex : p.examples) {
      ++st.policy_examples;
      DeviceVerdict v;
      if (!ex.manufacturer.empty()) v.manufacturer_id = ex.manufacturer;
      if (!ex.brand.empty()) v.brand_id = ex.brand;
      if (!ex.model.empty()) v.model = ex.model;
      for (const auto* id : {&ex.manufacturer, &ex.brand})
        if (!id->empty() && !vocab.find(*id)) diags.error(p.file, ex.line, "unknown vendor id '" + *id + "'");
      AssessOptions o;
      o.jurisdictions = {p.jurisdiction};
      std::string got = "none";
      for (const auto& f : as.assess_policies(v, o))
        if (f.id == p.finding_id) got = severity_name(f.severity);
      if (got != ex.expect)
        diags.error(p.file, ex.line,
                    p.id + " example (manufacturer '" + ex.manufacturer + "', brand '" + ex.brand + "', model '" +
                        ex.model + "'): expected " + ex.expect + ", got " + got);
    }
  }

  verify_scheme_examples(d, diags, st);
  verify_cves(d, vocab, diags, st);
  verify_model_lines(d, vocab, diags, st);
  verify_lookup_aliases(as, diags, st);
  if (stats) *stats = st;
  return diags.error_count() == before;
}

bool verify_assessment(const std::filesystem::path& kb_dir, kb::Diagnostics& diags, AssessStats* stats) {
  kb::Diagnostics kd;  // the KB's own problems are reported by KnowledgeBase::verify_*
  if (kb_dir.empty()) {
    auto kb = kb::KnowledgeBase::load_embedded(kd);
    if (!kb) {
      diags.error("data", 0, "knowledge base does not load; assessment data not checked");
      return false;
    }
    return verify_assessment_data(**kb, kb::KnowledgeBase::embedded_sources(), diags, stats);
  }
  auto kb = kb::KnowledgeBase::load(kb_dir, kd);
  auto files = kb::KnowledgeBase::dir_sources(kb_dir);
  if (!kb || !files) {
    diags.error(kb_dir.string(), 0, "knowledge base does not load; assessment data not checked");
    return false;
  }
  return verify_assessment_data(**kb, *files, diags, stats);
}

}  // namespace anshin::assess
