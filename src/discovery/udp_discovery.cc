#include "discovery/udp_discovery.h"

#include <algorithm>
#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/multicast.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstring>
#include <netinet/in.h>
#include <sys/socket.h>
#include <deque>
#include <functional>
#include <random>
#include <utility>

#include "codec/dhip/dhip.h"
#include "codec/http/http.h"
#include "codec/sadp/sadp.h"
#include "codec/soap/wsd.h"
#include "codec/ssdp/ssdp.h"
#include "codec/ssdp/upnp.h"
#include "discovery/local_segments.h"
#include "discovery/replies.h"
#include "net/pacer.h"
#include "net/rtt.h"
#include "targets/intervals.h"
#include "targets/permutation.h"

namespace anshin::discovery {

namespace asio = boost::asio;
using udp = asio::ip::udp;
using Clock = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

constexpr size_t kDatagramBuffer = 64 * 1024;
constexpr size_t kMaxObservationsPerRecord = 256;
constexpr size_t kMaxPendingRepeats = 1 << 16;  // addresses waiting for their next repeat
constexpr auto kPollSlice = std::chrono::milliseconds(25);
constexpr int kYieldEvery = 32;  // datagrams sent between two yields to the event loop
constexpr size_t kSendMarks = 4096;  // addresses whose first send time is remembered (reply latencies)
constexpr auto kMinReplyWait = std::chrono::milliseconds(300);  // shortest wait after the last send

udp::endpoint to_endpoint(const IpAddr& a, uint16_t port) {
  if (a.is_v4()) return {asio::ip::address_v4(a.v4_value()), port};
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.v6_bytes().data(), 16);
  return {asio::ip::address_v6(b), port};
}

IpAddr from_address(const asio::ip::address& a) {
  if (a.is_v4()) return IpAddr::v4(a.to_v4().to_uint());
  const auto v6 = a.to_v6();
  if (v6.is_v4_mapped()) return IpAddr::v4(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_uint());
  std::array<uint8_t, 16> b{};
  const auto bytes = v6.to_bytes();
  std::memcpy(b.data(), bytes.data(), 16);
  return IpAddr::v6(b);
}

using net::Pacer;  // the TCP sweep's pacing, for datagrams

// Which probe datagram to build.
enum class ProbeKind : uint8_t { kWsdTyped, kWsdUntyped, kSadp, kDhip, kSsdp };
constexpr ProbeKind kProbeKinds[] = {ProbeKind::kWsdTyped, ProbeKind::kWsdUntyped, ProbeKind::kSadp, ProbeKind::kDhip,
                                     ProbeKind::kSsdp};
Protocol protocol_of(ProbeKind k) {
  switch (k) {
    case ProbeKind::kWsdTyped:
    case ProbeKind::kWsdUntyped: return Protocol::kWsd;
    case ProbeKind::kSadp: return Protocol::kSadp;
    case ProbeKind::kDhip: return Protocol::kDhip;
    case ProbeKind::kSsdp: return Protocol::kSsdp;
  }
  return Protocol::kWsd;
}

}  // namespace

struct UdpDiscovery::Impl {
  const targets::TargetPlan& plan;
  uint64_t seed;
  UdpDiscoveryOptions options;
  net::Dialer* dialer = nullptr;
  std::unique_ptr<net::Dialer> own_dialer;
  std::vector<targets::AddrSpan> spans;  // the plan's addresses, normalized (IPv4 first, by lo)
  bool has_v4 = false, has_v6 = false;

  // Sockets, one per protocol and family.
  struct Channel {
    Protocol protocol;
    bool v6;
    udp::socket socket;
    std::vector<char> buffer;
  };
  std::vector<std::unique_ptr<Channel>> channels;
  std::array<std::array<Channel*, 2>, kProtocolCount> by_protocol{};

  // Multicast: the local segments the plan covers, and listeners bound to the groups of the
  // protocols whose devices may answer to the group instead of the sender (SADP, DHIP).
  std::vector<LocalSegment> segments;
  std::vector<std::unique_ptr<Channel>> group_listeners;
  std::vector<uint16_t> own_ports;  // the channels' local ports (our probes' source ports)

