// Assessment tests: the data's own examples (verify), every finding id on a synthetic device and on a
// clean one (host records from tests/support/hosts.h), OEM chains, firmware-unknown paths, --policy
// selection, texts in en and ja.
#include "assess/assess.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "model/risk.h"
#include "support/assessor.h"
#include "support/hosts.h"

namespace anshin::assess {
namespace {

const kb::KnowledgeBase& Kb() { return testing::shipped_kb(); }
const Assessor& A() { return testing::shipped_assessor(); }

DeviceVerdict V(const char* manufacturer, const char* brand = nullptr, const char* model = nullptr,
                const char* firmware = nullptr) {
  DeviceVerdict v;
  v.category = Category::kCamera;
  const auto& vocab = Kb().vocab();
  if (manufacturer) {
    v.manufacturer_id = manufacturer;
    v.manufacturer = vocab.find(manufacturer)->name;
  }
  if (brand) {
    v.brand_id = brand;
    v.brand = vocab.find(brand)->name;
  } else if (manufacturer) {
    v.brand_id = v.manufacturer_id;
    v.brand = v.manufacturer;
  }
  if (model) v.model = model;
  if (firmware) v.firmware = firmware;
  return v;
}

AssessOptions Opts(std::string lang = "en") {
  AssessOptions o;
  o.lang = std::move(lang);
  o.as_of = "2026-11-27";
  return o;
}

const Finding* Find(const std::vector<Finding>& fs, std::string_view id) {
  for (const auto& f : fs)
    if (f.id == id) return &f;
  return nullptr;
}

std::set<std::string> Ids(const std::vector<Finding>& fs) {
  std::set<std::string> out;
  for (const auto& f : fs) out.insert(f.id);
  return out;
}

void ExpectRendered(const Finding& f) {
  for (const auto* s : {&f.title, &f.detail, &f.remediation}) {
    EXPECT_FALSE(s->empty()) << f.id;
    EXPECT_TRUE(unfilled_placeholders(*s).empty()) << f.id << ": " << *s;
  }
}

// A camera host that shows every hygiene problem at once.
HostRecord DirtyHost() {
  HostRecord h;
  h.open_tcp_ports = {21, 23, 80, 443, 554};
  h.services.push_back(testing::service("http", 80, {{"http.status", "200"}, {"http.header.server", "App-webs/"}}));
  h.services.push_back(testing::service("http", 443,
                           {{"http.status", "200"},
                            {"tls.version", "TLSv1.1"},
                            {"tls.cert.subject", "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"},
                            {"tls.cert.self_signed", "true"},
                            {"tls.cert.not_after", "2026-04-13"}},
                           true, "https"));
  h.services.push_back(testing::service("rtsp", 554,
                           {{"rtsp.status", "200"},
                            {"rtsp.describe.status", "200"},
                            {"rtsp.describe.path", "/Streaming/Channels/101"},
                            {"rtsp.sdp.media_count", "2"}}));
  h.services.push_back(testing::service("onvif", 80, {{"onvif.device_info.auth", "open"}}));
  h.services.push_back(testing::service("sadp", 37020, {{"sadp.activated", "flase"}, {"sadp.hc_platform_enable", "true"}}));
  h.services.push_back(testing::service("banner", 23, {{"telnet.banner", "192.0.0.64 login:"}}, false, "telnet"));
  h.services.push_back(testing::service("banner", 21, {{"ftp.banner", "220 FTP ready"}}, false, "ftp"));
  h.services.push_back(testing::service("ssdp", 1900, {{"ssdp.server", "Linux UPnP/1.0 Hikvision"}}));
  return h;
}

// A camera host that is clean: HTTPS only with a per-device cert, RTSP and ONVIF needing authentication.
HostRecord CleanHost() {
  HostRecord h;
  h.open_tcp_ports = {443, 554};
  h.services.push_back(testing::service("http", 443,
                           {{"http.status", "401"},
                            {"tls.version", "TLSv1.3"},
                            {"tls.cert.subject", "CN=axis-accc8e000001,O=Axis Communications AB"},
                            {"tls.cert.self_signed", "true"},
                            {"tls.cert.not_after", "2034-01-01"}},
                           true, "https"));
  h.services.push_back(testing::service("rtsp", 554, {{"rtsp.status", "200"}, {"rtsp.describe.status", "401"}}));
  h.services.push_back(testing::service("onvif", 443, {{"onvif.device_info.auth", "required"}}));
  h.services.push_back(testing::service("sadp", 37020, {{"sadp.activated", "true"}, {"sadp.hc_platform_enable", "false"}}));
  return h;
}

// ------------------------------------------------------------------------------------------ data
TEST(AssessData, ShippedDataVerifies) {
  kb::Diagnostics d;
  AssessStats st;
  bool ok = verify_assessment_data(Kb(), kb::KnowledgeBase::embedded_sources(), d, &st);
  for (const auto& x : d.all()) ADD_FAILURE() << kb::Diagnostics::format(x);
  EXPECT_TRUE(ok);
  EXPECT_GE(st.policies, 14u);
  EXPECT_GE(st.cves, 10u);
  EXPECT_GE(st.cve_examples, 40u);
  EXPECT_GE(st.scheme_examples, 20u);
}

TEST(AssessData, BrokenExampleIsReported) {
  auto files = kb::KnowledgeBase::embedded_sources();
  for (auto& f : files)
    if (f.role == "cves/dlink.yaml") {
      const std::string from = "{model: DCS-2670L, firmware: \"2.03\", expect: miss}";
      auto pos = f.contents.find(from);
      ASSERT_NE(pos, std::string::npos);
      f.contents.replace(pos, from.size(), "{model: DCS-2670L, firmware: \"2.03\", expect: hit}");
    }
  kb::Diagnostics d;
  EXPECT_FALSE(verify_assessment_data(Kb(), files, d));
  ASSERT_GE(d.all().size(), 1u);
  EXPECT_NE(d.all()[0].message.find("CVE-2020-25078"), std::string::npos) << kb::Diagnostics::format(d.all()[0]);
  EXPECT_GT(d.all()[0].line, 0);
}

TEST(AssessData, BadSchemaIsReported) {
  std::vector<kb::SourceFile> files = {{"x/policies/bad.yaml", "policies/bad.yaml",
                                        "policy: {id: us.x, finding: policy.us.y, jurisdiction: us, severity: huge}\n"}};
  kb::Diagnostics d;
  EXPECT_FALSE(load_assess_data(files, d));
  EXPECT_GE(d.error_count(), 3u);
}

TEST(CveExamples, EveryExampleInTheDataHolds) {
  size_t n = 0;
  for (const auto& c : A().data().cves)
    for (const auto& ex : c.examples) {
      ++n;
      EXPECT_EQ(cve_state_name(evaluate_cve(c, ex.model, ex.firmware)), ex.expect)
          << c.id << " " << ex.model << " " << ex.firmware.value_or("-") << " (" << c.file << ":" << ex.line << ")";
    }
  EXPECT_GT(n, 40u);
}

TEST(VersionExamples, EveryComparatorExampleInTheDataHolds) {
  size_t n = 0;
  for (const auto& ex : A().data().scheme_examples) {
    if (ex.a.empty()) continue;
    ++n;
    auto c = compare(ex.scheme, ex.a, ex.b);
    std::string got = !c ? "unknown" : *c < 0 ? "lt" : *c > 0 ? "gt" : "eq";
    EXPECT_EQ(got, ex.expect) << ex.a << " vs " << ex.b << " (" << ex.file << ":" << ex.line << ")";
  }
  EXPECT_GT(n, 15u);
}

// -------------------------------------------------------------------------------------- policies
TEST(PolicyFindings, AnnkeFollowsHikvisionWithChain) {
  auto fs = A().assess_policies(V("hikvision", "annke"), Opts());
  const Finding* f = Find(fs, "policy.us.fcc-covered");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::kHigh);
  EXPECT_NE(f->detail.find("Sold as Annke, made by Hikvision (OEM relation, evidence M)."), std::string::npos) << f->detail;
  // The relation's sources are references, not prose (issue 13 item 10).
  EXPECT_EQ(f->detail.find("PR #"), std::string::npos) << f->detail;
  EXPECT_NE(std::find(f->references.begin(), f->references.end(), "home-assistant/home-assistant.io PR #16165"),
            f->references.end());
  const auto ja = A().assess_policies(V("hikvision", "annke"), Opts("ja"));
  const Finding* fja = Find(ja, "policy.us.fcc-covered");
  ASSERT_TRUE(fja);
  EXPECT_NE(fja->detail.find("製造元は Hikvision です（OEM 関係、根拠の強さ M）。"), std::string::npos) << fja->detail;
  EXPECT_EQ(fja->references, f->references);
  EXPECT_NE(f->detail.find("on the FCC Covered List since 2021-03-12"), std::string::npos) << f->detail;
  EXPECT_NE(f->detail.find("use-qualified"), std::string::npos);
  EXPECT_NE(f->detail.find("public safety"), std::string::npos);
  EXPECT_EQ(f->detail.find("illegal"), std::string::npos);
  EXPECT_NE(f->detail.find("used for"), std::string::npos);
  EXPECT_TRUE(Find(fs, "policy.us.ndaa-889"));
  EXPECT_TRUE(Find(fs, "policy.uk.sensitive-sites"));
  EXPECT_TRUE(Find(fs, "policy.au.government-removal"));
  EXPECT_EQ(Find(fs, "policy.uk.sensitive-sites")->severity, Severity::kMedium);
  EXPECT_EQ(Find(fs, "policy.au.government-removal")->severity, Severity::kMedium);
  for (const auto& x : fs) ExpectRendered(x);
}

TEST(PolicyFindings, OemChainsResolve) {
  struct Case {
    const char* brand;
    const char* oem;
    const char* name;
    const char* model;
  };
  for (auto c : {Case{"annke", "hikvision", "Hikvision", nullptr}, Case{"hilook", "hikvision", "Hikvision", nullptr},
                 Case{"ezviz", "hikvision", "Hikvision", nullptr}, Case{"amcrest", "dahua", "Dahua", nullptr},
                 Case{"imou", "dahua", "Dahua", nullptr}, Case{"lorex", "dahua", "Dahua", "E891AB"},
                 Case{"icrealtime", "dahua", "Dahua", nullptr}, Case{"lts", "hikvision", "Hikvision", nullptr}}) {
    // Brand only (the verdict could not see ★ tells) and brand + manufacturer both resolve.
    for (bool with_mid : {false, true}) {
      auto v = V(with_mid ? c.oem : nullptr, c.brand, c.model);
      auto lin = resolve_lineage(Kb().vocab(), v, c.oem);
      ASSERT_TRUE(lin) << c.brand;
      EXPECT_NE(lin->kind, LinkKind::kWeak) << c.brand;
      auto fs = A().assess_policies(v, Opts());
      const Finding* f = Find(fs, "policy.us.fcc-covered");
      ASSERT_TRUE(f) << c.brand;
      EXPECT_EQ(f->severity, Severity::kHigh) << c.brand;
      std::string want = std::string("Sold as ") + Kb().vocab().find(c.brand)->name + ", made by " + c.name;
      EXPECT_NE(f->detail.find(want), std::string::npos) << f->detail;
    }
  }
}

TEST(PolicyFindings, NoneForUnlistedManufacturersAndNonCameras) {
  for (const char* m : {"axis", "bosch", "hanwha", "panasonic", "sony", "reolink"}) {
    auto fs = A().assess_policies(V(m), Opts());
    EXPECT_TRUE(fs.empty()) << m << ": " << (fs.empty() ? "" : fs[0].id);
  }
  DeviceVerdict other;
  other.category = Category::kOther;
  EXPECT_TRUE(A().assess_policies(other, Opts()).empty());
  Device d;
  d.verdict = other;
  EXPECT_TRUE(A().assess(d, HostRecord{}, Opts()).empty());
}

TEST(PolicyFindings, WeakRelationNeverHigh) {
  for (const char* b : {"truvision", "swann", "prama_india"}) {
    auto fs = A().assess_policies(V(nullptr, b), Opts());
    ASSERT_FALSE(fs.empty()) << b;
    for (const auto& f : fs) {
      EXPECT_LE(f.severity, Severity::kLow) << b << " " << f.id;
      EXPECT_NE(f.title.find("possible lineage, verify"), std::string::npos) << f.title;
      ExpectRendered(f);
    }
  }
  auto hon = A().assess_policies(V("honeywell"), Opts());
  for (const auto& f : hon) EXPECT_LE(f.severity, Severity::kLow);
  // No CVE through a weak relation either.
  EXPECT_TRUE(A().assess_cves(V(nullptr, "truvision", "DS-2CD2043G0-I", "V5.5.0 build 170725"), Opts()).empty());
}

TEST(PolicyFindings, UkCriterionForOtherPrcManufacturers) {
  // The statement names no company: a PRC maker no other rule names gets no finding from it ...
  EXPECT_TRUE(A().assess_policies(V("uniview"), Opts()).empty());
  // ... and where it applies, the text says it is an interpretation of a criterion, and names the limit.
  auto fs = A().assess_policies(V("huawei"), Opts());
  auto uk = std::find_if(fs.begin(), fs.end(), [](const Finding& f) { return f.id == "policy.uk.sensitive-sites"; });
  ASSERT_NE(uk, fs.end());
  EXPECT_NE(uk->detail.find("interpretation"), std::string::npos) << uk->detail;
  EXPECT_NE(uk->detail.find("criterion"), std::string::npos) << uk->detail;
}

TEST(PolicyFindings, PolicySelection) {
  const auto known = A().data().jurisdictions();
  AssessOptions o = Opts();
  o.jurisdictions = *parse_policy_option("uk", known);
  EXPECT_EQ(Ids(A().assess_policies(V("dahua"), o)), std::set<std::string>{"policy.uk.sensitive-sites"});
  // "us" selects the federal rules and the states' ("us-la").
  o.jurisdictions = *parse_policy_option("us,au", known);
  EXPECT_EQ(Ids(A().assess_policies(V("dahua"), o)),
            (std::set<std::string>{"policy.us.fcc-covered", "policy.us.ndaa-889", "policy.us.ndaa-805-1260h",
                                   "policy.us.entity-list", "policy.us-la.rs-39-1753-1",
                                   "policy.au.government-removal"}));
  o.jurisdictions = *parse_policy_option("us-la", known);
  EXPECT_EQ(Ids(A().assess_policies(V("dahua"), o)), std::set<std::string>{"policy.us-la.rs-39-1753-1"});
  o.jurisdictions = *parse_policy_option("ca", known);
  EXPECT_EQ(Ids(A().assess_policies(V("hikvision"), o)), std::set<std::string>{"policy.ca.ica-order-hikvision"});
  o.jurisdictions = *parse_policy_option("none", known);
  EXPECT_TRUE(A().assess_policies(V("dahua"), o).empty());
  o.jurisdictions = *parse_policy_option("all", known);
  EXPECT_EQ(A().assess_policies(V("dahua"), o).size(), 7u);
  // Japan's rules name no vendor: selecting them is valid and gives no finding.
  o.jurisdictions = *parse_policy_option("jp", known);
  EXPECT_TRUE(A().assess_policies(V("dahua"), o).empty());
  auto bad = parse_policy_option("us,mars", known);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("us-la"), std::string::npos) << bad.error().message;  // the known list, from data
  EXPECT_FALSE(parse_policy_option("u", known));  // a first part must be whole
}

