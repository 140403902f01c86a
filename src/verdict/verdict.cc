#include "verdict/verdict.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "core/text.h"
#include "kb/oui.h"
#include "verdict/services.h"

namespace anshin::verdict {
namespace {

constexpr size_t kMaxMatches = 16384;       // per host, after matching
constexpr size_t kMaxPayloadMacs = 4;       // MACs learned from discovery payloads looked up in the OUI table
constexpr size_t kMaxClues = 8;           // per unidentified device
constexpr size_t kNoteValueBytes = 160;     // device strings quoted in conflict notes are cut here
constexpr double kOemFactorStrong = 0.95;   // manufacturer through an S oem_of edge: brand score x this
constexpr double kOemFactorMedium = 0.8;    // ... through an M edge

const char* kVendorKey = "hw.vendor";
const char* kBrandKey = "hw.brand";

// ------------------------------------------------------------------------------------ small helpers
// "aa:bb:cc:dd:ee:ff" for a 48-bit MAC.
std::string mac_text(uint64_t mac) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((mac >> 40) & 0xff),
                static_cast<unsigned>((mac >> 32) & 0xff), static_cast<unsigned>((mac >> 24) & 0xff),
                static_cast<unsigned>((mac >> 16) & 0xff), static_cast<unsigned>((mac >> 8) & 0xff),
                static_cast<unsigned>(mac & 0xff));
  return buf;
}

double clamp01(double w) {
  if (!(w >= 0.0)) return 0.0;  // also NaN
  return w > 1.0 ? 1.0 : w;
}

double round2(double x) { return std::round(clamp01(x) * 100.0) / 100.0; }

std::string score_text(double x) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.2f", round2(x));
  return buf;
}

std::string trimmed(std::string_view s) { return std::string(text::trim(s)); }

// Cuts a device string for a note without splitting a UTF-8 sequence (the report escapes it later).
std::string cut(std::string_view s) {
  if (s.size() <= kNoteValueBytes) return std::string(s);
  size_t n = kNoteValueBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

std::string quote(std::string_view s) { return "\"" + cut(s) + "\""; }

// Lower-case ASCII with every whitespace byte removed.
std::string squash(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (std::isspace(u)) continue;
    out.push_back(static_cast<char>(std::tolower(u)));
  }
  return out;
}

const char* strength_factor_name(kb::Strength s) { return kb::strength_name(s); }

// Where an observation was seen, for notes: `isapi.model` (port 80).
std::string where(const Observation& o) {
  std::string s = o.key;
  if (o.port != 0) s += " (port " + std::to_string(o.port) + ")";
  return s;
}

// ----------------------------------------------------------------------------------------- scoring
struct Contribution {
  const kb::Match* match = nullptr;
  double weight = 0.0;
};

struct Scored {
  std::string id;
  double score = 0.0;
  std::vector<Contribution> support;  // one per rule (its strongest match), strongest first
};

// vendor id -> rule id -> strongest match of that rule for that vendor
using RuleTable = std::map<std::string, std::map<std::string, Contribution>>;

void add(RuleTable& t, const std::string& vendor, const kb::Match& m) {
  auto& slot = t[vendor][m.rule_id];
  double w = clamp01(m.weight);
  if (slot.match == nullptr || w > slot.weight) slot = {&m, w};
}

std::vector<Scored> rank(const RuleTable& t) {
  std::vector<Scored> out;
  for (const auto& [vendor, rules] : t) {
    Scored s;
    s.id = vendor;
    std::vector<double> ws;
    for (const auto& [rule, c] : rules) {
      ws.push_back(c.weight);
      s.support.push_back(c);
    }
    std::stable_sort(s.support.begin(), s.support.end(),
                     [](const Contribution& a, const Contribution& b) { return a.weight > b.weight; });
    s.score = noisy_or(ws);
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const Scored& a, const Scored& b) {
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  });
  return out;
}

const Scored* find_scored(const std::vector<Scored>& v, std::string_view id) {
  for (const auto& s : v)
    if (s.id == id) return &s;
  return nullptr;
}

