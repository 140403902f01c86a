#include "assess/data.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <set>

#include "core/text.h"

namespace anshin::assess {
namespace {

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

struct Ctx {
  const kb::SourceFile& file;
  kb::Diagnostics& diags;
  void error(const YAML::Node& n, const std::string& msg) { diags.error(file.path, line_of(n), msg); }
  void error(int line, const std::string& msg) { diags.error(file.path, line, msg); }
};

std::string str(const YAML::Node& n, const char* key) {
  auto v = n[key];
  if (!v || v.IsNull() || !v.IsScalar()) return {};
  return v.as<std::string>();
}

std::vector<std::string> strs(const YAML::Node& n, const char* key) {
  std::vector<std::string> out;
  auto v = n[key];
  if (!v) return out;
  if (v.IsScalar()) {
    out.push_back(v.as<std::string>());
  } else if (v.IsSequence()) {
    for (const auto& x : v)
      if (x.IsScalar()) out.push_back(x.as<std::string>());
  }
  return out;
}

Text text(const YAML::Node& n, const char* key) {
  Text t;
  auto v = n[key];
  if (!v) return t;
  if (v.IsScalar()) {
    t.en = v.as<std::string>();
  } else if (v.IsMap()) {
    t.en = str(v, "en");
    t.ja = str(v, "ja");
  }
  return t;
}

bool iso_date(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

void check_keys(Ctx& c, const YAML::Node& n, std::initializer_list<const char*> allowed, const char* what) {
  if (!n.IsMap()) return;
  for (const auto& kv : n) {
    auto k = kv.first.as<std::string>();
    bool ok = false;
    for (auto* a : allowed) ok = ok || k == a;
    if (!ok) c.error(kv.first, std::string("unknown key '") + k + "' in " + what);
  }
}

std::shared_ptr<const re2::RE2> compile(Ctx& c, const YAML::Node& at, const std::string& pattern) {
  RE2::Options o;
  o.set_case_sensitive(false);
  o.set_log_errors(false);
  o.set_max_mem(1 << 22);
  auto re = std::make_shared<const re2::RE2>(pattern, o);
  if (!re->ok()) {
    c.error(at, "bad pattern '" + pattern + "': " + re->error());
    return nullptr;
  }
  return re;
}

bool partial_date(std::string_view s) {
  if (s.size() == 10) return iso_date(s);
  if (s.size() == 7) return iso_date(std::string(s) + "-01");
  if (s.size() == 4) return iso_date(std::string(s) + "-01-01");
  return false;
}

void load_policy_entries(Ctx& c, const YAML::Node& p, Policy& pol) {
  static const std::set<std::string> kScopes = {"use-qualified", "telecom-equipment", "criterion", "government-action",
                                                "export-control", "contracting-ban", "state-procurement",
                                                "government-use-ban"};
  std::set<std::string> seen;
  for (const auto& e : p["entries"]) {
    check_keys(c, e, {"vendor", "entity", "since", "scope", "quote", "source", "note"}, "policy entry");
    PolicyEntry en{str(e, "vendor"), str(e, "entity"), str(e, "since"), str(e, "scope"),
                   str(e, "quote"),  str(e, "source"), str(e, "note"),  line_of(e)};
    if (!kScopes.count(en.scope)) c.error(e, "scope '" + en.scope + "' is not one of the scope.* fragments' names");
    if (!iso_date(en.since)) c.error(e, "since must be YYYY-MM-DD");
    if (en.source.empty()) c.error(e, "entry " + en.vendor + " needs a source");
    if (!seen.insert(en.vendor).second) c.error(e, "vendor " + en.vendor + " listed twice");
    pol.entries.push_back(std::move(en));
  }
  for (const auto& e : p["examples"])
    pol.examples.push_back({str(e, "manufacturer"), str(e, "brand"), str(e, "model"), str(e, "expect"), line_of(e)});
}

void load_policy(Ctx& c, const YAML::Node& root, AssessData& d) {
  auto p = root["policy"];
  if (!p || !p.IsMap()) return c.error(root, "a policy file needs a 'policy:' map");
  check_keys(c, p,
             {"id", "finding", "jurisdiction", "context", "order", "title", "label", "issuer", "scope", "rule",
              "statement", "remediation", "note", "effective", "checked", "severity", "weak_severity", "follows_oem",
              "criterion", "sources", "milestones", "entries", "examples"},
             "policy");
  Policy pol;
  pol.file = c.file.path;
  pol.line = line_of(p);
  pol.id = str(p, "id");
  pol.finding_id = str(p, "finding");
  pol.jurisdiction = str(p, "jurisdiction");
  pol.context = str(p, "context") == "true";
  if (auto o = str(p, "order"); !o.empty()) pol.order = std::atoi(o.c_str());
  pol.title = text(p, "title");
  pol.label = text(p, "label");
  pol.issuer = text(p, "issuer");
  pol.scope = text(p, "scope");
  pol.rule = text(p, "rule");
  pol.statement = text(p, "statement");
  pol.remediation = text(p, "remediation");
  pol.note = text(p, "note");
  pol.effective = str(p, "effective");
  pol.checked = str(p, "checked");
  pol.sources = strs(p, "sources");
  pol.follows_oem = str(p, "follows_oem") != "false";
  if (auto cr = p["criterion"]; cr && cr.IsMap()) {
    check_keys(c, cr, {"hq", "quote", "source"}, "criterion");
    pol.criterion_hq = strs(cr, "hq");
    pol.criterion_quote = str(cr, "quote");
    pol.criterion_source = str(cr, "source");
    if (pol.criterion_hq.empty() || pol.criterion_quote.empty() || pol.criterion_source.empty())
      c.error(cr, "criterion needs hq, quote and source");
  }
  if (pol.finding_id != "policy." + pol.id) c.error(p, "finding must be 'policy.' + id");
  if (pol.jurisdiction.empty() || pol.id.rfind(pol.jurisdiction + ".", 0) != 0)
    c.error(p, "jurisdiction must be the first part of the id");
  for (auto* t : {&pol.title, &pol.label, &pol.issuer, &pol.scope, &pol.statement})
    if (!t->complete()) c.error(p, "policy " + pol.id + ": title, label, issuer, scope and statement need en and ja");
  if (!(pol.context ? partial_date(pol.effective) : iso_date(pol.effective)))
    c.error(p, "effective must be YYYY-MM-DD (a context record may give YYYY-MM or YYYY)");
  if (pol.sources.empty()) c.error(p, "policy " + pol.id + " needs at least one source");
  for (const auto& m : p["milestones"]) {
    Milestone ms{str(m, "date"), text(m, "what"), str(m, "source")};
    if (!iso_date(ms.date) || !ms.what.complete() || ms.source.empty())
      c.error(m, "a milestone needs date (YYYY-MM-DD), what {en, ja} and source");
    pol.milestones.push_back(std::move(ms));
  }
  load_policy_entries(c, p, pol);
  for (const auto& other : d.policies)
    if (other.id == pol.id) c.error(p, "policy " + pol.id + " defined twice");
  if (pol.context) {
    if (!pol.entries.empty() || !pol.examples.empty() || p["severity"] || !pol.criterion_hq.empty())
      c.error(p, "context policy " + pol.id + " is never a finding: no entries, criterion, examples or severity");
    d.policies.push_back(std::move(pol));
    return;
  }
  for (auto* t : {&pol.rule, &pol.remediation})
    if (!t->complete()) c.error(p, "policy " + pol.id + ": rule and remediation need en and ja");
  if (auto s = severity_from_name(str(p, "severity"))) pol.severity = *s;
  else c.error(p, "severity must be info|low|medium|high|critical");
  if (auto s = severity_from_name(str(p, "weak_severity"))) pol.weak_severity = *s;
  else c.error(p, "weak_severity must be info|low|medium|high|critical");
  if (pol.weak_severity > Severity::kLow) c.error(p, "weak_severity may be at most low (docs/assessment.md: W never high)");
  if (pol.entries.empty() && pol.criterion_hq.empty()) c.error(p, "policy " + pol.id + " has no entries");
  if (pol.examples.empty()) c.error(p, "policy " + pol.id + " needs examples (they are its tests)");
  d.policies.push_back(std::move(pol));
}

// A CVE file's scheme_examples: comparisons {a, b, expect} and parses {parse, numbers, build_date}.
void load_scheme_examples(Ctx& c, const YAML::Node& root, Scheme scheme, AssessData& d) {
  for (const auto& e : root["scheme_examples"]) {
    SchemeExample ex;
    ex.scheme = scheme;
    ex.file = c.file.path;
    ex.line = line_of(e);
    ex.a = str(e, "a");
    ex.b = str(e, "b");
    ex.expect = str(e, "expect");
    ex.parse = str(e, "parse");
    ex.numbers = str(e, "numbers");
    ex.build_date = str(e, "build_date");
    bool cmp = !ex.a.empty() && !ex.b.empty() &&
               (ex.expect == "lt" || ex.expect == "eq" || ex.expect == "gt" || ex.expect == "unknown");
    if (!cmp && ex.parse.empty()) c.error(e, "a scheme example is {a, b, expect: lt|eq|gt|unknown} or {parse, numbers, build_date}");
    d.scheme_examples.push_back(std::move(ex));
  }
}

// One `affected` entry of a CVE: model families or regexes, version ranges, the fixed release.
CveAffected affected_entry(Ctx& c, const YAML::Node& a, const std::string& cve_id, Scheme scheme) {
  check_keys(c, a, {"models", "families", "ranges", "fixed", "note"}, "affected entry");
  CveAffected af;
  af.line = line_of(a);
  af.fixed = text(a, "fixed");
  if (!af.fixed.en.empty() && af.fixed.ja.empty()) c.error(a, cve_id + ": fixed needs en and ja");
  af.note = str(a, "note");
  for (const auto& fam : strs(a, "families")) {
    ModelPattern mp{fam, false, compile(c, a, family_to_regex(fam))};
    af.models.push_back(std::move(mp));
  }
  for (const auto& rx : strs(a, "models")) {
    ModelPattern mp{rx, true, compile(c, a, rx)};
    af.models.push_back(std::move(mp));
  }
  if (af.models.empty()) c.error(a, cve_id + ": an affected entry needs families or models");
  for (const auto& r : a["ranges"]) {
    check_keys(c, r, {"ge", "gt", "le", "lt", "uncertain", "note"}, "range");
    Text note = text(r, "note");
    VersionRange vr{str(r, "ge"), str(r, "gt"), str(r, "le"), str(r, "lt"), str(r, "uncertain") == "true",
                    note.en, note.ja};
    if (!vr.note.empty() && vr.note_ja.empty()) c.error(r, cve_id + ": a range note needs en and ja");
    for (auto* b : {&vr.ge, &vr.gt, &vr.le, &vr.lt})
      if (!b->empty() && !parse_version(scheme, *b)) c.error(r, cve_id + ": bound '" + *b + "' does not parse");
    if (vr.ge.empty() && vr.gt.empty() && vr.le.empty() && vr.lt.empty()) c.error(r, cve_id + ": empty range");
    af.ranges.push_back(std::move(vr));
  }
  return af;
}

// A CVE's examples (its tests): model, firmware, expected hit|possible|miss.
void load_cve_examples(Ctx& c, const YAML::Node& n, Cve& cve) {
  for (const auto& e : n["examples"]) {
    CveExample ex;
    ex.model = str(e, "model");
    if (e["firmware"] && !e["firmware"].IsNull()) ex.firmware = e["firmware"].as<std::string>();
    ex.expect = str(e, "expect");
    ex.note = str(e, "note");
    ex.line = line_of(e);
    if (ex.expect != "hit" && ex.expect != "possible" && ex.expect != "miss")
      c.error(e, cve.id + ": example expect must be hit|possible|miss");
    cve.examples.push_back(std::move(ex));
  }
}

void load_cves(Ctx& c, const YAML::Node& root, AssessData& d) {
  check_keys(c, root, {"vendor", "scheme", "scheme_examples", "cves", "source", "firmware_date_keys"}, "CVE file");
  std::string vendor = str(root, "vendor");
  auto scheme = parse_scheme(str(root, "scheme"));
  if (vendor.empty()) c.error(root, "a CVE file needs 'vendor:'");
  if (!scheme) return c.error(root, "scheme must be hikvision-build|dahua-build|dotted|digit-groups");
  if (d.vendor_schemes.count(vendor) && d.vendor_schemes[vendor] != *scheme)
    c.error(root, "vendor " + vendor + " has two different schemes");
  d.vendor_schemes[vendor] = *scheme;
  for (auto& k : strs(root, "firmware_date_keys")) d.firmware_date_keys[vendor].push_back(k);
  load_scheme_examples(c, root, *scheme, d);
  for (const auto& n : root["cves"]) {
    check_keys(c, n,
               {"id", "title", "cwe", "cvss", "cvss_source", "kev_added", "kev_note", "advisory", "references",
                "affected", "examples", "note"},
               "CVE");
    Cve cve;
    cve.vendor = vendor;
    cve.scheme = *scheme;
    cve.file = c.file.path;
    cve.line = line_of(n);
    cve.id = str(n, "id");
    cve.title = text(n, "title");
    cve.cwe = str(n, "cwe");
    cve.cvss_source = str(n, "cvss_source");
    cve.kev_added = str(n, "kev_added");
    cve.kev_note = str(n, "kev_note");
    cve.advisory = str(n, "advisory");
    cve.references = strs(n, "references");
    cve.note = str(n, "note");
    try {
      cve.cvss = n["cvss"].as<double>();
    } catch (const std::exception&) {
      c.error(n, cve.id + ": cvss must be a number");
    }
    if (!RE2::FullMatch(cve.id, R"(CVE-\d{4}-\d{4,7})")) c.error(n, "bad CVE id '" + cve.id + "'");
    if (!cve.title.complete()) c.error(n, cve.id + ": title needs en and ja");
    if (cve.cvss < 0 || cve.cvss > 10) c.error(n, cve.id + ": cvss must be 0..10");
    if (!cve.kev_added.empty() && !iso_date(cve.kev_added)) c.error(n, cve.id + ": kev_added must be YYYY-MM-DD");
    if (cve.references.empty()) c.error(n, cve.id + ": needs references");
    for (const auto& a : n["affected"]) cve.affected.push_back(affected_entry(c, a, cve.id, *scheme));
    if (cve.affected.empty()) c.error(n, cve.id + ": needs affected entries");
    load_cve_examples(c, n, cve);
    if (cve.examples.empty()) c.error(n, cve.id + ": needs examples (they are its tests)");
    for (const auto& other : d.cves)
      if (other.id == cve.id) c.error(n, cve.id + " defined twice");
    d.cves.push_back(std::move(cve));
  }
}

Variant variant_of(Ctx& c, const YAML::Node& n) {
  Variant v;
  if (n["severity"]) {
    v.severity = severity_from_name(str(n, "severity"));
    if (!v.severity) c.error(n, "bad severity");
  }
  v.title = text(n, "title");
  v.detail = text(n, "detail");
  v.remediation = text(n, "remediation");
  return v;
}

void load_findings(Ctx& c, const YAML::Node& root, AssessData& d) {
  check_keys(c, root, {"findings", "fragments", "default_certificate_rules"}, "findings file");
  for (const auto& n : root["findings"]) {
    check_keys(c, n, {"id", "severity", "title", "detail", "remediation", "references", "variants", "triggers"},
               "finding");
    FindingText f;
    f.file = c.file.path;
    f.line = line_of(n);
    f.id = str(n, "id");
    auto sev = severity_from_name(str(n, "severity"));
    if (!sev) c.error(n, f.id + ": bad severity");
    f.severity = sev.value_or(Severity::kInfo);
    f.title = text(n, "title");
    f.detail = text(n, "detail");
    f.remediation = text(n, "remediation");
    f.references = strs(n, "references");
    f.triggers = strs(n, "triggers");
    if (!f.title.complete() || !f.detail.complete() || !f.remediation.complete())
      c.error(n, f.id + ": title, detail and remediation need en and ja");
    if (auto vs = n["variants"]; vs && vs.IsMap())
      for (const auto& kv : vs) f.variants[kv.first.as<std::string>()] = variant_of(c, kv.second);
    if (d.findings.count(f.id)) c.error(n, f.id + " defined twice");
    d.findings[f.id] = std::move(f);
  }
  if (auto fr = root["fragments"]; fr && fr.IsMap()) {
    for (const auto& kv : fr) {
      Text t;
      if (kv.second.IsMap()) t = Text{str(kv.second, "en"), str(kv.second, "ja")};
      if (!t.complete()) c.error(kv.first, "fragment " + kv.first.as<std::string>() + " needs en and ja");
      d.fragments[kv.first.as<std::string>()] = std::move(t);
    }
  }
  for (auto& r : strs(root, "default_certificate_rules")) d.default_certificate_rules.push_back(r);
}

void load_models(Ctx& c, const YAML::Node& root, AssessData& d) {
  check_keys(c, root, {"models", "source"}, "models file");
  for (const auto& n : root["models"]) {
    check_keys(c, n,
               {"vendor", "pattern", "model_group", "category", "description", "examples", "counter_examples", "source",
                "standalone"},
               "model line");
    ModelLine m;
    m.file = c.file.path;
    m.line = line_of(n);
    m.vendor = str(n, "vendor");
    m.pattern = str(n, "pattern");
    m.model_group = str(n, "model_group");
    m.category = str(n, "category");
    m.standalone = str(n, "standalone") != "false";
    m.description = str(n, "description");
    m.examples = strs(n, "examples");
    m.counter_examples = strs(n, "counter_examples");
    m.re = compile(c, n, m.pattern);
    if (m.examples.empty()) c.error(n, "a model line needs examples");
    d.model_lines.push_back(std::move(m));
  }
}

void load_lookup_aliases(Ctx& c, const YAML::Node& root, AssessData& d) {
  check_keys(c, root, {"aliases"}, "lookup aliases file");
  for (const auto& n : root["aliases"]) {
    check_keys(c, n, {"vendor", "names", "source", "examples"}, "lookup alias");
    LookupAlias a;
    a.file = c.file.path;
    a.line = line_of(n);
    a.vendor = str(n, "vendor");
    a.names = strs(n, "names");
    a.source = str(n, "source");
    a.examples = strs(n, "examples");
    if (a.names.empty()) c.error(n, "a lookup alias needs names");
    if (a.source.empty()) c.error(n, "a lookup alias needs a source");
    if (a.examples.empty()) c.error(n, "a lookup alias needs examples");
    d.lookup_aliases.push_back(std::move(a));
  }
}

}  // namespace

const PolicyEntry* Policy::entry_for(std::string_view vendor) const {
  for (const auto& e : entries)
    if (e.vendor == vendor) return &e;
  return nullptr;
}

std::string family_to_regex(std::string_view family) {
  std::string out = "^(?:";
  for (char ch : family) {
    if (ch == 'x') out += "[0-9A-Za-z]";
    else if (ch == '*') out += ".*";
    else out += RE2::QuoteMeta(std::string(1, ch));
  }
  return out + ")";
}

bool ModelPattern::matches(std::string_view model) const {
  if (!re) return false;
  auto m = text::trim(model);
  return RE2::PartialMatch(re2::StringPiece(m.data(), m.size()), *re);
}

const FindingText* AssessData::finding(std::string_view id) const {
  auto it = findings.find(std::string(id));
  return it == findings.end() ? nullptr : &it->second;
}

const Text* AssessData::fragment(std::string_view key) const {
  auto it = fragments.find(std::string(key));
  return it == fragments.end() ? nullptr : &it->second;
}

std::vector<std::string> AssessData::jurisdictions() const {
  std::set<std::string> all;
  for (const auto& p : policies) all.insert(p.jurisdiction);
  return {all.begin(), all.end()};
}

std::optional<Severity> severity_from_name(std::string_view name) { return parse_severity(name); }

Result<std::shared_ptr<AssessData>> load_assess_data(const std::vector<kb::SourceFile>& files, kb::Diagnostics& diags) {
  auto d = std::make_shared<AssessData>();
  size_t before = diags.error_count();
  for (const auto& f : files) {
    bool policies = f.role.rfind("policies/", 0) == 0, cves = f.role.rfind("cves/", 0) == 0,
         findings = f.role.rfind("findings/", 0) == 0, models = f.role.rfind("models/", 0) == 0,
         aliases = f.role == "vocab/lookup_aliases.yaml";
    if (!(policies || cves || findings || models || aliases)) continue;
    ++d->files;
    Ctx c{f, diags};
    YAML::Node root;
    try {
      root = YAML::Load(f.contents);
    } catch (const YAML::Exception& e) {
      diags.error(f.path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg);
      continue;
    }
    if (!root.IsMap()) {
      diags.error(f.path, 0, "expected a YAML map at the top");
      continue;
    }
    try {
      if (policies) load_policy(c, root, *d);
      else if (cves) load_cves(c, root, *d);
      else if (findings) load_findings(c, root, *d);
      else if (aliases) load_lookup_aliases(c, root, *d);
      else load_models(c, root, *d);
    } catch (const YAML::Exception& e) {
      diags.error(f.path, e.mark.line >= 0 ? e.mark.line + 1 : 0, e.msg);
    }
  }
  if (diags.error_count() > before) return make_error(Errc::kInvalidInput, "assessment data has errors");
  return d;
}

}  // namespace anshin::assess