TEST(PolicyFindings, LorexDecidedByModelLine) {
  // A Lorex line with Dahua build evidence stays Dahua-built, whatever the later ownership.
  auto built = A().assess_policies(V(nullptr, "lorex", "E891AB"), Opts());
  ASSERT_TRUE(Find(built, "policy.us.ndaa-805-1260h"));
  EXPECT_EQ(Find(built, "policy.us.ndaa-805-1260h")->severity, Severity::kMedium);
  EXPECT_EQ(Find(built, "policy.us.fcc-covered")->severity, Severity::kHigh);
  EXPECT_NE(Find(built, "policy.us.fcc-covered")->detail.find("Sold as Lorex, made by Dahua"), std::string::npos);
  EXPECT_NE(Find(built, "policy.us.fcc-covered")->detail.find("relation dated 2018-02-06 to 2022-11-23"),
            std::string::npos);
  // A Lorex line with no Dahua evidence is not flagged as Dahua (only the weak Hikvision edge: verify).
  auto other = A().assess_policies(V(nullptr, "lorex", "W881AA"), Opts());
  EXPECT_FALSE(Find(other, "policy.us.ndaa-805-1260h"));
  for (const auto& f : other) {
    EXPECT_LE(f.severity, Severity::kLow) << f.id;
    EXPECT_EQ(f.detail.find("made by Dahua"), std::string::npos) << f.detail;
  }
  // Model unknown: possible lineage, verify.
  auto unknown = A().assess_policies(V(nullptr, "lorex"), Opts());
  ASSERT_TRUE(Find(unknown, "policy.us.ndaa-805-1260h"));
  EXPECT_EQ(Find(unknown, "policy.us.ndaa-805-1260h")->severity, Severity::kLow);
  // Device evidence naming Dahua still wins for any line.
  auto identified = A().assess_policies(V("dahua", "lorex", "W881AA"), Opts());
  EXPECT_EQ(Find(identified, "policy.us.fcc-covered")->severity, Severity::kHigh);
}

