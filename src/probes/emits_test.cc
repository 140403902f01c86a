// ProbeInfo::emits is the list docs/observation-keys.md documents: every key a probe declares is a row
// of that file naming the probe under "emitted by", and every row naming a probe is in its list.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "probes/registry.h"

namespace anshin::probes {
namespace {

// key -> the "emitted by" cell of its row (the "Planned keys" section left out). "`isapi.model` / `.firmware_version`" is expanded to
// isapi.model and isapi.firmware_version (a suffix replaces as many trailing parts of the first key).
std::map<std::string, std::string> documented_keys() {
  std::ifstream in(std::string(ANSHIN_SOURCE_DIR) + "/docs/observation-keys.md");
  std::stringstream ss;
  ss << in.rdbuf();
  std::map<std::string, std::string> out;
  std::string line;
  const std::regex code("`([^`]+)`");
  bool planned = false;  // the "Planned keys" table names future probes, not what is emitted today
  while (std::getline(ss, line)) {
    if (line.rfind("## ", 0) == 0) planned = line.rfind("## Planned keys", 0) == 0;
    if (planned || line.rfind("| `", 0) != 0) continue;
    const std::string first_cell = line.substr(2, line.find('|', 2) - 2);
    const size_t last_bar = line.find_last_of('|', line.size() - 2);
    const std::string emitted_by = line.substr(last_bar + 1, line.size() - last_bar - 2);
    std::string base;
    for (std::sregex_iterator it(first_cell.begin(), first_cell.end(), code), end; it != end; ++it) {
      std::string key = (*it)[1];
      if (key.front() == '.') {
        std::string prefix = base;
        for (size_t parts = std::count(key.begin(), key.end(), '.'); parts > 0; --parts)
          prefix = prefix.substr(0, prefix.rfind('.'));
        key = prefix + key;
      } else {
        base = key;
      }
      out[key] = emitted_by;
    }
  }
  return out;
}

bool names_probe(const std::string& emitted_by, std::string_view probe) {
  const std::regex word("\\b" + std::string(probe) + "\\b");
  return std::regex_search(emitted_by, word);
}

std::vector<const Probe*> all_probes() {
  std::vector<const Probe*> out;
  for (const auto& p : registry()) out.push_back(p.get());
  for (const auto& p : intrusive_registry()) out.push_back(p.get());
  return out;
}

TEST(ProbeEmits, EveryDeclaredKeyIsDocumentedForItsProbe) {
  const auto doc = documented_keys();
  ASSERT_GT(doc.size(), 50u) << "docs/observation-keys.md not read";
  for (const Probe* p : all_probes()) {
    const auto& info = p->info();
    EXPECT_FALSE(info.emits.empty()) << info.name;
    std::set<std::string_view> seen;
    for (std::string_view key : info.emits) {
      EXPECT_TRUE(seen.insert(key).second) << info.name << " declares " << key << " twice";
      auto it = doc.find(std::string(key));
      if (it == doc.end()) {
        ADD_FAILURE() << info.name << " emits " << key << ", which docs/observation-keys.md does not list";
        continue;
      }
      EXPECT_TRUE(names_probe(it->second, info.name))
          << key << ": docs/observation-keys.md says it is emitted by '" << it->second << "', not " << info.name;
    }
  }
}

TEST(ProbeEmits, EveryDocumentedKeyOfAProbeIsDeclared) {
  for (const auto& [key, emitted_by] : documented_keys())
    for (const Probe* p : all_probes()) {
      const auto& info = p->info();
      if (!names_probe(emitted_by, info.name)) continue;
      const bool declared = std::find(info.emits.begin(), info.emits.end(), key) != info.emits.end();
      EXPECT_TRUE(declared) << "docs/observation-keys.md lists " << key << " for " << info.name
                            << ", which does not declare it in ProbeInfo::emits";
    }
}

}  // namespace
}  // namespace anshin::probes
