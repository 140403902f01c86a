// paths: a handful of read-only GETs of vendor API paths whose mere existence identifies the firmware,
// even when they answer 401 (a /LAPI/ path that exists is itself the Uniview fingerprint).
// A control path that no firmware serves is asked first: when it answers 401 (the whole site is behind
// a login) or 200 (a catch-all page), that status says nothing about a path, so it is not recorded.
// Observes `http.path.auth` (a listed path that answered 401 while the control did not), `http.path.ok`
// (200 while the control did not) and the 401's WWW-Authenticate (realm rules apply to it as to GET /).
// Runs on the first web port only; never sends credentials, never a request that writes.
#include "codec/auth/auth.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {"http.path.auth", "http.path.ok", "http.header.www_authenticate",
                                       "http.auth.scheme", "http.auth.realm"};
constexpr ProbeInfo kInfo{"paths", Intrusiveness::kSafe, kEmits};

// A path no firmware serves (the baseline for "exists").
constexpr std::string_view kControlPath = "/anshin-probe-control-7f3a1c.html";

// Vendor API paths, each a plain read.
constexpr std::string_view kPaths[] = {
    "/LAPI/V1.0/System/DeviceInfo",                          // Uniview LAPI, HTTP Digest (apache/hertzbeat home/docs/help/uniview.md)
    "/stw-cgi/system.cgi?msubmenu=deviceinfo&action=view",   // Hanwha SUNAPI device info, HTTP Digest (waggle-sensor/summer2023 hanwha_commands.md)
    "/rcp.xml",                                              // Bosch RCP+ over CGI, no command: reads nothing (NickCis/perl-Bosch-RCPPlus)
};

class PathsProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    return is_first_web_port(ctx.host, port);
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    const std::string host = host_port(ctx.host.address, port);
    auto control = co_await http_exchange(ctx, port, tls, codec::http::build_get(host, kControlPath), 16 * 1024);
    if (!control) {
      fail(rec, control.error());
      co_return rec;
    }
    rec.status = ProbeStatus::kProtocolMismatch;
    const int baseline = control->response.status;
    if (control->response.protocol != "HTTP") co_return rec;
    for (std::string_view path : kPaths) {
      if (ctx.stop) break;
      auto ex = co_await http_exchange(ctx, port, tls, codec::http::build_get(host, path), 16 * 1024);
      if (!ex) continue;
      const auto& r = ex->response;
      if (r.status == baseline) continue;  // indistinguishable from a path that does not exist
      if (r.status == 401) {
        observe(rec, "http.path.auth", path);
        for (const auto& value : r.header_values("WWW-Authenticate")) {
          observe(rec, "http.header.www_authenticate", value);
          if (auto ch = codec::auth::parse_www_authenticate(value); ch && !ch->empty()) {
            observe(rec, "http.auth.scheme", ch->front().scheme);
            observe(rec, "http.auth.realm", ch->front().realm());
          }
        }
        rec.status = ProbeStatus::kAuthRequired;
      } else if (r.status == 200) {
        observe(rec, "http.path.ok", path);
        if (rec.status == ProbeStatus::kProtocolMismatch) rec.status = ProbeStatus::kSuccess;
      }
    }
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_paths_probe() { return std::make_unique<PathsProbe>(); }

}  // namespace anshin::probes