// The UK statement names no company (a criterion): anshin raises it only for the PRC-headquartered makers
// that US rules name (FCC Covered List, NDAA section 889), never for another PRC maker (issue 10: no policy
// finding on a maker no rule names; issue 11: a rule naming no vendor is context).
TEST(PolicyFindings, UkCriterionOnlyForPrcMakersOtherRulesName) {
  size_t named = 0, prc_other = 0;
  for (const auto& v : Kb().vocab().vendors()) {
    if (v.kind != "manufacturer") continue;
    auto fs = A().assess_policies(V(v.id.c_str()), Opts());
    const bool us = Find(fs, "policy.us.fcc-covered") != nullptr || Find(fs, "policy.us.ndaa-889") != nullptr;
    const Finding* uk = Find(fs, "policy.uk.sensitive-sites");
    if (v.hq == "CN" && us) {
      ++named;
      ASSERT_TRUE(uk) << v.id;
      EXPECT_EQ(uk->severity, Severity::kMedium) << v.id;
    } else if (v.oem_of.empty()) {  // a maker that also relabels a listed one (Honeywell) may get the weak form
      if (v.hq == "CN") ++prc_other;
      EXPECT_FALSE(uk) << v.id << " (hq " << v.hq << ")";
    }
  }
  EXPECT_EQ(named, 5u);      // Hikvision, Dahua, Huawei, ZTE, Hytera
  EXPECT_GE(prc_other, 10u);  // Uniview, Xiongmai, TP-Link, Milesight ...: the note, not a finding
}

