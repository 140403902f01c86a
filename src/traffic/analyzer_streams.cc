// The capture path's streams read across TCP segments: DNS over TCP (port 53) and telnet logins (23,
// 2323). Each followed connection holds a StreamState in its flow; at most Limits::max_streams at once.
#include "codec/dns/tcp_stream.h"
#include "codec/telnet/login.h"
#include "traffic/analyzer.h"

namespace anshin::traffic {

namespace packet = codec::packet;

struct StreamState {
  enum class Kind { kDns, kTelnet };
  StreamState(Kind k, size_t* live) : kind(k), live_count(live) { ++*live_count; }
  ~StreamState() { --*live_count; }
  StreamState(const StreamState&) = delete;
  StreamState& operator=(const StreamState&) = delete;

  Kind kind;
  size_t* live_count;
  codec::dns::TcpStream dns[2];      // [0] client to server, [1] server to client
  bool dns_lost[2] = {false, false};
  codec::telnet::LoginWatch telnet;
  bool reported = false;             // the telnet login was counted
};

void StreamStateDeleter::operator()(StreamState* s) const noexcept { delete s; }

namespace {
constexpr uint16_t kTelnetAltPort = 2323;
}

bool Analyzer::tcp_stream(int64_t time_us, const packet::Frame& f, bool from_client, StreamPtr& state) {
  const uint16_t server_port = from_client ? f.dst_port : f.src_port;
  StreamState::Kind kind;
  if (f.src_port == 53 || f.dst_port == 53) kind = StreamState::Kind::kDns;
  else if (server_port == codec::telnet::kPort || server_port == kTelnetAltPort) kind = StreamState::Kind::kTelnet;
  else return false;
  if (!state) {
    if (live_streams_ >= limits_.max_streams) {
      ++stats_.streams_dropped;
      return true;
    }
    state.reset(new StreamState(kind, &live_streams_));
  }
  const IpAddr& client = from_client ? f.src : f.dst;
  const IpAddr& server = from_client ? f.dst : f.src;
  if (state->kind == StreamState::Kind::kDns) {
    const int side = from_client ? 0 : 1;
    auto& stream = state->dns[side];
    stream.segment(f.tcp_seq, f.payload, [&](std::string_view message) {
      ++stats_.dns_tcp_messages;
      unicast_dns(time_us, message, f.src, f.dst);
    });
    if (stream.lost() && !state->dns_lost[side]) {
      state->dns_lost[side] = true;
      ++stats_.dns_tcp_lost;
    }
    return true;
  }
  auto& watch = state->telnet;
  if (from_client) watch.client_bytes(f.payload);
  else watch.server_bytes(f.payload);
  if (watch.login() && !state->reported) {
    state->reported = true;
    cleartext_login(time_us, client, server, server_port, "telnet", "login/password");
  }
  return true;
}

}  // namespace anshin::traffic
