// hikvision: read-only ISAPI/web paths that Hikvision firmware serves (codec/isapi/isapi.h):
// GET /ISAPI/System/deviceInfo without credentials (401 on current firmware: the userCheck body may
// show the lock state) and GET /doc/page/login.asp (the web login page). Never touches the language-setting
// endpoint of CVE-2021-36260 (see cve_active/active_checks_test.cc) or any path that writes.
#include "codec/isapi/isapi.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {
    "isapi.auth", "isapi.model", "isapi.firmware_version", "isapi.firmware_released_date", "isapi.serial_number",
    "isapi.mac_address", "isapi.device_type", "isapi.manufacturer", "isapi.device_name", "isapi.lock_status",
    "http.path.ok"};
constexpr ProbeInfo kInfo{"hikvision", Intrusiveness::kSafe, kEmits};

class HikvisionProbe final : public Probe {
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
    auto info = co_await http_exchange(ctx, port, tls, codec::http::build_get(host, "/ISAPI/System/deviceInfo"));
    if (!info) {
      fail(rec, info.error());
      co_return rec;
    }
    rec.status = ProbeStatus::kProtocolMismatch;
    const auto& r = info->response;
    if (r.status == 200) {
      if (auto di = codec::isapi::parse_device_info(r.body); di && (!di->model.empty() || !di->firmware_version.empty())) {
        rec.status = ProbeStatus::kSuccess;
        observe(rec, "isapi.auth", "open");
        observe(rec, "isapi.model", di->model);
        observe(rec, "isapi.firmware_version", di->firmware_version);
        observe(rec, "isapi.firmware_released_date", di->firmware_released_date);
        observe(rec, "isapi.serial_number", di->serial_number);
        observe(rec, "isapi.mac_address", di->mac_address);
        observe(rec, "isapi.device_type", di->device_type);
        observe(rec, "isapi.manufacturer", di->manufacturer);
        observe(rec, "isapi.device_name", di->device_name);
      }
    } else if (r.status == 401) {
      // Only an ISAPI-shaped 401 counts: a userCheck body or a Digest challenge on this path.
      auto uc = codec::isapi::parse_user_check(r.body);
      if (uc && uc->status_value) {
        rec.status = ProbeStatus::kAuthRequired;
        observe(rec, "isapi.auth", "required");
        observe(rec, "isapi.lock_status", uc->lock_status);
      }
    }
    if (!ctx.stop) {
      auto login = co_await http_exchange(ctx, port, tls, codec::http::build_get(host, "/doc/page/login.asp"), 64 * 1024);
      if (login && login->response.status == 200) {
        observe(rec, "http.path.ok", "/doc/page/login.asp");
        if (rec.status == ProbeStatus::kProtocolMismatch) rec.status = ProbeStatus::kSuccess;
      }
    }
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_hikvision_probe() { return std::make_unique<HikvisionProbe>(); }

}  // namespace anshin::probes