// The oem_of link from `brand` to `maker` (any strength), if the vocabulary relates them.
// `model`: the device's model when known; edges limited to model lines (Lorex->Dahua) need it to be more
// than weak (kb::Vocabulary::oem_chain).
using Model = std::optional<std::string_view>;

std::optional<kb::OemLink> link_to(const kb::Vocabulary& vocab, std::string_view brand, std::string_view maker,
                                   Model model = std::nullopt) {
  std::optional<kb::OemLink> best;
  for (const auto& l : vocab.oem_chain(brand, model)) {
    if (l.to != maker) continue;
    if (!best || static_cast<int>(l.strength) < static_cast<int>(best->strength) ||
        (l.strength == best->strength && l.depth < best->depth))
      best = l;
  }
  return best;
}

// Same vendor, or one is on the other's oem chain.
bool related(const kb::Vocabulary& vocab, std::string_view a, std::string_view b, Model model = std::nullopt) {
  if (a == b) return true;
  return link_to(vocab, a, b, model).has_value() || link_to(vocab, b, a, model).has_value();
}

std::string display(const kb::Vocabulary& vocab, std::string_view id) {
  const kb::Vendor* v = vocab.find(id);
  return v != nullptr && !v->name.empty() ? v->name : std::string(id);
}

std::string first_seen(const Scored& s) {
  if (s.support.empty() || s.support.front().match == nullptr) return "";
  const auto& o = s.support.front().match->observation;
  return where(o) + ": " + quote(o.value);
}

// Evidence entry for an oem_of relation: "annke→hikvision (M)", sources in implies.
Evidence oem_evidence(const kb::Vocabulary& vocab, const kb::OemLink& link, std::string_view from) {
  Evidence e;
  e.source = "kb.oem_of";
  e.port = 0;
  e.value = std::string(from) + "\u2192" + link.to + " (" + strength_factor_name(link.strength) + ")";
  e.implies["manufacturer"] = display(vocab, link.to);
  if (link.edge != nullptr) {
    std::string src;
    for (const auto& s : link.edge->sources) {
      if (!src.empty()) src += "; ";
      src += s;
    }
    if (!src.empty()) e.implies["sources"] = src;
    if (!link.edge->note.empty()) e.implies["note"] = link.edge->note;
  }
  e.rule = "oem_of:" + std::string(from);
  return e;
}

// ------------------------------------------------------------------------------------- attributes
struct Candidate {
  std::string value;
  double weight = 0.0;
  size_t order = 0;
  const kb::Match* match = nullptr;
};

// Highest weight, then the longer value, then the first seen.
std::optional<std::string> pick_attribute(std::vector<Candidate> cands, const char* label,
                                          std::vector<std::string>& conflicts) {
  if (cands.empty()) return std::nullopt;
  std::stable_sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    if (a.value.size() != b.value.size()) return a.value.size() > b.value.size();
    return a.order < b.order;
  });
  const Candidate& win = cands.front();
  std::vector<std::string> noted;
  for (size_t i = 1; i < cands.size(); ++i) {
    const Candidate& c = cands[i];
    if (same_reported_value(win.value, c.value)) continue;
    bool dup = false;
    for (const auto& n : noted) dup = dup || same_reported_value(n, c.value);
    if (dup) continue;
    noted.push_back(c.value);
    conflicts.push_back(std::string(label) + ": " + where(c.match->observation) + " reports " + quote(c.value) +
                        ", " + where(win.match->observation) + " reports " + quote(win.value) + " (kept)");
  }
  return win.value;
}

// ------------------------------------------------------------------------------------------ stages
// Stage 1: every observation against the KB; only matches that set something are kept. The vector is
// never resized after this, so pointers into it stay valid.
std::vector<kb::Match> match_observations(const std::vector<Observation>& observations, const kb::KnowledgeBase& kb) {
  std::vector<kb::Match> matches;
  for (const auto& o : observations) {
    for (auto& m : kb.match(o)) {
      if (m.set.empty()) continue;
      if (matches.size() >= kMaxMatches) return matches;
      matches.push_back(std::move(m));
    }
  }
  return matches;
}

