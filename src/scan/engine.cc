#include "scan/engine.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <optional>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <unordered_map>

#include "scan/host_prober.h"

namespace anshin::scan {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using namespace asio::experimental::awaitable_operators;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

namespace {

tcp::endpoint to_endpoint(const IpAddr& a, uint16_t port) {
  if (a.is_v4()) return {asio::ip::address_v4(a.v4_value()), port};
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.v6_bytes().data(), 16);
  return {asio::ip::address_v6(b), port};
}

// Global pacing for --rate: hands out evenly spaced start times.
class Pacer {
 public:
  explicit Pacer(double rate) : interval_(rate > 0 ? std::chrono::nanoseconds(static_cast<int64_t>(1e9 / rate)) : Clock::duration::zero()) {}
  bool enabled() const { return interval_ != Clock::duration::zero(); }
  Clock::time_point reserve() {
    const auto now = Clock::now();
    if (next_ < now) next_ = now;
    const auto slot = next_;
    next_ += interval_;
    return slot;
  }

 private:
  Clock::duration interval_;
  Clock::time_point next_{};
};

}  // namespace

// One connection slot per possible in-flight connection. The reaper cancels sockets whose deadline
// passed, so the hot path needs no timer per attempt.
struct Slot {
  tcp::socket* socket = nullptr;
  Clock::time_point deadline{};
};

// Per-host state while its lane sweeps it.
struct HostWork {
  HostTarget target;
  int inflight = 0;                  // connects of this host waiting on the event loop
  std::vector<uint16_t> open;
  asio::steady_timer* wake = nullptr;  // the lane's timer: cancelled when a pending connect ends
  Slot* slots = nullptr;             // the lane's kMaxConnectionsPerHost reaper slots
};

struct Engine::Impl {
  EngineOptions options;
  asio::io_context io{1};
  std::atomic<bool> stop{false};
  std::vector<Slot> slots;
  Pacer pacer;
  EngineStats stats;
  int inflight = 0;
  uint64_t next_host = 0;
  const HostSource* source = nullptr;
  HostProber* prober = nullptr;
  const EngineObserver* observer = nullptr;
  std::vector<HostRecord>* out = nullptr;
  int lanes_running = 0;
  uint64_t completed_prefix = 0;       // every host at index < completed_prefix is finished
  std::set<uint64_t> completed_ahead;  // finished hosts at index > completed_prefix (at most ~lanes)

  explicit Impl(EngineOptions o) : options(o), pacer(o.rate) {}

  void cancel_all() {
    for (auto& s : slots)
      if (s.socket) {
        boost::system::error_code ignored;
        s.socket->cancel(ignored);
      }
  }

  enum class Attempt { kOpen, kRefused, kPending, kError };

  // Starts one connection attempt: a plain non-blocking connect(). On loopback and local segments
  // most attempts end inside the call (RST, or the handshake is already done), costing
  // socket+connect+close exactly like the bare floor; only kPending leaves `fd` open for the loop.
  Attempt start_connect(const tcp::endpoint& endpoint, int& fd) {
    fd = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return Attempt::kError;
    ++stats.connects;
    const int err = ::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0 ? 0 : errno;
    if (err == EINPROGRESS) return Attempt::kPending;
    ::close(fd);
    fd = -1;
    return err == 0 ? Attempt::kOpen : err == ECONNREFUSED ? Attempt::kRefused : Attempt::kError;
  }

  void record(HostWork& host, uint16_t port, Attempt a) {
    switch (a) {
      case Attempt::kOpen: ++stats.open; host.open.push_back(port); break;
      case Attempt::kRefused: ++stats.refused; break;
      default: ++stats.errors; break;  // unreachable, out of descriptors: no point retrying
    }
  }

