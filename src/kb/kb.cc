// Loader, validator, compiler, matcher and verifier of the knowledge base (docs/kb-format.md).
#include "kb/kb.h"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <deque>
#include <fstream>
#include <set>
#include <sstream>

#include "core/embedded.h"
#include "core/text.h"
#include "kb/oui.h"
#include "kb/services.h"
#include "model/device.h"

namespace anshin::kb {

// ------------------------------------------------------------------------------------ diagnostics
void Diagnostics::error(std::string file, int line, std::string message) {
  items_.push_back({std::move(file), line, std::move(message), true});
}
void Diagnostics::warning(std::string file, int line, std::string message) {
  items_.push_back({std::move(file), line, std::move(message), false});
}
size_t Diagnostics::error_count() const {
  return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) { return d.error; }));
}
std::string Diagnostics::format(const Diagnostic& d) {
  std::string s = d.file;
  if (d.line > 0) s += ":" + std::to_string(d.line);
  s += ": ";
  if (!d.error) s += "warning: ";
  s += d.message;
  return s;
}

const char* strength_name(Strength s) {
  switch (s) {
    case Strength::kStrong: return "S";
    case Strength::kMedium: return "M";
    case Strength::kWeak: return "W";
  }
  return "?";
}
std::optional<Strength> parse_strength(std::string_view s) {
  if (s == "S") return Strength::kStrong;
  if (s == "M") return Strength::kMedium;
  if (s == "W") return Strength::kWeak;
  return std::nullopt;
}

// ------------------------------------------------------------------------------------- vocabulary
const Vendor* Vocabulary::find(std::string_view id) const {
  auto it = by_id_.find(std::string(id));
  return it == by_id_.end() ? nullptr : &vendors_[it->second];
}
const Vendor* Vocabulary::find_alias(std::string_view name) const {
  std::string key = text::to_lower(text::trim(name));
  if (key.empty()) return nullptr;
  auto it = by_alias_.find(key);
  return it == by_alias_.end() ? nullptr : &vendors_[it->second];
}
const FieldInfo* Vocabulary::field(std::string_view key) const {
  auto it = field_index_.find(std::string(key));
  return it == field_index_.end() ? nullptr : &fields_[it->second];
}
bool OemEdge::covers_model(std::string_view model) const {
  auto m = text::trim(model);
  for (const auto& re : model_patterns)
    if (re && RE2::PartialMatch(re2::StringPiece(m.data(), m.size()), *re)) return true;
  return false;
}

std::vector<OemLink> Vocabulary::oem_chain(std::string_view id, std::optional<std::string_view> model) const {
  std::vector<OemLink> out;
  const Vendor* start = find(id);
  if (start == nullptr) return out;
  const bool model_known = model && !text::trim(*model).empty();
  std::set<std::string> seen{start->id};
  struct Item { const Vendor* v; Strength s; int depth; };
  std::deque<Item> queue{{start, Strength::kStrong, 0}};
  while (!queue.empty()) {
    Item cur = queue.front();
    queue.pop_front();
    for (const OemEdge& e : cur.v->oem_of) {
      Strength edge_strength = e.strength;
      if (!e.models.empty()) {
        if (!model_known) edge_strength = Strength::kWeak;
        else if (!e.covers_model(*model)) continue;
      }
      const Vendor* to = find(e.vendor);
      if (to == nullptr || !seen.insert(to->id).second) continue;
      Strength s = std::max(cur.s, edge_strength);  // enum order: S < M < W, so max = weakest
      out.push_back({cur.v->id, to->id, s, cur.depth + 1, &e});
      queue.push_back({to, s, cur.depth + 1});
    }
  }
  return out;
}

struct VocabularyBuilder {
  static void add_vendor(Vocabulary& v, Vendor vendor) {
    size_t idx = v.vendors_.size();
    v.by_id_.emplace(vendor.id, idx);
    auto alias = [&](const std::string& a) {
      std::string k = text::to_lower(text::trim(a));
      if (!k.empty()) v.by_alias_.emplace(k, idx);  // first writer wins (verify reports clashes)
    };
    alias(vendor.id);
    alias(vendor.name);
    for (const auto& a : vendor.aliases) alias(a);
    v.vendors_.push_back(std::move(vendor));
  }
  static void add_field(Vocabulary& v, FieldInfo f) {
    v.field_index_.emplace(f.key, v.fields_.size());
    v.fields_.push_back(std::move(f));
  }
  static const Vendor* alias_owner(const Vocabulary& v, const std::string& alias) { return v.find_alias(alias); }
};

