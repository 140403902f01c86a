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

namespace anshin::verdict {
namespace {

constexpr size_t kMaxMatches = 16384;       // per host, after matching
constexpr size_t kMaxPayloadMacs = 4;       // MACs learned from discovery payloads looked up in the OUI table
constexpr size_t kNoteValueBytes = 160;     // device strings quoted in conflict notes are cut here
constexpr double kOemFactorStrong = 0.95;   // manufacturer through an S oem_of edge: brand score x this
constexpr double kOemFactorMedium = 0.8;    // ... through an M edge

const char* kVendorKey = "hw.vendor";
const char* kBrandKey = "hw.brand";

// ------------------------------------------------------------------------------------ small helpers
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
std::optional<kb::OemLink> link_to(const kb::Vocabulary& vocab, std::string_view brand, std::string_view maker) {
  std::optional<kb::OemLink> best;
  for (const auto& l : vocab.oem_chain(brand)) {
    if (l.to != maker) continue;
    if (!best || static_cast<int>(l.strength) < static_cast<int>(best->strength) ||
        (l.strength == best->strength && l.depth < best->depth))
      best = l;
  }
  return best;
}

// Same vendor, or one is on the other's oem chain.
bool related(const kb::Vocabulary& vocab, std::string_view a, std::string_view b) {
  if (a == b) return true;
  return link_to(vocab, a, b).has_value() || link_to(vocab, b, a).has_value();
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

// ----------------------------------------------------------------------------------------- decide
Device decide_impl(const HostRecord& host, const kb::KnowledgeBase& kb) {
  const kb::Vocabulary& vocab = kb.vocab();
  Device dev;
  dev.address = host.address;
  dev.mac = host.mac;
  DeviceVerdict& v = dev.verdict;

  // 1. observations -> matches (only matches that set something)
  std::vector<Observation> observations = collect_observations(host, kb);
  std::vector<kb::Match> matches;
  for (const auto& o : observations) {
    for (auto& m : kb.match(o)) {
      if (m.set.empty()) continue;
      if (matches.size() >= kMaxMatches) break;
      matches.push_back(std::move(m));
    }
  }
  // Note: `matches` is not resized below, so pointers into it stay valid.

  // A supporting-only tell (an open port) never names a vendor alone: it counts only for a vendor that a
  // non-supporting match names at the same level (manufacturer or brand). Unsupported ones imply nothing
  // and are dropped, so a Reolink's ONVIF port 8000 does not show up as "Hikvision".
  auto vendor_level = [&](const kb::Match& m, const char* key) -> std::pair<const kb::Vendor*, bool /*maker*/> {
    auto it = m.set.find(key);
    if (it == m.set.end()) return {nullptr, false};
    const kb::Vendor* vendor = vocab.find(it->second);
    if (vendor == nullptr || vendor->kind == "component") return {nullptr, false};
    return {vendor, key == kVendorKey && vendor->kind != "brand"};
  };
  {
    std::set<std::pair<std::string, bool>> named;
    for (const auto& m : matches) {
      if (m.supporting_only) continue;
      for (const char* key : {kVendorKey, kBrandKey})
        if (auto [vendor, maker] = vendor_level(m, key); vendor != nullptr) named.insert({vendor->id, maker});
    }
    for (auto& m : matches) {
      if (!m.supporting_only) continue;
      for (const char* key : {kVendorKey, kBrandKey}) {
        auto [vendor, maker] = vendor_level(m, key);
        if (vendor == nullptr || !named.count({vendor->id, maker})) m.set.erase(key);
      }
    }
  }

  // 2. vendor scores
  RuleTable maker_rules, brand_rules;
  for (const auto& m : matches) {
    for (const char* key : {kVendorKey, kBrandKey}) {
      auto [vendor, maker_level] = vendor_level(m, key);
      if (vendor == nullptr) continue;
      add(maker_level ? maker_rules : brand_rules, vendor->id, m);
    }
  }
  std::vector<Scored> makers = rank(maker_rules);
  std::vector<Scored> brands = rank(brand_rules);

  std::optional<std::string> maker_id, brand_id;
  double confidence = 0.0;
  std::vector<Evidence> relation_evidence;
  std::vector<std::string>& conflicts = v.conflicts;

  if (!makers.empty()) {
    maker_id = makers.front().id;
    confidence = makers.front().score;
  }

  // brand: the strongest brand-level vendor; a relabel of the manufacturer beats the manufacturer's own name
  const Scored* brand = brands.empty() ? nullptr : &brands.front();
  if (brand != nullptr && maker_id && brand->id == *maker_id) {
    for (const auto& b : brands) {
      if (b.id == *maker_id || b.score < kSubstantial) continue;
      if (link_to(vocab, b.id, *maker_id)) {
        brand = &b;
        break;
      }
    }
  }
  if (brand != nullptr) brand_id = brand->id;

  if (maker_id && brand_id) {
    if (*brand_id != *maker_id) {
      if (auto l = link_to(vocab, *brand_id, *maker_id)) {
        relation_evidence.push_back(oem_evidence(vocab, *l, *brand_id));
      } else if (link_to(vocab, *maker_id, *brand_id)) {
        // the "manufacturer" tells name a vendor the vocabulary says is built by the brand's maker: related
      } else {
        conflicts.push_back("brand " + display(vocab, *brand_id) + " (" + first_seen(*brand) +
                            ") is not known to be built by " + display(vocab, *maker_id) + " (" +
                            first_seen(makers.front()) + "); both kept");
        confidence *= 1.0 - brand->score / 2.0;
      }
    }
  } else if (!maker_id && brand_id) {
    // brand-level evidence only: follow the oem chain when it is S or M
    std::optional<kb::OemLink> via;
    for (const auto& l : vocab.oem_chain(*brand_id)) {
      if (l.strength == kb::Strength::kWeak) continue;
      const kb::Vendor* to = vocab.find(l.to);
      if (to == nullptr || to->kind != "manufacturer") continue;
      if (!via || static_cast<int>(l.strength) < static_cast<int>(via->strength) ||
          (l.strength == via->strength && l.depth < via->depth))
        via = l;
    }
    const kb::Vendor* bv = vocab.find(*brand_id);
    if (via) {
      maker_id = via->to;
      confidence = brand->score * (via->strength == kb::Strength::kStrong ? kOemFactorStrong : kOemFactorMedium);
      relation_evidence.push_back(oem_evidence(vocab, *via, *brand_id));
    } else if (bv != nullptr && bv->kind == "manufacturer") {
      maker_id = *brand_id;
      confidence = brand->score;
    }
  } else if (maker_id && !brand_id) {
    // the label is the maker's own, unless the maker is a white-label board supplier (brand unknown)
    const kb::Vendor* mv = vocab.find(*maker_id);
    if (mv == nullptr || !mv->white_label) brand_id = maker_id;
  }

  // a second, unrelated manufacturer with a substantial score
  if (maker_id) {
    for (const auto& m : makers) {
      if (m.id == *maker_id || m.score < kSubstantial || related(vocab, m.id, *maker_id)) continue;
      const Scored* chosen = find_scored(makers, *maker_id);
      conflicts.push_back("manufacturer evidence disagrees: " + display(vocab, *maker_id) + " (score " +
                          score_text(chosen != nullptr ? chosen->score : confidence) + ") vs " +
                          display(vocab, m.id) + " (score " + score_text(m.score) + ", " + first_seen(m) + ")");
      confidence *= 1.0 - m.score / 2.0;
    }
  }
  // other brands that fit neither the chosen brand nor the manufacturer
  if (brand_id) {
    for (const auto& b : brands) {
      if (b.id == *brand_id || b.score < kSubstantial) continue;
      if (related(vocab, b.id, *brand_id) || (maker_id && related(vocab, b.id, *maker_id))) continue;
      conflicts.push_back("brand evidence disagrees: " + display(vocab, *brand_id) + " vs " + display(vocab, b.id) +
                          " (" + first_seen(b) + ")");
      if (maker_id) confidence *= 1.0 - b.score / 2.0;
    }
  }

  if (maker_id) {
    v.manufacturer_id = *maker_id;
    v.manufacturer = display(vocab, *maker_id);
    v.confidence = round2(confidence);
  } else {
    v.confidence = 0.0;
  }
  if (brand_id) {
    v.brand_id = *brand_id;
    v.brand = display(vocab, *brand_id);
  }

  // 3. model, firmware, serial
  std::vector<Candidate> model_c, fw_c, serial_c;
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
    take("hw.serial", serial_c);
  }
  v.model = pick_attribute(model_c, "model", conflicts);
  v.firmware = pick_attribute(fw_c, "firmware", conflicts);
  v.serial = pick_attribute(serial_c, "serial", conflicts);

  // 4. category
  std::map<Category, std::map<std::string, double>> cat_rules;
  for (const auto& m : matches) {
    auto it = m.set.find("hw.device");
    if (it == m.set.end()) continue;
    auto c = parse_category(it->second);
    if (!c) continue;
    double& w = cat_rules[*c][m.rule_id];
    w = std::max(w, clamp01(m.weight));
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
  bool vendor_evidence = !makers.empty() || !brands.empty();
  double vendor_strength = maker_id ? confidence : (brand != nullptr ? brand->score : 0.0);
  if (other_score > 0.0 && (!vendor_evidence || other_score >= vendor_strength) &&
      other_score >= best_surv_score) {
    v.category = Category::kOther;
  } else if (best_surv) {
    v.category = *best_surv;
  } else if (vendor_evidence || unknown_score > 0.0) {
    v.category = Category::kUnknown;
  } else {
    v.category = Category::kOther;
  }

  // Not surveillance equipment and no maker: anshin reports no hardware attributes for it (the evidence
  // still shows what was seen).
  if (v.category == Category::kOther && !maker_id) {
    v.model.reset();
    v.firmware.reset();
    v.serial.reset();
  }

  // 5. evidence, strongest first
  struct Ranked {
    Evidence e;
    double weight;
    size_t order;
  };
  std::vector<Ranked> ranked;
  for (const auto& e : relation_evidence) ranked.push_back({e, maker_id ? confidence : 0.0, 0});
  std::set<std::tuple<std::string, uint16_t, std::string, std::string>> seen;
  for (size_t i = 0; i < matches.size(); ++i) {
    const auto& m = matches[i];
    Evidence e;
    for (const auto& [k, val] : m.set) {
      if (k == kVendorKey || k == kBrandKey) {
        const kb::Vendor* vendor = vocab.find(val);
        if (vendor == nullptr || vendor->kind == "component") continue;
        bool maker_level = k == kVendorKey && vendor->kind != "brand";
        e.implies[maker_level ? "manufacturer" : "brand"] = display(vocab, val);
      } else if (k == "hw.model") {
        e.implies["model"] = trimmed(val);
      } else if (k == "hw.firmware") {
        e.implies["firmware"] = trimmed(val);
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
  for (auto& r : ranked) {
    if (v.evidence.size() >= kMaxEvidence) break;
    v.evidence.push_back(std::move(r.e));
  }

  // 6. services
  struct Svc {
    ServiceSummary s;
    bool identified = false;
    double product_weight = -1.0;
  };
  std::map<std::pair<int, uint16_t>, Svc> svcs;  // (transport, port)
  auto slot = [&](Transport t, uint16_t port) -> Svc& {
    auto& s = svcs[{static_cast<int>(t), port}];
    s.s.port = port;
    s.s.transport = t;
    if (s.s.protocol.empty()) s.s.protocol = "unknown";
    return s;
  };
  for (uint16_t p : host.open_tcp_ports) slot(Transport::kTcp, p);
  for (const auto& rec : host.services) {
    bool answered = rec.status == ProbeStatus::kSuccess || rec.status == ProbeStatus::kAuthRequired;
    bool known = svcs.count({static_cast<int>(rec.transport), rec.port}) != 0;
    if (!answered && !known) continue;
    if (rec.port == 0) continue;
    Svc& s = slot(rec.transport, rec.port);
    if (rec.tls) s.s.tls = true;
    if (answered && !s.identified && !rec.protocol.empty()) {
      s.s.protocol = rec.protocol;
      s.identified = true;
    }
  }
  for (const auto& m : matches) {
    auto p = m.set.find("service.product");
    if (p == m.set.end() || m.observation.port == 0) continue;
    // the observation's transport: UDP when a UDP record on that port produced it, else TCP
    Transport t = Transport::kTcp;
    if (svcs.count({static_cast<int>(Transport::kTcp), m.observation.port}) == 0 &&
        svcs.count({static_cast<int>(Transport::kUdp), m.observation.port}) != 0)
      t = Transport::kUdp;
    auto it = svcs.find({static_cast<int>(t), m.observation.port});
    if (it == svcs.end()) continue;
    Svc& s = it->second;
    if (clamp01(m.weight) <= s.product_weight) continue;
    s.product_weight = clamp01(m.weight);
    std::string prod = trimmed(p->second);
    auto ver = m.set.find("service.version");
    if (ver != m.set.end() && !trimmed(ver->second).empty()) prod += " " + trimmed(ver->second);
    s.s.product = prod;
  }
  for (auto& [k, s] : svcs) dev.services.push_back(std::move(s.s));
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
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((mac >> 40) & 0xff),
                  static_cast<unsigned>((mac >> 32) & 0xff), static_cast<unsigned>((mac >> 24) & 0xff),
                  static_cast<unsigned>((mac >> 16) & 0xff), static_cast<unsigned>((mac >> 8) & 0xff),
                  static_cast<unsigned>(mac & 0xff));
    auto e = kb.oui().lookup(buf);
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