// The vendor a match names at `key`, and whether at manufacturer level (hw.vendor naming a non-brand).
std::pair<const kb::Vendor*, bool> vendor_level(const kb::Vocabulary& vocab, const kb::Match& m, const char* key) {
  auto it = m.set.find(key);
  if (it == m.set.end()) return {nullptr, false};
  const kb::Vendor* vendor = vocab.find(it->second);
  if (vendor == nullptr || vendor->kind == "component") return {nullptr, false};
  return {vendor, key == std::string_view(kVendorKey) && vendor->kind != "brand"};
}

// Stage 2: a supporting-only tell (an open port) never names a vendor alone: it counts only for a vendor
// that a non-supporting match names at the same level. Unsupported ones lose their vendor, so a
// Reolink's ONVIF port 8000 does not show up as "Hikvision".
void drop_unsupported_tells(std::vector<kb::Match>& matches, const kb::Vocabulary& vocab) {
  std::set<std::pair<std::string, bool>> named;
  for (const auto& m : matches) {
    if (m.supporting_only) continue;
    for (const char* key : {kVendorKey, kBrandKey})
      if (auto [vendor, maker] = vendor_level(vocab, m, key); vendor != nullptr) named.insert({vendor->id, maker});
  }
  for (auto& m : matches) {
    if (!m.supporting_only) continue;
    for (const char* key : {kVendorKey, kBrandKey}) {
      auto [vendor, maker] = vendor_level(vocab, m, key);
      if (vendor == nullptr || !named.count({vendor->id, maker})) m.set.erase(key);
    }
  }
}

// Stage 3: noisy-OR scores per vendor, manufacturer level and brand level apart.
struct VendorScores {
  std::vector<Scored> makers;
  std::vector<Scored> brands;
};

VendorScores score_vendors(const std::vector<kb::Match>& matches, const kb::Vocabulary& vocab) {
  RuleTable maker_rules, brand_rules;
  for (const auto& m : matches) {
    for (const char* key : {kVendorKey, kBrandKey}) {
      auto [vendor, maker_level] = vendor_level(vocab, m, key);
      if (vendor == nullptr) continue;
      add(maker_level ? maker_rules : brand_rules, vendor->id, m);
    }
  }
  return {rank(maker_rules), rank(brand_rules)};
}

// How well the evidence proves that `maker` built the device: a strong tell naming it (or a brand it builds
// through an S/M edge) proves it; so do two independent medium tells (values that differ and neither
// contains the other: one realm quoted in two headers is one tell). Clone-prone tells alone only suggest.
bool independent(const std::string& a, const std::string& b) {
  std::string x = squash(a), y = squash(b);
  return x.find(y) == std::string::npos && y.find(x) == std::string::npos;
}

MakerProof prove(const std::vector<kb::Match>& matches, const kb::Vocabulary& vocab, const std::string& maker,
                 Model model) {
  bool any = false, clone = false;
  std::vector<std::string> medium;
  for (const auto& m : matches) {
    if (m.supporting_only) continue;
    bool names = false;
    for (const char* key : {kVendorKey, kBrandKey}) {
      auto [vendor, maker_level] = vendor_level(vocab, m, key);
      if (vendor == nullptr) continue;
      if (vendor->id == maker) names = true;
      else if (!maker_level)
        if (auto l = link_to(vocab, vendor->id, maker, model); l && l->strength != kb::Strength::kWeak) names = true;
    }
    if (!names) continue;
    any = true;
    // Only the neighbour table's MAC (port 0) is the device's own for sure; a MAC quoted in a reply (an SDP
    // session name, an ONVIF scope) can be copied or relayed, so its OUI is a medium tell at most.
    kb::Tier tier = m.tier;
    if (m.observation.key == "mac.oui" && m.observation.port != 0 && tier == kb::Tier::kStrong) tier = kb::Tier::kMedium;
    if (tier == kb::Tier::kStrong) return MakerProof::kProven;
    if (tier == kb::Tier::kClone) { clone = true; continue; }
    const std::string& value = m.observation.value;
    if (std::all_of(medium.begin(), medium.end(), [&](const std::string& v) { return independent(v, value); }))
      medium.push_back(value);
  }
  if (medium.size() >= 2) return MakerProof::kProven;
  if (medium.size() == 1) return MakerProof::kIndicated;
  return any && clone ? MakerProof::kPossible : MakerProof::kNone;
}

