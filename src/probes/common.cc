#include "probes/common.h"

#include <algorithm>

#include "core/text.h"
#include "model/ports.h"

namespace anshin::probes {

ServiceRecord new_record(const Probe& probe, uint16_t port, std::string_view protocol) {
  ServiceRecord rec;
  rec.probe = std::string(probe.info().name);
  rec.port = port;
  rec.transport = Transport::kTcp;
  rec.protocol = std::string(protocol);
  return rec;
}

void observe(ServiceRecord& rec, std::string_view key, std::string_view value) {
  value = text::trim(value);
  if (value.empty()) return;
  if (value.size() > kMaxObservationValue) value = value.substr(0, kMaxObservationValue);
  rec.observations.push_back({std::string(key), std::string(value), rec.port, rec.probe});
}

ProbeStatus status_for(const Error& e) {
  switch (e.code) {
    case Errc::kRefused: return ProbeStatus::kRefused;
    case Errc::kTimeout: return ProbeStatus::kTimeout;
    case Errc::kClosed: return ProbeStatus::kClosed;
    case Errc::kTls: return ProbeStatus::kTlsError;
    case Errc::kProtocol: return ProbeStatus::kProtocolMismatch;
    case Errc::kOutOfScope: return ProbeStatus::kOutOfScope;
    default: return ProbeStatus::kClosed;
  }
}

void fail(ServiceRecord& rec, const Error& error) {
  rec.status = status_for(error);
  rec.error = error;
}

std::string host_port(const IpAddr& address, uint16_t port) {
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
  return address.to_string() + ":" + std::to_string(port);
}

boost::asio::awaitable<Result<size_t>> read_reply_start(ProbeContext& ctx, net::Stream& stream, std::string& buffer,
                                                        size_t max, net::Deadline deadline, net::Clock::time_point sent,
                                                        bool guess) {
  constexpr auto kSlice = std::chrono::milliseconds(50);  // how often a guess re-derives its budget
  for (;;) {
    auto give_up = deadline;
    if (guess && ctx.replies && ctx.replies->has_sample()) {
      const net::RttLimits limits{.floor = kGuessReplyFloor,
                                  .ceiling = std::chrono::duration_cast<net::Micros>(deadline - sent)};
      give_up = std::min(deadline, sent + ctx.replies->timeout(limits));
    }
    const auto now = net::Clock::now();
    if (now >= give_up) co_return Error{Errc::kTimeout, "no reply"};
    auto n = co_await stream.read_some(buffer, max, guess ? std::min(give_up, now + kSlice) : give_up);
    if (n) {
      if (ctx.replies) ctx.replies->add(std::chrono::duration_cast<net::Micros>(net::Clock::now() - sent));
      co_return n;
    }
    if (n.error().code != Errc::kTimeout) co_return n.error();
  }
}

boost::asio::awaitable<Result<HttpExchange>> http_exchange(ProbeContext& ctx, uint16_t port, bool tls,
                                                           std::string request, size_t max_body, bool guess) {
  const auto deadline = ctx.deadline();
  // (No co_await inside ?: — GCC 12 miscompiles it.)
  Result<std::unique_ptr<net::Stream>> conn = Error{Errc::kIo, "not connected"};
  if (tls) conn = co_await ctx.dialer.connect_tls(ctx.host.address, port, deadline);
  else conn = co_await ctx.dialer.connect(ctx.host.address, port, deadline);
  if (!conn) co_return conn.error();
  net::Stream& stream = **conn;
  if (auto w = co_await stream.write(request, deadline); !w) co_return w.error();
  const auto sent = net::Clock::now();
  codec::http::Limits limits;
  limits.max_body = max_body;
  const bool head = request.rfind("HEAD ", 0) == 0;
  std::string buffer;
  const size_t cap = limits.max_header_bytes + max_body + 64 * 1024;  // chunk framing slack
  for (;;) {
    Result<size_t> n = size_t{0};
    if (buffer.empty()) n = co_await read_reply_start(ctx, stream, buffer, 16384, deadline, sent, guess);
    else n = co_await stream.read_some(buffer, 16384, deadline);
    const bool eof = !n && n.error().code == Errc::kClosed;
    if (!n && !eof) co_return n.error();
    auto parsed = codec::http::parse_response(buffer, limits, {.at_eof = eof, .no_body = head});
    if (parsed.state == codec::http::ParseState::kComplete) {
      HttpExchange ex{std::move(parsed.response), std::nullopt};
      if (const auto* info = stream.tls()) ex.tls = *info;
      co_return ex;
    }
    if (parsed.state == codec::http::ParseState::kInvalid)
      co_return Error{Errc::kProtocol, "not an HTTP reply: " + parsed.error};
    if (eof) co_return Error{Errc::kClosed, "connection closed before a complete reply"};
    if (buffer.size() > cap) co_return Error{Errc::kProtocol, "HTTP reply too large"};
  }
}

bool is_rtsp_port(uint16_t port) { return port_role(port) == PortRole::kRtsp; }
bool is_tls_port(uint16_t port) { return port_role(port) == PortRole::kTls; }
bool is_banner_port(uint16_t port) { return port_role(port) == PortRole::kBanner; }

bool http_is_a_guess(uint16_t port) {
  const WellKnownPort* row = find_well_known_port(port);
  return !row || (row->service != "http" && row->service != "https");
}

std::vector<std::pair<uint16_t, bool>> http_ports(const HostRecord& host) {
  std::vector<std::pair<uint16_t, bool>> out;
  for (const auto& s : host.services)
    if (s.probe == "http" && (s.status == ProbeStatus::kSuccess || s.status == ProbeStatus::kAuthRequired))
      out.emplace_back(s.port, s.tls);
  auto rank = [](uint16_t p) { return p == 80 ? 0 : p == 443 ? 1 : p == 8080 ? 2 : 3; };
  std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return rank(a.first) != rank(b.first) ? rank(a.first) < rank(b.first) : a.first < b.first;
  });
  return out;
}

bool is_first_web_port(const HostRecord& host, uint16_t port) {
  const auto ports = http_ports(host);
  return !ports.empty() && ports.front().first == port;
}

bool probe_succeeded(const HostRecord& host, std::string_view probe) {
  return std::any_of(host.services.begin(), host.services.end(),
                     [&](const ServiceRecord& s) { return s.probe == probe && s.status == ProbeStatus::kSuccess; });
}

}  // namespace anshin::probes
