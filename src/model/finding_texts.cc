#include <string>
#include <string_view>

#include "model/device.h"

namespace anshin {

Finding localized(const Finding& finding, std::string_view lang) {
  Finding out = finding;
  auto it = finding.texts.find(std::string(lang));
  if (it == finding.texts.end()) return out;
  out.title = it->second.title;
  out.detail = it->second.detail;
  out.remediation = it->second.remediation;
  return out;
}

void share_texts(std::vector<Finding>& findings, TextPool& pool) {
  for (auto& f : findings) {
    f.title = pool.intern_shared(f.title);
    f.detail = pool.intern_shared(f.detail);
    f.remediation = pool.intern_shared(f.remediation);
    for (auto& [lang, text] : f.texts) {
      text.title = pool.intern_shared(text.title);
      text.detail = pool.intern_shared(text.detail);
      text.remediation = pool.intern_shared(text.remediation);
    }
  }
}

void localize(ScanSnapshot& snapshot, std::string_view lang) {
  const std::string key(lang);
  for (auto& device : snapshot.devices) {
    for (auto& f : device.findings) {
      auto it = f.texts.find(key);
      if (it == f.texts.end()) continue;
      f.title = it->second.title;
      f.detail = it->second.detail;
      f.remediation = it->second.remediation;
    }
  }
}

}  // namespace anshin