// Stage 4: manufacturer, brand, confidence, conflicts and the maker's proof.
struct Identity {
  std::optional<std::string> maker_id, brand_id;
  const Scored* brand = nullptr;  // the chosen brand's scores
  double confidence = 0.0;
  MakerProof proof = MakerProof::kNone;
  std::optional<std::string> possible_id;
  std::vector<Evidence> relation_evidence;  // kb.oem_of entries
};

// The S/M oem chain from a brand to a manufacturer (the strongest, then the shortest), if any.
std::optional<kb::OemLink> maker_of_brand(const kb::Vocabulary& vocab, std::string_view brand, Model model) {
  std::optional<kb::OemLink> via;
  for (const auto& l : vocab.oem_chain(brand, model)) {
    if (l.strength == kb::Strength::kWeak) continue;
    const kb::Vendor* to = vocab.find(l.to);
    if (to == nullptr || to->kind != "manufacturer") continue;
    if (!via || static_cast<int>(l.strength) < static_cast<int>(via->strength) ||
        (l.strength == via->strength && l.depth < via->depth))
      via = l;
  }
  return via;
}

struct MakerCandidate {
  std::string id;
  double score = 0.0;
  MakerProof proof = MakerProof::kNone;
  std::optional<kb::OemLink> via;  // set when the candidate comes from the brand's oem chain
};

// Candidates: every manufacturer-level vendor, plus the maker behind the strongest brand (its S/M chain, or
// the brand itself when it is a manufacturer). The best proof wins, then the score, then the id.
std::optional<MakerCandidate> choose_maker(const std::vector<kb::Match>& matches, const kb::Vocabulary& vocab,
                                           const VendorScores& scores, Model model) {
  std::vector<MakerCandidate> cands;
  for (const auto& m : scores.makers)
    cands.push_back({m.id, m.score, prove(matches, vocab, m.id, model), std::nullopt});
  if (!scores.brands.empty()) {
    const Scored& b = scores.brands.front();
    const kb::Vendor* bv = vocab.find(b.id);
    MakerCandidate c;
    if (auto via = maker_of_brand(vocab, b.id, model)) {
      c = {via->to, b.score * (via->strength == kb::Strength::kStrong ? kOemFactorStrong : kOemFactorMedium),
           MakerProof::kNone, via};
    } else if (bv != nullptr && bv->kind == "manufacturer") {
      c = {b.id, b.score, MakerProof::kNone, std::nullopt};
    }
    if (!c.id.empty() && std::none_of(cands.begin(), cands.end(), [&](const auto& x) { return x.id == c.id; })) {
      c.proof = prove(matches, vocab, c.id, model);
      cands.push_back(std::move(c));
    }
  }
  if (cands.empty()) return std::nullopt;
  return *std::min_element(cands.begin(), cands.end(), [](const MakerCandidate& a, const MakerCandidate& b) {
    if (a.proof != b.proof) return static_cast<int>(a.proof) > static_cast<int>(b.proof);
    if (a.score != b.score) return a.score > b.score;
    return a.id < b.id;
  });
}

// The brand: the strongest brand-level vendor, except that a relabel of the maker beats the maker's own name
// (firmware leaks the OEM's name, only a relabeller writes its own).
const Scored* choose_brand(const VendorScores& scores, const kb::Vocabulary& vocab,
                           const std::optional<std::string>& maker_id, Model model) {
  if (scores.brands.empty()) return nullptr;
  const Scored* brand = &scores.brands.front();
  if (maker_id && brand->id == *maker_id) {
    for (const auto& b : scores.brands) {
      if (b.id == *maker_id || b.score < kSubstantial) continue;
      if (link_to(vocab, b.id, *maker_id, model)) return &b;
    }
  }
  return brand;
}

