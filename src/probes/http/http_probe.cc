// http: GET / (following at most 3 same-host redirects), then /favicon.ico. Observes status, Server,
// WWW-Authenticate (scheme, realm), page title, redirects, favicon MD5 and, over TLS, the protocol
// version and the certificate's subject, issuer, validity and self-signature.
// Runs on every open port that is not an RTSP or banner port; TLS on 443/8443.
#include "codec/auth/auth.h"
#include "codec/html/html.h"
#include "codec/x509/x509.h"
#include "core/text.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {
    "http.status", "http.header.server", "http.header.www_authenticate", "http.auth.scheme", "http.auth.realm",
    "http.title", "http.redirect.location", "http.favicon.md5", "tls.version", "tls.cert.subject",
    "tls.cert.issuer", "tls.cert.self_signed", "tls.cert.not_after"};
constexpr ProbeInfo kInfo{"http", Intrusiveness::kSafe, kEmits};
constexpr int kMaxRedirects = 3;

// The path of a Location that stays on this host and port, or nullopt.
std::optional<std::string> same_host_path(std::string_view location, const std::string& self) {
  if (location.empty()) return std::nullopt;
  if (location.front() == '/') return std::string(location.substr(0, 1024));
  for (std::string_view scheme : {"http://", "https://"}) {
    if (text::istarts_with(location, scheme)) {
      std::string_view rest = location.substr(scheme.size());
      const size_t slash = rest.find('/');
      const std::string_view authority = rest.substr(0, slash);
      if (authority != self && authority != self.substr(0, self.rfind(':'))) return std::nullopt;
      return slash == std::string_view::npos ? std::string("/") : std::string(rest.substr(slash, 1024));
    }
  }
  return std::nullopt;
}

class HttpProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext&, uint16_t port) const override {
    return !is_rtsp_port(port) && !is_banner_port(port);
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    const std::string self = host_port(ctx.host.address, port);
    std::string path = "/";
    for (int hop = 0;; ++hop) {
      // The first request on a port not known for the web is a guess (a silent vendor SDK port gives up
      // once the host's other replies say an answer would have come).
      const bool guess = hop == 0 && !tls && http_is_a_guess(port);
      auto ex = co_await http_exchange(ctx, port, tls, codec::http::build_get(self, path), 512 * 1024, guess);
      if (!ex) {
        if (hop == 0) {
          fail(rec, ex.error());
          co_return rec;
        }
        break;
      }
      if (hop == 0 && ex->tls) observe_tls(rec, *ex->tls);
      const auto& r = ex->response;
      if (r.protocol != "HTTP") {
        fail(rec, Error{Errc::kProtocol, "answered " + r.protocol + ", not HTTP"});
        co_return rec;
      }
      observe_response(rec, r);
      if (r.status >= 300 && r.status < 400 && hop < kMaxRedirects && !ctx.stop) {
        const std::string_view location = r.header("Location");
        observe(rec, "http.redirect.location", location);
        if (auto next = same_host_path(location, self); next && *next != path) {
          path = *next;
          continue;
        }
      }
      break;
    }
    rec.status = ProbeStatus::kSuccess;
    if (!ctx.stop) {
      auto fav = co_await http_exchange(ctx, port, tls, codec::http::build_get(self, "/favicon.ico"), 256 * 1024);
      if (fav && fav->response.status == 200 && !fav->response.body.empty())
        observe(rec, "http.favicon.md5", codec::auth::md5_hex(fav->response.body));
    }
    co_return rec;
  }

 private:
  static void observe_response(ServiceRecord& rec, const codec::http::Response& r) {
    observe(rec, "http.status", std::to_string(r.status));
    observe(rec, "http.header.server", r.header("Server"));
    for (const auto& value : r.header_values("WWW-Authenticate")) {
      observe(rec, "http.header.www_authenticate", value);
      if (auto challenges = codec::auth::parse_www_authenticate(value); challenges && !challenges->empty()) {
        observe(rec, "http.auth.scheme", challenges->front().scheme);
        observe(rec, "http.auth.realm", challenges->front().realm());
      }
    }
    if (auto title = codec::html::extract_title(r.body); title) observe(rec, "http.title", *title);
  }

  static void observe_tls(ServiceRecord& rec, const net::TlsInfo& tls) {
    observe(rec, "tls.version", tls.version);
    if (tls.peer_cert_der.empty()) return;
    if (auto cert = codec::x509::parse_der(tls.peer_cert_der); cert) {
      observe(rec, "tls.cert.subject", cert->subject);
      observe(rec, "tls.cert.issuer", cert->issuer);
      observe(rec, "tls.cert.self_signed", cert->self_signed ? "true" : "false");
      observe(rec, "tls.cert.not_after", cert->not_after);
    }
  }
};

}  // namespace

std::unique_ptr<Probe> make_http_probe() { return std::make_unique<HttpProbe>(); }

}  // namespace anshin::probes
