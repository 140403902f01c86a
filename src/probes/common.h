// Shared helpers for probes: bounded observations, one-shot HTTP exchanges, port roles.
#pragma once
#include <boost/asio/awaitable.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "codec/http/http.h"
#include "probes/probe.h"

namespace anshin::probes {

inline constexpr size_t kMaxObservationValue = 4096;

// A ServiceRecord for this probe and port, status kSkipped until set.
ServiceRecord new_record(const Probe& probe, uint16_t port, std::string_view protocol);
// Appends an observation (value trimmed and cut to kMaxObservationValue); empty values are dropped.
void observe(ServiceRecord& rec, std::string_view key, std::string_view value);
// Sets status and error from a failed Result.
void fail(ServiceRecord& rec, const Error& error);
ProbeStatus status_for(const Error& error);

struct HttpExchange {
  codec::http::Response response;
  std::optional<net::TlsInfo> tls;
};

// The shortest wait for a reply to a guess, however fast the host answered before.
inline constexpr std::chrono::milliseconds kGuessReplyFloor{400};

// Reads the first bytes of a reply to a request written at `sent` (at most `max` bytes appended) and
// records how long they took in ctx.replies. A `guess` (a protocol the port may not speak: HTTP on a
// vendor SDK port, the RTSP fallback) gives up once the host's reply budget has passed: its earlier
// replies' RTO (net/rtt.h, floor kGuessReplyFloor), re-derived while waiting as the host's other
// exchanges answer; before any reply, and for a non-guess, the wait ends at `deadline`.
boost::asio::awaitable<Result<size_t>> read_reply_start(ProbeContext& ctx, net::Stream& stream, std::string& buffer,
                                                        size_t max, net::Deadline deadline, net::Clock::time_point sent,
                                                        bool guess);

// One request on a fresh connection ("Connection: close" is added), the reply read and parsed with
// the codec, body at most `max_body` bytes. TLS when `tls` is set. `guess`: see read_reply_start.
boost::asio::awaitable<Result<HttpExchange>> http_exchange(ProbeContext& ctx, uint16_t port, bool tls,
                                                           std::string request, size_t max_body = 256 * 1024,
                                                           bool guess = false);

// "127.0.0.1:8080" / "[::1]:8080" for Host headers and URLs.
std::string host_port(const IpAddr& address, uint16_t port);

// Ports a device conventionally serves RTSP / TLS / server-first banners on (the roles in model/ports.h).
bool is_rtsp_port(uint16_t port);
bool is_tls_port(uint16_t port);
bool is_banner_port(uint16_t port);
// A port the table names for a non-web protocol (vendor SDK ports such as 8000, 37777, 9000) or does
// not name: an HTTP request there is a guess.
bool http_is_a_guess(uint16_t port);

// Ports on which the http probe found a web server, best first (80, 443, 8080, then ascending).
std::vector<std::pair<uint16_t, bool /*tls*/>> http_ports(const HostRecord& host);
// The host's best web port (the first of http_ports): where the vendor API probes run, once per host.
bool is_first_web_port(const HostRecord& host, uint16_t port);
// True when some earlier record of `probe` on this host has status kSuccess.
bool probe_succeeded(const HostRecord& host, std::string_view probe);

}  // namespace anshin::probes