  // Per answering address.
  struct ProtocolState {
    bool present = false;
    std::vector<uint64_t> hashes;  // distinct payloads accepted (<= max_replies_per_protocol)
    ServiceRecord record;
  };
  struct HostState {
    std::array<ProtocolState, kProtocolCount> protocols;
    bool fetch_started = false;
  };
  std::map<IpAddr, HostState> hosts;
  // When each recently probed address was first sent to (a fixed table: an address whose mark another
  // took over gives no sample), and the reply latencies measured from it.
  struct SendMark {
    IpAddr address;
    Clock::time_point at{};
  };
  std::vector<SendMark> send_marks = std::vector<SendMark>(kSendMarks);
  net::RttEstimator reply_rtt;

  static size_t mark_index(const IpAddr& a) {
    uint64_t h = a.is_v4() ? a.v4_value() : 0;
    if (!a.is_v4())
      for (uint8_t b : a.v6_bytes()) h = h * 131 + b;
    return static_cast<size_t>((h * 0x9e3779b97f4a7c15ULL) >> 52) % kSendMarks;
  }
  void mark_sent(const IpAddr& a) { send_marks[mark_index(a)] = {a, Clock::now()}; }
  void sample_reply(const IpAddr& from) {
    const SendMark& m = send_marks[mark_index(from)];
    if (m.at != Clock::time_point{} && m.address == from)
      reply_rtt.add(std::chrono::duration_cast<net::Micros>(Clock::now() - m.at));
  }

  // UPnP fetches.
  struct Fetch {
    IpAddr address;
    HttpUrl url;
  };
  std::deque<Fetch> fetch_queue;
  int fetches_running = 0;
  int receivers_running = 0;
  bool abort_fetches = false;
  bool closing = false;
  bool ran = false;

  std::mt19937_64 rng;
  std::string dhip_search = codec::dhip::build_search();
  Stats stats;
  const std::atomic<bool>* stop = nullptr;

  Impl(const targets::TargetPlan& p, uint64_t s, net::Dialer* d, UdpDiscoveryOptions o)
      : plan(p), seed(s), options(o), dialer(d) {
    for (const auto& g : plan.groups()) spans.insert(spans.end(), g.spans.begin(), g.spans.end());
    targets::normalize(spans);
    for (const auto& sp : spans) (sp.v6 ? has_v6 : has_v4) = true;
    std::random_device rd;
    rng.seed(s ^ (static_cast<uint64_t>(rd()) << 32 | rd()));
    options.repeats = std::max(1, options.repeats);
    options.max_replies_per_protocol = std::max<size_t>(1, options.max_replies_per_protocol);
    options.max_fetches_in_flight = std::max(1, options.max_fetches_in_flight);
  }

  bool stopping() const { return stop && stop->load(std::memory_order_relaxed); }

  bool contains(const IpAddr& a) const {
    const targets::u128 v = targets::to_u128(a);
    const bool v6 = a.is_v6();
    // First span whose (family, lo) is greater than the address's; the candidate is the one before.
    auto it = std::upper_bound(spans.begin(), spans.end(), std::pair{v6, v}, [](const auto& key, const auto& s) {
      if (key.first != s.v6) return !key.first && s.v6;
      return key.second < s.lo;
    });
    if (it == spans.begin()) return false;
    --it;
    return it->v6 == v6 && it->lo <= v && v <= it->hi;
  }

  std::string uuid() {
    const uint64_t a = rng(), b = rng();
    std::array<uint8_t, 16> u{};
    for (int i = 0; i < 8; ++i) {
      u[static_cast<size_t>(i)] = static_cast<uint8_t>(a >> (8 * i));
      u[static_cast<size_t>(8 + i)] = static_cast<uint8_t>(b >> (8 * i));
    }
    u[6] = static_cast<uint8_t>((u[6] & 0x0f) | 0x40);  // version 4
    u[8] = static_cast<uint8_t>((u[8] & 0x3f) | 0x80);  // RFC 4122 variant
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (size_t i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
      out += kHex[u[i] >> 4];
      out += kHex[u[i] & 15];
    }
    return out;
  }

