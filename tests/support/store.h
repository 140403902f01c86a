// Helpers shared by the store tests (header only; not part of the library).
#pragma once
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "model/device.h"

namespace anshin::store::testutil {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "anshin-store-XXXXXX").string();
    char* p = mkdtemp(tmpl.data());
    if (p) path_ = p;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }

 private:
  std::string path_;
};

inline IpAddr ip(const char* text) { return *IpAddr::parse(text); }

inline Device device(const char* address, std::optional<std::string> mac = std::nullopt,
                     std::optional<std::string> serial = std::nullopt,
                     std::optional<std::string> firmware = std::nullopt) {
  Device d;
  d.address = ip(address);
  d.mac = std::move(mac);
  d.verdict.category = Category::kCamera;
  d.verdict.manufacturer = "Hikvision";
  d.verdict.model = "DS-2CD2043G0-I";
  d.verdict.serial = std::move(serial);
  d.verdict.firmware = std::move(firmware);
  return d;
}

inline Finding finding(const std::string& id, Severity severity = Severity::kHigh) {
  Finding f;
  f.id = id;
  f.severity = severity;
  f.title = "title of " + id;
  return f;
}

inline ScanInfo scan_info(const std::string& id) {
  ScanInfo s;
  s.id = id;
  s.started = "2026-11-27T10:00:00Z";
  s.targets = {"192.0.2.0/24"};
  s.addresses = 256;
  s.tool_version = "0.1.0";
  s.kb_version = "2026.11.27";
  return s;
}

inline void expect_same(const Evidence& a, const Evidence& b) {
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.port, b.port);
  EXPECT_EQ(a.value, b.value);
  EXPECT_EQ(a.implies, b.implies);
  EXPECT_EQ(a.rule, b.rule);
}

inline void expect_same(const Device& a, const Device& b) {
  EXPECT_EQ(a.address, b.address);
  EXPECT_EQ(a.mac, b.mac);
  const auto& va = a.verdict;
  const auto& vb = b.verdict;
  EXPECT_EQ(va.category, vb.category);
  EXPECT_EQ(va.manufacturer, vb.manufacturer);
  EXPECT_EQ(va.brand, vb.brand);
  EXPECT_EQ(va.manufacturer_id, vb.manufacturer_id);
  EXPECT_EQ(va.brand_id, vb.brand_id);
  EXPECT_EQ(va.model, vb.model);
  EXPECT_EQ(va.firmware, vb.firmware);
  EXPECT_EQ(va.serial, vb.serial);
  EXPECT_EQ(va.confidence, vb.confidence);
  ASSERT_EQ(va.evidence.size(), vb.evidence.size());
  for (size_t i = 0; i < va.evidence.size(); ++i) expect_same(va.evidence[i], vb.evidence[i]);
  EXPECT_EQ(va.conflicts, vb.conflicts);
  ASSERT_EQ(a.services.size(), b.services.size());
  for (size_t i = 0; i < a.services.size(); ++i) {
    EXPECT_EQ(a.services[i].port, b.services[i].port);
    EXPECT_EQ(a.services[i].transport, b.services[i].transport);
    EXPECT_EQ(a.services[i].protocol, b.services[i].protocol);
    EXPECT_EQ(a.services[i].tls, b.services[i].tls);
    EXPECT_EQ(a.services[i].product, b.services[i].product);
  }
  ASSERT_EQ(a.findings.size(), b.findings.size());
  for (size_t i = 0; i < a.findings.size(); ++i) {
    const auto& fa = a.findings[i];
    const auto& fb = b.findings[i];
    EXPECT_EQ(fa.id, fb.id);
    EXPECT_EQ(fa.severity, fb.severity);
    EXPECT_EQ(fa.title, fb.title);
    EXPECT_EQ(fa.detail, fb.detail);
    EXPECT_EQ(fa.remediation, fb.remediation);
    EXPECT_EQ(fa.references, fb.references);
    ASSERT_EQ(fa.evidence.size(), fb.evidence.size());
    for (size_t k = 0; k < fa.evidence.size(); ++k) expect_same(fa.evidence[k], fb.evidence[k]);
  }
}

}  // namespace anshin::store::testutil
