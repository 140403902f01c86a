#include "assess/lookup.h"

#include <re2/re2.h>

#include <algorithm>

#include "core/text.h"

namespace anshin::assess {
namespace {

std::string range_text(const VersionRange& r) {
  std::vector<std::string> parts;
  if (!r.ge.empty()) parts.push_back("\u2265 " + r.ge);
  if (!r.gt.empty()) parts.push_back("> " + r.gt);
  if (!r.le.empty()) parts.push_back("\u2264 " + r.le);
  if (!r.lt.empty()) parts.push_back("< " + r.lt);
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? ", " : "") + parts[i];
  if (r.uncertain) out += " (approximate)";
  return out;
}

// 1. The longest leading run of words that is a vendor name or alias ("Annke", "AXIS", "Prama
// Hikvision"); the rest of the query is the model.
const kb::Vendor* take_vendor_name(const kb::Vocabulary& vocab, LookupResult& res, bool ja) {
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
  return named;
}

// 2. A model-naming line: standalone lines always, the others only for the vendor the query names.
const ModelLine* take_model_line(const AssessData& data, const kb::Vendor* named, LookupResult& res, bool ja) {
  if (res.model.empty()) return nullptr;
  for (const auto& m : data.model_lines) {
    if (!m.re) continue;
    bool allowed = m.standalone || (named && named->id == m.vendor);
    if (!allowed || !RE2::PartialMatch(res.model, *m.re)) continue;
    res.category = m.category;
    res.how.push_back((ja ? "型番の命名規則「" : "model naming '") + m.description + (ja ? "」（" : "' (") + m.file + ")");
    return &m;
  }
  return nullptr;
}

// 3. The verdict the query stands for: brand and manufacturer (a brand alone follows its strongest S/M
// relation, as the verdict does), and the model.
DeviceVerdict query_verdict(const kb::Vocabulary& vocab, LookupResult& res) {
  DeviceVerdict v;
  v.manufacturer_id = res.manufacturer_id;
  v.brand_id = res.brand_id;
  if (res.brand_id) v.brand = vocab.find(*res.brand_id)->name;
  if (!res.manufacturer_id) {
    for (const auto& l : vocab.oem_chain(*res.brand_id))
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
  return v;
}

// The OEM relation sentence (policy findings carry it too).
std::string relation_text(const kb::Vocabulary& vocab, const DeviceVerdict& v, const LookupResult& res, bool ja) {
  std::string out;
  if (v.manufacturer_id && res.brand_id && *res.brand_id != *v.manufacturer_id) {
    for (const auto& l : vocab.oem_chain(*res.brand_id))
      if (l.to == *v.manufacturer_id) {
        out = std::string(ja ? "根拠の強さ " : "evidence ") + kb::strength_name(l.strength) + (ja ? "：" : ": ");
        if (l.edge)
          for (size_t i = 0; i < l.edge->sources.size(); ++i) out += (i ? "; " : "") + l.edge->sources[i];
        break;
      }
  } else if (!v.manufacturer_id && res.brand_id) {
    for (const auto& l : vocab.oem_chain(*res.brand_id)) {
      out += (out.empty() ? "" : " / ") + std::string(ja ? "製造元の可能性：" : "possible maker: ") +
             vocab.find(l.to)->name + " (" + kb::strength_name(l.strength) + ")";
    }
  }
  return out;
}

// CVEs of the model line: the firmware decides.
std::vector<LookupCve> model_line_cves(const Assessor& as, const DeviceVerdict& v, const AssessOptions& opts) {
  std::vector<LookupCve> out;
  if (!v.model) return out;
  for (const auto& cve : as.data().cves) {
    auto lin = resolve_lineage(as.kb().vocab(), v, cve.vendor);
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
      for (const auto& r : af->ranges) c.affected += (c.affected.empty() ? "" : "; ") + range_text(r);
    }
    c.fixed = af ? af->fixed.get(opts.lang) : "";
    c.advisory = cve.advisory.empty() ? cve.references.front() : cve.advisory;
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

LookupResult lookup(const Assessor& as, std::string_view query, const AssessOptions& opts) {
  LookupResult res;
  res.query = std::string(text::trim(query));
  const auto& vocab = as.kb().vocab();
  const bool ja = opts.lang == "ja";
  const kb::Vendor* named = take_vendor_name(vocab, res, ja);
  const ModelLine* line = take_model_line(as.data(), named, res, ja);

  // Who is the brand, who the manufacturer.
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

  const DeviceVerdict v = query_verdict(vocab, res);
  res.relation = relation_text(vocab, v, res, ja);
  res.policies = as.assess_policies(v, opts);
  std::stable_sort(res.policies.begin(), res.policies.end(), [](const Finding& a, const Finding& b) {
    return a.severity != b.severity ? a.severity > b.severity : a.id < b.id;
  });
  res.cves = model_line_cves(as, v, opts);
  return res;
}

}  // namespace anshin::assess
