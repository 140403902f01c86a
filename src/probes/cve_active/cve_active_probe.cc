// cve_active: read-only confirmation of CVEs the version match already flagged (--check-cves-active).
// The pipeline passes the CVE ids the assessor matched for this device (ProbeContext::intrusive); for
// each one with an entry in active_checks(), one GET on the first web port, never chained further.
// Observes `cve.active` = "CVE-2017-7921 confirmed: ..." or "CVE-2017-7921 not confirmed: HTTP 401".
// Reply bodies are never recorded (they may hold device data).
#include "core/text.h"
#include "probes/common.h"
#include "probes/cve_active/active_checks.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr ActiveCheck kChecks[] = {
    {"CVE-2017-7921", "auth-bypass-read", "GET", "/system/deviceInfo?auth=YWRtaW46MTEK", "<firmwareVersion>",
     "nuclei-templates http/cves/2017/CVE-2017-7921.yaml"},
};

constexpr std::string_view kEmits[] = {"cve.active"};
constexpr ProbeInfo kInfo{"cve_active", Intrusiveness::kIntrusive, kEmits};

class CveActiveProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    if (!ctx.intrusive || ctx.intrusive->active_cves.empty()) return false;
    return is_first_web_port(ctx.host, port);
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    rec.status = ProbeStatus::kSuccess;
    const std::string host = host_port(ctx.host.address, port);
    for (const auto& cve : ctx.intrusive->active_cves) {
      if (ctx.stop) break;
      const ActiveCheck* check = find_active_check(cve);
      if (!check || check->check_class != "auth-bypass-read" || (check->method != "GET" && check->method != "HEAD"))
        continue;
      codec::http::Request req;
      req.method = std::string(check->method);
      req.target = std::string(check->target);
      req.host = host;
      req.headers = {{"User-Agent", "anshin"}, {"Connection", "close"}};
      auto ex = co_await http_exchange(ctx, port, tls, codec::http::build_request(req), 64 * 1024);
      if (!ex) {
        observe(rec, "cve.active", std::string(cve) + " not confirmed: " + ex.error().message);
        continue;
      }
      const auto& r = ex->response;
      const bool hit = r.status == 200 && text::to_lower(r.body).find(text::to_lower(check->confirm)) != std::string::npos;
      observe(rec, "cve.active",
              std::string(cve) + (hit ? " confirmed: " : " not confirmed: ") + "HTTP " + std::to_string(r.status) +
                  " to " + std::string(check->method) + " " + std::string(check->target) +
                  (hit ? " (reply contains " + std::string(check->confirm) + ")" : ""));
    }
    co_return rec;
  }
};

}  // namespace

std::span<const ActiveCheck> active_checks() { return kChecks; }

const ActiveCheck* find_active_check(std::string_view cve) {
  for (const auto& c : kChecks)
    if (c.cve == cve) return &c;
  return nullptr;
}

std::unique_ptr<Probe> make_cve_active_probe() { return std::make_unique<CveActiveProbe>(); }

}  // namespace anshin::probes
