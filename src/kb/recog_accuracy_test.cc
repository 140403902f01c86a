// Accuracy of the knowledge base on recog's labelled examples (https://github.com/rapid7/recog, BSD-2).
//  - positive: the 138 examples of the 98 camera fingerprints (derived_camera_subset.jsonl): the strongest
//    vendor our rules give must equal recog's vendor label normalised through our vocabulary aliases.
//    The rules were ported from the same corpus, so this is partly circular: it proves the port.
//  - negative: examples of every NON-camera fingerprint of recog's XML files (printers, routers, TVs, ...)
//    must not make our rules claim a surveillance category (camera, nvr, dvr, encoder, intercom, vms).
// Run: build-kb/kb_tests --gtest_filter='RecogAccuracy.*'
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "kb/kb.h"

namespace anshin::kb {
namespace {

const std::filesystem::path kRecog = std::filesystem::path(ANSHIN_SOURCE_DIR) / ".." / "shared" / "corpora" / "recog";

// recog database file -> anshin observation key (telnet_banners.xml has no `matches` attribute).
const std::map<std::string, std::string> kFileKey = {
    {"xml/http_servers.xml", "http.header.server"}, {"xml/http_wwwauth.xml", "http.header.www_authenticate"},
    {"xml/html_title.xml", "http.title"},           {"xml/favicons.xml", "http.favicon.md5"},
    {"xml/ftp_banners.xml", "ftp.banner"},          {"xml/telnet_banners.xml", "telnet.banner"},
    {"xml/rtsp_servers.xml", "rtsp.header.server"}, {"xml/x509_subjects.xml", "tls.cert.subject"},
    {"xml/dhcp_vendor_class.xml", "dhcp.vendor_class"}, {"xml/sip_user_agents.xml", "sip.user_agent"},
    {"xml/snmp_sysdescr.xml", "snmp.sysdescr"}};

std::string b64decode(const std::string& in) {
  std::string out;
  int val = 0, bits = -8;
  for (unsigned char c : in) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+') d = 62;
    else if (c == '/') d = 63;
    else continue;
    val = (val << 6) | d;
    bits += 6;
    if (bits >= 0) {
      out += static_cast<char>((val >> bits) & 0xff);
      bits -= 8;
    }
  }
  return out;
}

std::shared_ptr<const KnowledgeBase> kb() {
  static auto k = [] {
    Diagnostics d;
    auto r = KnowledgeBase::load_embedded(d);
    return r ? *r : nullptr;
  }();
  return k;
}

// recog's vendor label: hw.vendor, else os.vendor, else service.vendor ("{x}" refers to another param).
std::string recog_vendor(const nlohmann::json& params) {
  for (const char* k : {"hw.vendor", "os.vendor", "service.vendor"}) {
    if (!params.contains(k)) continue;
    std::string v = params[k].get<std::string>();
    if (v.size() > 2 && v.front() == '{' && v.back() == '}') {
      std::string ref = v.substr(1, v.size() - 2);
      v = params.contains(ref) ? params[ref].get<std::string>() : "";
    }
    if (!v.empty()) return v;
  }
  return "";
}

bool surveillance(const std::string& device) {
  static const std::set<std::string> s = {"camera", "nvr", "dvr", "encoder", "intercom", "vms"};
  return s.count(device) != 0;
}

TEST(RecogAccuracy, CameraSubsetVendor) {
  const auto file = kRecog / "derived_camera_subset.jsonl";
  if (!std::filesystem::exists(file)) GTEST_SKIP() << "recog corpus not found at " << file;
  ASSERT_TRUE(kb());
  std::ifstream in(file);
  std::string line;
  struct Tally { int total = 0, correct = 0; };
  std::map<std::string, Tally> per_vendor;
  Tally all;
  std::vector<std::string> misses;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    auto fp = nlohmann::json::parse(line);
    auto key_it = kFileKey.find(fp["source_file"].get<std::string>());
    ASSERT_NE(key_it, kFileKey.end()) << fp["source_file"];
    std::string label = recog_vendor(fp["params"]);
    std::string want;  // vocabulary id, "" = no vendor expected
    if (!label.empty()) {
      const Vendor* v = kb()->vocab().find_alias(label);
      ASSERT_NE(v, nullptr) << "recog vendor '" << label << "' is not in vocab/vendors.yaml";
      if (v->kind != "component") want = v->id;  // an SoC supplier is never the device vendor
    }
    for (const auto& ex : fp["examples"]) {
      std::string text = ex["text"].get<std::string>();
      if (ex["attrs"].value("_encoding", "") == "base64") text = b64decode(text);
      auto matches = kb()->match(Observation{key_it->second, text, 0, "recog"});
      const Match* best = strongest_vendor_match(matches);
      std::string got_vendor = best && best->set.count("hw.vendor") ? best->set.at("hw.vendor") : "";
      std::string got_brand = best && best->set.count("hw.brand") ? best->set.at("hw.brand") : "";
      bool ok = want.empty() ? best == nullptr : (got_vendor == want || got_brand == want);
      std::string bucket = want.empty() ? "(none)" : want;
      per_vendor[bucket].total++;
      all.total++;
      if (ok) {
        per_vendor[bucket].correct++;
        all.correct++;
      } else {
        misses.push_back(key_it->second + " '" + text.substr(0, 60) + "': want '" + want + "', got vendor '" + got_vendor +
                         "' brand '" + got_brand + "'" + (matches.empty() ? " (no rule matched)" : ""));
      }
    }
  }
  for (const auto& [v, t] : per_vendor) std::printf("  %-18s %3d/%-3d\n", v.c_str(), t.correct, t.total);
  for (const auto& m : misses) std::printf("  miss: %s\n", m.c_str());
  double pct = all.total ? 100.0 * all.correct / all.total : 0;
  std::printf("recog camera subset: %d/%d = %.1f%% vendor correct\n", all.correct, all.total, pct);
  EXPECT_EQ(all.total, 138);
  EXPECT_GE(pct, 95.0);
}