  std::string build(ProbeKind k, const IpAddr& target) {
    switch (k) {
      case ProbeKind::kWsdTyped: return codec::wsd::build_probe("urn:uuid:" + uuid(), true);
      case ProbeKind::kWsdUntyped: return codec::wsd::build_probe("urn:uuid:" + uuid(), false);
      case ProbeKind::kSadp: {
        std::string u = uuid();
        std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        return codec::sadp::build_inquiry(u);
      }
      case ProbeKind::kDhip: return dhip_search;
      case ProbeKind::kSsdp: {
        const std::string port = ":" + std::to_string(codec::ssdp::kPort);
        const std::string host = target.is_v6() ? "[" + target.to_string() + "]" + port : target.to_string() + port;
        return codec::ssdp::build_msearch("ssdp:all", 1, host);
      }
    }
    return {};
  }

  // ---- sockets ---------------------------------------------------------------------------------
  void open_channels(const asio::any_io_executor& ex) {
    for (Protocol p : kProtocols) {
      for (int fam = 0; fam < 2; ++fam) {
        const bool v6 = fam == 1;
        if (v6 ? !has_v6 : !has_v4) continue;
        auto ch = std::make_unique<Channel>(Channel{p, v6, udp::socket(ex), {}});
        boost::system::error_code ec;
        ch->socket.open(v6 ? udp::v6() : udp::v4(), ec);
        if (!ec && v6) ch->socket.set_option(asio::ip::v6_only(true), ec);
        if (!ec) ch->socket.bind(udp::endpoint(v6 ? udp::v6() : udp::v4(), 0), ec);
        if (ec) continue;  // e.g. no IPv6 on this host: those targets simply get no UDP probes
        boost::system::error_code ignored;
        ch->socket.set_option(udp::socket::receive_buffer_size(4 << 20), ignored);
        ch->socket.non_blocking(true, ignored);
        if (!v6 && !segments.empty()) {
          // TTL 1: a multicast probe never leaves the local segment.
          ch->socket.set_option(asio::ip::multicast::hops(1), ignored);
          ch->socket.set_option(asio::ip::multicast::enable_loopback(true), ignored);
        }
        ch->buffer.resize(kDatagramBuffer);
        if (const auto local = ch->socket.local_endpoint(ignored); !ignored) own_ports.push_back(local.port());
        by_protocol[static_cast<size_t>(p)][static_cast<size_t>(fam)] = ch.get();
        channels.push_back(std::move(ch));
      }
    }
  }

  // Listeners on group:port for SADP and DHIP, joined on every segment. A bind failure (the port is
  // taken by another program without SO_REUSEADDR) only costs the group-addressed replies.
  void open_group_listeners(const asio::any_io_executor& ex) {
    for (Protocol p : {Protocol::kSadp, Protocol::kDhip}) {
      auto ch = std::make_unique<Channel>(Channel{p, false, udp::socket(ex), {}});
      const auto group = asio::ip::address_v4(protocol_group_v4(p));
      boost::system::error_code ec;
      ch->socket.open(udp::v4(), ec);
      if (!ec) ch->socket.set_option(udp::socket::reuse_address(true), ec);
      if (!ec) ch->socket.bind(udp::endpoint(group, protocol_port(p)), ec);
      if (ec) continue;
      // Only the groups joined on the covered segments' interfaces, not another program's joins elsewhere.
      const int off = 0;
      setsockopt(ch->socket.native_handle(), IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off);
      int joined = 0;
      for (const auto& seg : segments) {
        ip_mreqn req{};
        req.imr_multiaddr.s_addr = htonl(group.to_uint());
        req.imr_address.s_addr = htonl(seg.address);
        req.imr_ifindex = static_cast<int>(seg.index);
        if (setsockopt(ch->socket.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &req, sizeof req) == 0) ++joined;
      }
      if (joined == 0) continue;
      boost::system::error_code ignored;
      ch->socket.non_blocking(true, ignored);
      ch->buffer.resize(kDatagramBuffer);
      group_listeners.push_back(std::move(ch));
    }
  }