// ------------------------------------------------------------------------------------- rules
namespace {

const std::array<std::string_view, 12> kSettable = {
    "hw.vendor", "hw.brand",  "hw.model",        "hw.firmware",     "hw.firmware_build", "hw.serial",
    "hw.device", "hw.mac",    "hw.family",       "service.product", "service.version",   "host.name"};
// Attributes whose disagreement between two rules matching one example is a shadowing error.
const std::array<std::string_view, 4> kConflicting = {"hw.vendor", "hw.brand", "hw.model", "hw.device"};

bool settable(std::string_view k) { return std::find(kSettable.begin(), kSettable.end(), k) != kSettable.end(); }
bool is_vendor_key(std::string_view k) { return k == "hw.vendor" || k == "hw.brand"; }

struct SetValue {
  std::string tmpl;    // literal with $0..$9 references
  bool alias = false;  // {alias: "$1"}: resolve the substituted text through vocabulary aliases
};

struct Example {
  std::string value;
  std::map<std::string, std::string> expect;
  int line = 0;
};

struct Rule {
  std::string id;
  std::string file;
  int line = 0;
  std::string pattern;
  bool icase = false;
  bool multiline = false;
  std::unique_ptr<re2::RE2> re;
  int groups = 0;
  std::vector<std::pair<std::string, SetValue>> set;
  double weight = 0.5;
  bool supporting_only = false;
  Tier tier = Tier::kMedium;
  std::vector<Example> examples;
};

struct RuleFile {
  std::string path;
  std::string key;
  int key_line = 0;
  std::vector<std::unique_ptr<Rule>> rules;
};

int line_of(const YAML::Node& n) { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }

std::optional<std::string> scalar(const YAML::Node& n) {
  if (!n || !n.IsScalar()) return std::nullopt;
  return n.as<std::string>();
}

// YAML 1.2 core booleans only ("true"/"false", any case); anything else is nullopt.
std::optional<bool> boolean(const YAML::Node& n) {
  auto s = scalar(n);
  if (!s) return std::nullopt;
  std::string l;
  for (char c : *s) l.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (l == "true") return true;
  if (l == "false") return false;
  return std::nullopt;
}

// Highest $N referenced in a template (-1 when none). "$$" is a literal dollar.
int max_ref(std::string_view t) {
  int m = -1;
  for (size_t i = 0; i + 1 < t.size(); ++i) {
    if (t[i] != '$') continue;
    if (t[i + 1] == '$') { ++i; continue; }
    if (t[i + 1] >= '0' && t[i + 1] <= '9') m = std::max(m, t[i + 1] - '0');
  }
  return m;
}

std::string substitute(std::string_view t, const std::vector<std::string_view>& caps) {
  std::string out;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '$' && i + 1 < t.size()) {
      char c = t[i + 1];
      if (c == '$') { out += '$'; ++i; continue; }
      if (c >= '0' && c <= '9') {
        size_t n = static_cast<size_t>(c - '0');
        if (n < caps.size()) out.append(caps[n].data(), caps[n].size());
        ++i;
        continue;
      }
    }
    out += t[i];
  }
  return std::string(text::trim(out));
}

}  // namespace

struct KnowledgeBase::Impl {
  std::string kb_version;
  int format_version = 0;
  Vocabulary vocab;
  OuiTable oui;
  CredentialData credentials;
  ServiceTable services;
  std::vector<std::unique_ptr<RuleFile>> files;
  std::map<std::string, std::vector<const Rule*>, std::less<>> by_key;
  size_t rules = 0, examples = 0;

  // First match of `r` in `value`: fills `out` and returns true.
  bool run(const Rule& r, std::string_view value, std::map<std::string, std::string>& out) const {
    if (!r.re) return false;
    std::vector<re2::StringPiece> sp(static_cast<size_t>(r.groups) + 1);
    if (!r.re->Match(re2::StringPiece(value.data(), value.size()), 0, value.size(), re2::RE2::UNANCHORED,
                     sp.data(), static_cast<int>(sp.size())))
      return false;
    std::vector<std::string_view> caps;
    caps.reserve(sp.size());
    for (const auto& p : sp) caps.emplace_back(p.data() == nullptr ? std::string_view() : std::string_view(p.data(), p.size()));
    out.clear();
    for (const auto& [k, v] : r.set) {
      std::string s = substitute(v.tmpl, caps);
      if (s.empty()) continue;
      if (v.alias) {
        const Vendor* vendor = vocab.find_alias(s);
        if (vendor == nullptr || vendor->kind == "component") continue;
        std::string key = k;
        // A manufacturer-level lookup that lands on a brand is brand-level evidence.
        if (key == "hw.vendor" && vendor->kind == "brand") key = "hw.brand";
        out[key] = vendor->id;
      } else {
        out[k] = std::move(s);
      }
    }
    return true;
  }
};

namespace {

class Loader {
 public:
  Loader(KnowledgeBase::Impl& kb, Diagnostics& d) : kb_(kb), d_(d) {}

  void load(const std::vector<SourceFile>& files) {
    const SourceFile* meta = nullptr;
    const SourceFile* vendors = nullptr;
    const SourceFile* fields = nullptr;
    const SourceFile* default_pairs = nullptr;
    const SourceFile* login_paths = nullptr;
    std::vector<const SourceFile*> fps, ouis, services;
    for (const auto& f : files) {
      if (f.role == "kb.yaml") meta = &f;
      else if (f.role == "vocab/vendors.yaml") vendors = &f;
      else if (f.role == "vocab/fields.yaml") fields = &f;
      else if (f.role.rfind("fingerprints/", 0) == 0) fps.push_back(&f);
      else if (f.role.rfind("oui/", 0) == 0) ouis.push_back(&f);
      else if (f.role.rfind("services/", 0) == 0) services.push_back(&f);
      else if (f.role == "vocab/lookup_aliases.yaml") continue;  // lookup-only names: assess/data.h
      else if (f.role == "credentials/defaults.yaml") default_pairs = &f;
      else if (f.role == "credentials/login_paths.yaml") login_paths = &f;
      else if (f.role.rfind("vocab/", 0) == 0) d_.warning(f.path, 0, "unknown vocabulary file (ignored)");
    }
    if (meta == nullptr) d_.error("kb.yaml", 0, "missing kb.yaml");
    else load_meta(*meta);
    if (fields == nullptr) d_.error("vocab/fields.yaml", 0, "missing vocab/fields.yaml");
    else load_fields(*fields);
    if (vendors == nullptr) d_.error("vocab/vendors.yaml", 0, "missing vocab/vendors.yaml");
    else load_vendors(*vendors);
    std::sort(fps.begin(), fps.end(), [](auto* a, auto* b) { return a->role < b->role; });
    for (const auto* f : fps) load_fingerprints(*f);
    for (const auto* f : ouis) load_oui(*f);
    if (default_pairs != nullptr) load_default_pairs(*default_pairs);
    if (login_paths != nullptr) load_login_paths(*login_paths);
    std::sort(services.begin(), services.end(), [](auto* a, auto* b) { return a->role < b->role; });
    for (const auto* f : services) load_services(*f, kb_.vocab, kb_.services, d_);
  }

