// dahua: read-only Dahua CGI and the first, unauthenticated step of the RPC2 login (python-amcrest,
// dahua-rpc; see codec/dahua/dahua.h): magicBox getDeviceType / getSoftwareVersion / getSerialNo / getVendor, which old
// firmware answers without credentials, and POST /RPC2_Login with an empty password, whose reply is
// the login challenge (realm, random, encryption) — a fingerprint, not a login attempt. No second
// login step is ever sent, and nothing that writes.
#include "codec/dahua/dahua.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {"dahua.device_type", "dahua.software_version", "dahua.build_date",
                                       "dahua.serial", "dahua.vendor", "dahua.rpc2.realm", "dahua.rpc2.encryption"};
constexpr ProbeInfo kInfo{"dahua", Intrusiveness::kSafe, kEmits};

class DahuaProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    return is_first_web_port(ctx.host, port);
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    rec.status = ProbeStatus::kProtocolMismatch;
    const std::string host = host_port(ctx.host.address, port);
    static constexpr std::string_view kActions[] = {"getDeviceType", "getSoftwareVersion", "getSerialNo", "getVendor"};
    for (std::string_view action : kActions) {
      if (ctx.stop) break;
      auto ex = co_await http_exchange(
          ctx, port, tls, codec::http::build_get(host, "/cgi-bin/magicBox.cgi?action=" + std::string(action)), 16 * 1024);
      if (!ex) {
        if (action == kActions[0]) {
          fail(rec, ex.error());
          co_return rec;
        }
        break;
      }
      if (ex->response.status == 401) {
        rec.status = ProbeStatus::kAuthRequired;
        break;  // credentials needed: the other actions will say the same
      }
      if (ex->response.status != 200) break;
      auto kv = codec::dahua::parse_key_values(ex->response.body);
      if (!kv) break;
      const auto info = codec::dahua::magicbox_info(*kv);
      observe(rec, "dahua.device_type", info.device_type);
      observe(rec, "dahua.software_version", info.software_version);
      observe(rec, "dahua.build_date", info.build_date);
      observe(rec, "dahua.serial", info.serial_number);
      observe(rec, "dahua.vendor", info.vendor);
      if (!rec.observations.empty()) rec.status = ProbeStatus::kSuccess;
    }
    if (!ctx.stop) {
      auto login = co_await http_exchange(
          ctx, port, tls,
          codec::http::build_post(host, "/RPC2_Login", "application/json", codec::dahua::build_rpc2_login_first()),
          16 * 1024);
      if (login && login->response.status == 200) {
        if (auto reply = codec::dahua::parse_rpc2_login(login->response.body); reply && !reply->realm.empty()) {
          observe(rec, "dahua.rpc2.realm", reply->realm);
          observe(rec, "dahua.rpc2.encryption", reply->encryption);
          if (rec.status != ProbeStatus::kSuccess) rec.status = ProbeStatus::kSuccess;
        }
      }
    }
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_dahua_probe() { return std::make_unique<DahuaProbe>(); }

}  // namespace anshin::probes