void note_conflicts(Identity& id, const std::vector<kb::Match>& matches, const VendorScores& scores,
                    const kb::Vocabulary& vocab, Model model, std::vector<std::string>& conflicts) {
  if (id.maker_id && id.brand_id && *id.brand_id != *id.maker_id) {
    if (auto l = link_to(vocab, *id.brand_id, *id.maker_id, model)) {
      if (id.relation_evidence.empty()) id.relation_evidence.push_back(oem_evidence(vocab, *l, *id.brand_id));
    } else if (!link_to(vocab, *id.maker_id, *id.brand_id, model)) {
      const Scored* maker = find_scored(scores.makers, *id.maker_id);
      conflicts.push_back("brand " + display(vocab, *id.brand_id) + " (" + first_seen(*id.brand) +
                          ") is not known to be built by " + display(vocab, *id.maker_id) +
                          (maker != nullptr ? " (" + first_seen(*maker) + ")" : std::string()) + "; both kept");
      id.confidence *= 1.0 - id.brand->score / 2.0;
    }
  }
  if (id.maker_id) {
    for (const auto& m : scores.makers) {
      if (m.id == *id.maker_id || m.score < kSubstantial || related(vocab, m.id, *id.maker_id, model)) continue;
      if (prove(matches, vocab, m.id, model) == MakerProof::kPossible) continue;  // clone tells do not disagree
      const Scored* chosen = find_scored(scores.makers, *id.maker_id);
      conflicts.push_back("manufacturer evidence disagrees: " + display(vocab, *id.maker_id) + " (score " +
                          score_text(chosen != nullptr ? chosen->score : id.confidence) + ") vs " +
                          display(vocab, m.id) + " (score " + score_text(m.score) + ", " + first_seen(m) + ")");
      id.confidence *= 1.0 - m.score / 2.0;
    }
  }
  if (id.brand_id) {
    for (const auto& b : scores.brands) {
      if (b.id == *id.brand_id || b.score < kSubstantial) continue;
      if (related(vocab, b.id, *id.brand_id, model) || (id.maker_id && related(vocab, b.id, *id.maker_id, model)))
        continue;
      conflicts.push_back("brand evidence disagrees: " + display(vocab, *id.brand_id) + " vs " + display(vocab, b.id) +
                          " (" + first_seen(b) + ")");
      if (id.maker_id) id.confidence *= 1.0 - b.score / 2.0;
    }
  }
}

Identity decide_identity(const std::vector<kb::Match>& matches, const kb::Vocabulary& vocab,
                         const VendorScores& scores, Model model, std::vector<std::string>& conflicts) {
  Identity id;
  auto maker = choose_maker(matches, vocab, scores, model);
  if (maker && maker->proof == MakerProof::kPossible) {
    // Only clone-prone tells: "possibly X", never a manufacturer verdict (nor a brand taken from X's tells).
    id.proof = MakerProof::kPossible;
    id.possible_id = maker->id;
    maker.reset();
  }
  if (maker) {
    id.maker_id = maker->id;
    id.confidence = maker->score;
    id.proof = maker->proof;
  }
  id.brand = choose_brand(scores, vocab, id.maker_id, model);
  // With only a possible maker, its own name (or a brand it builds) as the label is the same clone claim.
  if (id.brand != nullptr && id.possible_id &&
      (id.brand->id == *id.possible_id || prove(matches, vocab, id.brand->id, model) == MakerProof::kPossible))
    id.brand = nullptr;
  if (id.brand != nullptr) id.brand_id = id.brand->id;
  if (maker && maker->via && id.brand_id && maker->via->from == *id.brand_id)
    id.relation_evidence.push_back(oem_evidence(vocab, *maker->via, *id.brand_id));
  if (id.maker_id && !id.brand_id) {
    // the label is the maker's own, unless the maker is a white-label board supplier (brand unknown)
    const kb::Vendor* mv = vocab.find(*id.maker_id);
    if (mv == nullptr || !mv->white_label) id.brand_id = id.maker_id;
  }
  note_conflicts(id, matches, scores, vocab, model, conflicts);
  return id;
}