TEST(PolicyFindings, ContextRecordsAreNeverFindings) {
  std::set<std::string> context;
  for (const auto& p : A().data().policies)
    if (p.context) context.insert(p.finding_id);
  for (const char* id : {"policy.jp.it-procurement-2018", "policy.jp.esp-act-prenotification",
                         "policy.us.fcc-test-labs-2025", "policy.in.cctv-stqc-2025", "policy.us-tx.ga-48",
                         "policy.eu.parliament-hikvision"})
    EXPECT_TRUE(context.count(id)) << id;
  for (const auto& v : Kb().vocab().vendors()) {
    if (v.kind == "component") continue;
    for (const auto& f : A().assess_policies(V(v.kind == "manufacturer" ? v.id.c_str() : nullptr,
                                               v.kind == "brand" ? v.id.c_str() : nullptr), Opts()))
      EXPECT_FALSE(context.count(f.id)) << v.id << " " << f.id;
  }
}

TEST(PolicyData, EveryPolicyHasIssuerScopeAndLabelInBothLanguages) {
  for (const auto& p : A().data().policies) {
    for (const Text* t : {&p.title, &p.label, &p.issuer, &p.scope, &p.statement}) EXPECT_TRUE(t->complete()) << p.id;
    EXPECT_FALSE(p.sources.empty()) << p.id;
    if (!p.context) {
      EXPECT_TRUE(p.rule.complete() && p.remediation.complete()) << p.id;
    }
  }
  // The report rows come from the data, in display order, rules first and context after.
  auto rows = policy_infos(A().data(), Opts());
  ASSERT_GE(rows.size(), 14u);
  EXPECT_EQ(rows[0].finding_id, "policy.us.fcc-covered");
  EXPECT_EQ(rows[0].label, "US: FCC Covered List");
  EXPECT_FALSE(rows[0].context);
  EXPECT_TRUE(rows.back().context);
  auto ja = policy_infos(A().data(), Opts("ja"));
  EXPECT_EQ(ja[0].label, "米国 FCC 対象リスト（Covered List）");
}