 private:
  std::optional<YAML::Node> parse(const SourceFile& f) {
    try {
      return YAML::Load(f.contents);
    } catch (const YAML::Exception& e) {
      d_.error(f.path, e.mark.line >= 0 ? e.mark.line + 1 : 0, "YAML: " + e.msg);
      return std::nullopt;
    }
  }

  void unknown_keys(const SourceFile& f, const YAML::Node& map, std::initializer_list<std::string_view> known,
                    const std::string& what) {
    for (const auto& kv : map) {
      std::string k = kv.first.Scalar();
      if (std::find(known.begin(), known.end(), k) == known.end())
        d_.error(f.path, line_of(kv.first), "unknown key '" + k + "' in " + what);
    }
  }

  static bool iso_date(std::string_view s) {
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
    for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
      if (s[i] < '0' || s[i] > '9') return false;
    return true;
  }

  // since/until are ISO dates in order; `models` compile; a relation that ended (`until`) names its model lines.
  void check_edge_dates_and_models(const SourceFile& f, int line, const std::string& from, const YAML::Node& o,
                                   OemEdge& edge) {
    const std::string what = "oem_of of '" + from + "' -> '" + edge.vendor + "'";
    for (const auto* d : {&edge.since, &edge.until})
      if (!d->empty() && !iso_date(*d)) d_.error(f.path, line, what + ": since/until must be YYYY-MM-DD");
    if (!edge.since.empty() && !edge.until.empty() && edge.until < edge.since)
      d_.error(f.path, line, what + ": until is before since");
    edge.models = string_list(f, o["models"], "models");
    for (const auto& pattern : edge.models) {
      re2::RE2::Options opt;
      opt.set_case_sensitive(false);
      opt.set_log_errors(false);
      opt.set_max_mem(1 << 20);
      auto re = std::make_shared<const re2::RE2>(pattern, opt);
      if (!re->ok()) d_.error(f.path, line, what + ": bad model pattern '" + pattern + "': " + re->error());
      else edge.model_patterns.push_back(std::move(re));
    }
    if (!edge.until.empty() && edge.models.empty())
      d_.error(f.path, line, what + ": a relation with 'until' must list the model lines it covers ('models')");
  }

  std::vector<std::string> string_list(const SourceFile& f, const YAML::Node& n, const std::string& what) {
    std::vector<std::string> out;
    if (!n) return out;
    if (n.IsScalar()) { out.push_back(n.Scalar()); return out; }
    if (!n.IsSequence()) { d_.error(f.path, line_of(n), what + " must be a list of strings"); return out; }
    for (const auto& e : n) {
      if (e.IsScalar()) out.push_back(e.Scalar());
      else d_.error(f.path, line_of(e), what + " must be a list of strings");
    }
    return out;
  }

  void load_meta(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    if (!root->IsMap()) { d_.error(f.path, 1, "kb.yaml must be a mapping"); return; }
    unknown_keys(f, *root, {"kb_version", "format_version"}, "kb.yaml");
    if (auto v = scalar((*root)["kb_version"])) kb_.kb_version = *v;
    else d_.error(f.path, 1, "kb_version is required");
    try {
      kb_.format_version = (*root)["format_version"].as<int>();
      if (kb_.format_version != 1) d_.error(f.path, line_of((*root)["format_version"]), "unsupported format_version (this build reads 1)");
    } catch (const YAML::Exception&) {
      d_.error(f.path, 1, "format_version (integer) is required");
    }
  }

  void load_fields(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    // A document that is not a mapping (a bare scalar or list) has no keys: yaml-cpp's non-const
    // operator[] would throw BadSubscript on it (found by kb_yaml_fuzz).
    YAML::Node list = root->IsMap() ? (*root)["fields"] : YAML::Node();
    if (!list || !list.IsSequence()) { d_.error(f.path, 1, "'fields' must be a list"); return; }
    for (const auto& e : list) {
      if (!e.IsMap()) { d_.error(f.path, line_of(e), "a field must be a mapping"); continue; }
      unknown_keys(f, e, {"key", "probe", "status", "description", "clue"}, "field");
      FieldInfo fi;
      fi.key = scalar(e["key"]).value_or("");
      fi.probe = scalar(e["probe"]).value_or("");
      fi.status = scalar(e["status"]).value_or("emitted");
      fi.description = scalar(e["description"]).value_or("");
      if (YAML::Node c = e["clue"]) {
        try { fi.clue = c.as<int>(); } catch (const YAML::Exception&) { fi.clue = -1; }
        if (fi.clue < 1 || fi.clue > 9) d_.error(f.path, line_of(c), "field '" + fi.key + "': clue must be a rank 1..9");
      }
      if (fi.key.empty()) { d_.error(f.path, line_of(e), "field without key"); continue; }
      if (fi.description.empty()) d_.error(f.path, line_of(e), "field '" + fi.key + "' needs a description");
      if (fi.probe.empty()) d_.error(f.path, line_of(e), "field '" + fi.key + "' needs the probe that emits it");
      if (fi.status != "emitted" && fi.status != "planned")
        d_.error(f.path, line_of(e), "field '" + fi.key + "': status must be emitted or planned");
      if (kb_.vocab.field(fi.key) != nullptr) { d_.error(f.path, line_of(e), "duplicate field '" + fi.key + "'"); continue; }
      VocabularyBuilder::add_field(kb_.vocab, std::move(fi));
    }
  }

