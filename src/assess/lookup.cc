#include "assess/lookup.h"

#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "core/text.h"

namespace anshin::assess {
namespace {

constexpr size_t kMaxNameWords = 6;  // a vendor name is at most this many leading words

// The range, marked when the data calls it approximate (fragment cve.range_approximate, in the query's language).
std::string range_with_mark(const AssessData& data, const VersionRange& r, std::string_view lang) {
  if (!r.uncertain) return range_text(r);
  const Text* mark = data.fragment("cve.range_approximate");
  return range_text(r) + (mark ? mark->get(lang) : std::string(" (approximate)"));
}

bool ascii_alnum(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Words of the normalised query; a word mixing scripts is split where ASCII meets non-ASCII, so
// "ハイクビジョンDS-2CD2043G0-I" is a name and a model.
std::vector<std::string> words_of(std::string_view normalized) {
  std::vector<std::string> out;
  for (auto w : text::split(normalized, ' ')) {
    if (w.empty()) continue;
    size_t start = 0;
    for (size_t i = 1; i < w.size(); ++i) {
      const bool a = static_cast<unsigned char>(w[i - 1]) < 0x80, b = static_cast<unsigned char>(w[i]) < 0x80;
      if (a != b) {
        out.emplace_back(w.substr(start, i - start));
        start = i;
      }
    }
    out.emplace_back(w.substr(start));
  }
  return out;
}

std::string join(const std::vector<std::string>& words, size_t from, size_t to) {
  std::string s;
  for (size_t i = from; i < to; ++i) s += (i > from ? " " : "") + words[i];
  return s;
}

// name_key -> vendor, over the vocabulary (ids, names, aliases) and the lookup-only names. A key two
// vendors share is left out (never a guess).
class NameIndex {
 public:
  struct Hit {
    const kb::Vendor* vendor = nullptr;
    std::string file;  // the lookup-aliases file when the name comes from there, else ""
  };
  NameIndex(const kb::Vocabulary& vocab, const std::vector<LookupAlias>& aliases) {
    for (const auto& v : vocab.vendors()) {
      if (v.kind == "component") continue;
      add(v.id, {&v, ""});
      add(v.name, {&v, ""});
      for (const auto& a : v.aliases) add(a, {&v, ""});
    }
    for (const auto& a : aliases)
      if (const kb::Vendor* v = vocab.find(a.vendor); v && v->kind != "component")
        for (const auto& n : a.names) add(n, {v, a.file});
  }
  Hit find(std::string_view name) const {
    auto it = map_.find(name_key(name));
    return it == map_.end() || ambiguous_.count(it->first) ? Hit{} : it->second;
  }

 private:
  void add(std::string_view name, Hit hit) {
    std::string k = name_key(name);
    if (k.empty()) return;
    auto [it, inserted] = map_.emplace(k, hit);
    if (!inserted && it->second.vendor != hit.vendor) ambiguous_.insert(k);
  }
  std::map<std::string, Hit> map_;
  std::set<std::string> ambiguous_;
};

// The longest leading run of words (at most kMaxNameWords) that names a vendor: the vocabulary's exact
// aliases first, then the compared keys. Sets `used` to the number of words taken; notes how in `how`.
const kb::Vendor* name_vendor(const kb::Vocabulary& vocab, const AssessData& data, const std::vector<std::string>& words,
                              size_t& used, std::vector<std::string>& how, bool ja) {
  const NameIndex names(vocab, data.lookup_aliases);
  for (size_t k = std::min(words.size(), kMaxNameWords); k >= 1; --k) {
    const std::string prefix = join(words, 0, k);
    NameIndex::Hit hit{vocab.find_alias(prefix), ""};
    if (hit.vendor == nullptr || hit.vendor->kind == "component") hit = names.find(prefix);
    if (hit.vendor == nullptr) continue;
    used = k;
    std::string note = (ja ? "ブランド／メーカー名「" : "vendor name '") + hit.vendor->name + (ja ? "」" : "'");
    if (hit.file.empty()) note += ja ? "（ナレッジベースの語彙）" : " (knowledge-base vocabulary)";
    else note += (ja ? "（「" : " (from '") + prefix + (ja ? "」、" : "', ") + hit.file + (ja ? "）" : ")");
    how.push_back(std::move(note));
    return hit.vendor;
  }
  return nullptr;
}

// The hyphen-tolerant form of a pattern, compiled once per process (case-insensitive like the data).
const RE2* relaxed(const std::string& pattern) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<RE2>> cache;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = cache[pattern];
  if (!slot) {
    RE2::Options o;
    o.set_case_sensitive(false);
    o.set_log_errors(false);
    o.set_max_mem(1 << 22);
    slot = std::make_unique<RE2>(hyphens_optional(pattern), o);
  }
  return slot->ok() ? slot.get() : nullptr;
}

bool relaxed_match(const std::string& pattern, std::string_view model) {
  const RE2* re = relaxed(pattern);
  return re != nullptr && RE2::PartialMatch(re2::StringPiece(model.data(), model.size()), *re);
}

// The CVE against a model typed without hyphens: like evaluate_cve without firmware, on relaxed patterns.
CveState evaluate_cve_relaxed(const Cve& cve, std::string_view model, const CveAffected** matched,
                              const VersionRange** range) {
  for (const auto& af : cve.affected) {
    const bool hit = std::any_of(af.models.begin(), af.models.end(), [&](const ModelPattern& m) {
      return relaxed_match(m.regex ? m.text : family_to_regex(m.text), model);
    });
    if (!hit) continue;
    *matched = &af;
    *range = af.ranges.empty() ? nullptr : &af.ranges.front();
    return af.ranges.empty() ? CveState::kPossibleModelOnly : CveState::kPossibleFirmware;
  }
  return CveState::kMiss;
}

// The model-naming line for `model` (standalone lines always, the others only for the vendor named). A
// model typed without hyphens is tried, without its spaces, against hyphen-tolerant patterns; then
// `model` becomes that compact form and `relaxed` is set.
const ModelLine* match_model_line(const AssessData& data, const kb::Vendor* named, std::string& model, bool& relaxed) {
  auto find = [&](const std::string& text, bool relax) -> const ModelLine* {
    for (const auto& m : data.model_lines) {
      if (!m.re || !(m.standalone || (named && named->id == m.vendor))) continue;
      if (relax ? relaxed_match(m.pattern, text) : RE2::PartialMatch(text, *m.re)) return &m;
    }
    return nullptr;
  };
  if (const ModelLine* line = find(model, false)) return line;
  if (model.find('-') != std::string::npos) return nullptr;
  std::string compact;
  for (char c : model)
    if (c != ' ') compact += c;
  const ModelLine* line = find(compact, true);
  if (line) {
    model = std::move(compact);
    relaxed = true;
  }
  return line;
}

std::vector<LookupOemLink> chain_of(const kb::Vocabulary& vocab, const std::string& brand_id) {
  std::vector<LookupOemLink> out;
  for (const auto& l : vocab.oem_chain(brand_id)) {
    LookupOemLink link{vocab.find(l.from)->name, vocab.find(l.to)->name, kb::strength_name(l.strength), "", "", {}};
    if (l.edge) {
      link.since = l.edge->since;
      link.until = l.edge->until;
      link.sources = l.edge->sources;
    }
    out.push_back(std::move(link));
  }
  return out;
}

// The entry of `finding_id`'s policy that names the device: its brand, its maker, or a vendor on the chain.
LookupPolicy policy_detail(const AssessData& data, const kb::Vocabulary& vocab, const std::string& finding_id,
                           const DeviceVerdict& v) {
  LookupPolicy out;
  out.id = finding_id;
  const auto policy = std::find_if(data.policies.begin(), data.policies.end(),
                                   [&](const Policy& p) { return p.finding_id == finding_id; });
  if (policy == data.policies.end()) return out;
  out.effective = policy->effective;
  std::vector<std::string> candidates;
  for (const auto& id : {v.brand_id, v.manufacturer_id})
    if (id) {
      candidates.push_back(*id);
      for (const auto& l : vocab.oem_chain(*id)) candidates.push_back(l.to);
    }
  for (const auto& c : candidates)
    if (const PolicyEntry* e = policy->entry_for(c)) {
      out.vendor = e->vendor;
      out.entity = e->entity;
      out.since = e->since;
      out.scope = e->scope;
      out.source = e->source;
      break;
    }
  return out;
}

// The CVEs of the model line (the firmware decides): the state, the affected ranges and the fix.
std::vector<LookupCve> model_line_cves(const AssessData& data, const kb::Vocabulary& vocab, const DeviceVerdict& v,
                                       bool relaxed_model, const std::string& lang) {
  std::vector<LookupCve> out;
  for (const auto& cve : data.cves) {
    auto lin = resolve_lineage(vocab, v, cve.vendor);
    if (!lin || lin->kind == LinkKind::kWeak) continue;
    const CveAffected* af = nullptr;
    const VersionRange* range = nullptr;
    CveState st = evaluate_cve(cve, *v.model, std::nullopt, &af, &range);
    if (st == CveState::kMiss && relaxed_model) st = evaluate_cve_relaxed(cve, *v.model, &af, &range);
    if (st == CveState::kMiss) continue;
    LookupCve c;
    c.id = cve.id;
    c.title = cve.title.get(lang);
    c.cvss = cve.cvss;
    c.kev_added = cve.kev_added;
    c.state = cve_state_name(st);
    if (af)
      for (const auto& r : af->ranges) c.affected += (c.affected.empty() ? "" : "; ") + range_with_mark(data, r, lang);
    c.fixed = af ? af->fixed.get(lang) : "";
    c.advisory = !cve.advisory.empty() ? cve.advisory : cve.references.empty() ? std::string() : cve.references.front();
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::string normalize_query(std::string_view input) {
  static constexpr std::string_view kDashes[] = {"\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\uFE63"};
  static constexpr std::string_view kProlonged = "\u30FC";
  const std::string s = text::nfkc_basic(input);
  std::string out;
  for (size_t i = 0; i < s.size();) {
    const std::string_view rest = std::string_view(s).substr(i);
    const auto dash = std::find_if(std::begin(kDashes), std::end(kDashes), [&](std::string_view d) { return rest.starts_with(d); });
    if (dash != std::end(kDashes)) {
      out += '-';
      i += dash->size();
      continue;
    }
    if (rest.starts_with(kProlonged) && !out.empty() && ascii_alnum(out.back()) && rest.size() > kProlonged.size() &&
        ascii_alnum(rest[kProlonged.size()])) {
      out += '-';  // "DSー2CD": the input method's long-vowel mark typed for a hyphen
      i += kProlonged.size();
      continue;
    }
    char c = s[i++];
    if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

std::string name_key(std::string_view name) {
  const std::string n = text::to_lower(normalize_query(name));
  std::string out;
  for (size_t i = 0; i < n.size();) {
    const std::string_view rest = std::string_view(n).substr(i);
    if (rest.starts_with("\u30FB") || rest.starts_with("\u00B7")) {
      i += rest.starts_with("\u30FB") ? 3 : 2;
      continue;
    }
    const char c = n[i++];
    if (c == ' ' || c == '-' || c == '.' || c == ',' || c == '_') continue;
    out += c;
  }
  return out;
}

std::string hyphens_optional(std::string_view p) {
  std::string out;
  bool in_class = false;
  for (size_t i = 0; i < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += p.substr(i, 2);
      ++i;
      if (!in_class && p[i] == '-') out += '?';
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (i + 1 < p.size() && p[i + 1] == '^') out += p[++i];
      if (i + 1 < p.size() && p[i + 1] == ']') out += p[++i];
      continue;
    }
    if (in_class && c == ']') in_class = false;
    out += c;
    if (!in_class && c == '-') out += '?';
  }
  return out;
}

LookupResult lookup(const Assessor& as, std::string_view query, const AssessOptions& opts) {
  LookupResult res;
  res.query = std::string(text::trim(query));
  res.normalized = normalize_query(res.query);
  const auto& vocab = as.kb().vocab();
  const AssessData& data = as.data();
  bool ja = opts.lang == "ja";

  // 1. The vendor the query starts with ("Annke", "AXIS", "Prama Hikvision", "ハイクビジョン", "ダーファ・テクノロジー").
  const std::vector<std::string> words = words_of(res.normalized);
  size_t used = 0;
  const kb::Vendor* named = name_vendor(vocab, data, words, used, res.how, ja);
  res.model = join(words, used, words.size());

  // 2. A model-naming line; a model typed without hyphens is tried against hyphen-tolerant patterns.
  bool relaxed_model = false;
  const ModelLine* line = res.model.empty() ? nullptr : match_model_line(data, named, res.model, relaxed_model);
  if (line) {
    res.category = line->category;
    res.how.push_back((ja ? "型番の命名規則「" : "model naming '") + line->description + (ja ? "」（" : "' (") +
                      line->file + (relaxed_model ? (ja ? "、ハイフンなしの表記）" : ", written without hyphens)")
                                                  : (ja ? "）" : ")")));
  }

  // 3. Who is the brand, who the manufacturer.
  auto set_vendor = [&](const kb::Vendor* v) {
    if (!v) return;
    if (v->kind == "brand") {
      if (!res.brand_id) res.brand_id = v->id;
    } else if (!res.manufacturer_id) {
      res.manufacturer_id = v->id;
    }
  };
  set_vendor(named);
  if (line) set_vendor(vocab.find(line->vendor));
  if (res.manufacturer_id && !res.brand_id) res.brand_id = res.manufacturer_id;
  if (!res.manufacturer_id && !res.brand_id) {
    res.message = ja ? "ナレッジベースにない名前です：メーカーを特定できません。推測はしません。"
                     : "Not in the knowledge base: anshin cannot tell who makes this, and does not guess.";
    return res;
  }
  res.known = true;

  DeviceVerdict v;
  v.manufacturer_id = res.manufacturer_id;
  v.brand_id = res.brand_id;
  if (res.brand_id) v.brand = vocab.find(*res.brand_id)->name;
  if (!res.manufacturer_id) {
    // Brand only: the manufacturer follows its strongest S/M relation (as the verdict does).
    for (const auto& l : vocab.oem_chain(*res.brand_id, res.model))
      if (l.strength != kb::Strength::kWeak) {
        v.manufacturer_id = l.to;
        break;
      }
  }
  if (v.manufacturer_id) {
    v.manufacturer = vocab.find(*v.manufacturer_id)->name;
    res.manufacturer = *v.manufacturer;
  }
  if (v.brand) res.brand = *v.brand;
  if (!res.model.empty()) v.model = res.model;

  // The OEM relation sentence (policy findings carry it too) and the chain with its dates.
  if (res.brand_id && (!v.manufacturer_id || *res.brand_id != *v.manufacturer_id))
    res.oem_chain = chain_of(vocab, *res.brand_id);
  if (v.manufacturer_id && res.brand_id && *res.brand_id != *v.manufacturer_id) {
    for (const auto& l : vocab.oem_chain(*res.brand_id, res.model))
      if (l.to == *v.manufacturer_id) {
        res.relation = std::string(ja ? "根拠の強さ " : "evidence ") + kb::strength_name(l.strength) +
                       (ja ? "：" : ": ");
        if (l.edge) {
          for (size_t i = 0; i < l.edge->sources.size(); ++i) res.relation += (i ? "; " : "") + l.edge->sources[i];
          if (!l.edge->since.empty() || !l.edge->until.empty())
            res.relation += (ja ? "（関係の期間 " : " (relation dated ") + l.edge->since + (ja ? "〜" : " to ") +
                            l.edge->until + (ja ? "）" : ")");
        }
        break;
      }
  } else if (!v.manufacturer_id && res.brand_id) {
    for (const auto& l : vocab.oem_chain(*res.brand_id, res.model)) {
      res.relation += (res.relation.empty() ? "" : " / ") + std::string(ja ? "製造元の可能性：" : "possible maker: ") +
                      vocab.find(l.to)->name + " (" + kb::strength_name(l.strength) + ")";
    }
  }

  res.policies = as.assess_policies(v, opts);
  std::stable_sort(res.policies.begin(), res.policies.end(), [](const Finding& a, const Finding& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.id < b.id;
  });
  for (const auto& f : res.policies) res.policy_details.push_back(policy_detail(data, vocab, f.id, v));

  if (v.model) res.cves = model_line_cves(data, vocab, v, relaxed_model, opts.lang);
  return res;
}

}  // namespace anshin::assess