std::string ReadDoc(const std::string& rel) {
  std::ifstream in(std::string(ANSHIN_SOURCE_DIR) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(PolicyData, ContractAndAssessmentDocsListEveryPolicy) {
  const std::string contract = ReadDoc("docs/contract.md"), assessment = ReadDoc("docs/assessment.md");
  ASSERT_FALSE(contract.empty());
  for (const auto& p : A().data().policies) {
    EXPECT_NE(contract.find("`" + p.finding_id + "`"), std::string::npos) << p.finding_id << " missing in docs/contract.md";
    EXPECT_NE(assessment.find("`" + p.finding_id + "`"), std::string::npos) << p.finding_id << " missing in docs/assessment.md";
  }
}

TEST(PolicyData, ErrorsOfTheSourceRecordAreFixed) {
  auto policy = [](const std::string& id) -> const Policy& {
    for (const auto& p : A().data().policies)
      if (p.id == id) return p;
    ADD_FAILURE() << id;
    return A().data().policies.front();
  };
  auto has_milestone = [](const Policy& p, const std::string& date) {
    return std::any_of(p.milestones.begin(), p.milestones.end(), [&](const Milestone& m) { return m.date == date; });
  };
  // E15/E16: the 2024-2025 milestones.
  const Policy& fcc = policy("us.fcc-covered");
  for (const char* d : {"2024-04-02", "2025-05-22", "2025-12-22", "2025-12-26"}) EXPECT_TRUE(has_milestone(fcc, d)) << d;
  EXPECT_TRUE(has_milestone(policy("uk.sensitive-sites"), "2023-10-26"));
  EXPECT_TRUE(has_milestone(policy("au.government-removal"), "2024-07-05"));
  EXPECT_TRUE(has_milestone(policy("ca.ica-order-hikvision"), "2025-09-22"));
  EXPECT_TRUE(has_milestone(policy("us.ndaa-805-1260h"), "2027-06-30"));
  // E8: the Australian statement claims no formal ban, in both languages.
  const Policy& au = policy("au.government-removal");
  EXPECT_NE(au.statement.en.find("No formal list or ban was found"), std::string::npos);
  EXPECT_NE(au.statement.ja.find("正式なリストや禁止措置は確認されていません"), std::string::npos);
  EXPECT_EQ(au.statement.en.find("removed {target} cameras from Commonwealth sites"), std::string::npos);
  // An export-control listing is not a use ban: informational only.
  EXPECT_EQ(policy("us.entity-list").severity, Severity::kInfo);
}

TEST(PolicyFindings, UnknownManufacturerGivesNothing) {
  EXPECT_TRUE(A().assess_policies(DeviceVerdict{}, Opts()).empty());
}

TEST(PolicyFindings, JapaneseTexts) {
  auto fs = A().assess_policies(V("hikvision", "annke"), Opts("ja"));
  ASSERT_EQ(fs.size(), 7u);  // FCC, 889, Entity List, Louisiana, UK, AU, Canada (the 1260H entry is Dahua only)
  for (const auto& f : fs) {
    ExpectRendered(f);
    EXPECT_NE(f.detail.find("Annke ブランドで販売されていますが、製造元は Hikvision です"), std::string::npos) << f.detail;
  }
  EXPECT_NE(Find(fs, "policy.us.fcc-covered")->detail.find("用途"), std::string::npos);
}

// ------------------------------------------------------------------------------------------- CVEs
TEST(CveFindings, HitWithKevRaisesSeverity) {
  auto fs = A().assess_cves(V("hikvision", nullptr, "DS-2CD2043G0-I", "V5.5.0 build 170725"), Opts());
  const Finding* f = Find(fs, "cve.CVE-2021-36260");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::kCritical);
  EXPECT_NE(f->detail.find("Known Exploited"), std::string::npos);
  EXPECT_NE(f->detail.find("no exploit traffic"), std::string::npos);
  ExpectRendered(*f);
}

TEST(CveFindings, OldHikvisionHitsThe2017Pair) {
  auto fs = A().assess_cves(V("hikvision", nullptr, "DS-2CD2532F-IWS", "V5.2.0 build 140721"), Opts());
  EXPECT_TRUE(Find(fs, "cve.CVE-2017-7921"));
  EXPECT_TRUE(Find(fs, "cve.CVE-2017-7923"));
  EXPECT_EQ(Find(fs, "cve.CVE-2017-7921")->severity, Severity::kCritical);
  EXPECT_EQ(Find(fs, "cve.CVE-2017-7923")->severity, Severity::kHigh);
}

TEST(CveFindings, FirmwareUnknownIsPossibleAtLowerSeverity) {
  auto fs = A().assess_cves(V("hikvision", nullptr, "DS-2CD2432F-IW"), Opts());
  const Finding* f = Find(fs, "cve.CVE-2017-7921");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->severity, Severity::kMedium);
  EXPECT_NE(f->title.find("possibly affected, firmware not learned"), std::string::npos);
  EXPECT_NE(f->detail.find("not learned"), std::string::npos);
  ExpectRendered(*f);
  // A Dahua DHIP version has no build date: possible, not hit.
  auto d = A().assess_cves(V("dahua", nullptr, "IPC-HDW3441T-ZAS", "2.800.0000000.16.R"), Opts("ja"));
  const Finding* g = Find(d, "cve.CVE-2021-33044");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->severity, Severity::kMedium);
  EXPECT_NE(g->title.find("ファームウェア未確認"), std::string::npos);
  ExpectRendered(*g);
}