  void load_vendors(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    // A document that is not a mapping (a bare scalar or list) has no keys: yaml-cpp's non-const
    // operator[] would throw BadSubscript on it (found by kb_yaml_fuzz).
    YAML::Node list = root->IsMap() ? (*root)["vendors"] : YAML::Node();
    if (!list || !list.IsSequence()) { d_.error(f.path, 1, "'vendors' must be a list"); return; }
    struct Pending { std::string from; std::string to; int line; };
    std::vector<Pending> edges;
    for (const auto& e : list) {
      int line = line_of(e);
      if (!e.IsMap()) { d_.error(f.path, line, "a vendor must be a mapping"); continue; }
      unknown_keys(f, e, {"id", "name", "kind", "hq", "aliases", "oem_of", "notes", "sources", "white_label"}, "vendor");
      Vendor v;
      v.id = scalar(e["id"]).value_or("");
      v.name = scalar(e["name"]).value_or("");
      v.kind = scalar(e["kind"]).value_or("");
      v.hq = scalar(e["hq"]).value_or("");
      v.notes = scalar(e["notes"]).value_or("");
      v.aliases = string_list(f, e["aliases"], "aliases");
      string_list(f, e["sources"], "sources");
      if (YAML::Node wl = e["white_label"]) {
        auto b = boolean(wl);
        if (!b) d_.error(f.path, line_of(wl), "vendor '" + v.id + "': white_label must be true or false");
        else v.white_label = *b;
        if (v.white_label && v.kind != "manufacturer")
          d_.error(f.path, line_of(wl), "vendor '" + v.id + "': only a manufacturer can be white_label");
      }
      if (v.id.empty()) { d_.error(f.path, line, "vendor without id"); continue; }
      bool id_ok = std::all_of(v.id.begin(), v.id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
      });
      if (!id_ok) d_.error(f.path, line, "vendor id '" + v.id + "' must be lower-case [a-z0-9_]");
      if (v.name.empty()) d_.error(f.path, line, "vendor '" + v.id + "' needs a display name");
      if (v.kind != "manufacturer" && v.kind != "brand" && v.kind != "component")
        d_.error(f.path, line, "vendor '" + v.id + "': kind must be manufacturer, brand or component");
      if (kb_.vocab.find(v.id) != nullptr) { d_.error(f.path, line, "duplicate vendor id '" + v.id + "'"); continue; }
      for (const auto& a : v.aliases) {
        if (const Vendor* owner = kb_.vocab.find_alias(a); owner != nullptr && owner->id != v.id)
          d_.error(f.path, line, "alias '" + a + "' of '" + v.id + "' already names '" + owner->id + "'");
      }
      if (YAML::Node oem = e["oem_of"]) {
        if (!oem.IsSequence()) {
          d_.error(f.path, line_of(oem), "oem_of must be a list");
        } else {
          for (const auto& o : oem) {
            int ol = line_of(o);
            if (!o.IsMap()) { d_.error(f.path, ol, "an oem_of entry must be a mapping"); continue; }
            unknown_keys(f, o, {"vendor", "strength", "sources", "since", "until", "note", "models"}, "oem_of");
            OemEdge edge;
            edge.vendor = scalar(o["vendor"]).value_or("");
            auto s = parse_strength(scalar(o["strength"]).value_or(""));
            if (!s) d_.error(f.path, ol, "oem_of of '" + v.id + "': strength must be S, M or W");
            else edge.strength = *s;
            edge.sources = string_list(f, o["sources"], "sources");
            if (edge.sources.empty()) d_.error(f.path, ol, "oem_of of '" + v.id + "' needs at least one source");
            edge.since = scalar(o["since"]).value_or("");
            edge.until = scalar(o["until"]).value_or("");
            edge.note = scalar(o["note"]).value_or("");
            check_edge_dates_and_models(f, ol, v.id, o, edge);
            edges.push_back({v.id, edge.vendor, ol});
            v.oem_of.push_back(std::move(edge));
          }
        }
      }
      VocabularyBuilder::add_vendor(kb_.vocab, std::move(v));
    }
    for (const auto& p : edges) {
      if (kb_.vocab.find(p.to) == nullptr)
        d_.error(f.path, p.line, "oem_of of '" + p.from + "' names unknown vendor id '" + p.to + "'");
      else if (p.to == p.from)
        d_.error(f.path, p.line, "vendor '" + p.from + "' cannot be its own OEM");
    }
  }

  void check_vendor_value(const SourceFile& f, int line, const std::string& rule, const std::string& key,
                          const std::string& value) {
    const Vendor* v = kb_.vocab.find(value);
    if (v == nullptr) {
      d_.error(f.path, line, "rule '" + rule + "': " + key + " names unknown vendor id '" + value + "'");
      return;
    }
    if (v->kind == "component")
      d_.error(f.path, line, "rule '" + rule + "': '" + value + "' is a component supplier, not a device vendor");
    else if (key == "hw.vendor" && v->kind == "brand")
      d_.error(f.path, line, "rule '" + rule + "': hw.vendor '" + value + "' is a brand; use hw.brand (the OEM chain gives the manufacturer)");
  }