  // Our own probes come back to the group listeners (multicast loopback): drop what we sent.
  bool is_own_datagram(const udp::endpoint& from) const {
    if (!from.address().is_v4()) return false;
    const uint32_t a = from.address().to_v4().to_uint();
    if (std::none_of(segments.begin(), segments.end(), [&](const LocalSegment& s) { return s.address == a; }))
      return false;
    return std::find(own_ports.begin(), own_ports.end(), from.port()) != own_ports.end();
  }

  void close_channels() {
    closing = true;
    for (auto* list : {&channels, &group_listeners})
      for (auto& ch : *list) {
        boost::system::error_code ignored;
        ch->socket.cancel(ignored);
        ch->socket.close(ignored);
      }
  }

  asio::awaitable<void> receive_loop(Channel& ch) {
    for (;;) {
      udp::endpoint from;
      auto [ec, n] = co_await ch.socket.async_receive_from(asio::buffer(ch.buffer), from, kTuple);
      if (closing || !ch.socket.is_open()) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        continue;  // e.g. a stray ICMP error report: keep listening
      }
      if (is_own_datagram(from)) continue;
      on_datagram(ch.protocol, from_address(from.address()), std::string_view(ch.buffer.data(), n));
    }
  }

  // ---- replies ---------------------------------------------------------------------------------
  void on_datagram(Protocol p, const IpAddr& from, std::string_view payload) {
    ++stats.received;
    if (!contains(from)) {
      ++stats.unattributed;
      return;
    }
    const uint64_t h = std::hash<std::string_view>{}(payload);
    auto found = hosts.find(from);
    if (found != hosts.end()) {
      const auto& ps = found->second.protocols[static_cast<size_t>(p)];
      if (std::find(ps.hashes.begin(), ps.hashes.end(), h) != ps.hashes.end()) {
        ++stats.duplicates;
        return;
      }
      if (ps.hashes.size() >= options.max_replies_per_protocol) {
        ++stats.capped;
        return;
      }
    }
    auto parsed = parse_reply(p, payload);
    if (!parsed) {
      ++stats.malformed;
      return;
    }
    ++stats.attributed;
    sample_reply(from);
    HostState& host = hosts[from];
    ProtocolState& ps = host.protocols[static_cast<size_t>(p)];
    ps.hashes.push_back(h);
    if (!ps.present) {
      ps.present = true;
      ps.record.probe = protocol_name(p);
      ps.record.protocol = protocol_name(p);
      ps.record.port = protocol_port(p);
      ps.record.transport = Transport::kUdp;
      ps.record.status = ProbeStatus::kSuccess;
    }
    for (auto& o : parsed->observations) add_observation(ps.record, std::move(o));
    if (parsed->mac)
      add_observation(ps.record, Observation{"mac.address", *parsed->mac, protocol_port(p), protocol_name(p)});
    if (p == Protocol::kSsdp)
      for (const auto& loc : parsed->locations) maybe_fetch(from, host, loc);
  }

  static void add_observation(ServiceRecord& r, Observation o) {
    if (r.observations.size() >= kMaxObservationsPerRecord) return;
    for (const auto& e : r.observations)
      if (e.key == o.key && e.value == o.value) return;
    r.observations.push_back(std::move(o));
  }

  // ---- UPnP description --------------------------------------------------------------------------
  void maybe_fetch(const IpAddr& from, HostState& host, std::string_view location) {
    if (!options.fetch_upnp || host.fetch_started || abort_fetches) return;
    auto url = parse_location(location);
    // Never follow a LOCATION to another host (nor to a name: that would need DNS).
    if (!url || url->host != from || !contains(url->host)) {
      ++stats.upnp_refused;
      return;
    }
    host.fetch_started = true;
    fetch_queue.push_back(Fetch{from, std::move(*url)});
    launch_fetches();
  }

  void launch_fetches() {
    while (!fetch_queue.empty() && fetches_running < options.max_fetches_in_flight && !abort_fetches) {
      Fetch f = std::move(fetch_queue.front());
      fetch_queue.pop_front();
      ++fetches_running;
      ++stats.upnp_fetches;
      asio::co_spawn(executor, guarded_fetch(std::move(f)), [this](std::exception_ptr) {
        --fetches_running;
        launch_fetches();
      });
    }
  }

  // Ends when fetches are aborted (stop) or at `give_up`: a fetch never outlives its deadline, even
  // with a Dialer whose own timers would not fire (e.g. one made on another, idle, io_context).
  asio::awaitable<void> watch_abort(Clock::time_point give_up) {
    asio::steady_timer t(executor);
    while (!abort_fetches && Clock::now() < give_up) {
      t.expires_at(std::min(give_up, Clock::now() + kPollSlice));
      auto [ec] = co_await t.async_wait(kTuple);
      if (ec) co_return;  // cancelled: the fetch finished first
    }
  }

  asio::awaitable<void> guarded_fetch(Fetch f) {
    try {
      const auto give_up = Clock::now() + options.fetch_timeout + std::chrono::milliseconds(250);
      co_await (fetch(std::move(f)) || watch_abort(give_up));
    } catch (...) {
      // A fetch never brings the scan down.
    }
  }

  asio::awaitable<void> fetch(Fetch f) {
    const auto deadline = Clock::now() + options.fetch_timeout;
    // (No co_await inside ?: -- GCC 12 mishandles the temporaries.)
    Result<std::unique_ptr<net::Stream>> conn = Error{Errc::kIo, "not connected"};
    if (f.url.tls) {
      conn = co_await dialer->connect_tls(f.address, f.url.port, deadline);
    } else {
      conn = co_await dialer->connect(f.address, f.url.port, deadline);
    }
    if (!conn) co_return;
    net::Stream& stream = **conn;
    const std::string req = codec::http::build_get(f.url.host_header, f.url.target);
    if (auto w = co_await stream.write(req, deadline); !w) co_return;
    codec::http::Limits limits;
    limits.max_body = options.max_description_bytes;
    auto bytes = co_await net::read_until(
        stream,
        [&limits](std::string_view b) { return codec::http::parse_response(b, limits).state != codec::http::ParseState::kNeedMore; },
        limits.max_body + limits.max_header_bytes, deadline);
    if (!bytes) co_return;
    codec::http::ParseOptions po;
    po.at_eof = true;
    auto parsed = codec::http::parse_response(*bytes, limits, po);
    if (parsed.state != codec::http::ParseState::kComplete || parsed.response.status != 200) co_return;
    auto desc = codec::upnp::parse_description(parsed.response.body);
    if (!desc) co_return;
    ++stats.upnp_ok;
    auto it = hosts.find(f.address);
    if (it == hosts.end()) co_return;
    auto& ps = it->second.protocols[static_cast<size_t>(Protocol::kSsdp)];
    for (auto& o : upnp_observations(*desc, f.url.port)) add_observation(ps.record, std::move(o));
  }

  // ---- sending ---------------------------------------------------------------------------------
  asio::awaitable<void> sleep_until(Clock::time_point when) {
    asio::steady_timer t(executor);
    while (!stopping()) {
      const auto now = Clock::now();
      if (now >= when) break;
      t.expires_at(std::min(when, now + kPollSlice));
      co_await t.async_wait(kTuple);
    }
  }

  Pacer pacer{0};
  int since_yield = 0;

  asio::awaitable<void> send_one(Channel& ch, const udp::endpoint& to, const std::string& datagram) {
    if (pacer.enabled()) {
      const auto slot = pacer.reserve();
      if (slot > Clock::now()) co_await sleep_until(slot);
      while (!stopping() && Clock::now() < pacer.earliest_start()) co_await sleep_until(pacer.earliest_start());
      since_yield = 0;
    } else if (++since_yield >= kYieldEvery) {
      since_yield = 0;
      co_await asio::post(executor, asio::use_awaitable);  // let the sweep and the receivers run
    }
    if (stopping()) co_return;
    boost::system::error_code ec;
    ch.socket.send_to(asio::buffer(datagram), to, 0, ec);
    if (ec == asio::error::would_block || ec == asio::error::no_buffer_space) {
      co_await ch.socket.async_wait(udp::socket::wait_write, kTuple);
      ch.socket.send_to(asio::buffer(datagram), to, 0, ec);
    }
    if (pacer.enabled()) pacer.started(Clock::now());
    if (ec) {
      ++stats.send_errors;
    } else {
      ++stats.sent;
    }
  }

  asio::awaitable<void> send_host(uint64_t index, bool first) {
    const IpAddr address = plan.host(index).address;
    const size_t fam = address.is_v6() ? 1 : 0;
    if (first) mark_sent(address);
    for (ProbeKind k : kProbeKinds) {
      if (stopping()) co_return;
      const Protocol p = protocol_of(k);
      Channel* ch = by_protocol[static_cast<size_t>(p)][fam];
      if (!ch) continue;
      co_await send_one(*ch, to_endpoint(address, protocol_port(p)), build(k, address));
    }
  }

  // Each probe to its group on every segment, `repeats` rounds `repeat_interval` apart, through the
  // same pacer as the unicast probes. IP_MULTICAST_IF picks the segment's interface per datagram.
  asio::awaitable<void> send_multicast() {
    for (int round = 0; round < options.repeats && !stopping(); ++round) {
      if (round > 0) co_await sleep_until(Clock::now() + options.repeat_interval);
      for (const auto& seg : segments) {
        for (ProbeKind k : kProbeKinds) {
          if (stopping()) co_return;
          const Protocol p = protocol_of(k);
          Channel* ch = by_protocol[static_cast<size_t>(p)][0];
          if (!ch) continue;
          ip_mreqn req{};
          req.imr_address.s_addr = htonl(seg.address);
          req.imr_ifindex = static_cast<int>(seg.index);
          if (setsockopt(ch->socket.native_handle(), IPPROTO_IP, IP_MULTICAST_IF, &req, sizeof req) != 0) {
            ++stats.send_errors;
            continue;
          }
          const IpAddr group = IpAddr::v4(protocol_group_v4(p));
          const uint64_t before = stats.sent;
          co_await send_one(*ch, to_endpoint(group, protocol_port(p)), build(k, group));
          stats.multicast_sent += stats.sent - before;
        }
      }
    }
  }

  // After the last send: options.wait; by unicast alone, once replies have come, the RTO of their
  // latencies instead (net/rtt.h: at least kMinReplyWait, at most options.wait), re-derived as more
  // come. Devices answering a multicast probe wait a random delay on purpose, so that keeps the full wait.
  asio::awaitable<void> wait_for_replies(Clock::time_point last_send) {
    asio::steady_timer t(executor);
    while (!stopping()) {
      Clock::duration budget = options.wait;
      if (segments.empty() && reply_rtt.has_sample())
        budget = reply_rtt.timeout({.floor = std::min<net::Micros>(kMinReplyWait, options.wait), .ceiling = options.wait});
      const auto now = Clock::now();
      if (now >= last_send + budget) break;
      t.expires_at(std::min(last_send + budget, now + kPollSlice));
      co_await t.async_wait(kTuple);
    }
  }

  asio::awaitable<void> send_all() {
    struct Pending {
      uint64_t index;
      Clock::time_point due;
      int left;
    };
    const uint64_t n = plan.address_count();
    if (n == 0) co_return;
    const targets::Permutation perm(n, seed);
    std::deque<Pending> pending;
    uint64_t next = 0;
    while (!stopping()) {
      const auto now = Clock::now();
      if (!pending.empty() && pending.front().due <= now) {
        Pending p = pending.front();
        pending.pop_front();
        co_await send_host(p.index, false);
        if (p.left > 1) pending.push_back({p.index, Clock::now() + options.repeat_interval, p.left - 1});
        continue;
      }
      if (next < n && pending.size() < kMaxPendingRepeats) {
        const uint64_t index = perm.at(next++);
        co_await send_host(index, true);
        if (options.repeats > 1) pending.push_back({index, Clock::now() + options.repeat_interval, options.repeats - 1});
        continue;
      }
      if (pending.empty()) break;
      co_await sleep_until(pending.front().due);
    }
  }

  asio::any_io_executor executor;
};

