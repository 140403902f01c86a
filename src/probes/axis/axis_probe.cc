// axis: VAPIX basic device information, getAllUnrestrictedProperties
// (https://developer.axis.com/vapix/network-video/basic-device-information), readable
// anonymously by default on AXIS OS >= 8.40. A read-only JSON call. Where it is not served (older
// firmware), one read-only GET of param.cgi's Brand group, which older firmware often serves to anyone.
#include "codec/axis/axis.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {"axis.brand", "axis.prod_nbr", "axis.prod_full_name", "axis.prod_type",
                                       "axis.version", "axis.serial_number", "axis.build_date"};
constexpr ProbeInfo kInfo{"axis", Intrusiveness::kSafe, kEmits};

class AxisProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    return is_first_web_port(ctx.host, port);
  }

  static boost::asio::awaitable<void> read_param_brand(ProbeContext& ctx, uint16_t port, bool tls, ServiceRecord& rec) {
    auto ex = co_await http_exchange(ctx, port, tls,
                                     codec::http::build_get(host_port(ctx.host.address, port),
                                                            "/axis-cgi/param.cgi?action=list&group=Brand"),
                                     64 * 1024);
    if (!ex || ex->response.status != 200) co_return;
    auto brand = codec::axis::parse_param_brand(ex->response.body);
    if (!brand) co_return;
    observe(rec, "axis.brand", brand->brand);
    observe(rec, "axis.prod_nbr", brand->prod_nbr);
    observe(rec, "axis.prod_full_name", brand->prod_full_name);
    observe(rec, "axis.prod_type", brand->prod_type);
    if (!rec.observations.empty()) rec.status = ProbeStatus::kSuccess;
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    const std::string host = host_port(ctx.host.address, port);
    auto ex = co_await http_exchange(ctx, port, tls,
                                     codec::http::build_post(host, "/axis-cgi/basicdeviceinfo.cgi", "application/json",
                                                             codec::axis::build_basic_device_info_request()),
                                     64 * 1024);
    if (!ex) {
      fail(rec, ex.error());
      co_return rec;
    }
    rec.status = ex->response.status == 401 ? ProbeStatus::kAuthRequired : ProbeStatus::kProtocolMismatch;
    auto info = ex->response.status == 200 ? codec::axis::parse_basic_device_info(ex->response.body)
                                           : Result<codec::axis::BasicDeviceInfo>(make_error(Errc::kProtocol, "no basicdeviceinfo"));
    if (!info || info->error) {
      if (ex->response.status != 401 && !ctx.stop) co_await read_param_brand(ctx, port, tls, rec);
      co_return rec;
    }
    observe(rec, "axis.brand", info->brand);
    observe(rec, "axis.prod_nbr", info->prod_nbr);
    observe(rec, "axis.prod_full_name", info->prod_full_name);
    observe(rec, "axis.prod_type", info->prod_type);
    observe(rec, "axis.version", info->version);
    observe(rec, "axis.serial_number", info->serial_number);
    observe(rec, "axis.build_date", info->build_date);
    if (!rec.observations.empty()) rec.status = ProbeStatus::kSuccess;
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_axis_probe() { return std::make_unique<AxisProbe>(); }

}  // namespace anshin::probes