// Stage 5: model, firmware (with the build the device states apart, e.g. ISAPI firmwareReleasedDate),
// serial.
void decide_attributes(const std::vector<kb::Match>& matches, DeviceVerdict& v) {
  std::vector<Candidate> model_c, fw_c, build_c, serial_c;
  for (size_t i = 0; i < matches.size(); ++i) {
    const auto& m = matches[i];
    auto take = [&](const char* key, std::vector<Candidate>& out) {
      auto it = m.set.find(key);
      if (it == m.set.end()) return;
      std::string val = trimmed(it->second);
      if (val.empty()) return;
      out.push_back({std::move(val), clamp01(m.weight), i, &m});
    };
    take("hw.model", model_c);
    take("hw.firmware", fw_c);
    take("hw.firmware_build", build_c);
    take("hw.serial", serial_c);
  }
  v.model = pick_attribute(model_c, "model", v.conflicts);
  v.firmware = pick_attribute(fw_c, "firmware", v.conflicts);
  auto build = pick_attribute(build_c, "firmware build", v.conflicts);
  // appended unless the firmware already states a build (its own or this one)
  if (v.firmware && build && squash(*v.firmware).find("build") == std::string::npos)
    v.firmware = *v.firmware + " " + *build;
  v.serial = pick_attribute(serial_c, "serial", v.conflicts);
}

// Stage 6: category. "other" (software products, printers, access terminals...) wins over surveillance
// categories only when it outweighs them and, with vendor evidence, outweighs the manufacturer verdict or
// rests on a strong tell (the device's own protocol states its class).
Category decide_category(const std::vector<kb::Match>& matches, bool vendor_evidence, double vendor_strength) {
  std::map<Category, std::map<std::string, double>> cat_rules;
  bool strong_other = false;
  for (const auto& m : matches) {
    auto it = m.set.find("hw.device");
    if (it == m.set.end()) continue;
    auto c = parse_category(it->second);
    if (!c) continue;
    double& w = cat_rules[*c][m.rule_id];
    w = std::max(w, clamp01(m.weight));
    if (*c == Category::kOther && m.tier == kb::Tier::kStrong) strong_other = true;
  }
  std::optional<Category> best_surv;
  double best_surv_score = 0.0, other_score = 0.0, unknown_score = 0.0;
  for (const auto& [cat, rules] : cat_rules) {
    std::vector<double> ws;
    for (const auto& [r, w] : rules) ws.push_back(w);
    double s = noisy_or(ws);
    if (cat == Category::kOther) other_score = s;
    else if (cat == Category::kUnknown) unknown_score = s;
    else if (!best_surv || s > best_surv_score) best_surv = cat, best_surv_score = s;
  }
  if (other_score > 0.0 && (!vendor_evidence || strong_other || other_score >= vendor_strength) &&
      other_score >= best_surv_score)
    return Category::kOther;
  if (best_surv) return *best_surv;
  if (vendor_evidence || unknown_score > 0.0) return Category::kUnknown;
  return Category::kOther;
}

// Stage 7: one evidence entry per contributing match, strongest first, relations first among equals.
std::vector<Evidence> build_evidence(const std::vector<kb::Match>& matches, const kb::Vocabulary& vocab,
                                     const Identity& id) {
  struct Ranked {
    Evidence e;
    double weight;
    size_t order;
  };
  std::vector<Ranked> ranked;
  for (const auto& e : id.relation_evidence) ranked.push_back({e, id.maker_id ? id.confidence : 0.0, 0});
  std::set<std::tuple<std::string, uint16_t, std::string, std::string>> seen;
  for (size_t i = 0; i < matches.size(); ++i) {
    const auto& m = matches[i];
    Evidence e;
    for (const auto& [k, val] : m.set) {
      if (k == kVendorKey || k == kBrandKey) {
        auto [vendor, maker_level] = vendor_level(vocab, m, k.c_str());
        if (vendor == nullptr) continue;
        e.implies[maker_level ? "manufacturer" : "brand"] = display(vocab, val);
      } else if (k == "hw.model") {
        e.implies["model"] = trimmed(val);
      } else if (k == "hw.firmware" || k == "hw.firmware_build") {
        e.implies[k == "hw.firmware" ? "firmware" : "firmware_build"] = trimmed(val);
      } else if (k == "hw.serial") {
        e.implies["serial"] = trimmed(val);
      } else if (k == "hw.device") {
        e.implies["category"] = val;
      } else if (k == "service.product") {
        auto ver = m.set.find("service.version");
        e.implies["product"] = ver == m.set.end() ? val : val + " " + ver->second;
      }
    }
    if (e.implies.empty()) continue;
    if (e.implies.count("manufacturer") || e.implies.count("brand")) e.implies["tier"] = kb::tier_name(m.tier);
    e.source = m.observation.key;
    e.port = m.observation.port;
    e.value = m.observation.value;
    e.rule = m.rule_id;
    if (!seen.insert({e.source, e.port, e.value, e.rule}).second) continue;
    ranked.push_back({std::move(e), clamp01(m.weight), i + 1});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.order < b.order;
  });
  std::vector<Evidence> out;
  for (auto& r : ranked) {
    if (out.size() >= kMaxEvidence) break;
    out.push_back(std::move(r.e));
  }
  return out;
}

