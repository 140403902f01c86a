// Identification of real units whose replies were pasted in public places (issue threads, fixtures,
// forum pages): tests/public_units/units.yaml, one unit per entry with its source URL. Each unit's
// observations go through verdict::decide and the assessor built from the data/ folder of this checkout
// (so a data edit is checked without a rebuild), and every expectation the unit states must hold:
// manufacturer (null = must stay unnamed), brand, model, firmware, category, and whether policy
// findings may appear ("none" for clones and non-surveillance devices).
// Run: build/assess_tests --gtest_filter='PublicUnits.*' (prints one line per unit).
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "assess/assess.h"
#include "verdict/verdict.h"

namespace anshin::assess {
namespace {

const std::filesystem::path kSource = ANSHIN_SOURCE_DIR;

struct Loaded {
  std::shared_ptr<const kb::KnowledgeBase> kb;
  std::optional<Assessor> assessor;
};

const Loaded& loaded() {
  static const Loaded* l = [] {
    auto* out = new Loaded;
    kb::Diagnostics d;
    auto files = kb::KnowledgeBase::dir_sources(kSource / "data");
    if (!files) return out;
    auto k = kb::KnowledgeBase::load_sources(*files, d);
    if (!k) return out;
    out->kb = *k;
    auto a = Assessor::load(*out->kb, *files, d);
    if (a) out->assessor.emplace(std::move(*a));
    for (const auto& x : d.all())
      if (x.error) ADD_FAILURE() << kb::Diagnostics::format(x);
    return out;
  }();
  return *l;
}

Transport transport_of(const YAML::Node& s) {
  return s["transport"] && s["transport"].as<std::string>() == "udp" ? Transport::kUdp : Transport::kTcp;
}

// One corpus entry as the probes would have recorded it.
HostRecord host_of(const YAML::Node& unit) {
  HostRecord h;
  h.address = *IpAddr::parse("127.98.0.1");
  std::set<uint16_t> ports;
  for (const auto& s : unit["services"]) {
    ServiceRecord r;
    r.probe = s["probe"].as<std::string>();
    r.port = s["port"].as<uint16_t>();
    r.transport = transport_of(s);
    r.protocol = s["protocol"] ? s["protocol"].as<std::string>() : r.probe;
    r.tls = s["tls"] && s["tls"].as<bool>();
    r.status = ProbeStatus::kSuccess;
    for (const auto& kv : s["obs"]) r.observations.push_back({kv[0].as<std::string>(), kv[1].as<std::string>(), r.port, r.probe});
    if (r.transport == Transport::kTcp) ports.insert(r.port);
    h.services.push_back(std::move(r));
  }
  h.open_tcp_ports.assign(ports.begin(), ports.end());
  if (unit["mac"]) h.mac = unit["mac"].as<std::string>();
  return h;
}

std::string or_dash(const std::optional<std::string>& v) { return v.value_or("-"); }

bool has_policy_finding(const std::vector<Finding>& fs) {
  return std::any_of(fs.begin(), fs.end(), [](const Finding& f) { return f.id.rfind("policy.", 0) == 0; });
}

bool surveillance(Category c) {
  return c == Category::kCamera || c == Category::kNvr || c == Category::kDvr || c == Category::kEncoder ||
         c == Category::kIntercom || c == Category::kVms;
}

// An expected text field: absent = not checked, null = must be absent, a string = must be equal.
void expect_field(const YAML::Node& expect, const char* name, const std::optional<std::string>& got,
                  const std::string& id) {
  if (!expect[name]) return;
  if (expect[name].IsNull()) {
    EXPECT_FALSE(got.has_value()) << id << ": " << name << " should be unnamed, got " << *got;
  } else {
    EXPECT_EQ(or_dash(got), expect[name].as<std::string>()) << id << ": " << name;
  }
}

void check_unit(const YAML::Node& unit) {
  const std::string id = unit["id"].as<std::string>();
  ASSERT_TRUE(unit["source"]) << id << ": every unit names its source";
  const auto host = host_of(unit);
  Device d = verdict::decide(host, *loaded().kb);
  AssessOptions opts;
  const auto findings = loaded().assessor->assess(d, host, opts);
  const auto& v = d.verdict;
  std::printf("%-34s %-10s maker=%-12s brand=%-12s model=%-22s fw=%-26s proof=%-9s policy=%s\n", id.c_str(),
              category_name(v.category), or_dash(v.manufacturer).c_str(), or_dash(v.brand).c_str(),
              or_dash(v.model).c_str(), or_dash(v.firmware).c_str(), maker_proof_name(v.maker_proof),
              has_policy_finding(findings) ? "yes" : "no");
  if (std::getenv("PUBLIC_UNITS_EVIDENCE"))  // debugging aid: every rule that fired, with what it implied
    for (const auto& ev : v.evidence) {
      std::printf("    %s '%s' {", ev.rule.c_str(), ev.value.c_str());
      for (const auto& [k, x] : ev.implies) std::printf("%s=%s ", k.c_str(), x.c_str());
      std::printf("}\n");
    }
  const auto& e = unit["expect"];
  expect_field(e, "manufacturer", v.manufacturer, id);
  expect_field(e, "brand", v.brand, id);
  expect_field(e, "model", v.model, id);
  expect_field(e, "firmware", v.firmware, id);
  if (e["category"]) {
    const auto want = e["category"].as<std::string>();
    if (want == "not-surveillance")
      EXPECT_FALSE(surveillance(v.category)) << id << ": category " << category_name(v.category);
    else
      EXPECT_EQ(std::string(category_name(v.category)), want) << id << ": category";
  }
  if (e["policy"]) {
    const auto want = e["policy"].as<std::string>();
    ASSERT_TRUE(want == "none" || want == "flagged") << id << ": policy is none or flagged";
    EXPECT_EQ(has_policy_finding(findings), want == "flagged") << id << ": policy findings";
  }
}

TEST(PublicUnits, EveryUnitIsIdentifiedAsItsRepliesShow) {
  ASSERT_TRUE(loaded().kb && loaded().assessor) << "data/ did not load";
  const auto corpus = YAML::LoadFile((kSource / "tests" / "public_units" / "units.yaml").string());
  ASSERT_TRUE(corpus["units"] && corpus["units"].IsSequence());
  size_t n = 0;
  for (const auto& unit : corpus["units"]) {
    check_unit(unit);
    ++n;
  }
  EXPECT_GE(n, 30u) << "the corpus lost units";
}

}  // namespace
}  // namespace anshin::assess