  void load_fingerprints(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    if (!root->IsMap()) { d_.error(f.path, 1, "a fingerprint file must be a mapping"); return; }
    unknown_keys(f, *root, {"matches", "preference", "tier", "description", "source", "license", "fingerprints"},
                 "fingerprint file");
    auto file = std::make_unique<RuleFile>();
    file->path = f.path;
    file->key = scalar((*root)["matches"]).value_or("");
    file->key_line = line_of((*root)["matches"]);
    if (file->key.empty()) d_.error(f.path, 1, "'matches' (the observation key) is required");
    else if (kb_.vocab.field(file->key) == nullptr)
      d_.error(f.path, file->key_line, "matches: unknown observation key '" + file->key + "' (not in vocab/fields.yaml)");
    double preference = 0.5;
    if (YAML::Node p = (*root)["preference"]) {
      try { preference = p.as<double>(); } catch (const YAML::Exception&) { d_.error(f.path, line_of(p), "preference must be a number"); }
      if (preference < 0 || preference > 1) d_.error(f.path, line_of(p), "preference must be within 0..1");
    }
    Tier tier = load_tier(f, (*root)["tier"], Tier::kMedium, "file");
    YAML::Node list = (*root)["fingerprints"];
    if (!list || !list.IsSequence()) { d_.error(f.path, 1, "'fingerprints' must be a list"); return; }
    for (const auto& e : list) {
      if (auto r = load_rule(f, e, preference, tier)) file->rules.push_back(std::move(r));
    }
    if (kb_.vocab.field(file->key) != nullptr) {
      auto& vec = kb_.by_key[file->key];
      for (const auto& r : file->rules)
        if (r->re) vec.push_back(r.get());
    }
    kb_.rules += file->rules.size();
    kb_.files.push_back(std::move(file));
  }

  Tier load_tier(const SourceFile& f, const YAML::Node& n, Tier fallback, const std::string& what) {
    if (!n) return fallback;
    auto t = parse_tier(scalar(n).value_or(""));
    if (!t) {
      d_.error(f.path, line_of(n), what + ": tier must be strong, medium or clone");
      return fallback;
    }
    return *t;
  }

  std::unique_ptr<Rule> load_rule(const SourceFile& f, const YAML::Node& e, double preference, Tier tier) {
    int line = line_of(e);
    if (!e.IsMap()) { d_.error(f.path, line, "a fingerprint must be a mapping"); return nullptr; }
    unknown_keys(f, e,
                 {"id", "pattern", "flags", "set", "weight", "tier", "supporting_only", "description", "source", "examples"},
                 "fingerprint");
    auto r = std::make_unique<Rule>();
    r->file = f.path;
    r->line = line;
    r->id = scalar(e["id"]).value_or("");
    if (r->id.empty()) { d_.error(f.path, line, "fingerprint without id"); r->id = "<line " + std::to_string(line) + ">"; }
    else if (auto [it, ok] = ids_.emplace(r->id, f.path + ":" + std::to_string(line)); !ok)
      d_.error(f.path, line, "duplicate rule id '" + r->id + "' (first at " + it->second + ")");
    if (!scalar(e["description"])) d_.error(f.path, line, "rule '" + r->id + "' needs a description");
    if (!scalar(e["source"])) d_.error(f.path, line, "rule '" + r->id + "' needs a source");
    r->weight = preference;
    r->tier = load_tier(f, e["tier"], tier, "rule '" + r->id + "'");
    if (YAML::Node w = e["weight"]) {
      try { r->weight = w.as<double>(); } catch (const YAML::Exception&) { d_.error(f.path, line_of(w), "weight must be a number"); }
      if (r->weight < 0 || r->weight > 1) d_.error(f.path, line_of(w), "rule '" + r->id + "': weight must be within 0..1");
    }
    if (YAML::Node so = e["supporting_only"]) {
      auto b = boolean(so);
      if (!b) d_.error(f.path, line_of(so), "rule '" + r->id + "': supporting_only must be true or false");
      else r->supporting_only = *b;
    }
    for (const auto& flag : string_list(f, e["flags"], "flags")) {
      if (flag == "icase") r->icase = true;
      else if (flag == "multiline") r->multiline = true;
      else d_.error(f.path, line_of(e["flags"]), "rule '" + r->id + "': unknown flag '" + flag + "' (icase, multiline)");
    }
    compile_pattern(f, e, line, *r);
    load_set(f, e, line, *r);
    if (r->supporting_only && std::none_of(r->set.begin(), r->set.end(), [](const auto& kv) { return is_vendor_key(kv.first); }))
      d_.error(f.path, line, "rule '" + r->id + "': supporting_only needs hw.vendor or hw.brand (it supports a vendor)");
    load_examples(f, e, line, *r);
    return r;
  }