// The MAC the device states in a reply (SADP, ISAPI, an ONVIF scope, a certificate...), normalised to
// "aa:bb:cc:dd:ee:ff", from the highest-weight rule that sets hw.mac: used when the neighbour table has none
// (a routed segment). Locally administered (randomised) MACs are reported too: they are the device's.
std::optional<std::string> reported_mac(const std::vector<kb::Match>& matches) {
  const kb::Match* best = nullptr;
  std::optional<uint64_t> mac;
  for (const auto& m : matches) {
    auto it = m.set.find("hw.mac");
    if (it == m.set.end()) continue;
    auto v = kb::OuiTable::parse_mac(it->second);
    // a group (multicast) address cannot be a device's own: a placeholder or an anonymised value
    if (!v || *v == 0 || ((*v >> 40) & 0x01) || (best != nullptr && m.weight <= best->weight)) continue;
    best = &m;
    mac = v;
  }
  if (!mac) return std::nullopt;
  return mac_text(*mac);
}

// The strongest clues of an unidentified device: observations of keys the vocabulary marks `clue` (rank
// 1 first, then first seen), each value once, at most kMaxClues; MAC OUIs included.
std::vector<Evidence> collect_clues(const std::vector<Observation>& observations, const kb::KnowledgeBase& kb) {
  struct Ranked {
    int rank;
    size_t order;
    Evidence e;
  };
  std::vector<Ranked> ranked;
  std::set<std::string> values;
  for (const auto& o : observations) {
    const kb::FieldInfo* f = kb.vocab().field(o.key);
    if (f == nullptr || f->clue == 0) continue;
    std::string value = trimmed(o.value);
    if (value.empty() || !values.insert(squash(value)).second) continue;
    Evidence e;
    e.source = o.key;
    e.port = o.port;
    e.value = std::move(value);
    ranked.push_back({f->clue, ranked.size(), std::move(e)});
  }
  std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) { return a.rank < b.rank; });
  std::vector<Evidence> out;
  for (auto& r : ranked) {
    if (out.size() >= kMaxClues) break;
    out.push_back(std::move(r.e));
  }
  return out;
}

Device decide_impl(const HostRecord& host, const kb::KnowledgeBase& kb) {
  const kb::Vocabulary& vocab = kb.vocab();
  Device dev;
  dev.address = host.address;
  dev.mac = host.mac;
  DeviceVerdict& v = dev.verdict;

  const std::vector<Observation> observations = collect_observations(host, kb);  // once: matches and clues
  std::vector<kb::Match> matches = match_observations(observations, kb);
  drop_unsupported_tells(matches, vocab);
  VendorScores scores = score_vendors(matches, vocab);
  decide_attributes(matches, v);  // first: the model selects model-line OEM edges
  Identity id = decide_identity(matches, vocab, scores, v.model ? Model(*v.model) : std::nullopt, v.conflicts);
  v.maker_proof = id.proof;
  if (id.maker_id) {
    v.manufacturer_id = *id.maker_id;
    v.manufacturer = display(vocab, *id.maker_id);
    v.confidence = round2(id.confidence);
  }
  if (id.possible_id) {
    v.possible_manufacturer_id = *id.possible_id;
    v.possible_manufacturer = display(vocab, *id.possible_id);
  }
  if (id.brand_id) {
    v.brand_id = *id.brand_id;
    v.brand = display(vocab, *id.brand_id);
  }

  bool vendor_evidence = !scores.makers.empty() || !scores.brands.empty();
  double vendor_strength = id.maker_id ? id.confidence : (id.brand != nullptr ? id.brand->score : 0.0);
  v.category = decide_category(matches, vendor_evidence, vendor_strength);
  // Not surveillance equipment and no maker: no hardware attributes (a printer's UPnP model name is not
  // reported); the evidence still shows what was seen.
  if (v.category == Category::kOther && !id.maker_id) {
    v.model.reset();
    v.firmware.reset();
    v.serial.reset();
  }
  v.evidence = build_evidence(matches, vocab, id);
  if (!dev.mac) dev.mac = reported_mac(matches);
  if (!id.maker_id && v.category != Category::kOther) v.clues = collect_clues(observations, kb);
  dev.services = summarize_services(host, matches);
  return dev;
}

}  // namespace

