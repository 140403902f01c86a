// rtsp: OPTIONS, then DESCRIBE without credentials on a few well-known stream paths, on one
// connection where the server allows it. A 200 OPTIONS says nothing about stream protection; only
// DESCRIBE (401 versus 200 with an SDP that has media) does (RFC 2326). Never authenticates.
#include "codec/auth/auth.h"
#include "codec/rtsp/rtsp.h"
#include "codec/sdp/sdp.h"
#include "probes/common.h"
#include "probes/registry.h"

// GCC 12 reports a false -Wmismatched-new-delete on asio's coroutine frame when one member coroutine
// awaits another (the frame's operator new/delete pair is asio's own); see GCC PR 104810-style reports.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace anshin::probes {
namespace {

constexpr std::string_view kEmits[] = {
    "rtsp.status", "rtsp.header.server", "rtsp.header.public", "rtsp.header.www_authenticate", "rtsp.auth.scheme",
    "rtsp.auth.realm", "rtsp.describe.status", "rtsp.describe.path", "rtsp.sdp.session_name", "rtsp.sdp.tool",
    "rtsp.sdp.media_count", "rtsp.content_base.path", "rtsp.sdp.origin_user", "rtsp.sdp.info", "rtsp.sdp.uri",
    "rtsp.sdp.email", "rtsp.sdp.attribute", "rtsp.sdp.media"};
constexpr ProbeInfo kInfo{"rtsp", Intrusiveness::kSafe, kEmits};

// Candidate stream paths, tried in order until one is not 404 (nmap rtsp-urls.txt and cameradar's
// route list, https://github.com/Ullaakut/cameradar; facts, not code). Kept short: this is
// fingerprinting, not brute force.
constexpr std::string_view kPaths[] = {"/", "/Streaming/Channels/101", "/cam/realmonitor?channel=1&subtype=0",
                                       "/axis-media/media.amp", "/h264Preview_01_main"};

// The path of a Content-Base URL ("rtsp://192.168.5.106:554/Streaming/Channels/101/" ->
// "/Streaming/Channels/101/"): the stream-path convention of the firmware, without the device's address.
std::string_view url_path(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) {
    size_t slash = url.find('/');  // "192.168.1.10:554/stream0/" (seen without a scheme)
    return slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
  }
  size_t slash = url.find('/', scheme + 3);
  return slash == std::string_view::npos ? std::string_view{} : url.substr(slash);
}

// "/a/b/" and "/a/b" are the same path; "" and "/" too.
bool same_path(std::string_view a, std::string_view b) {
  while (!a.empty() && a.back() == '/') a.remove_suffix(1);
  while (!b.empty() && b.back() == '/') b.remove_suffix(1);
  return a == b;
}

// What a session description says of the server that wrote it: names, the origin's user field, the
// attributes (distinct, bounded) and the media lines. Values are the device's bytes, bounded by the codec.
void observe_sdp(ServiceRecord& rec, const codec::sdp::Session& sdp) {
  constexpr size_t kMaxAttributes = 32, kMaxMedia = 8;
  observe(rec, "rtsp.sdp.session_name", sdp.session_name);
  observe(rec, "rtsp.sdp.tool", sdp.tool);
  observe(rec, "rtsp.sdp.media_count", std::to_string(sdp.media_count()));
  observe(rec, "rtsp.sdp.origin_user", sdp.origin.substr(0, sdp.origin.find(' ')));
  observe(rec, "rtsp.sdp.info", sdp.session_info);
  observe(rec, "rtsp.sdp.uri", sdp.uri);
  observe(rec, "rtsp.sdp.email", sdp.email);
  std::vector<std::string_view> seen;
  auto attribute = [&](std::string_view a) {
    if (a.empty() || seen.size() >= kMaxAttributes) return;
    if (std::find(seen.begin(), seen.end(), a) != seen.end()) return;
    seen.push_back(a);
    observe(rec, "rtsp.sdp.attribute", a);
  };
  for (const auto& a : sdp.attributes) attribute(a);
  for (size_t i = 0; i < sdp.media.size(); ++i) {
    if (i < kMaxMedia) observe(rec, "rtsp.sdp.media", sdp.media[i].line);
    for (const auto& a : sdp.media[i].attributes) attribute(a);
  }
}

void observe_challenges(ServiceRecord& rec, const codec::rtsp::Reply& reply) {
  for (const auto& value : reply.www_authenticate()) {
    observe(rec, "rtsp.header.www_authenticate", value);
    if (auto ch = codec::auth::parse_www_authenticate(value); ch && !ch->empty()) {
      observe(rec, "rtsp.auth.scheme", ch->front().scheme);
      observe(rec, "rtsp.auth.realm", ch->front().realm());
    }
  }
}

class RtspProbe final : public Probe {
 public:
  // fallback: run on open ports that no earlier probe identified (RTSP servers on unusual ports,
  // e.g. a GStreamer server that answers HTTP with a 503 it never finishes), one OPTIONS more there.
  explicit RtspProbe(bool fallback) : fallback_(fallback) {}
  const ProbeInfo& info() const override { return kInfo; }
  bool applies(const ProbeContext& ctx, uint16_t port) const override {
    if (!fallback_) return is_rtsp_port(port);
    if (is_rtsp_port(port) || is_banner_port(port)) return false;
    for (const auto& s : ctx.host.services)
      if (s.port == port && s.transport == Transport::kTcp &&
          (s.status == ProbeStatus::kSuccess || s.status == ProbeStatus::kAuthRequired))
        return false;
    return true;
  }