  // The rule's pattern: RE2, Latin-1 (every byte is one character, so hostile non-UTF-8 banners still
  // match predictably), bounded program memory. Patterns are ASCII by rule.
  void compile_pattern(const SourceFile& f, const YAML::Node& e, int line, Rule& r) {
    r.pattern = scalar(e["pattern"]).value_or("");
    int pline = e["pattern"] ? line_of(e["pattern"]) : line;
    if (r.pattern.empty()) {
      d_.error(f.path, line, "rule '" + r.id + "' needs a pattern");
    } else if (std::any_of(r.pattern.begin(), r.pattern.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; })) {
      d_.error(f.path, pline, "rule '" + r.id + "': pattern must be ASCII (use \\x{..} escapes)");
    } else {
      re2::RE2::Options o;
      o.set_encoding(re2::RE2::Options::EncodingLatin1);
      o.set_case_sensitive(!r.icase);
      o.set_log_errors(false);
      o.set_max_mem(4 << 20);
      std::string p = r.multiline ? "(?m)" + r.pattern : r.pattern;
      auto re = std::make_unique<re2::RE2>(p, o);
      if (!re->ok()) d_.error(f.path, pline, "rule '" + r.id + "': bad regex: " + re->error());
      else { r.groups = re->NumberOfCapturingGroups(); r.re = std::move(re); }
    }
  }

  // What the rule sets: attribute -> template ($N captures) or {alias: ...} for hw.vendor/hw.brand.
  void load_set(const SourceFile& f, const YAML::Node& e, int line, Rule& r) {
    YAML::Node set = e["set"];
    if (!set || !set.IsMap() || set.size() == 0) {
      d_.error(f.path, line, "rule '" + r.id + "' needs a non-empty 'set' mapping");
    } else {
      for (const auto& kv : set) {
        std::string k = kv.first.Scalar();
        int kl = line_of(kv.first);
        if (!settable(k)) { d_.error(f.path, kl, "rule '" + r.id + "': cannot set '" + k + "'"); continue; }
        SetValue sv;
        if (kv.second.IsMap()) {
          if (!is_vendor_key(k) || !kv.second["alias"] || kv.second.size() != 1) {
            d_.error(f.path, kl, "rule '" + r.id + "': only hw.vendor/hw.brand take {alias: ...}");
            continue;
          }
          sv.alias = true;
          sv.tmpl = scalar(kv.second["alias"]).value_or("");
        } else if (kv.second.IsScalar()) {
          sv.tmpl = kv.second.Scalar();
        } else {
          d_.error(f.path, kl, "rule '" + r.id + "': value of '" + k + "' must be a string");
          continue;
        }
        int ref = max_ref(sv.tmpl);
        if (r.re && ref > r.groups)
          d_.error(f.path, kl, "rule '" + r.id + "': " + k + " uses $" + std::to_string(ref) + " but the pattern has " +
                                   std::to_string(r.groups) + " capture group(s)");
        if (is_vendor_key(k) && !sv.alias) {
          if (ref >= 0) d_.error(f.path, kl, "rule '" + r.id + "': " + k + " must be a vendor id or {alias: $N}");
          else check_vendor_value(f, kl, r.id, k, sv.tmpl);
        }
        if (k == "hw.device" && ref < 0 && !parse_category(sv.tmpl))
          d_.error(f.path, kl, "rule '" + r.id + "': hw.device '" + sv.tmpl +
                                   "' is not a category (camera, nvr, dvr, encoder, intercom, vms, other, unknown)");
        r.set.emplace_back(k, std::move(sv));
      }
    }
  }

  // 1-20 examples: a value, or {value, expect} with the attributes the rule must set from it.
  void load_examples(const SourceFile& f, const YAML::Node& e, int line, Rule& r) {
    YAML::Node ex = e["examples"];
    if (!ex || !ex.IsSequence() || ex.size() == 0 || ex.size() > 20) {
      d_.error(f.path, line, "rule '" + r.id + "' needs 1-20 examples");
    }
    if (ex && ex.IsSequence()) {
      for (const auto& x : ex) {
        Example exm;
        exm.line = line_of(x);
        if (x.IsScalar()) {
          exm.value = x.Scalar();
        } else if (x.IsMap()) {
          unknown_keys(f, x, {"value", "expect"}, "example");
          auto v = scalar(x["value"]);
          if (!v) { d_.error(f.path, exm.line, "rule '" + r.id + "': example needs a value"); continue; }
          exm.value = *v;
          if (YAML::Node expect = x["expect"]) {
            if (!expect.IsMap()) { d_.error(f.path, exm.line, "expect must be a mapping"); continue; }
            for (const auto& kv : expect) {
              std::string k = kv.first.Scalar();
              if (!settable(k)) d_.error(f.path, line_of(kv.first), "rule '" + r.id + "': example expects unknown attribute '" + k + "'");
              else if (std::none_of(r.set.begin(), r.set.end(), [&](const auto& s) {
                         // an {alias} lookup on hw.vendor may land on a brand and come out as hw.brand
                         return s.first == k || (k == "hw.brand" && s.first == "hw.vendor" && s.second.alias);
                       }))
                d_.error(f.path, line_of(kv.first), "rule '" + r.id + "': example expects '" + k + "', which the rule does not set");
              exm.expect[k] = kv.second.IsScalar() ? kv.second.Scalar() : "";
            }
          }
        } else {
          d_.error(f.path, exm.line, "rule '" + r.id + "': an example is a string or {value, expect}");
          continue;
        }
        r.examples.push_back(std::move(exm));
      }
      kb_.examples += r.examples.size();
    }
  }

  void load_oui(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    // A document that is not a mapping (a bare scalar or list) has no keys: yaml-cpp's non-const
    // operator[] would throw BadSubscript on it (found by kb_yaml_fuzz).
    YAML::Node list = root->IsMap() ? (*root)["prefixes"] : YAML::Node();
    if (!list || !list.IsSequence()) { d_.error(f.path, 1, "'prefixes' must be a list"); return; }
    for (const auto& e : list) {
      int line = line_of(e);
      if (!e.IsMap()) { d_.error(f.path, line, "a prefix must be a mapping"); continue; }
      unknown_keys(f, e, {"prefix", "bits", "org", "vendor", "registry"}, "prefix");
      std::string prefix = scalar(e["prefix"]).value_or("");
      int bits = 0;
      try { bits = e["bits"].as<int>(); } catch (const YAML::Exception&) {}
      std::string vendor = scalar(e["vendor"]).value_or("");
      if (kb_.vocab.find(vendor) == nullptr) d_.error(f.path, line, "prefix " + prefix + ": unknown vendor id '" + vendor + "'");
      if (!kb_.oui.add(prefix, bits, scalar(e["org"]).value_or(""), vendor))
        d_.error(f.path, line, "bad prefix '" + prefix + "' for " + std::to_string(bits) + " bits");
    }
  }

  // data/credentials/defaults.yaml: vendor ids are not checked against the vocabulary (the generator
  // writes ids for vendors the vocabulary may not list yet; such rows are never tried).
  void load_default_pairs(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    YAML::Node list = root->IsMap() ? (*root)["defaults"] : YAML::Node();
    if (!list || !list.IsSequence()) { d_.error(f.path, 1, "'defaults' must be a list"); return; }
    for (const auto& e : list) {
      int line = line_of(e);
      if (!e.IsMap()) { d_.error(f.path, line, "a default pair must be a mapping"); continue; }
      unknown_keys(f, e, {"id", "vendor", "vendors", "products", "services", "port", "username", "password",
                          "condition", "confidence", "source"}, "default pair");
      DefaultPair p;
      p.id = scalar(e["id"]).value_or("");
      p.vendor = scalar(e["vendor"]).value_or("");
      p.vendors = string_list(f, e["vendors"], "vendors");
      p.services = string_list(f, e["services"], "services");
      p.username = scalar(e["username"]).value_or("");
      p.password = scalar(e["password"]).value_or("");
      p.confidence = scalar(e["confidence"]).value_or("");
      p.source = scalar(e["source"]).value_or("");
      if (p.id.empty() || p.vendors.empty()) { d_.error(f.path, line, "a default pair needs an id and vendors"); continue; }
      kb_.credentials.defaults.push_back(std::move(p));
    }
  }

  // data/credentials/login_paths.yaml: every vendor is a vocabulary id, every path starts with '/'.
  void load_login_paths(const SourceFile& f) {
    auto root = parse(f);
    if (!root) return;
    YAML::Node list = root->IsMap() ? (*root)["login_paths"] : YAML::Node();
    if (!list || !list.IsSequence()) { d_.error(f.path, 1, "'login_paths' must be a list"); return; }
    for (const auto& e : list) {
      int line = line_of(e);
      if (!e.IsMap()) { d_.error(f.path, line, "a login path must be a mapping"); continue; }
      unknown_keys(f, e, {"vendor", "path", "source"}, "login path");
      LoginPath lp{scalar(e["vendor"]).value_or(""), scalar(e["path"]).value_or(""), scalar(e["source"]).value_or("")};
      if (kb_.vocab.find(lp.vendor) == nullptr) d_.error(f.path, line, "login path: unknown vendor id '" + lp.vendor + "'");
      if (lp.path.empty() || lp.path[0] != '/') d_.error(f.path, line, "login path '" + lp.path + "' must start with '/'");
      if (lp.source.empty()) d_.error(f.path, line, "login path for '" + lp.vendor + "' needs a source");
      kb_.credentials.login_paths.push_back(std::move(lp));
    }
  }

  KnowledgeBase::Impl& kb_;
  Diagnostics& d_;
  std::map<std::string, std::string> ids_;
};