TEST(CveFindings, BuildDateFromASeparateObservation) {
  auto v = V("dahua", nullptr, "IPC-HDW3441T-ZAS", "2.800.0000000.16.R");
  HostRecord h;
  h.services.push_back(testing::service("dahua", 80, {{"dahua.build_date", "2020-10-19"}}));
  auto without = A().assess_cves(v, Opts());
  auto with = A().assess_cves(v, Opts(), &h);
  ASSERT_TRUE(Find(without, "cve.CVE-2021-33044"));
  ASSERT_TRUE(Find(with, "cve.CVE-2021-33044"));
  EXPECT_EQ(Find(without, "cve.CVE-2021-33044")->severity, Severity::kMedium);
  EXPECT_EQ(Find(with, "cve.CVE-2021-33044")->severity, Severity::kCritical);  // 9.8 + KEV
  EXPECT_EQ(Find(with, "cve.CVE-2021-33044")->evidence.back().source, "dahua.build_date");
  EXPECT_FALSE(Find(with, "cve.CVE-2021-33045"));  // built after 2020-05-01
}

TEST(CveFindings, ModelOnlyAndUncertain) {
  // ICSA-17-124-02 lines (no range: model only) and CVE-2019-3948 (HX4X3X: one named build, this is another).
  auto fs = A().assess_cves(V("dahua", nullptr, "IPC-HFW4431R-Z", "2.622.0000000.31.R"), Opts());
  EXPECT_EQ(Ids(fs), (std::set<std::string>{"cve.CVE-2017-7925", "cve.CVE-2017-7927", "cve.CVE-2019-3948"}));
  for (const auto& f : fs) EXPECT_EQ(f.severity, Severity::kMedium) << f.id;
  ASSERT_TRUE(Find(fs, "cve.CVE-2017-7927"));
  EXPECT_NE(Find(fs, "cve.CVE-2017-7927")->title.find("no version range"), std::string::npos);
  ASSERT_TRUE(Find(fs, "cve.CVE-2019-3948"));
  EXPECT_NE(Find(fs, "cve.CVE-2019-3948")->title.find("verify"), std::string::npos);
  auto hl = A().assess_cves(V("hikvision", "hilook", "IPC-B140H", "V5.5.800 build 210628"), Opts());
  ASSERT_TRUE(Find(hl, "cve.CVE-2021-36260"));
  EXPECT_EQ(Find(hl, "cve.CVE-2021-36260")->severity, Severity::kMedium);
  EXPECT_NE(Find(hl, "cve.CVE-2021-36260")->title.find("verify"), std::string::npos);
}

TEST(CveFindings, RelabelledUnitSaysSo) {
  auto fs = A().assess_cves(V("hikvision", "annke", "DS-2CD2043G0-I", "V5.5.0 build 170725"), Opts());
  const Finding* f = Find(fs, "cve.CVE-2021-36260");
  ASSERT_TRUE(f);
  EXPECT_NE(f->detail.find("Sold as Annke, made by Hikvision"), std::string::npos);
  EXPECT_NE(f->detail.find("relabelled unit"), std::string::npos);
  // Brand only, S relation (Amcrest -> Dahua).
  auto a = A().assess_cves(V(nullptr, "amcrest", "IPC-HDW3441T-ZAS", "2.800.0000000.16.R,build:2020-10-19"), Opts());
  EXPECT_TRUE(Find(a, "cve.CVE-2021-33044"));
}

TEST(CveFindings, NoneForCleanOrUnrelatedDevices) {
  EXPECT_TRUE(A().assess_cves(V("hikvision", nullptr, "DS-2CD2386G2-IU", "V5.7.3 build 220112"), Opts()).empty());
  EXPECT_TRUE(A().assess_cves(V("axis", nullptr, "P3245-LV", "10.12.153"), Opts()).empty());
  EXPECT_TRUE(A().assess_cves(V("hikvision"), Opts()).empty());  // no model: never guess
  EXPECT_TRUE(A().assess_cves(V("bosch", nullptr, "DS-2CD2043G0-I", "V5.5.0 build 170725"), Opts()).empty());
}

TEST(CveFindings, EveryExampleRendersInBothLanguages) {
  size_t rendered = 0;
  for (const auto& c : A().data().cves)
    for (const auto& ex : c.examples) {
      DeviceVerdict v = V(c.vendor.c_str(), nullptr, ex.model.c_str(), ex.firmware ? ex.firmware->c_str() : nullptr);
      for (const char* lang : {"en", "ja"}) {
        auto fs = A().assess_cves(v, Opts(lang));
        const Finding* f = Find(fs, "cve." + c.id);
        EXPECT_EQ(f != nullptr, ex.expect != "miss") << c.id << " " << ex.model;
        if (!f) continue;
        ExpectRendered(*f);
        EXPECT_FALSE(f->references.empty());
        if (ex.expect == "possible") {
          EXPECT_LE(f->severity, Severity::kMedium) << c.id << " " << ex.model;
        }
        ++rendered;
      }
    }
  EXPECT_GT(rendered, 50u);
}

