#include "assess/assess.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

#include "core/clock.h"
#include "core/text.h"
#include "i18n/catalog.h"

namespace anshin::assess {
namespace {

// A value in every language a Renderer renders (Renderer::langs, same order); a single value stands for
// every language (numbers, ports, device strings).
class Multi {
 public:
  Multi() : values_(1) {}
  Multi(std::string value) : values_{std::move(value)} {}  // NOLINT(google-explicit-constructor)
  Multi(const char* value) : values_{std::string(value)} {}  // NOLINT(google-explicit-constructor)
  explicit Multi(std::vector<std::string> per_language) : values_(std::move(per_language)) {}
  const std::string& in(size_t lang) const { return values_.size() == 1 ? values_[0] : values_[lang]; }

 private:
  std::vector<std::string> values_;
};

struct MultiArg {
  std::string_view name;
  Multi value;
};
using Args = std::vector<MultiArg>;  // placeholder name -> value, rendered by i18n::format per language

int link_rank(LinkKind k) { return static_cast<int>(k); }

std::string display_name(const kb::Vocabulary& vocab, std::string_view id) {
  if (const auto* v = vocab.find(id)) return v->name;
  return std::string(id);
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

std::optional<bool> lenient_bool(std::string_view s) {
  auto l = text::to_lower(text::trim(s));
  if (l == "true" || l == "1" || l == "yes" || l == "on" || l == "ture") return true;
  if (l == "false" || l == "0" || l == "no" || l == "off" || l == "flase" || l == "fales") return false;
  return std::nullopt;
}

bool is_iso_date(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

std::string today() { return now_rfc3339_utc().substr(0, 10); }

Evidence evidence_of(const Observation& o, uint16_t port) {
  Evidence e;
  e.source = o.key;
  e.port = o.port ? o.port : port;
  e.value = o.value.size() > 256 ? o.value.substr(0, 256) : o.value;
  return e;
}

// Every observation of the host with the port it belongs to and whether that service is TLS.
struct Obs {
  const Observation* o;
  const ServiceRecord* svc;
  uint16_t port() const { return o->port ? o->port : svc->port; }
};

std::vector<Obs> all_observations(const HostRecord& host) {
  std::vector<Obs> out;
  for (const auto& s : host.services)
    for (const auto& o : s.observations) out.push_back({&o, &s});
  return out;
}

std::string fmt_cvss(double v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

}  // namespace

// ------------------------------------------------------------------------------------------- helpers
std::vector<std::string> unfilled_placeholders(std::string_view t) {
  std::vector<std::string> out;
  for (auto& name : i18n::placeholders(t)) {
    bool ident = !name.empty() && std::all_of(name.begin(), name.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    });
    if (ident) out.push_back(std::move(name));
  }
  return out;
}

Result<std::vector<std::string>> parse_policy_option(std::string_view value, const std::vector<std::string>& known) {
  std::vector<std::string> out;
  auto v = text::to_lower(text::trim(value));
  if (v.empty() || v == "all") return std::vector<std::string>{"all"};
  if (v == "none") return out;
  for (auto part : text::split(v, ',')) {
    auto p = std::string(text::trim(part));
    if (p.empty()) continue;
    bool ok = std::any_of(known.begin(), known.end(),
                          [&](const std::string& k) { return k == p || k.rfind(p + "-", 0) == 0; });
    if (!ok) return i18n::error(Errc::kInvalidInput, "error.policy.unknown", {{"policy", p}, {"known", join(known, ", ")}});
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

bool policy_selected(std::string_view jurisdiction, const AssessOptions& opts) {
  for (const auto& j : opts.jurisdictions) {
    if (j == "all" || j == jurisdiction) return true;
    if (jurisdiction.size() > j.size() && jurisdiction.substr(0, j.size()) == j && jurisdiction[j.size()] == '-')
      return true;
  }
  return false;
}

std::vector<const Policy*> listed_policies(const AssessData& data, const AssessOptions& opts) {
  std::vector<const Policy*> out;
  for (const auto& p : data.policies)
    if (policy_selected(p.jurisdiction, opts)) out.push_back(&p);
  std::stable_sort(out.begin(), out.end(), [](const Policy* a, const Policy* b) {
    if (a->context != b->context) return !a->context;
    if (a->order != b->order) return a->order < b->order;
    return a->id < b->id;
  });
  return out;
}

std::vector<PolicyInfo> policy_infos(const AssessData& data, const AssessOptions& opts) {
  std::vector<PolicyInfo> out;
  for (const Policy* p : listed_policies(data, opts))
    out.push_back({p->finding_id, p->label.get(opts.lang), p->effective, p->issuer.get(opts.lang),
                   p->scope.get(opts.lang), p->context});
  return out;
}

std::set<std::string> exploited_finding_ids(const AssessData& data) {
  std::set<std::string> out;
  for (const Cve& c : data.cves)
    if (!c.kev_added.empty()) out.insert("cve." + c.id);
  return out;
}

Severity cvss_severity(double cvss) {
  if (cvss >= 9.0) return Severity::kCritical;
  if (cvss >= 7.0) return Severity::kHigh;
  if (cvss >= 4.0) return Severity::kMedium;
  return Severity::kLow;
}

Severity raise(Severity s) { return s == Severity::kCritical ? s : static_cast<Severity>(static_cast<int>(s) + 1); }

const char* cve_state_name(CveState s) {
  switch (s) {
    case CveState::kMiss: return "miss";
    case CveState::kHit: return "hit";
    default: return "possible";
  }
}


// ------------------------------------------------------------------------------------------- lineage
std::optional<Lineage> resolve_lineage(const kb::Vocabulary& vocab, const DeviceVerdict& v, std::string_view target) {
  std::string mid = v.manufacturer_id.value_or("");
  std::string bid = v.brand_id.value_or("");
  // A brand-only verdict whose brand is itself a manufacturer counts as that manufacturer.
  if (mid.empty() && !bid.empty()) {
    if (const auto* b = vocab.find(bid); b && b->kind == "manufacturer") mid = bid;
  }
  if (mid.empty() && bid.empty()) return std::nullopt;
  std::optional<std::string_view> model;
  if (v.model) model = *v.model;
  auto from_link = [&](const kb::OemLink& l, const std::string& from) {
    Lineage lin;
    lin.target = std::string(target);
    lin.from = from;
    lin.strength = l.strength;
    lin.edge = l.edge;
    lin.kind = l.strength == kb::Strength::kStrong ? LinkKind::kStrong
               : l.strength == kb::Strength::kMedium ? LinkKind::kMedium
                                                     : LinkKind::kWeak;
    return lin;
  };
  if (!mid.empty() && mid == target) {
    Lineage lin;
    lin.target = mid;
    lin.from = mid;
    if (bid.empty() || bid == mid) return lin;
    lin.from = bid;
    for (const auto& l : vocab.oem_chain(bid, model))
      if (l.to == target && l.strength != kb::Strength::kWeak) {
        auto r = from_link(l, bid);
        r.kind = LinkKind::kDirect;  // the manufacturer itself was identified; the relation is cited
        return r;
      }
    lin.kind = LinkKind::kIdentified;
    return lin;
  }
  const std::string& start = !mid.empty() ? mid : bid;
  std::optional<Lineage> best;
  for (const auto& l : vocab.oem_chain(start, model)) {
    if (l.to != target) continue;
    auto cand = from_link(l, start);
    if (!best || link_rank(cand.kind) < link_rank(best->kind)) best = cand;
  }
  return best;
}

// ---------------------------------------------------------------------------------------------- CVEs
CveState evaluate_cve(const Cve& cve, std::string_view model, const std::optional<std::string>& firmware,
                      const CveAffected** matched, const VersionRange** range) {
  CveState best = CveState::kMiss;
  auto take = [&](CveState s, const CveAffected* a, const VersionRange* r) {
    if (static_cast<int>(s) > static_cast<int>(best)) {
      best = s;
      if (matched) *matched = a;
      if (range) *range = r;
    }
  };
  if (text::trim(model).empty()) return CveState::kMiss;
  std::optional<ParsedVersion> fw;
  if (firmware && !text::trim(*firmware).empty()) fw = parse_version(cve.scheme, *firmware);
  for (const auto& af : cve.affected) {
    bool hit = std::any_of(af.models.begin(), af.models.end(), [&](const ModelPattern& m) { return m.matches(model); });
    if (!hit) continue;
    if (af.ranges.empty()) {
      take(CveState::kPossibleModelOnly, &af, nullptr);
      continue;
    }
    for (const auto& r : af.ranges) {
      if (!fw) {
        take(CveState::kPossibleFirmware, &af, &r);
        continue;
      }
      switch (in_range(cve.scheme, *fw, r)) {
        case RangeResult::kInside: take(r.uncertain ? CveState::kPossibleUncertain : CveState::kHit, &af, &r); break;
        case RangeResult::kUnknown: take(CveState::kPossibleFirmware, &af, &r); break;
        case RangeResult::kOutside: break;
      }
    }
  }
  return best;
}

// ------------------------------------------------------------------------------------------ Assessor
namespace {

// A criterion policy names every vocabulary manufacturer whose hq is a criterion country (the explicit
// entries keep their legal names and sources).
void add_criterion_entries(const kb::Vocabulary& vocab, AssessData& data) {
  for (auto& pol : data.policies) {
    if (pol.criterion_hq.empty()) continue;
    for (const auto& v : vocab.vendors()) {
      bool in_scope = v.kind == "manufacturer" &&
                      std::find(pol.criterion_hq.begin(), pol.criterion_hq.end(), v.hq) != pol.criterion_hq.end();
      if (!in_scope || pol.entry_for(v.id)) continue;
      PolicyEntry e;
      e.vendor = v.id;
      e.entity = v.name + " (hq " + v.hq + ")";
      e.since = pol.effective;
      e.scope = "criterion";
      e.quote = pol.criterion_quote;
      e.source = pol.criterion_source;
      pol.entries.push_back(std::move(e));
    }
  }
}

}  // namespace

Result<Assessor> Assessor::load(const kb::KnowledgeBase& kb, kb::Diagnostics& diags) {
  return load(kb, kb::KnowledgeBase::embedded_sources(), diags);
}

Result<Assessor> Assessor::load(const kb::KnowledgeBase& kb, const std::vector<kb::SourceFile>& files,
                                kb::Diagnostics& diags) {
  auto d = load_assess_data(files, diags);
  if (!d) return d.error();
  add_criterion_entries(kb.vocab(), **d);
  return Assessor(&kb, std::shared_ptr<const AssessData>(std::move(*d)));
}

namespace {

// Renders finding texts in every language of data/i18n at once (and in the asked language when it is
// not one of them), so a device is assessed once whatever the number of languages: which findings a
// device has never depends on the language, only their texts do.
struct Renderer {
  const AssessData& data;
  std::vector<std::string> langs;  // every language rendered
  size_t own = 0;                  // langs[own]: the language of Finding::title, detail and remediation

  Renderer(const AssessData& d, const std::string& lang) : data(d), langs(i18n::languages()) {
    auto it = std::find(langs.begin(), langs.end(), lang);
    if (it == langs.end()) it = langs.insert(langs.end(), lang);
    own = static_cast<size_t>(it - langs.begin());
  }

  template <class PerLanguage>  // std::string(size_t language index)
  Multi each(PerLanguage per_language) const {
    std::vector<std::string> out;
    out.reserve(langs.size());
    for (size_t i = 0; i < langs.size(); ++i) out.push_back(per_language(i));
    return Multi(std::move(out));
  }
  static std::vector<i18n::Arg> in(const Args& args, size_t lang) {
    std::vector<i18n::Arg> out;
    out.reserve(args.size());
    for (const auto& a : args) out.push_back({a.name, a.value.in(lang)});
    return out;
  }
  Multi text(const Text& t) const {
    return each([&](size_t i) { return t.get(langs[i]); });
  }
  Multi format(const Text& t, const Args& args) const {
    return each([&](size_t i) { return i18n::format(t.get(langs[i]), in(args, i)); });
  }
  Multi frag(std::string_view key, const Args& args = {}) const {
    const Text* t = data.fragment(key);
    return t ? format(*t, args) : Multi();
  }
  Multi join(const std::vector<Multi>& parts, const Multi& sep) const {
    return each([&](size_t i) {
      std::string out;
      for (size_t p = 0; p < parts.size(); ++p) out += (p ? sep.in(i) : std::string()) + parts[p].in(i);
      return out;
    });
  }

  // The finding with its texts in every language (Finding::texts) and in langs[own].
  Finding make(const std::string& id, std::string_view text_id, std::string_view variant, const Args& args,
               std::optional<Severity> severity = std::nullopt) const {
    Finding f;
    f.id = id;
    const FindingText* ft = data.finding(text_id);
    const Variant* v = nullptr;
    if (ft && !variant.empty()) {
      auto it = ft->variants.find(std::string(variant));
      if (it != ft->variants.end()) v = &it->second;
    }
    for (size_t i = 0; i < langs.size(); ++i) {
      auto pick = [&](const Text& base, const Text* over) -> const std::string& {
        return over && !over->en.empty() ? over->get(langs[i]) : base.get(langs[i]);
      };
      ::anshin::FindingText& text = f.texts[langs[i]];
      if (!ft) {
        text.title = id;
        continue;
      }
      const auto rendered = in(args, i);
      text.title = i18n::format(pick(ft->title, v ? &v->title : nullptr), rendered);
      text.detail = i18n::format(pick(ft->detail, v ? &v->detail : nullptr), rendered);
      text.remediation = i18n::format(pick(ft->remediation, v ? &v->remediation : nullptr), rendered);
    }
    const ::anshin::FindingText& mine = f.texts[langs[own]];
    f.title = mine.title;
    f.detail = mine.detail;
    f.remediation = mine.remediation;
    if (!ft) return f;
    f.severity = ft->severity;
    if (v && v->severity) f.severity = *v->severity;
    if (severity) f.severity = *severity;
    f.references = ft->references;
    return f;
  }
};

std::vector<Evidence> verdict_evidence(const DeviceVerdict& v, std::initializer_list<const char*> keys, size_t max) {
  std::vector<Evidence> out;
  for (const auto& e : v.evidence) {
    bool want = e.source == "kb.oem_of";
    for (auto* k : keys) want = want || e.implies.count(k);
    if (want && out.size() < max) out.push_back(e);
  }
  return out;
}

}  // namespace

// The chain sentence: "sold as Annke, made by Hikvision (OEM relation, evidence M: ...)".
static Multi chain_text(const Renderer& r, const kb::Vocabulary& vocab, const DeviceVerdict& v,
                              const Lineage& lin) {
  std::string target = display_name(vocab, lin.target);
  std::string from = display_name(vocab, lin.from);
  if (v.brand && lin.from == v.brand_id.value_or("")) from = *v.brand;
  // The relation's sources are not prose: they go to the finding's references (relation_sources).
  Multi dates;
  if (lin.edge && (!lin.edge->since.empty() || !lin.edge->until.empty()))
    dates = r.frag("chain.dates", {{"since", lin.edge->since}, {"until", lin.edge->until}});
  Args args = {{"manufacturer", target}, {"brand", from}, {"strength", kb::strength_name(lin.strength)},
               {"dates", dates}};
  switch (lin.kind) {
    case LinkKind::kDirect:
      return lin.edge ? r.frag("chain.relabel", args) : r.frag("chain.direct", args);
    case LinkKind::kIdentified: return r.frag("chain.identified", args);
    case LinkKind::kStrong:
    case LinkKind::kMedium: return r.frag("chain.relabel", args);
    case LinkKind::kWeak: return r.frag("chain.weak", args);
  }
  return {};
}

// Appends the sources of the OEM relation a finding rests on to its references (once each).
static void add_relation_sources(const Lineage& lin, std::vector<std::string>& references) {
  if (!lin.edge) return;
  for (const auto& src : lin.edge->sources)
    if (std::find(references.begin(), references.end(), src) == references.end()) references.push_back(src);
}

namespace {

struct PolicyMatch {
  Lineage lineage;
  const PolicyEntry* entry = nullptr;
};

// The strongest lineage from the device to an entry of `pol` (direct beats S beats M beats W).
std::optional<PolicyMatch> match_policy(const kb::Vocabulary& vocab, const Policy& pol, const DeviceVerdict& verdict) {
  std::optional<PolicyMatch> best;
  for (const auto& e : pol.entries) {
    auto lin = resolve_lineage(vocab, verdict, e.vendor);
    if (!lin) continue;
    if (!pol.follows_oem && lin->kind != LinkKind::kDirect && lin->kind != LinkKind::kIdentified) continue;
    if (!best || link_rank(lin->kind) < link_rank(best->lineage.kind)) best = PolicyMatch{*lin, &e};
  }
  return best;
}

Finding policy_finding(const Renderer& r, const kb::Vocabulary& vocab, const Policy& pol, const PolicyMatch& m,
                       const DeviceVerdict& verdict) {
  const PolicyEntry& entry = *m.entry;
  bool weak = m.lineage.kind == LinkKind::kWeak;
  std::string target = display_name(vocab, m.lineage.target);
  Args sargs = {{"target", target}, {"since", entry.since}, {"entity", entry.entity}};
  Multi statement = r.format(pol.statement, sargs);
  Multi scope = r.frag("scope." + entry.scope, {{"quote", entry.quote}, {"target", target}});
  std::vector<Multi> ms;
  for (const auto& x : pol.milestones) ms.push_back(r.each([&](size_t i) { return x.date + " " + x.what.get(r.langs[i]); }));
  Multi milestones = ms.empty() ? Multi("") : r.frag("policy.milestones", {{"list", r.join(ms, r.frag("policy.milestone_separator"))}});
  Args args = {{"chain", chain_text(r, vocab, verdict, m.lineage)},
               {"policy_title", r.text(pol.title)},
               {"rule", r.text(pol.rule)},
               {"statement", statement},
               {"scope", scope},
               {"milestones", milestones},
               {"manufacturer", target},
               {"since", entry.since},
               {"policy_remediation", r.text(pol.remediation)},
               {"note", r.text(pol.note)}};
  Finding f = r.make(pol.finding_id, "policy.*", weak ? "weak" : "", args, weak ? pol.weak_severity : pol.severity);
  f.references = pol.sources;
  if (!entry.source.empty() && entry.source.rfind("http", 0) == 0 &&
      std::find(f.references.begin(), f.references.end(), entry.source) == f.references.end())
    f.references.push_back(entry.source);
  add_relation_sources(m.lineage, f.references);
  f.evidence = verdict_evidence(verdict, {"manufacturer", "brand"}, 6);
  return f;
}

}  // namespace

std::vector<Finding> Assessor::assess_policies(const DeviceVerdict& verdict, const AssessOptions& opts) const {
  std::vector<Finding> out;
  Renderer r{*data_, opts.lang};
  for (const auto& pol : data_->policies) {
    if (pol.context || !policy_selected(pol.jurisdiction, opts)) continue;
    auto match = match_policy(kb_->vocab(), pol, verdict);
    if (!match) continue;
    out.push_back(policy_finding(r, kb_->vocab(), pol, *match, verdict));
  }
  return out;
}

std::vector<Finding> Assessor::assess_cves(const DeviceVerdict& verdict, const AssessOptions& opts,
                                           const HostRecord* host) const {
  std::vector<Finding> out;
  if (!verdict.model) return out;  // no model, no CVE: never guess
  const auto& vocab = kb_->vocab();
  Renderer r{*data_, opts.lang};
  for (const auto& cve : data_->cves) {
    auto lin = resolve_lineage(vocab, verdict, cve.vendor);
    if (!lin || lin->kind == LinkKind::kWeak) continue;  // OEM CVEs apply only through S/M relations
    const CveAffected* af = nullptr;
    const VersionRange* range = nullptr;
    std::optional<std::string> firmware = verdict.firmware;
    std::optional<Evidence> date_evidence;
    if (host && firmware) {
      auto keys = data_->firmware_date_keys.find(cve.vendor);
      if (keys != data_->firmware_date_keys.end())
        for (const auto& s : host->services)
          for (const auto& o : s.observations)
            if (!date_evidence && std::find(keys->second.begin(), keys->second.end(), o.key) != keys->second.end()) {
              auto completed = with_build_date(cve.scheme, *firmware, text::trim(o.value));
              if (completed != *firmware) {
                firmware = completed;
                date_evidence = evidence_of(o, s.port);
              }
            }
    }
    CveState st = evaluate_cve(cve, *verdict.model, firmware, &af, &range);
    if (st == CveState::kMiss) continue;
    Severity band = cvss_severity(cve.cvss);
    Severity sev = band;
    std::string variant;
    switch (st) {
      case CveState::kHit: sev = cve.kev_added.empty() ? band : raise(band); break;
      case CveState::kPossibleModelOnly: variant = "model_only"; break;
      case CveState::kPossibleFirmware: variant = "firmware_unknown"; break;
      case CveState::kPossibleUncertain: variant = "uncertain_range"; break;
      case CveState::kMiss: break;
    }
    if (st != CveState::kHit) sev = band >= Severity::kHigh ? Severity::kMedium : Severity::kLow;
    bool relabel = lin->kind != LinkKind::kDirect || lin->from != lin->target;
    std::string fw = firmware.value_or("");
    Args args = {
        {"chain", chain_text(r, vocab, verdict, *lin)},
        {"relabel", relabel ? r.frag("cve.relabel_note", {{"manufacturer", display_name(vocab, cve.vendor)}}) : Multi("")},
        {"cve", cve.id},
        {"cve_title", r.text(cve.title)},
        {"cvss", fmt_cvss(cve.cvss)},
        {"kev", cve.kev_added.empty() ? Multi("") : r.frag("cve.kev", {{"date", cve.kev_added}})},
        {"model", *verdict.model},
        {"firmware", fw.empty() ? r.frag("cve.firmware_not_learned") : Multi(fw)},
        {"range", range ? Multi(range_text(*range)) : r.frag("cve.no_range")},
        {"range_note", range && !range->note.empty() ? r.each([&](size_t i) {
                         return r.langs[i] == "ja" && !range->note_ja.empty() ? range->note_ja : range->note;
                       })
                                                     : r.frag("cve.no_range_note")},
        {"fixed", af && !af->fixed.en.empty() ? r.text(af->fixed) : r.frag("cve.fixed_unknown")},
        {"advisory", cve.advisory.empty() ? cve.references.front() : cve.advisory},
        {"manufacturer", display_name(vocab, cve.vendor)}};
    Finding f = r.make("cve." + cve.id, "cve.*", variant, args, sev);
    f.references.clear();
    if (!cve.advisory.empty() && cve.advisory.rfind("http", 0) == 0) f.references.push_back(cve.advisory);
    for (const auto& ref : cve.references)
      if (std::find(f.references.begin(), f.references.end(), ref) == f.references.end()) f.references.push_back(ref);
    add_relation_sources(*lin, f.references);
    f.evidence = verdict_evidence(verdict, {"model", "firmware"}, 6);
    if (date_evidence) f.evidence.push_back(*date_evidence);
    out.push_back(std::move(f));
  }
  return out;
}

// ------------------------------------------------------------------------------------------ hygiene
namespace {

// What one hygiene check sees: the host's observations, the texts, the KB (default certificates).
struct HygieneContext {
  const HostRecord& host;
  const std::vector<Obs> obs;
  const Renderer& r;
  const AssessData& data;
  const kb::KnowledgeBase& kb;
  const AssessOptions& opts;

  std::vector<Obs> find_all(std::string_view key) const {
    std::vector<Obs> v;
    for (const auto& o : obs)
      if (o.o->key == key) v.push_back(o);
    return v;
  }
  bool port_open(uint16_t p) const {
    return std::find(host.open_tcp_ports.begin(), host.open_tcp_ports.end(), p) != host.open_tcp_ports.end();
  }
};

Evidence port_evidence(uint16_t p) {
  Evidence e;
  e.source = "tcp.open";
  e.port = p;
  e.value = std::to_string(p);
  return e;
}

std::string port_list(const std::set<uint16_t>& ports) {
  std::vector<std::string> ps;
  for (auto p : ports) ps.push_back(std::to_string(p));
  return join(ps, ", ");
}

// auth.rtsp-open: DESCRIBE 200 and an SDP with at least one media line on the same port.
std::optional<Finding> check_rtsp_open(const HygieneContext& c, const char* id) {
  std::vector<Evidence> ev;
  std::string port, path, count;
  for (const auto& d : c.find_all("rtsp.describe.status")) {
    if (text::trim(d.o->value) != "200") continue;
    for (const auto& m : c.find_all("rtsp.sdp.media_count")) {
      if (m.port() != d.port()) continue;
      long n = std::atol(std::string(text::trim(m.o->value)).c_str());
      if (n < 1 || !ev.empty()) continue;
      ev.push_back(evidence_of(*d.o, d.svc->port));
      ev.push_back(evidence_of(*m.o, m.svc->port));
      port = std::to_string(d.port());
      count = std::to_string(n);
      for (const auto& p : c.find_all("rtsp.describe.path"))
        if (p.port() == d.port()) {
          path = p.o->value;
          ev.push_back(evidence_of(*p.o, p.svc->port));
          break;
        }
    }
  }
  if (ev.empty()) return std::nullopt;
  auto f = c.r.make(id, id, "",
                    {{"port", port}, {"path", path.empty() ? "/" : path}, {"media_count", count}});
  f.evidence = std::move(ev);
  return f;
}

// auth.onvif-open: GetDeviceInformation answered without credentials (not the PRE_AUTH set).
std::optional<Finding> check_onvif_open(const HygieneContext& c, const char* id) {
  for (const auto& o : c.find_all("onvif.device_info.auth")) {
    if (text::to_lower(text::trim(o.o->value)) != "open") continue;
    auto f = c.r.make(id, id, "", {{"port", std::to_string(o.port())}});
    f.evidence.push_back(evidence_of(*o.o, o.svc->port));
    for (const auto& k : {"onvif.device.manufacturer", "onvif.device.model", "onvif.device.firmware"})
      for (const auto& x : c.find_all(k))
        if (f.evidence.size() < 4) f.evidence.push_back(evidence_of(*x.o, x.svc->port));
    return f;
  }
  return std::nullopt;
}

// auth.not-activated: SADP Activated=false (lenient booleans: "flase" is false).
std::optional<Finding> check_not_activated(const HygieneContext& c, const char* id) {
  for (const auto& o : c.find_all("sadp.activated")) {
    auto b = lenient_bool(o.o->value);
    if (!b || *b) continue;
    auto f = c.r.make(id, id, "", {{"value", std::string(text::trim(o.o->value))}});
    f.evidence.push_back(evidence_of(*o.o, o.svc->port));
    return f;
  }
  return std::nullopt;
}

// exposure.telnet / exposure.ftp: the well-known port open, or the service's banner seen anywhere.
std::optional<Finding> cleartext_service(const HygieneContext& c, const char* id, uint16_t well_known,
                                         const char* banner_key, const char* protocol) {
  std::vector<Evidence> ev;
  std::set<uint16_t> ports;
  for (const auto& o : c.find_all(banner_key)) {
    ports.insert(o.port());
    ev.push_back(evidence_of(*o.o, o.svc->port));
  }
  for (const auto& s : c.host.services)
    if (s.protocol == protocol && ports.insert(s.port).second) ev.push_back(port_evidence(s.port));
  if (c.port_open(well_known) && ports.insert(well_known).second) ev.push_back(port_evidence(well_known));
  if (ev.empty()) return std::nullopt;
  auto f = c.r.make(id, id, "", {{"port", port_list(ports)}});
  f.evidence = std::move(ev);
  return f;
}

std::optional<Finding> check_telnet(const HygieneContext& c, const char* id) {
  return cleartext_service(c, id, 23, "telnet.banner", "telnet");
}

std::optional<Finding> check_ftp(const HygieneContext& c, const char* id) {
  return cleartext_service(c, id, 21, "ftp.banner", "ftp");
}

// exposure.http-cleartext: an HTTP answer on a port whose service is not TLS (redirects to https:// excluded).
std::optional<Finding> check_http_cleartext(const HygieneContext& c, const char* id) {
  std::set<uint16_t> clear, secure;
  std::vector<Evidence> ev;
  for (const auto& o : c.find_all("http.status")) {
    if (o.svc->tls || o.svc->protocol == "https") {
      secure.insert(o.port());
      continue;
    }
    auto status = std::string(text::trim(o.o->value));
    bool redirect_to_tls = false;
    if (!status.empty() && status[0] == '3')
      for (const auto& l : c.find_all("http.redirect.location"))
        if (l.port() == o.port() && text::istarts_with(text::trim(l.o->value), "https://")) redirect_to_tls = true;
    if (redirect_to_tls) continue;
    if (clear.insert(o.port()).second) ev.push_back(evidence_of(*o.o, o.svc->port));
  }
  if (clear.empty()) return std::nullopt;
  auto f = c.r.make(id, id, secure.empty() ? "" : "https_available",
                    {{"port", port_list(clear)}, {"tls_port", port_list(secure)}});
  f.evidence = std::move(ev);
  return f;
}

// exposure.upnp: any SSDP/UPnP answer.
std::optional<Finding> check_upnp(const HygieneContext& c, const char* id) {
  std::vector<Evidence> ev;
  for (const auto& o : c.obs)
    if ((text::istarts_with(o.o->key, "ssdp.") || text::istarts_with(o.o->key, "upnp.")) && ev.size() < 3)
      ev.push_back(evidence_of(*o.o, o.svc->port));
  if (ev.empty()) return std::nullopt;
  std::string server;
  for (const auto& o : c.find_all("ssdp.server")) server = o.o->value;
  auto f = c.r.make(id, id, "",
                    {{"port", std::to_string(ev.front().port ? ev.front().port : 1900)},
                     {"server", server.empty() ? "-" : server}});
  f.evidence = std::move(ev);
  return f;
}

// exposure.p2p-cloud: every fragment "p2p.<observation key>" names a vendor P2P switch seen as a boolean.
std::optional<Finding> check_p2p_cloud(const HygieneContext& c, const char* id) {
  std::vector<Evidence> ev;
  std::vector<Multi> services;
  for (const auto& [key, t] : c.data.fragments) {
    if (key.rfind("p2p.", 0) != 0) continue;
    for (const auto& o : c.find_all(key.substr(4))) {
      auto b = lenient_bool(o.o->value);
      if (!b || !*b) continue;
      ev.push_back(evidence_of(*o.o, o.svc->port));
      services.push_back(c.r.text(t));
      break;
    }
  }
  if (ev.empty()) return std::nullopt;
  auto f = c.r.make(id, id, "", {{"service", c.r.join(services, ", ")}});
  f.evidence = std::move(ev);
  return f;
}

// The reasons tls.weak gives, with their evidence and ports; `serious` when one is more than a shared
// factory certificate.
struct TlsReasons {
  std::vector<Multi> reasons;
  std::vector<Evidence> ev;
  std::set<uint16_t> ports;
  bool serious = false;
};

void obsolete_tls_versions(const HygieneContext& c, TlsReasons& t) {
  for (const auto& o : c.find_all("tls.version")) {
    auto v = text::to_lower(text::trim(o.o->value));
    if (v != "sslv2" && v != "sslv3" && v != "tlsv1" && v != "tlsv1.0" && v != "tlsv1.1") continue;
    t.reasons.push_back(c.r.frag("tls.reason.version",
                                 {{"version", std::string(text::trim(o.o->value))}, {"port", std::to_string(o.port())}}));
    t.ev.push_back(evidence_of(*o.o, o.svc->port));
    t.ports.insert(o.port());
    t.serious = true;
  }
}

void expired_certificates(const HygieneContext& c, TlsReasons& t) {
  std::string as_of = c.opts.as_of.empty() ? today() : c.opts.as_of;
  for (const auto& o : c.find_all("tls.cert.not_after")) {
    auto d = text::trim(o.o->value);
    if (!is_iso_date(d) || std::string(d.substr(0, 10)) >= as_of) continue;
    t.reasons.push_back(
        c.r.frag("tls.reason.expired", {{"date", std::string(d.substr(0, 10))}, {"port", std::to_string(o.port())}}));
    t.ev.push_back(evidence_of(*o.o, o.svc->port));
    t.ports.insert(o.port());
    t.serious = true;
  }
}

// A self-signed certificate whose subject a KB rule listed in default_certificate_rules recognises.
void factory_certificates(const HygieneContext& c, TlsReasons& t) {
  const auto& rules = c.data.default_certificate_rules;
  for (const auto& o : c.find_all("tls.cert.self_signed")) {
    auto b = lenient_bool(o.o->value);
    if (!b || !*b) continue;
    for (const auto& s : c.find_all("tls.cert.subject")) {
      if (s.port() != o.port()) continue;
      Observation q{"tls.cert.subject", s.o->value, s.port(), "assess"};
      for (const auto& m : c.kb.match(q)) {
        if (std::find(rules.begin(), rules.end(), m.rule_id) == rules.end()) continue;
        t.reasons.push_back(
            c.r.frag("tls.reason.default_cert", {{"subject", s.o->value}, {"port", std::to_string(s.port())}}));
        Evidence e = evidence_of(*s.o, s.svc->port);
        e.rule = m.rule_id;
        t.ev.push_back(std::move(e));
        t.ev.push_back(evidence_of(*o.o, o.svc->port));
        t.ports.insert(s.port());
        break;
      }
    }
  }
}

// tls.weak: per TLS port, an expired certificate, an obsolete protocol, or a shared factory certificate.
std::optional<Finding> check_tls_weak(const HygieneContext& c, const char* id) {
  TlsReasons t;
  obsolete_tls_versions(c, t);
  expired_certificates(c, t);
  factory_certificates(c, t);
  if (t.reasons.empty()) return std::nullopt;
  auto f = c.r.make(id, id, t.serious ? "" : "default_cert_only",
                    {{"port", port_list(t.ports)}, {"reasons", c.r.join(t.reasons, c.r.frag("list.separator"))}});
  f.evidence = std::move(t.ev);
  return f;
}

// One row per hygiene finding id, in the contract's order: the id and the check that emits it (the
// check makes its finding with that id). contract_finding_ids() lists the ids from this table.
struct HygieneCheck {
  const char* id;
  std::optional<Finding> (*check)(const HygieneContext&, const char* id);
};

constexpr HygieneCheck kHygieneChecks[] = {
    {"auth.rtsp-open", check_rtsp_open},
    {"auth.onvif-open", check_onvif_open},
    {"auth.not-activated", check_not_activated},
    {"exposure.telnet", check_telnet},
    {"exposure.ftp", check_ftp},
    {"exposure.http-cleartext", check_http_cleartext},
    {"exposure.upnp", check_upnp},
    {"exposure.p2p-cloud", check_p2p_cloud},
    {"tls.weak", check_tls_weak},
};

}  // namespace

const std::vector<std::string>& contract_finding_ids() {
  // Policy ids come from data/policies (one per file); these are the ids the code itself makes.
  static const std::vector<std::string> ids = [] {
    std::vector<std::string> out = {"cve.*", "auth.default-credentials", "identity.weak-evidence",
                                    "traffic.vendor-cloud", "traffic.outbound", "traffic.cleartext-auth"};
    for (const auto& c : kHygieneChecks) out.emplace_back(c.id);
    return out;
  }();
  return ids;
}

std::vector<Finding> Assessor::assess_hygiene(const HostRecord& host, const AssessOptions& opts) const {
  Renderer r{*data_, opts.lang};
  const HygieneContext context{host, all_observations(host), r, *data_, *kb_, opts};
  std::vector<Finding> out;
  for (const auto& c : kHygieneChecks)
    if (auto f = c.check(context, c.id)) out.push_back(std::move(*f));
  return out;
}

Finding Assessor::default_credentials_finding_in(std::string_view service, uint16_t port, std::string_view pair_source,
                                              const AssessOptions& opts) const {
  Renderer r{*data_, opts.lang};
  auto f = r.make("auth.default-credentials", "auth.default-credentials", "",
                  {{"service", std::string(service)}, {"port", std::to_string(port)}, {"source", std::string(pair_source)}});
  Evidence e;
  e.source = "auth.default-credentials";
  e.port = port;
  e.value = "accepted";  // never the pair itself
  e.rule = std::string(pair_source);
  f.evidence.push_back(std::move(e));
  return f;
}

Finding Assessor::default_credentials_finding(std::string_view service, uint16_t port, std::string_view pair_source,
                                              const AssessOptions& opts) const {
  return default_credentials_finding_in(service, port, pair_source, opts);
}

Finding Assessor::render_finding(std::string_view id, const std::vector<std::pair<std::string, std::string>>& args,
                                const AssessOptions& opts) const {
  Renderer r{*data_, opts.lang};
  Args rendered;  // views of the names in `args`
  for (const auto& [name, value] : args) rendered.push_back({name, value});
  return r.make(std::string(id), id, "", rendered);
}

std::optional<Finding> Assessor::assess_weak_identity(const DeviceVerdict& verdict, const AssessOptions& opts) const {
  const bool possible = verdict.maker_proof == MakerProof::kPossible && verdict.possible_manufacturer_id;
  if (!possible && verdict.maker_proof != MakerProof::kIndicated) return std::nullopt;
  DeviceVerdict as_if = verdict;  // the policies that would apply were the maker proven
  if (possible) {
    as_if.manufacturer_id = verdict.possible_manufacturer_id;
    as_if.manufacturer = verdict.possible_manufacturer;
  }
  Renderer r{*data_, opts.lang};
  std::vector<Multi> titles;  // in every language: assess_policies renders them all
  for (const auto& f : assess_policies(as_if, opts))
    titles.push_back(r.each([&](size_t i) { return f.texts.at(r.langs[i]).title.str(); }));
  if (!possible && titles.empty()) return std::nullopt;  // one medium tell and no policy concerned: nothing to say
  Args args = {{"manufacturer", as_if.manufacturer.value_or("")},
               {"policies", titles.empty() ? r.frag("identity.no_policy") : r.join(titles, "; ")}};
  Finding f = r.make("identity.weak-evidence", "identity.weak-evidence", possible ? "" : "single", args,
                     titles.empty() ? Severity::kInfo : Severity::kMedium);
  f.evidence = verdict_evidence(verdict, {"manufacturer", "brand"}, 6);
  return f;
}

std::vector<Finding> Assessor::assess(const Device& device, const HostRecord& host, const AssessOptions& opts) const {
  std::vector<Finding> out;
  if (device.verdict.maker_proof == MakerProof::kProven) out = assess_policies(device.verdict, opts);
  else if (auto weak = assess_weak_identity(device.verdict, opts)) out.push_back(std::move(*weak));
  for (auto& f : assess_cves(device.verdict, opts, &host)) out.push_back(std::move(f));
  for (auto& f : assess_hygiene(host, opts)) {
    // An ordinary web server (category "other": nginx, printers) is not a camera's web admin.
    if (f.id == "exposure.http-cleartext" && device.verdict.category == Category::kOther) continue;
    out.push_back(std::move(f));
  }
  std::stable_sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) {
    if (a.severity != b.severity) return a.severity > b.severity;
    return a.id < b.id;
  });
  return out;
}

}  // namespace anshin::assess

namespace anshin::assess {

std::optional<int> firmware_order(const AssessData& data, const DeviceVerdict& verdict, std::string_view from,
                                  std::string_view to) {
  Scheme scheme = Scheme::kDigitGroups;
  if (verdict.manufacturer_id) {
    auto it = data.vendor_schemes.find(*verdict.manufacturer_id);
    if (it != data.vendor_schemes.end()) scheme = it->second;
  }
  return compare(scheme, from, to);
}

}  // namespace anshin::assess
