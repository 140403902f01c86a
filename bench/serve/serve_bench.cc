// serve_bench DB [DEVICES] [SCANS]: builds an inventory of DEVICES devices (default 10000) seen over SCANS scans
// (default 30) at DB (some devices come and go, 1% get new firmware per scan), then times the JSON API in
// process (the handlers of src/serve/api.h, no socket): p50/p95/max per endpoint, first call (cold cache)
// apart. bench/serve/run adds the HTTP and browser figures.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "serve/api.h"
#include "store/store.h"

using namespace anshin;
using Clock = std::chrono::steady_clock;

namespace {

const char* kMakers[] = {"Hikvision", "Dahua", "Axis", "Hanwha Vision", "Bosch", "Uniview", "Reolink", "i-PRO"};

Finding make_finding(const std::string& id, Severity severity) {
  Finding f;
  f.id = id;
  f.severity = severity;
  f.title = "Title of " + id;
  f.detail = std::string(280, 'd');
  f.remediation = std::string(220, 'r');
  f.references = {"https://example.org/advisory/" + id};
  return f;
}

Device make_device(size_t i, int firmware_generation, std::mt19937& rng) {
  Device d;
  d.address = *IpAddr::parse("10." + std::to_string(i / 65536 % 256) + "." + std::to_string(i / 256 % 256) + "." +
                             std::to_string(i % 256));
  char mac[18];
  std::snprintf(mac, sizeof mac, "02:00:00:%02zx:%02zx:%02zx", (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
  d.mac = mac;
  const std::string maker = kMakers[i % 8];
  auto& v = d.verdict;
  v.category = i % 10 == 0 ? Category::kNvr : (i % 17 == 0 ? Category::kOther : Category::kCamera);
  v.manufacturer = maker;
  v.brand = maker;
  v.maker_proof = MakerProof::kProven;
  v.model = "MODEL-" + std::to_string(i % 97);
  v.firmware = "V5." + std::to_string(firmware_generation) + ".0 build 2001" + std::to_string(i % 10);
  v.serial = "SN" + std::to_string(i);
  v.confidence = 0.9;
  for (int e = 0; e < 3; ++e)
    v.evidence.push_back({"http.header.server", 80, maker + " server " + std::to_string(e), {{"manufacturer", maker}},
                          "rule-" + std::to_string(e)});
  d.services = {{80, Transport::kTcp, "http", false, std::nullopt}, {554, Transport::kTcp, "rtsp", false, std::nullopt}};
  d.findings.push_back(make_finding("exposure.http-cleartext", Severity::kLow));
  if (i % 8 < 2) {
    d.findings.push_back(make_finding("policy.us.ndaa-889", Severity::kHigh));
    d.findings.push_back(make_finding("policy.us.fcc-covered", Severity::kHigh));
  }
  if (firmware_generation < 3 && rng() % 3 == 0) d.findings.push_back(make_finding("cve.CVE-2017-7921", Severity::kCritical));
  return d;
}

struct Timing {
  double cold_ms = 0;
  std::vector<double> warm_ms;
};

void report(const char* name, Timing& t) {
  std::sort(t.warm_ms.begin(), t.warm_ms.end());
  const auto at = [&](double q) { return t.warm_ms[std::min(t.warm_ms.size() - 1, size_t(q * t.warm_ms.size()))]; };
  std::printf("%-34s cold %8.1f ms   p50 %7.2f ms   p95 %7.2f ms   max %7.2f ms   (n=%zu)\n", name, t.cold_ms, at(0.5),
              at(0.95), t.warm_ms.back(), t.warm_ms.size());
}

double call_ms(serve::Api& api, const std::string& target, int& status) {
  serve::Request r;
  r.method = "GET";
  r.target = target;
  const auto t0 = Clock::now();
  const auto res = api.handle(r, *serve::parse_target(target));
  status = res.status;
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: serve_bench DB [DEVICES] [SCANS]\n");
    return 1;
  }
  const size_t devices = argc > 2 ? std::stoul(argv[2]) : 10000;
  const int scans = argc > 3 ? std::stoi(argv[3]) : 30;
  auto db = store::Store::open(argv[1]);
  if (!db) return std::fprintf(stderr, "%s\n", db.error().message.c_str()), 1;
  std::mt19937 rng(42);
  std::vector<int> generation(devices, 0);
  const auto t0 = Clock::now();
  auto existing = db->list_scans();
  const int first = existing ? static_cast<int>(existing->size()) : 0;  // an inventory already built is reused
  for (int s = first; s < scans; ++s) {
    ScanInfo info;
    char started[32];
    std::snprintf(started, sizeof started, "2026-11-%02dT10:00:00Z", 1 + s % 28);
    info.started = started;
    info.targets = {"10.0.0.0/16"};
    info.addresses = 65536;
    info.tool_version = "bench";
    info.kb_version = "bench";
    auto number = db->begin_scan(info);
    std::vector<Device> seen;
    for (size_t i = 0; i < devices; ++i) {
      if (rng() % 100 == 0) ++generation[i];        // 1% new firmware per scan
      if (rng() % 50 == 0 && s > 0) continue;        // 2% not seen this time
      seen.push_back(make_device(i, generation[i], rng));
    }
    if (auto put = db->put_devices(*number, seen); !put) return std::fprintf(stderr, "%s\n", put.error().message.c_str()), 1;
    (void)db->finish_scan(*number, started, false);
  }
  std::printf("inventory: %zu devices x %d scans written in %.1f s\n", devices, scans,
              std::chrono::duration<double>(Clock::now() - t0).count());

  serve::Api api(*db);
  const std::vector<std::pair<const char*, std::vector<std::string>>> endpoints = {
      {"/api/v1/scans", {"/api/v1/scans"}},
      {"/api/v1/overview", {"/api/v1/overview"}},
      {"/api/v1/devices (page of 100)", {"/api/v1/devices", "/api/v1/devices?offset=5000", "/api/v1/devices?offset=9000"}},
      {"/api/v1/devices (filter+sort)", {"/api/v1/devices?maker=hik&severity=high&sort=firmware",
                                          "/api/v1/devices?q=10.0.3.&sort=severity", "/api/v1/devices?policy=any&order=desc"}},
      {"/api/v1/devices/{id}", {"/api/v1/devices/17", "/api/v1/devices/4242", "/api/v1/devices/9999"}},
      {"/api/v1/findings", {"/api/v1/findings"}},
      {"/api/v1/policies", {"/api/v1/policies"}},
      {"/api/v1/diff (two newest)", {"/api/v1/diff"}},
  };
  for (const auto& [name, targets] : endpoints) {
    Timing t;
    int status = 0;
    t.cold_ms = call_ms(api, targets[0], status);
    if (status != 200) return std::fprintf(stderr, "%s: status %d\n", targets[0].c_str(), status), 1;
    for (int i = 0; i < 60; ++i) t.warm_ms.push_back(call_ms(api, targets[i % targets.size()], status));
    report(name, t);
  }
  return 0;
}
