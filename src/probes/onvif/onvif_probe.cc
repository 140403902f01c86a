// onvif: the ONVIF device service at /onvif/device_service on each web port until one answers:
// GetSystemDateAndTime (pre-auth by the spec), GetCapabilities and GetServices (pre-auth), and
// GetDeviceInformation without credentials (READ_SYSTEM by the spec: an answer means
// "onvif.device_info.auth = open"). XAddrs in replies are recorded, never followed.
#include "codec/soap/onvif.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {
    "onvif.system_time.utc", "onvif.namespace", "onvif.service", "onvif.device.manufacturer", "onvif.device.model",
    "onvif.device.firmware", "onvif.device.serial", "onvif.device.hardware_id", "onvif.device_info.auth"};
constexpr ProbeInfo kInfo{"onvif", Intrusiveness::kSafe, kEmits};
constexpr std::string_view kPath = "/onvif/device_service";

class OnvifProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    if (probe_succeeded(ctx.host, "onvif")) return false;
    for (const auto& [p, tls] : http_ports(ctx.host))
      if (p == port) return true;
    return false;
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    const std::string host = host_port(ctx.host.address, port);
    auto call = [&](std::string_view op, const std::string& body) {
      return http_exchange(ctx, port, tls, codec::http::build_post(host, kPath, codec::onvif::content_type(op), body));
    };

    auto time = co_await call("GetSystemDateAndTime", codec::onvif::get_system_date_and_time());
    if (!time) {
      fail(rec, time.error());
      co_return rec;
    }
    auto sdt = codec::onvif::parse_system_date_and_time(time->response.body);
    if (!sdt) {
      fail(rec, Error{Errc::kProtocol, "no SOAP reply at " + std::string(kPath)});
      co_return rec;
    }
    rec.status = ProbeStatus::kSuccess;
    for (const auto& ns : codec::onvif::vendor_namespaces(sdt->envelope.namespaces)) observe(rec, "onvif.namespace", ns);
    if (sdt->utc) observe(rec, "onvif.system_time.utc", sdt->utc->rfc3339());

    if (!ctx.stop) {
      auto info = co_await call("GetDeviceInformation", codec::onvif::get_device_information());
      if (info) {
        auto di = codec::onvif::parse_device_information(info->response.body);
        const bool answered = di && !di->envelope.fault && info->response.status == 200 &&
                              (!di->manufacturer.empty() || !di->model.empty() || !di->firmware_version.empty());
        if (answered) {
          observe(rec, "onvif.device_info.auth", "open");
          observe(rec, "onvif.device.manufacturer", di->manufacturer);
          observe(rec, "onvif.device.model", di->model);
          observe(rec, "onvif.device.firmware", di->firmware_version);
          observe(rec, "onvif.device.serial", di->serial_number);
          observe(rec, "onvif.device.hardware_id", di->hardware_id);
        } else {
          observe(rec, "onvif.device_info.auth", "required");
        }
      }
    }
    bool have_services = false;
    if (!ctx.stop) {
      auto services = co_await call("GetServices", codec::onvif::get_services());
      if (services) {
        if (auto s = codec::onvif::parse_services(services->response.body); s && !s->envelope.fault) {
          for (const auto& svc : s->services) observe(rec, "onvif.service", svc.ns);
          have_services = !s->services.empty();
        }
      }
    }
    if (!ctx.stop && !have_services) {  // older devices: GetCapabilities instead (as agsh/onvif does)
      auto caps = co_await call("GetCapabilities", codec::onvif::get_capabilities());
      if (caps) {
        if (auto c = codec::onvif::parse_capabilities(caps->response.body); c && !c->envelope.fault)
          for (const auto& [category, xaddr] : c->xaddrs) observe(rec, "onvif.service", category);
      }
    }
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_onvif_probe() { return std::make_unique<OnvifProbe>(); }

}  // namespace anshin::probes