UdpDiscovery::UdpDiscovery(const targets::TargetPlan& plan, uint64_t seed, net::Dialer& dialer, UdpDiscoveryOptions options)
    : impl_(std::make_unique<Impl>(plan, seed, &dialer, options)) {}

UdpDiscovery::UdpDiscovery(const targets::TargetPlan& plan, uint64_t seed, UdpDiscoveryOptions options)
    : impl_(std::make_unique<Impl>(plan, seed, nullptr, options)) {}

UdpDiscovery::~UdpDiscovery() = default;

bool UdpDiscovery::contains(const IpAddr& address) const { return impl_->contains(address); }

UdpDiscovery::Stats UdpDiscovery::stats() const { return impl_->stats; }

asio::awaitable<void> UdpDiscovery::run(const std::atomic<bool>& stop) {
  Impl& m = *impl_;
  if (m.ran) co_return;
  m.ran = true;
  m.stop = &stop;
  m.executor = co_await asio::this_coro::executor;
  m.pacer = Pacer(m.options.rate);
  const auto started = Clock::now();
  try {
    if (!m.dialer) {
      m.own_dialer = net::make_tcp_dialer(m.executor, [impl = impl_.get()](const IpAddr& a) { return impl->contains(a); });
      m.dialer = m.own_dialer.get();
    }
    if (m.options.multicast && m.has_v4) m.segments = segments_covered_by(multicast_segments(), m.spans);
    for (const auto& seg : m.segments) m.stats.multicast_segments.push_back(seg.to_string());
    m.open_channels(m.executor);
    if (!m.segments.empty()) m.open_group_listeners(m.executor);
    for (auto* list : {&m.channels, &m.group_listeners})
      for (auto& ch : *list) {
        ++m.receivers_running;
        asio::co_spawn(m.executor, m.receive_loop(*ch), [&m](std::exception_ptr) { --m.receivers_running; });
      }

    const auto send_start = Clock::now();
    if (!m.segments.empty()) co_await m.send_multicast();
    co_await m.send_all();
    m.stats.send_seconds = std::chrono::duration<double>(Clock::now() - send_start).count();

    co_await m.wait_for_replies(Clock::now());
  } catch (...) {
    // Never throw into the engine; keep what was collected.
  }
  m.close_channels();

  // Let in-flight description fetches finish (each is bounded by fetch_timeout); abort them on stop.
  asio::steady_timer t(m.executor);
  while (m.receivers_running > 0 || m.fetches_running > 0 || !m.fetch_queue.empty()) {
    if (m.stopping() && !m.abort_fetches) {
      m.abort_fetches = true;
      m.fetch_queue.clear();
    }
    t.expires_after(std::chrono::milliseconds(5));
    co_await t.async_wait(kTuple);
  }
  m.stats.seconds = std::chrono::duration<double>(Clock::now() - started).count();
}

std::map<IpAddr, std::vector<ServiceRecord>> UdpDiscovery::take_results() {
  std::map<IpAddr, std::vector<ServiceRecord>> out;
  for (auto& [addr, host] : impl_->hosts) {
    std::vector<ServiceRecord> records;
    for (auto& ps : host.protocols)
      if (ps.present) records.push_back(std::move(ps.record));
    if (!records.empty()) out.emplace(addr, std::move(records));
  }
  impl_->hosts.clear();
  return out;
}

std::vector<ServiceRecord> UdpDiscovery::results_for(const IpAddr& address) const {
  std::vector<ServiceRecord> out;
  const auto it = impl_->hosts.find(address);
  if (it == impl_->hosts.end()) return out;
  for (const auto& ps : it->second.protocols)
    if (ps.present) out.push_back(ps.record);
  return out;
}

std::optional<std::string> discovered_mac(const std::vector<ServiceRecord>& records) {
  for (const auto& r : records)
    for (const auto& o : r.observations)
      if (o.key == "mac.address") return o.value;
  return std::nullopt;
}

}  // namespace anshin::discovery