// ------------------------------------------------------------------------------------------ public
double noisy_or(const std::vector<double>& weights) {
  double miss = 1.0;
  for (double w : weights) miss *= 1.0 - clamp01(w);
  return clamp01(1.0 - miss);
}

bool same_reported_value(std::string_view a, std::string_view b) {
  std::string x = squash(a), y = squash(b);
  if (x == y) return true;
  if (x.empty() || y.empty()) return false;
  const std::string& shorter = x.size() < y.size() ? x : y;
  const std::string& longer = x.size() < y.size() ? y : x;
  return longer.compare(0, shorter.size(), shorter) == 0 ||
         longer.compare(longer.size() - shorter.size(), shorter.size(), shorter) == 0;
}

std::vector<Observation> collect_observations(const HostRecord& host, const kb::KnowledgeBase& kb) {
  std::vector<Observation> out;
  auto push = [&](Observation o) {
    if (out.size() < kMaxObservations) out.push_back(std::move(o));
  };
  for (const auto& rec : host.services)
    for (const auto& o : rec.observations) push(o);
  std::set<uint16_t> ports(host.open_tcp_ports.begin(), host.open_tcp_ports.end());
  for (uint16_t p : ports) push({"tcp.open", std::to_string(p), p, "sweep"});

  // MACs: the neighbour-table MAC, then MACs the device reported in payloads (the KB's hw.mac)
  std::vector<std::pair<uint64_t, uint16_t>> macs;
  auto add_mac = [&](std::string_view text, uint16_t port) {
    auto v = kb::OuiTable::parse_mac(text);
    if (!v) return;
    for (const auto& [m, p] : macs)
      if (m == *v) return;
    macs.push_back({*v, port});
  };
  if (host.mac) {
    push({"mac.address", trimmed(*host.mac), 0, "mac"});
    add_mac(*host.mac, 0);
  }
  size_t payload = 0;
  for (size_t i = 0; i < out.size() && payload < kMaxPayloadMacs; ++i) {
    if (out[i].key == "mac.address" || out[i].key == "tcp.open") continue;
    for (const auto& m : kb.match(out[i])) {
      auto it = m.set.find("hw.mac");
      if (it == m.set.end()) continue;
      size_t before = macs.size();
      add_mac(it->second, out[i].port);
      if (macs.size() > before) ++payload;
      break;
    }
  }
  for (const auto& [mac, port] : macs) {
    if (kb::OuiTable::locally_administered(mac)) continue;
    auto e = kb.oui().lookup(mac_text(mac));
    if (!e) continue;
    std::string org = trimmed(e->organization);
    // The registry string resolves through the aliases; without one (newer assignment), the vendor's name.
    bool resolves = !org.empty() && kb.vocab().find_alias(org) != nullptr;
    if (!resolves && !e->vendor_id.empty()) {
      const kb::Vendor* vendor = kb.vocab().find(e->vendor_id);
      if (vendor != nullptr) org = vendor->name;
    }
    if (org.empty()) continue;
    push({"mac.oui", org, port, "mac"});
  }
  return out;
}

Device decide(const HostRecord& host, const kb::KnowledgeBase& kb) {
  try {
    return decide_impl(host, kb);
  } catch (...) {
    Device d;
    d.address = host.address;
    d.mac = host.mac;
    d.verdict.category = Category::kUnknown;
    d.verdict.conflicts.push_back("identification failed (internal error); no verdict");
    return d;
  }
}

}  // namespace anshin::verdict
