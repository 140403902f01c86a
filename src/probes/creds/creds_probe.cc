// creds: the opt-in login check (--check-default-creds, --credentials). On the host's first web port it
// GETs the pipeline's read-only login path without credentials, then answers the server's challenge
// (Digest when offered, else Basic) with the candidate pairs the pipeline chose from the data for this
// device (ProbeContext::intrusive). Safety rules (docs/assessment.md, "Intrusive checks"):
//   - at most kMaxLoginAttempts requests with credentials per device per scan;
//   - one attempt per account per scan (so never more than one per account per minute), hence one per
//     pair per service;
//   - stop at the first success and at the first lock sign: HTTP 403/423, a Hikvision userCheck body
//     with lockStatus=lock, or a 401 whose body changed from the unauthenticated one to a lock message;
//   - nothing at all when the pipeline says to skip (a device that reports it is not activated).
// The password never leaves this file except inside the Authorization header: observations name the
// account, the origin of the pair and its data row only.
#include <set>

#include "codec/auth/auth.h"
#include "core/text.h"
#include "probes/common.h"
#include "probes/registry.h"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {"creds.default.accepted", "creds.login.accepted", "creds.attempts",
                                       "creds.lockout",          "creds.skipped",        "creds.result"};
constexpr ProbeInfo kInfo{"creds", Intrusiveness::kIntrusive, kEmits};

bool contains_ci(std::string_view hay, std::string_view needle) {
  return text::to_lower(hay).find(text::to_lower(needle)) != std::string::npos;
}

// The lock sign in a reply, or "" when there is none. `baseline` is the unauthenticated 401 body.
std::string lock_sign(const codec::http::Response& r, const std::string& baseline) {
  if (r.status == 403 || r.status == 423) return "HTTP " + std::to_string(r.status);
  if (contains_ci(r.body, "<lockStatus>lock</lockStatus>")) return "userCheck lockStatus=lock";
  if (r.status == 401 && r.body != baseline && contains_ci(r.body, "lock")) return "401 body changed to a lock message";
  return "";
}

struct Scheme {
  bool digest = false;
  codec::auth::Challenge challenge;
};

std::optional<Scheme> pick_scheme(const codec::http::Response& r) {
  auto challenges = codec::auth::parse_challenges(r.header_values("WWW-Authenticate"));
  for (const auto& c : challenges) {
    const auto alg = text::to_lower(c.param("algorithm").value_or(""));
    if (c.is("Digest") && c.param("nonce") && (alg.empty() || alg == "md5")) return Scheme{true, c};
  }
  for (const auto& c : challenges)
    if (c.is("Basic")) return Scheme{false, c};
  return std::nullopt;
}

std::string authorization(const Scheme& s, const CredentialCandidate& cand, std::string_view uri, int n) {
  if (!s.digest) return codec::auth::basic_authorization(cand.username, cand.password);
  codec::auth::DigestParams p;
  p.username = cand.username;
  p.password = cand.password;
  p.realm = s.challenge.realm();
  p.nonce = s.challenge.param("nonce").value_or("");
  p.method = "GET";
  p.uri = std::string(uri);
  p.opaque = s.challenge.param("opaque").value_or("");
  p.algorithm = s.challenge.param("algorithm").value_or("");
  const auto qop = s.challenge.param("qop").value_or("");
  if (!qop.empty()) {
    p.qop = "auth";
    p.nc = "00000001";
    p.cnonce = codec::auth::md5_hex(p.nonce + ":" + std::to_string(n)).substr(0, 16);
  }
  return codec::auth::digest_authorization(p);
}

class CredsProbe final : public Probe {
 public:
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    if (!ctx.intrusive || (ctx.intrusive->credentials.empty() && ctx.intrusive->skip_reason.empty())) return false;
    return is_first_web_port(ctx.host, port);
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    const IntrusivePlan& plan = *ctx.intrusive;
    const bool tls = is_tls_port(port);
    ServiceRecord rec = new_record(*this, port, tls ? "https" : "http");
    rec.tls = tls;
    if (!plan.skip_reason.empty()) {
      observe(rec, "creds.skipped", plan.skip_reason);
      observe(rec, "creds.attempts", "0");
      co_return rec;
    }
    const std::string host = host_port(ctx.host.address, port);
    const std::string& path = plan.login_path;
    auto first = co_await http_exchange(ctx, port, tls, codec::http::build_get(host, path), 64 * 1024);
    if (!first) {
      fail(rec, first.error());
      observe(rec, "creds.attempts", "0");
      co_return rec;
    }
    rec.status = ProbeStatus::kSuccess;
    const std::string baseline = first->response.body;
    if (auto lock = lock_sign(first->response, baseline); !lock.empty()) {
      observe(rec, "creds.lockout", lock + " before any attempt");
      observe(rec, "creds.attempts", "0");
      co_return rec;
    }
    if (first->response.status != 401) {
      observe(rec, "creds.result", path + " answers HTTP " + std::to_string(first->response.status) +
                                       " without credentials: no login to check");
      observe(rec, "creds.attempts", "0");
      co_return rec;
    }
    auto scheme = pick_scheme(first->response);
    if (!scheme) {
      observe(rec, "creds.result", "no Digest (MD5) or Basic challenge: nothing tried");
      observe(rec, "creds.attempts", "0");
      co_return rec;
    }

    int attempts = 0;
    std::set<std::string> accounts;  // one attempt per account per scan
    std::string outcome = "no pair accepted";
    for (const auto& cand : plan.credentials) {
      if (attempts >= kMaxLoginAttempts || ctx.stop) break;
      if (!accounts.insert(cand.username).second) continue;
      ++attempts;
      std::vector<std::pair<std::string, std::string>> headers;
      headers.emplace_back("Authorization", authorization(*scheme, cand, path, attempts));
      std::string request = codec::http::build_get(host, path, "anshin", headers);
      headers.clear();
      auto ex = co_await http_exchange(ctx, port, tls, std::move(request), 64 * 1024);
      if (!ex) {
        outcome = "attempt " + std::to_string(attempts) + " failed: " + ex.error().message;
        break;
      }
      const auto& r = ex->response;
      if (r.status >= 200 && r.status < 300) {
        const std::string text = "account " + cand.username + " accepted on " + path + "; " + cand.ref;
        observe(rec, cand.origin == "default" ? "creds.default.accepted" : "creds.login.accepted", text);
        outcome.clear();
        break;
      }
      if (auto lock = lock_sign(r, baseline); !lock.empty()) {
        observe(rec, "creds.lockout", lock + " after " + std::to_string(attempts) + " attempt(s); stopped");
        outcome.clear();
        break;
      }
      if (r.status != 401) {
        outcome = "unexpected HTTP " + std::to_string(r.status) + "; stopped";
        break;
      }
      if (auto next = pick_scheme(r)) scheme = std::move(next);  // a fresh nonce for the next attempt
    }
    if (!outcome.empty()) observe(rec, "creds.result", outcome);
    observe(rec, "creds.attempts", std::to_string(attempts));
    co_return rec;
  }
};

}  // namespace

std::unique_ptr<Probe> make_creds_probe() { return std::make_unique<CredsProbe>(); }

}  // namespace anshin::probes