  // A connection the kernel could not finish at once: wait for writability in one of the host's
  // reaper slots (the reaper cancels it at the deadline), then retry after a timeout while
  // attempts remain. Wakes the lane when done.
  asio::awaitable<void> finish_pending(HostWork& host, Slot& slot, tcp::endpoint endpoint, int fd, int attempts_left) {
    tcp::socket socket(io);
    for (;;) {
      boost::system::error_code ec;
      socket.assign(endpoint.protocol(), fd, ec);
      slot = {&socket, Clock::now() + options.timeout};
      auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, kTuple);
      slot.socket = nullptr;
      int err = 0;
      socklen_t len = sizeof err;
      if (!wait_ec && ::getsockopt(socket.native_handle(), SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      socket.close(ec);
      Attempt result = err == 0 ? Attempt::kOpen : err == ECONNREFUSED ? Attempt::kRefused : Attempt::kError;
      if (wait_ec || err == ETIMEDOUT) {
        ++stats.timeouts;
        if (attempts_left-- > 0 && !stop.load(std::memory_order_relaxed)) {
          if (pacer.enabled()) {
            asio::steady_timer pace(io);
            pace.expires_at(pacer.reserve());
            co_await pace.async_wait(kTuple);
          }
          result = start_connect(endpoint, fd);
          if (result == Attempt::kPending) continue;
        } else {
          result = Attempt::kPending;  // gave up: neither open nor refused
        }
      }
      if (result != Attempt::kPending) record(host, endpoint.port(), result);
      break;
    }
    --inflight;
    --host.inflight;
    if (observer && observer->on_connect_end) observer->on_connect_end(host.target.address, endpoint.port());
    host.wake->cancel();
  }

  // ---- The hot loop -------------------------------------------------------------------------
  // Sweeps one host: for each port, pace, connect; attempts the kernel finishes at once are recorded
  // on the spot (no coroutine, allocation, timer or lock); the others wait in the event loop, at
  // most kMaxConnectionsPerHost at a time, each in its own reaper slot. Returns when every attempt
  // ended (or at a stop, once the in-flight ones were cancelled). True when every port was tried.
  asio::awaitable<bool> sweep_host(HostWork& host, asio::steady_timer& pace_timer) {
    const auto wait_below = [&](int limit) -> asio::awaitable<void> {
      while (host.inflight >= limit) {
        host.wake->expires_at(Clock::time_point::max());
        co_await host.wake->async_wait(kTuple);
      }
    };
    bool all_tried = true;
    for (const uint16_t port : host.target.ports) {
      if (stop.load(std::memory_order_relaxed)) {
        all_tried = false;
        break;
      }
      co_await wait_below(kMaxConnectionsPerHost);
      if (pacer.enabled()) {
        pace_timer.expires_at(pacer.reserve());
        co_await pace_timer.async_wait(kTuple);
      }
      const tcp::endpoint endpoint = to_endpoint(host.target.address, port);
      int fd = -1;
      if (observer && observer->on_connect_start) observer->on_connect_start(host.target.address, port);
      Attempt a = start_connect(endpoint, fd);
      for (int backoff = 0; a == Attempt::kError && fd < 0 && backoff < 100 && !stop.load(); ++backoff) {
        pace_timer.expires_after(std::chrono::milliseconds(10));  // out of descriptors: wait, same port
        co_await pace_timer.async_wait(kTuple);
        a = start_connect(endpoint, fd);
      }
      if (a != Attempt::kPending) {
        record(host, port, a);
        if (observer && observer->on_connect_end) observer->on_connect_end(host.target.address, port);
        continue;
      }
      Slot* free_slot = host.slots;
      while (free_slot->socket || free_slot->deadline == Clock::time_point::max()) ++free_slot;
      free_slot->deadline = Clock::time_point::max();  // reserved until finish_pending fills it
      ++inflight;
      ++host.inflight;
      stats.max_inflight = std::max(stats.max_inflight, inflight);
      stats.max_inflight_per_host = std::max(stats.max_inflight_per_host, host.inflight);
      asio::co_spawn(io, finish_pending(host, *free_slot, endpoint, fd, options.retries), asio::detached);
    }
    co_await wait_below(1);
    co_return all_tried && !stop.load();
  }

  void mark_finished(uint64_t index) {
    completed_ahead.insert(index);
    while (!completed_ahead.empty() && *completed_ahead.begin() == completed_prefix) {
      completed_ahead.erase(completed_ahead.begin());
      ++completed_prefix;
    }
  }

  // A lane takes hosts one after another from the permuted source and sweeps each with
  // kMaxConnectionsPerHost workers, then hands the host to the prober.
  asio::awaitable<void> lane(size_t lane_index) {
    Slot* my_slots = &slots[lane_index * kMaxConnectionsPerHost];
    asio::steady_timer wake(io);
    asio::steady_timer pace_timer(io);
    while (!stop.load(std::memory_order_relaxed)) {
      if (next_host >= source->host_count()) break;
      const uint64_t index = next_host++;
      HostWork host{source->host(index)};
      if (observer && observer->skip_host && observer->skip_host(host.target.address)) {
        mark_finished(index);
        ++stats.hosts_done;
        if (observer->on_host_done) observer->on_host_done(nullptr, completed_prefix);
        continue;
      }
      host.wake = &wake;
      host.slots = my_slots;
      for (int k = 0; k < kMaxConnectionsPerHost; ++k) my_slots[k] = Slot{};
      const bool complete = co_await sweep_host(host, pace_timer);
      if (!host.open.empty()) {
        HostRecord record;
        record.address = host.target.address;
        std::sort(host.open.begin(), host.open.end());
        record.open_tcp_ports = std::move(host.open);
        record.interrupted = !complete;
        if (prober && !stop.load()) co_await prober->probe(record, stop);
        if (complete && !record.interrupted) mark_finished(index);
        if (observer && observer->on_host_done) observer->on_host_done(&record, completed_prefix);
        out->push_back(std::move(record));
      } else if (complete) {
        mark_finished(index);
        if (observer && observer->on_host_done) observer->on_host_done(nullptr, completed_prefix);
      }
      if (complete) ++stats.hosts_done;
    }
    --lanes_running;
  }

  asio::awaitable<void> reaper() {
    asio::steady_timer timer(io);
    const Clock::duration tick = std::clamp<Clock::duration>(options.timeout / 4, std::chrono::milliseconds(5),
                                                          std::chrono::milliseconds(100));
    while (lanes_running > 0) {
      timer.expires_after(tick);
      co_await timer.async_wait(kTuple);
      const auto now = Clock::now();
      for (auto& s : slots)
        if (s.socket && s.deadline <= now) {
          boost::system::error_code ignored;
          s.socket->cancel(ignored);
        }
    }
  }

  asio::awaitable<void> progress_line(Clock::time_point started) {
    asio::steady_timer timer(io);
    while (lanes_running > 0) {
      timer.expires_after(std::chrono::milliseconds(250));
      co_await timer.async_wait(kTuple);
      const double secs = std::chrono::duration<double>(Clock::now() - started).count();
      const double rate = secs > 0 ? static_cast<double>(stats.connects) / secs : 0;
      const double frac = stats.hosts_total ? static_cast<double>(stats.hosts_done) / static_cast<double>(stats.hosts_total) : 1;
      const double eta = frac > 0 ? secs / frac - secs : 0;
      std::fprintf(stderr, "\r\033[Kscan: %llu/%llu hosts  %.0f conn/s  %llu open  ETA %.0fs",
                   static_cast<unsigned long long>(stats.hosts_done),
                   static_cast<unsigned long long>(stats.hosts_total), rate,
                   static_cast<unsigned long long>(stats.open), eta);
    }
    std::fprintf(stderr, "\r\033[K");
  }
};

Engine::Engine(EngineOptions options) : impl_(std::make_unique<Impl>(options)) {}
Engine::~Engine() = default;

void Engine::request_stop() {
  impl_->stop.store(true);
  asio::post(impl_->io, [impl = impl_.get()] { impl->cancel_all(); });
}

EngineStats Engine::run(const HostSource& source, HostProber* prober, std::vector<HostRecord>& hosts,
                        const EngineObserver* observer, std::span<BackgroundTask* const> background) {
  Impl& m = *impl_;
  m.source = &source;
  m.prober = prober;
  m.observer = observer;
  m.out = &hosts;
  m.stats = {};
  m.stats.hosts_total = source.host_count();
  m.next_host = std::min(m.options.start_index, source.host_count());
  m.completed_prefix = m.next_host;
  m.completed_ahead.clear();
  m.stats.hosts_done = m.next_host;

  // Enough descriptors for every in-flight connection plus the prober's.
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }

  const int per_host = kMaxConnectionsPerHost;
  uint64_t lanes = static_cast<uint64_t>(std::max(1, m.options.concurrency / per_host));
  lanes = std::min<uint64_t>(lanes, std::max<uint64_t>(1, m.stats.hosts_total - m.next_host));
  m.slots.assign(lanes * per_host, Slot{});
  m.lanes_running = static_cast<int>(lanes);

  const auto started = Clock::now();
  for (uint64_t i = 0; i < lanes; ++i) asio::co_spawn(m.io, m.lane(i), asio::detached);
  int background_running = static_cast<int>(background.size());
  for (BackgroundTask* task : background)
    asio::co_spawn(m.io, task->run(m.stop), [&background_running](std::exception_ptr) { --background_running; });
  asio::co_spawn(m.io, m.reaper(), asio::detached);
  if (m.options.progress) asio::co_spawn(m.io, m.progress_line(started), asio::detached);

  asio::signal_set signals(m.io);
  if (m.options.handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([&m](const boost::system::error_code& ec, int) {
      if (ec) return;
      m.stop.store(true);
      m.cancel_all();
    });
  }
  // Lanes finish first; then the reaper and progress loops see lanes_running == 0 and end.
  asio::co_spawn(m.io, [&]() -> asio::awaitable<void> {
    asio::steady_timer t(m.io);
    while (m.lanes_running > 0 || background_running > 0) {
      t.expires_after(std::chrono::milliseconds(20));
      co_await t.async_wait(kTuple);
    }
    boost::system::error_code ignored;
    signals.cancel(ignored);
  }, asio::detached);
  m.io.run();

  m.stats.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  m.stats.interrupted = m.stop.load();
  return m.stats;
}

}  // namespace anshin::scan