  boost::asio::awaitable<ServiceRecord> run(ProbeContext& ctx, uint16_t port) override {
    // A guess on a port of unknown purpose gets a shorter wait, so silent SDK ports cost little.
    const auto saved = ctx.timeout;
    if (fallback_) ctx.timeout = std::min(ctx.timeout, std::chrono::milliseconds(1500));
    ServiceRecord rec = co_await run_with(ctx, port);
    ctx.timeout = saved;
    co_return rec;
  }

  boost::asio::awaitable<ServiceRecord> run_with(ProbeContext& ctx, uint16_t port) {
    ServiceRecord rec = new_record(*this, port, "rtsp");
    const std::string base = "rtsp://" + host_port(ctx.host.address, port);
    std::unique_ptr<net::Stream> stream;
    int cseq = 1;
    auto exchange = [&](std::string request) -> boost::asio::awaitable<Result<codec::rtsp::Reply>> {
      const auto deadline = ctx.deadline();
      for (int attempt = 0; attempt < 2; ++attempt) {
        if (!stream) {
          auto conn = co_await ctx.dialer.connect(ctx.host.address, port, deadline);
          if (!conn) co_return conn.error();
          stream = std::move(*conn);
        }
        if (auto w = co_await stream->write(request, deadline); !w) {
          stream.reset();  // the server closed after the last reply: reconnect once
          continue;
        }
        const auto sent = net::Clock::now();
        std::string buffer;
        for (;;) {
          Result<size_t> n = size_t{0};
          if (buffer.empty()) n = co_await read_reply_start(ctx, *stream, buffer, 16384, deadline, sent, fallback_);
          else n = co_await stream->read_some(buffer, 16384, deadline);
          const bool eof = !n && n.error().code == Errc::kClosed;
          if (!n && !eof) co_return n.error();
          auto parsed = codec::rtsp::parse_reply_incremental(buffer, {}, eof);
          if (parsed.state == codec::http::ParseState::kComplete) {
            if (eof) stream.reset();
            co_return codec::rtsp::to_reply(std::move(parsed.response));
          }
          if (parsed.state == codec::http::ParseState::kInvalid)
            co_return Error{Errc::kProtocol, "not an RTSP reply: " + parsed.error};
          if (eof) {
            stream.reset();
            if (buffer.empty() && attempt == 0) break;  // closed without a word: reconnect once
            co_return Error{Errc::kClosed, "connection closed before a complete reply"};
          }
          if (buffer.size() > 256 * 1024) co_return Error{Errc::kProtocol, "RTSP reply too large"};
        }
      }
      co_return Error{Errc::kClosed, "connection closed"};
    };

    auto options = co_await exchange(codec::rtsp::build_options(base, cseq++));
    if (!options) {
      fail(rec, options.error());
      co_return rec;
    }
    if (options->response.protocol != "RTSP") {
      fail(rec, Error{Errc::kProtocol, "answered " + options->response.protocol + ", not RTSP"});
      co_return rec;
    }
    observe(rec, "rtsp.status", std::to_string(options->response.status));
    observe(rec, "rtsp.header.server", options->server);
    observe(rec, "rtsp.header.public", options->public_raw);
    observe_challenges(rec, *options);  // some firmware guards OPTIONS itself (401 with its realm)
    rec.status = ProbeStatus::kSuccess;

    for (std::string_view path : kPaths) {
      if (ctx.stop) break;
      const std::string url = path == "/" ? base : base + std::string(path);
      auto d = co_await exchange(codec::rtsp::build_describe(url, cseq++));
      if (!d) break;
      const int status = d->response.status;
      if (status == 404 || status == 400 || status == 403 || status == 405 || status == 454) continue;
      observe(rec, "rtsp.describe.status", std::to_string(status));
      observe(rec, "rtsp.describe.path", path);
      if (rec.observations.end() == std::find_if(rec.observations.begin(), rec.observations.end(),
                                                 [](const Observation& o) { return o.key == "rtsp.header.server"; }))
        observe(rec, "rtsp.header.server", d->server);
      observe_challenges(rec, *d);
      if (status == 401) rec.status = ProbeStatus::kAuthRequired;
      // The Content-Base path is the firmware's own convention only when it is not the path we asked for
      // echoed back (a server that serves any mount path echoes ours).
      if (auto cb = url_path(d->content_base); !same_path(cb, path)) observe(rec, "rtsp.content_base.path", cb);
      if (status == 200) {
        if (auto sdp = codec::sdp::parse(d->response.body); sdp) observe_sdp(rec, *sdp);
      }
      break;
    }
    co_return rec;
  }
 private:
  bool fallback_ = false;
};

}  // namespace

std::unique_ptr<Probe> make_rtsp_probe() { return std::make_unique<RtspProbe>(false); }
std::unique_ptr<Probe> make_rtsp_fallback_probe() { return std::make_unique<RtspProbe>(true); }

}  // namespace anshin::probes
