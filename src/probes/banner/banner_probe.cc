// banner: connect and read what a server-first service says within a short wait: telnet (IAC
// negotiation stripped and politely refused), FTP 220 greeting, SSH identification. Sends nothing
// except telnet refusals (WONT/DONT), so no login is ever attempted.
#include "codec/banner/banner.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {"telnet.banner", "ftp.banner", "ssh.banner"};
constexpr ProbeInfo kInfo{"banner", Intrusiveness::kPassive, kEmits};
constexpr size_t kMaxBanner = 4096;
constexpr std::chrono::milliseconds kMaxQuiet{1200};
constexpr std::chrono::milliseconds kMinQuiet{300};

class BannerProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext&, uint16_t port) const override { return is_banner_port(port); }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    ServiceRecord rec = new_record(*this, port, port == 21 ? "ftp" : port == 22 ? "ssh" : "telnet");
    const auto deadline = ctx.deadline();
    auto conn = co_await ctx.dialer.connect(ctx.host.address, port, deadline);
    if (!conn) {
      fail(rec, conn.error());
      co_return rec;
    }
    net::Stream& stream = **conn;
    std::string bytes;
    // Read until the server shows a prompt (nothing more comes before an answer), a line for FTP/SSH,
    // or the server stays quiet for a while: kMaxQuiet, less once the host's replies on other ports say
    // how fast it answers (net/rtt.h, at least kMinQuiet).
    const auto quiet_deadline = [&] {
      std::chrono::microseconds quiet = kMaxQuiet;
      if (ctx.replies && ctx.replies->has_sample()) quiet = ctx.replies->timeout({.floor = kMinQuiet, .ceiling = kMaxQuiet});
      return net::Clock::now() + quiet;
    };
    bool refused_options = false;
    while (bytes.size() < kMaxBanner) {
      auto n = co_await stream.read_some(bytes, kMaxBanner - bytes.size(), std::min(deadline, quiet_deadline()));
      if (!n) break;
      if (rec.protocol == "telnet") {
        const auto t = codec::banner::strip_telnet(bytes);
        if (!refused_options) {
          if (const std::string reply = codec::banner::telnet_refusals(t); !reply.empty()) {
            refused_options = true;
            (void)co_await stream.write(reply, deadline);
          }
        }
        if (codec::banner::ends_with_prompt(t.text)) break;
      }
      if (rec.protocol != "telnet" && bytes.find('\n') != std::string::npos) break;
    }
    if (bytes.empty()) {
      fail(rec, Error{Errc::kTimeout, "no banner"});
      co_return rec;
    }
    if (bytes.rfind("SSH-", 0) == 0 || rec.protocol == "ssh") {
      rec.protocol = "ssh";
      if (auto ident = codec::banner::parse_ssh_ident(bytes); ident) observe(rec, "ssh.banner", ident->line);
    } else if (auto ftp = codec::banner::parse_ftp_greeting(bytes); ftp && rec.protocol == "ftp") {
      observe(rec, "ftp.banner", ftp->text);
    } else {
      rec.protocol = "telnet";
      observe(rec, "telnet.banner", codec::banner::strip_telnet(bytes).text);
    }
    rec.status = rec.observations.empty() ? ProbeStatus::kProtocolMismatch : ProbeStatus::kSuccess;
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_banner_probe() { return std::make_unique<BannerProbe>(); }

}  // namespace anshin::probes