TEST(CveFindings, SeverityBands) {
  EXPECT_EQ(cvss_severity(9.8), Severity::kCritical);
  EXPECT_EQ(cvss_severity(7.5), Severity::kHigh);
  EXPECT_EQ(cvss_severity(4.0), Severity::kMedium);
  EXPECT_EQ(cvss_severity(3.9), Severity::kLow);
  EXPECT_EQ(raise(Severity::kHigh), Severity::kCritical);
  EXPECT_EQ(raise(Severity::kCritical), Severity::kCritical);
}

// ---------------------------------------------------------------------------------------- hygiene
TEST(HygieneFindings, EveryCheckFiresOnTheDirtyHost) {
  for (const char* lang : {"en", "ja"}) {
    auto fs = A().assess_hygiene(DirtyHost(), Opts(lang));
    EXPECT_EQ(Ids(fs), (std::set<std::string>{"auth.rtsp-open", "auth.onvif-open", "auth.not-activated",
                                              "exposure.telnet", "exposure.ftp", "exposure.http-cleartext",
                                              "exposure.upnp", "exposure.p2p-cloud", "tls.weak"}));
    for (const auto& f : fs) {
      ExpectRendered(f);
      EXPECT_FALSE(f.evidence.empty()) << f.id;
    }
  }
  auto fs = A().assess_hygiene(DirtyHost(), Opts());
  EXPECT_EQ(Find(fs, "auth.not-activated")->severity, Severity::kHigh);
  EXPECT_EQ(Find(fs, "tls.weak")->severity, Severity::kMedium);
  EXPECT_EQ(Find(fs, "exposure.http-cleartext")->severity, Severity::kLow);  // HTTPS also offered
  EXPECT_NE(Find(fs, "tls.weak")->detail.find("expired on 2026-04-13"), std::string::npos);
  EXPECT_NE(Find(fs, "tls.weak")->detail.find("TLSv1.1"), std::string::npos);
  EXPECT_NE(Find(fs, "tls.weak")->detail.find("factory default"), std::string::npos);
  EXPECT_NE(Find(fs, "auth.rtsp-open")->detail.find("/Streaming/Channels/101"), std::string::npos);
}

TEST(HygieneFindings, NothingOnTheCleanHost) {
  auto fs = A().assess_hygiene(CleanHost(), Opts());
  EXPECT_TRUE(fs.empty()) << (fs.empty() ? "" : fs[0].id);
}

TEST(HygieneFindings, RtspOptionsAloneProvesNothing) {
  HostRecord h;
  h.services.push_back(testing::service("rtsp", 554, {{"rtsp.status", "200"}, {"rtsp.describe.status", "200"}, {"rtsp.sdp.media_count", "0"}}));
  EXPECT_TRUE(A().assess_hygiene(h, Opts()).empty());
}

TEST(HygieneFindings, LenientBooleansAndSingleChecks) {
  for (const char* v : {"false", "FALSE", " flase ", "0"}) {
    HostRecord h;
    h.services.push_back(testing::service("sadp", 37020, {{"sadp.activated", v}}));
    EXPECT_EQ(Ids(A().assess_hygiene(h, Opts())), std::set<std::string>{"auth.not-activated"}) << v;
  }
  HostRecord t;
  t.open_tcp_ports = {23};
  EXPECT_EQ(Ids(A().assess_hygiene(t, Opts())), std::set<std::string>{"exposure.telnet"});
  HostRecord http;
  http.services.push_back(testing::service("http", 80, {{"http.status", "200"}}));
  auto fs = A().assess_hygiene(http, Opts());
  ASSERT_EQ(Ids(fs), std::set<std::string>{"exposure.http-cleartext"});
  EXPECT_EQ(fs[0].severity, Severity::kMedium);
  HostRecord redirect;
  redirect.services.push_back(testing::service("http", 80, {{"http.status", "301"}, {"http.redirect.location", "https://10.0.0.5/"}}));
  EXPECT_TRUE(A().assess_hygiene(redirect, Opts()).empty());
  HostRecord cert;
  cert.services.push_back(testing::service("http", 443,
                              {{"tls.cert.subject", "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"},
                               {"tls.cert.self_signed", "true"},
                               {"tls.version", "TLSv1.2"},
                               {"tls.cert.not_after", "2030-01-01"}},
                              true, "https"));
  auto c = A().assess_hygiene(cert, Opts());
  ASSERT_EQ(Ids(c), std::set<std::string>{"tls.weak"});
  EXPECT_EQ(c[0].severity, Severity::kLow);
}

TEST(HygieneFindings, DefaultCredentialsTextExists) {
  for (const char* lang : {"en", "ja"}) {
    auto f = A().default_credentials_finding("http", 80, "default_creds.csv row 12", Opts(lang));
    EXPECT_EQ(f.id, "auth.default-credentials");
    EXPECT_EQ(f.severity, Severity::kCritical);
    ExpectRendered(f);
  }
}

// ----------------------------------------------------------------------------------------- whole
TEST(AssessDevice, AnnkeContractExample) {
  Device d;
  d.verdict = V("hikvision", "annke", "DS-2CD2043G0-I", "V5.5.0 build 170725");
  auto fs = A().assess(d, DirtyHost(), Opts());
  ASSERT_FALSE(fs.empty());
  EXPECT_EQ(fs[0].severity, Severity::kCritical);
  for (size_t i = 1; i < fs.size(); ++i) EXPECT_GE(fs[i - 1].severity, fs[i].severity);
  auto r = summarize(fs);
  EXPECT_EQ(r.highest, Severity::kCritical);
  EXPECT_EQ(r.total, fs.size());
}