std::string show(std::string_view s) {
  std::string v = text::escape_for_terminal(s);
  if (v.size() > 80) v = v.substr(0, 77) + "...";
  return "'" + v + "'";
}

bool run_examples(const KnowledgeBase::Impl& kb, Diagnostics& d) {
  size_t before = d.error_count();
  for (const auto& file : kb.files) {
    for (size_t i = 0; i < file->rules.size(); ++i) {
      const Rule& r = *file->rules[i];
      if (!r.re) continue;
      for (const Example& ex : r.examples) {
        std::map<std::string, std::string> got;
        if (!kb.run(r, ex.value, got)) {
          d.error(file->path, ex.line, "example " + show(ex.value) + " does not match rule '" + r.id + "'");
          continue;
        }
        for (const auto& [k, want] : ex.expect) {
          auto it = got.find(k);
          std::string have = it == got.end() ? "" : it->second;
          if (have != want)
            d.error(file->path, ex.line, "rule '" + r.id + "': example " + show(ex.value) + " gives " + k + "=" +
                                             show(have) + ", expected " + show(want));
        }
        // Shadowing: an earlier rule of the same file that matches this example with conflicting values.
        for (size_t j = 0; j < i; ++j) {
          const Rule& earlier = *file->rules[j];
          std::map<std::string, std::string> other;
          if (!kb.run(earlier, ex.value, other)) continue;
          for (std::string_view k : kConflicting) {
            auto a = got.find(std::string(k));
            auto b = other.find(std::string(k));
            if (a != got.end() && b != other.end() && a->second != b->second) {
              d.error(file->path, ex.line, "example " + show(ex.value) + " of rule '" + r.id + "' is shadowed by earlier rule '" +
                                               earlier.id + "' (line " + std::to_string(earlier.line) + "), which sets " +
                                               std::string(k) + "=" + b->second + " instead of " + a->second);
              break;
            }
          }
        }
      }
    }
  }
  return d.error_count() == before;
}

std::unique_ptr<KnowledgeBase::Impl> build(const std::vector<SourceFile>& files, Diagnostics& d) {
  auto impl = std::make_unique<KnowledgeBase::Impl>();
  Loader(*impl, d).load(files);
  return impl;
}

}  // namespace