TEST(RecogAccuracy, NonCameraExamplesGetNoSurveillanceCategory) {
  const auto subset = kRecog / "derived_camera_subset.jsonl";
  const auto xml_dir = kRecog / "xml";
  if (!std::filesystem::exists(subset) || !std::filesystem::exists(xml_dir)) GTEST_SKIP() << "recog corpus not found at " << kRecog;
  ASSERT_TRUE(kb());
  std::set<std::pair<std::string, std::string>> camera;  // (file, pattern)
  {
    std::ifstream in(subset);
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) {
        auto fp = nlohmann::json::parse(line);
        camera.emplace(fp["source_file"].get<std::string>(), fp["pattern"].get<std::string>());
      }
  }
  int total = 0, fp_category = 0, with_vendor = 0, matched = 0;
  std::vector<std::string> shown;
  for (const auto& entry : std::filesystem::directory_iterator(xml_dir)) {
    if (entry.path().extension() != ".xml") continue;
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_file(entry.path().c_str())) << entry.path();
    pugi::xml_node root = doc.child("fingerprints");
    std::string rel = "xml/" + entry.path().filename().string();
    auto key_it = kFileKey.find(rel);
    if (key_it == kFileKey.end()) continue;  // a field anshin does not observe
    for (pugi::xml_node fpn : root.children("fingerprint")) {
      if (camera.count({rel, fpn.attribute("pattern").as_string()})) continue;
      for (pugi::xml_node ex : fpn.children("example")) {
        std::string text = ex.text().as_string();
        if (std::string(ex.attribute("_encoding").as_string()) == "base64") text = b64decode(text);
        ++total;
        auto matches = kb()->match(Observation{key_it->second, text, 0, "recog"});
        bool bad = false;
        for (const auto& m : matches) {
          auto d = m.set.find("hw.device");
          if (d != m.set.end() && surveillance(d->second)) {
            bad = true;
            if (shown.size() < 20)
              shown.push_back(rel + " [" + fpn.child_value("description") + "] '" + text.substr(0, 60) + "' -> rule " + m.rule_id);
          }
        }
        if (!matches.empty()) ++matched;
        if (bad) ++fp_category;
        if (strongest_vendor_match(matches) != nullptr) ++with_vendor;
      }
    }
  }
  for (const auto& s : shown) std::printf("  false positive: %s\n", s.c_str());
  double rate = total ? 100.0 * fp_category / total : 0;
  std::printf("recog non-camera examples: %d/%d = %.2f%% given a surveillance category (%d matched some rule, %d with a vendor hint)\n",
              fp_category, total, rate, matched, with_vendor);
  EXPECT_GT(total, 1000);
  EXPECT_LT(rate, 1.0);
}

}  // namespace
}  // namespace anshin::kb