// A scan run in English can be reported in Japanese (and the reverse): every finding carries its texts in
// every shipped language, rendered from the same arguments as a scan in that language would.
TEST(AssessDevice, TextsInEveryLanguageMatchAScanInThatLanguage) {
  Device d;
  d.verdict = V("hikvision", "annke", "DS-2CD2043G0-I", "V5.5.0 build 170725");
  const auto en = A().assess(d, DirtyHost(), Opts("en"));
  const auto ja = A().assess(d, DirtyHost(), Opts("ja"));
  ASSERT_EQ(en.size(), ja.size());
  ASSERT_GT(en.size(), 3u);
  for (size_t i = 0; i < en.size(); ++i) {
    ASSERT_EQ(en[i].id, ja[i].id);
    ASSERT_EQ(en[i].texts.count("ja"), 1u) << en[i].id;
    EXPECT_EQ(en[i].texts.at("ja").title, ja[i].title) << en[i].id;
    EXPECT_EQ(en[i].texts.at("ja").detail, ja[i].detail) << en[i].id;
    EXPECT_EQ(en[i].texts.at("ja").remediation, ja[i].remediation) << en[i].id;
    EXPECT_EQ(ja[i].texts.at("en").title, en[i].title) << en[i].id;
    EXPECT_EQ(en[i].texts.at("en").title, en[i].title) << en[i].id;
    EXPECT_NE(en[i].title, ja[i].title) << en[i].id;
  }
  const auto creds = A().default_credentials_finding("http", 80, "row 12", Opts("en"));
  EXPECT_EQ(creds.texts.at("ja").title, A().default_credentials_finding("http", 80, "row 12", Opts("ja")).title);
}

// One assessment renders every language: a language anshin does not ship reads in English and the
// finding still carries every shipped language's texts, equal to those of an English scan.
TEST(AssessDevice, AnUnshippedLanguageReadsInEnglishAndKeepsEveryShippedOne) {
  Device d;
  d.verdict = V("hikvision", "annke", "DS-2CD2043G0-I", "V5.5.0 build 170725");
  const auto en = A().assess(d, DirtyHost(), Opts("en"));
  const auto fr = A().assess(d, DirtyHost(), Opts("fr"));
  ASSERT_EQ(en.size(), fr.size());
  for (size_t i = 0; i < en.size(); ++i) {
    ASSERT_EQ(en[i].id, fr[i].id);
    EXPECT_EQ(fr[i].title, en[i].title) << en[i].id;
    EXPECT_EQ(fr[i].detail, en[i].detail) << en[i].id;
    EXPECT_EQ(fr[i].texts.size(), 3u) << en[i].id;  // fr, en, ja
    EXPECT_EQ(fr[i].texts.at("fr"), en[i].texts.at("en")) << en[i].id;
    EXPECT_EQ(fr[i].texts.at("ja"), en[i].texts.at("ja")) << en[i].id;
  }
}

TEST(AssessDevice, NonCameraHostKeepsExposureButNotWebAdmin) {
  Device d;
  d.verdict.category = Category::kOther;
  HostRecord h;
  h.open_tcp_ports = {23, 80};
  h.services.push_back(testing::service("http", 80, {{"http.status", "200"}, {"http.header.server", "nginx"}}));
  h.services.push_back(testing::service("ssdp", 1900, {{"ssdp.server", "Linux/5.10 UPnP/1.0 MiniUPnPd/2.2"}}));
  EXPECT_EQ(Ids(A().assess(d, h, Opts())), (std::set<std::string>{"exposure.telnet", "exposure.upnp"}));
}

TEST(AssessDevice, EveryContractIdHasEnAndJaTexts) {
  for (const auto& id : contract_finding_ids()) {
    if (id.rfind("policy.", 0) == 0) continue;
    const auto* t = A().data().finding(id);
    ASSERT_TRUE(t) << id;
    EXPECT_TRUE(t->title.complete() && t->detail.complete() && t->remediation.complete()) << id;
    EXPECT_FALSE(t->triggers.empty()) << id;
  }
  for (const auto& p : A().data().policies) EXPECT_TRUE(p.title.complete() && p.statement.complete()) << p.id;
}

TEST(AssessSummary, Fleet) {
  std::vector<Device> devs(3);
  devs[0].findings = A().assess_policies(V("hikvision", "annke"), Opts());
  devs[1].findings = A().assess_hygiene(DirtyHost(), Opts());
  auto fr = summarize_fleet(devs);
  EXPECT_EQ(fr.devices, 3u);
  EXPECT_EQ(fr.devices_with_findings, 2u);
  EXPECT_EQ(fr.by_policy["policy.us.fcc-covered"], std::vector<size_t>{0});
  EXPECT_EQ(fr.critical_or_high, (std::vector<size_t>{0, 1}));
  EXPECT_EQ(fr.by_finding["tls.weak"], 1u);
  EXPECT_FALSE(summarize({}).highest);
}

}  // namespace
}  // namespace anshin::assess