// ----------------------------------------------------------------------------------- KnowledgeBase
KnowledgeBase::KnowledgeBase(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KnowledgeBase::~KnowledgeBase() = default;

std::vector<SourceFile> KnowledgeBase::embedded_sources() {
  std::vector<SourceFile> out;
  for (const auto& f : embedded::data()) {
    std::string path = f.path;
    std::string role = path.rfind("data/", 0) == 0 ? path.substr(5) : path;
    out.push_back({path, role, std::string(f.contents)});
  }
  return out;
}

Result<std::vector<SourceFile>> KnowledgeBase::dir_sources(const std::filesystem::path& dir) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(dir / "kb.yaml", ec))
    return make_error(Errc::kNotFound, dir.string() + ": no kb.yaml (not a knowledge-base folder)");
  std::vector<SourceFile> out;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec); !ec && it != std::filesystem::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file() || it->path().extension() != ".yaml") continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    out.push_back({it->path().string(), std::filesystem::relative(it->path(), dir).generic_string(), ss.str()});
  }
  if (ec) return make_error(Errc::kIo, dir.string() + ": " + ec.message());
  std::sort(out.begin(), out.end(), [](const SourceFile& a, const SourceFile& b) { return a.role < b.role; });
  return out;
}

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::load_sources(const std::vector<SourceFile>& files,
                                                                         Diagnostics& diags,
                                                                         const std::filesystem::path& ieee_dir) {
  size_t before = diags.error_count();
  auto impl = build(files, diags);
  if (diags.error_count() != before)
    return make_error(Errc::kInvalidInput, "knowledge base has " + std::to_string(diags.error_count() - before) + " error(s)");
  // The full IEEE registry (Debian's ieee-data), when asked for and present: the shipped camera
  // prefixes stay authoritative (added first); registry organisations map to vendors via aliases.
  if (!ieee_dir.empty()) impl->oui.load_ieee_dir(ieee_dir, &impl->vocab);
  return std::shared_ptr<const KnowledgeBase>(new KnowledgeBase(std::move(impl)));
}

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::load(const std::filesystem::path& dir, Diagnostics& diags,
                                                                 const std::filesystem::path& ieee_dir) {
  auto files = dir_sources(dir);
  if (!files) {
    diags.error(dir.string(), 0, files.error().message);
    return files.error();
  }
  return load_sources(*files, diags, ieee_dir);
}

Result<std::shared_ptr<const KnowledgeBase>> KnowledgeBase::load_embedded(Diagnostics& diags,
                                                                          const std::filesystem::path& ieee_dir) {
  return load_sources(embedded_sources(), diags, ieee_dir);
}

bool KnowledgeBase::verify_sources(const std::vector<SourceFile>& files, Diagnostics& diags, KbStats* stats) {
  size_t before = diags.error_count();
  auto impl = build(files, diags);
  run_examples(*impl, diags);
  verify_service_examples(impl->services, diags);
  if (stats != nullptr) {
    KnowledgeBase tmp(std::move(impl));
    *stats = tmp.stats();
  }
  return diags.error_count() == before;
}

bool KnowledgeBase::verify_dir(const std::filesystem::path& dir, Diagnostics& diags, KbStats* stats) {
  auto files = dir_sources(dir);
  if (!files) {
    diags.error(dir.string(), 0, files.error().message);
    return false;
  }
  return verify_sources(*files, diags, stats);
}

bool KnowledgeBase::verify_embedded(Diagnostics& diags, KbStats* stats) {
  return verify_sources(embedded_sources(), diags, stats);
}

bool KnowledgeBase::verify(Diagnostics& diags) const {
  const bool rules = run_examples(*impl_, diags);
  return verify_service_examples(impl_->services, diags) && rules;
}

std::vector<Match> KnowledgeBase::match(const Observation& obs) const {
  std::vector<Match> out;
  auto it = impl_->by_key.find(obs.key);
  if (it == impl_->by_key.end()) return out;
  for (const Rule* r : it->second) {
    Match m;
    if (!impl_->run(*r, obs.value, m.set)) continue;
    m.rule_id = r->id;
    m.file = r->file;
    m.weight = r->weight;
    m.supporting_only = r->supporting_only;
    m.tier = r->tier;
    m.observation = obs;
    out.push_back(std::move(m));
  }
  return out;
}

const Vocabulary& KnowledgeBase::vocab() const { return impl_->vocab; }
const OuiTable& KnowledgeBase::oui() const { return impl_->oui; }
const CredentialData& KnowledgeBase::credentials() const { return impl_->credentials; }
const ServiceTable& KnowledgeBase::services() const { return impl_->services; }
const std::string& KnowledgeBase::kb_version() const { return impl_->kb_version; }
int KnowledgeBase::format_version() const { return impl_->format_version; }

KbStats KnowledgeBase::stats() const {
  KbStats s;
  s.kb_version = impl_->kb_version;
  s.vendors = impl_->vocab.vendors().size();
  s.fields = impl_->vocab.fields().size();
  s.files = impl_->files.size();
  s.rules = impl_->rules;
  s.examples = impl_->examples;
  s.oui_prefixes = impl_->oui.size();
  return s;
}

const char* tier_name(Tier t) {
  switch (t) {
    case Tier::kStrong: return "strong";
    case Tier::kMedium: return "medium";
    case Tier::kClone: return "clone";
  }
  return "medium";
}

std::optional<Tier> parse_tier(std::string_view s) {
  if (s == "strong") return Tier::kStrong;
  if (s == "medium") return Tier::kMedium;
  if (s == "clone") return Tier::kClone;
  return std::nullopt;
}

const Match* strongest_vendor_match(const std::vector<Match>& matches) {
  const Match* best = nullptr;
  auto rank = [](const Match& m) { return m.set.count("hw.vendor") ? 2 : m.set.count("hw.brand") ? 1 : 0; };
  for (const auto& m : matches) {
    if (rank(m) == 0) continue;
    if (best == nullptr || m.weight > best->weight || (m.weight == best->weight && rank(m) > rank(*best))) best = &m;
  }
  return best;
}

}  // namespace anshin::kb
