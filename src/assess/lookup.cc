#include "assess/lookup.h"

#include <re2/re2.h>

#include <algorithm>

#include "core/text.h"

namespace anshin::assess {
namespace {

// The range, marked when the data calls it approximate (fragment cve.range_approximate, in the query's language).
std::string range_with_mark(const AssessData& data, const VersionRange& r, std::string_view lang) {
  if (!r.uncertain) return range_text(r);
  const Text* mark = data.fragment("cve.range_approximate");
  return range_text(r) + (mark ? mark->get(lang) : std::string(" (approximate)"));
}

}  // namespace

LookupResult lookup(const Assessor& as, std::string_view query, const AssessOptions& opts) {
  LookupResult res;
  res.query = std::string(text::trim(query));
  const auto& vocab = as.kb().vocab();
  const AssessData& data = as.data();
  bool ja = opts.lang == "ja";

  // 1. The longest leading run of words that is a vendor name or alias ("Annke", "AXIS", "Prama Hikvision").
  std::vector<std::string> words;
  for (auto w : text::split(res.query, ' '))
    if (!text::trim(w).empty()) words.emplace_back(text::trim(w));
  const kb::Vendor* named = nullptr;
  size_t used = 0;
  for (size_t k = words.size(); k >= 1 && !named; --k) {
    std::string prefix;
    for (size_t i = 0; i < k; ++i) prefix += (i ? " " : "") + words[i];
    if (const auto* v = vocab.find_alias(prefix); v && v->kind != "component") {
      named = v;
      used = k;
    }
  }
  for (size_t i = used; i < words.size(); ++i) res.model += (i > used ? " " : "") + words[i];
  if (named) res.how.push_back((ja ? "ブランド／メーカー名「" : "vendor name '") + std::string(named->name) +
                               (ja ? "」（知識ベースの語彙）" : "' (knowledge-base vocabulary)"));

  // 2. A model-naming line: standalone lines always, the others only for the vendor the query names.
  const ModelLine* line = nullptr;
  if (!res.model.empty()) {
    for (const auto& m : data.model_lines) {
      if (!m.re) continue;
      bool allowed = m.standalone || (named && named->id == m.vendor);
      if (allowed && RE2::PartialMatch(res.model, *m.re)) {
        line = &m;
        break;
      }
    }
  }
  if (line) {
    res.category = line->category;
    res.how.push_back((ja ? "型番の命名規則「" : "model naming '") + line->description + (ja ? "」（" : "' (") +
                      line->file + ")");
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
    res.message = ja ? "知識ベースにない名前です：メーカーを特定できません。推測はしません。"
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

  // The OEM relation sentence (policy findings carry it too).
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

  // CVEs of the model line: the firmware decides.
  if (v.model) {
    for (const auto& cve : data.cves) {
      auto lin = resolve_lineage(vocab, v, cve.vendor);
      if (!lin || lin->kind == LinkKind::kWeak) continue;
      const CveAffected* af = nullptr;
      const VersionRange* range = nullptr;
      CveState st = evaluate_cve(cve, *v.model, std::nullopt, &af, &range);
      if (st == CveState::kMiss) continue;
      LookupCve c;
      c.id = cve.id;
      c.title = cve.title.get(opts.lang);
      c.cvss = cve.cvss;
      c.kev_added = cve.kev_added;
      c.state = cve_state_name(st);
      if (af && !af->ranges.empty()) {
        for (const auto& r : af->ranges)
          c.affected += (c.affected.empty() ? "" : "; ") + range_with_mark(data, r, opts.lang);
      }
      c.fixed = af ? af->fixed.get(opts.lang) : "";
      c.advisory = cve.advisory.empty() ? cve.references.front() : cve.advisory;
      res.cves.push_back(std::move(c));
    }
  }
  return res;
}

}  // namespace anshin::assess
