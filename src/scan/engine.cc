#include "scan/engine.h"

#include "scan/eta.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <deque>
#include <optional>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>
#include <unordered_map>

#include <fmt/core.h>

#include "i18n/catalog.h"
#include "net/pacer.h"
#include "net/host_prober.h"
#include "net/rtt.h"

namespace anshin::scan {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Longest sleep between two looks at the stop flag while a lane waits for its --rate slot.
constexpr auto kStopSlice = std::chrono::milliseconds(25);
// The chance of losing every attempt to an open port that the retries aim below.
constexpr double kMissTolerance = 1e-6;
constexpr double kPriorLoss = 0.1;  // the loss assumed before enough answers measure it

namespace {

tcp::endpoint to_endpoint(const IpAddr& a, uint16_t port) {
  if (a.is_v4()) return {asio::ip::address_v4(a.v4_value()), port};
  asio::ip::address_v6::bytes_type b;
  std::memcpy(b.data(), a.v6_bytes().data(), 16);
  return {asio::ip::address_v6(b), port};
}

using net::Pacer;

}  // namespace

struct HostWork;

// One slot per possible pending connection (kMaxConnectionsPerHost per lane). A pending connect's
// descriptor sits in the engine's own epoll set (one epoll_ctl, as in the bare floor); the harvester
// collects completions, the reaper expires deadlines — no coroutine, timer or allocation per attempt.
// One port still to try on a host: its retries left after a timeout, and the time budget of the
// attempt that timed out (zero for a first attempt), from which a retry backs off.
struct PortTry {
  uint16_t port = 0;
  int retries_left = 0;
  net::Micros previous{0};
};

struct Slot {
  int fd = -1;                       // -1: free
  HostWork* host = nullptr;
  PortTry attempt;
  Clock::time_point started{};
  net::Micros budget{0};             // the deadline, re-derived from the RTTs known at each reaper tick
};

// Per-host state while its lane sweeps it.
struct HostWork {
  HostTarget target;
  std::vector<PortTry> todo;         // the ports, then timed-out retries
  std::vector<PortTry> deferred;     // timed out before the host answered anything: retried once it does
  bool alive = false;                // answered (open or refused) on some port
  net::RttEstimator rtt;             // this host's own round trips
  uint64_t subnet = 0;               // net::subnet_key of the address
  int inflight = 0;                  // pending connects of this host
  std::vector<uint16_t> open;
  asio::steady_timer* wake = nullptr;  // the lane's timer: cancelled when a pending connect ends
  Slot* slots = nullptr;             // the lane's kMaxConnectionsPerHost slots
  uint32_t lane = 0;
};

// A lane's wait for a free connection under the global --concurrency cap.
struct LaneWait {
  asio::steady_timer* wake = nullptr;
  bool waiting = false;  // queued in capacity_waiters and not yet woken
};

struct Engine::Impl {
  EngineOptions options;
  asio::io_context io{1};
  std::atomic<bool> stop{false};
  std::vector<Slot> slots;
  int epfd = -1;                                       // pending connects (EPOLLOUT, data = slot index)
  std::optional<asio::posix::stream_descriptor> epoll_watch;  // the event loop waits on epfd's readiness
  Pacer pacer;
  net::RttLimits rtt_limits;
  net::SubnetRtts subnet_rtts;  // round trips per /24 (/64): deadlines for hosts that have not answered yet
  EngineStats stats;
  int inflight = 0;
  uint64_t next_host = 0;
  const HostSource* source = nullptr;
  HostProber* prober = nullptr;
  const EngineObserver* observer = nullptr;
  std::vector<HostRecord>* out = nullptr;
  uint64_t answered_attempts = 0;  // attempts answered (SYN-ACK or RST)
  uint64_t answered_on_retry = 0;  // of which retries after a timeout: the loss estimate
  int lanes_running = 0;
  std::vector<LaneWait> lane_waits;
  std::deque<uint32_t> capacity_waiters;  // lanes waiting for inflight < concurrency, oldest first
  int probing = 0;       // hosts being identified (beside the sweep)
  int max_probing = 1;   // at most this many at once (one per lane)
  uint64_t completed_prefix = 0;       // every host at index < completed_prefix is finished
  std::set<uint64_t> completed_ahead;  // finished hosts at index > completed_prefix (at most ~lanes)

  explicit Impl(EngineOptions o)
      : options(o), pacer(o.rate), rtt_limits{.floor = std::min(o.rtt_floor, o.timeout), .ceiling = o.timeout} {}
  ~Impl() {
    for (auto& s : slots)
      if (s.fd >= 0) ::close(s.fd);
    epoll_watch.reset();
    if (epfd >= 0) ::close(epfd);
  }

  // Stop: every pending connect ends now (as a timeout without retry).
  void cancel_all() {
    for (size_t i = 0; i < slots.size(); ++i)
      if (slots[i].fd >= 0) complete(i, /*timed_out=*/true);
    for (LaneWait& w : lane_waits)
      if (w.waiting) {
        w.waiting = false;
        w.wake->cancel();
      }
  }

  enum class Attempt { kOpen, kRefused, kPending, kError };

  // Starts one connection attempt: a plain non-blocking connect(), exactly what the bare floor does.
  // An attempt the kernel finishes inside the call is closed and classified at once; kPending leaves
  // `fd` open for the epoll set.
  // `err` is the errno of a failed socket()/connect() (0 otherwise).
  Attempt start_connect(const tcp::endpoint& endpoint, int& fd, int& err) {
    fd = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      err = errno;
      return Attempt::kError;
    }
    ++stats.connects;
    err = ::connect(fd, endpoint.data(), static_cast<socklen_t>(endpoint.size())) == 0 ? 0 : errno;
    if (err == EINPROGRESS) return Attempt::kPending;
    ::close(fd);
    fd = -1;
    return classify(err);
  }

  // This host ran short (descriptors, buffers, ephemeral ports): worth another try in a moment. Any
  // other immediate failure (ENETUNREACH for a broadcast address, EACCES from a firewall rule) is the
  // answer for that port.
  static bool out_of_resources(int err) {
    return err == EMFILE || err == ENFILE || err == ENOBUFS || err == ENOMEM || err == EAGAIN || err == EADDRNOTAVAIL;
  }

  static Attempt classify(int err) {
    return err == 0 ? Attempt::kOpen : err == ECONNREFUSED ? Attempt::kRefused : Attempt::kError;
  }

  void record(HostWork& host, uint16_t port, Attempt a) {
    switch (a) {
      case Attempt::kOpen: ++stats.open; host.open.push_back(port); break;
      case Attempt::kRefused: ++stats.refused; break;
      default: ++stats.errors; return;  // unreachable, out of descriptors: no point retrying
    }
    mark_alive(host);
  }

  // The host answered: loss is now the likely reason for its timeouts, so they are retried.
  void mark_alive(HostWork& host) {
    if (host.alive) return;
    host.alive = true;
    host.todo.insert(host.todo.end(), host.deferred.begin(), host.deferred.end());
    host.deferred.clear();
  }

  // An answer (SYN-ACK or RST) `rtt` after the SYN: one sample for the host and one for its subnet.
  void add_rtt_sample(HostWork& host, Clock::duration rtt) {
    const auto us = std::chrono::duration_cast<net::Micros>(rtt);
    host.rtt.add(us);
    subnet_rtts.at(host.subnet).add(us);
  }

  // An answer to `attempt`: an RTT sample, and for the loss estimate, whether it came only on a retry.
  void note_answer(HostWork& host, const PortTry& attempt, Clock::duration rtt) {
    add_rtt_sample(host, rtt);
    ++answered_attempts;
    if (attempt.previous > net::Micros::zero()) ++answered_on_retry;
  }

  int attempts_made(const PortTry& attempt) const { return 1 + options.retries - attempt.retries_left; }

  // The share of attempts lost, as answers that came only on a retry show it. Until 200 answers have
  // come it is not trusted: `prior` then gives at least kPriorLoss (hosts that answered must not be
  // under-retried while the estimate forms), else 0 (a silent address is not retried on a guess).
  double loss_rate(bool prior) const {
    const double measured = answered_attempts ? static_cast<double>(answered_on_retry) / static_cast<double>(answered_attempts) : 0;
    if (answered_attempts >= 200) return measured;
    return prior ? std::max(measured, kPriorLoss) : 0;
  }

  // Whether another attempt is worth its wait after `attempts` timeouts in a row on each of `ports`
  // ports: a port of a host that `answered` always gets a second try (a late answer, a firewall's
  // mood), and more while the loss rate makes "every attempt lost" likelier than kMissTolerance.
  bool worth_retry(int attempts, int ports, bool answered) const {
    if (answered && attempts < 2) return true;
    return std::pow(loss_rate(answered), attempts * ports) > kMissTolerance;
  }

  // A host that answered nothing: its timed-out ports get one more round only when loss seen elsewhere
  // makes "every one of its first attempts lost" likely enough; otherwise it is silent.
  bool retry_silent_host(const HostWork& host) const {
    if (host.alive || host.deferred.empty() || stop.load(std::memory_order_relaxed)) return false;
    return worth_retry(attempts_made(host.deferred.front()) - 1, static_cast<int>(host.target.ports.size()), false);
  }

  // How long an attempt to this host may wait, from what is known now (net/rtt.h).
  net::Micros attempt_budget(const HostWork& host, net::Micros previous) const {
    return net::attempt_timeout(&host.rtt, subnet_rtts.find(host.subnet), rtt_limits, previous);
  }

  // A pending connect ended: writable (connected or failed) or past its deadline. Closing the
  // descriptor also removes it from the epoll set. A timeout is queued for retry while attempts remain.
  void complete(size_t index, bool timed_out) {
    Slot& slot = slots[index];
    HostWork& host = *slot.host;
    int err = 0;
    socklen_t len = sizeof err;
    if (!timed_out && ::getsockopt(slot.fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    ::close(slot.fd);
    slot.fd = -1;
    --inflight;
    wake_capacity_waiter();
    --host.inflight;
    if (observer && observer->on_connect_end) observer->on_connect_end(host.target.address, slot.attempt.port);
    if (timed_out || err == ETIMEDOUT) {
      ++stats.timeouts;
      if (slot.attempt.retries_left > 0 && !stop.load(std::memory_order_relaxed)) {
        const PortTry retry{slot.attempt.port, slot.attempt.retries_left - 1, slot.budget};
        if (!host.alive) host.deferred.push_back(retry);
        else if (worth_retry(attempts_made(slot.attempt), 1, true)) host.todo.push_back(retry);
      }
    } else {
      const Attempt a = classify(err);
      if (a != Attempt::kError) note_answer(host, slot.attempt, Clock::now() - slot.started);
      record(host, slot.attempt.port, a);
    }
    host.wake->cancel();
  }

  // Completes every connect the epoll set reports finished.
  void harvest() {
    epoll_event events[256];
    for (;;) {
      const int n = ::epoll_wait(epfd, events, 256, 0);
      for (int i = 0; i < n; ++i)
        if (slots[events[i].data.u32].fd >= 0) complete(events[i].data.u32, false);
      if (n < 256) break;
    }
  }

  // A connection ended: the longest-waiting lane that still wants one may start it.
  void wake_capacity_waiter() {
    while (!capacity_waiters.empty()) {
      LaneWait& w = lane_waits[capacity_waiters.front()];
      capacity_waiters.pop_front();
      if (!w.waiting) continue;  // it went on after its own host's connect ended
      w.waiting = false;
      w.wake->cancel();
      return;
    }
  }

  // Collects finished connects from the epoll set whenever it becomes readable.
  asio::awaitable<void> harvester() {
    for (;;) {
      auto [ec] = co_await epoll_watch->async_wait(asio::posix::descriptor_base::wait_read, kTuple);
      if (ec) co_return;  // cancelled at the end of the run
      harvest();
    }
  }

  // Sleeps until `when` in slices of kStopSlice, so Ctrl-C ends the wait (a lane at --rate 2 may hold a
  // slot minutes ahead). Returns early once stop is requested.
  asio::awaitable<void> sleep_until(asio::steady_timer& timer, Clock::time_point when) {
    while (!stop.load(std::memory_order_relaxed) && Clock::now() < when) {
      timer.expires_at(std::min(when, Clock::now() + kStopSlice));
      co_await timer.async_wait(kTuple);
    }
  }

  // ---- The hot loop -------------------------------------------------------------------------
  // Sweeps one host: for each port (then each timed-out retry), wait for a free slot (at most
  // kMaxConnectionsPerHost pending), pace, connect. Attempts the kernel finishes at once are recorded
  // on the spot; the others wait in the epoll set. Returns once nothing is pending; true when every
  // port was tried to the end (no stop).
  asio::awaitable<bool> sweep_host(HostWork& host, asio::steady_timer& pace_timer) {
    host.todo.reserve(host.target.ports.size());
    for (const uint16_t port : host.target.ports) host.todo.push_back(PortTry{port, options.retries});
    size_t next = 0;
    for (;;) {
      if (next == host.todo.size() && host.inflight == 0) {
        if (!retry_silent_host(host)) break;
        host.todo.insert(host.todo.end(), host.deferred.begin(), host.deferred.end());
        host.deferred.clear();
      }
      if (stop.load(std::memory_order_relaxed)) break;
      const bool at_capacity = inflight >= options.concurrency;
      if (next == host.todo.size() || host.inflight >= kMaxConnectionsPerHost || at_capacity) {
        if (at_capacity && !lane_waits[host.lane].waiting) {
          lane_waits[host.lane].waiting = true;
          capacity_waiters.push_back(host.lane);
        }
        host.wake->expires_at(Clock::time_point::max());
        co_await host.wake->async_wait(kTuple);
        continue;
      }
      lane_waits[host.lane].waiting = false;
      const PortTry attempt = host.todo[next++];
      const uint16_t port = attempt.port;
      if (pacer.enabled()) {
        co_await sleep_until(pace_timer, pacer.reserve());
        while (!stop.load(std::memory_order_relaxed) && Clock::now() < pacer.earliest_start())
          co_await sleep_until(pace_timer, pacer.earliest_start());
        if (stop.load(std::memory_order_relaxed)) break;  // never a new connection after Ctrl-C
        if (inflight >= options.concurrency) {  // other lanes took the free connections meanwhile
          --next;
          continue;
        }
      }
      const tcp::endpoint endpoint = to_endpoint(host.target.address, port);
      if (observer && observer->on_connect_start) observer->on_connect_start(host.target.address, port);
      int fd = -1, err = 0;
      const auto started = Clock::now();
      Attempt a = start_connect(endpoint, fd, err);
      // Recorded after connect(): the cap then holds for every time anyone observes between the gate
      // and here (the SYN, the observer's clock), not only for the gate's own clock.
      if (pacer.enabled()) pacer.started(Clock::now());
      for (int backoff = 0; a == Attempt::kError && out_of_resources(err) && backoff < 100 && !stop.load(); ++backoff) {
        pace_timer.expires_after(std::chrono::milliseconds(10));  // out of descriptors: wait, same port
        co_await pace_timer.async_wait(kTuple);
        a = start_connect(endpoint, fd, err);
      }
      if (a != Attempt::kPending) {
        if (a != Attempt::kError) note_answer(host, attempt, Clock::now() - started);
        record(host, port, a);
        if (observer && observer->on_connect_end) observer->on_connect_end(host.target.address, port);
        continue;
      }
      size_t k = 0;
      while (host.slots[k].fd >= 0) ++k;  // a free slot exists: inflight < kMaxConnectionsPerHost
      Slot& slot = host.slots[k];
      slot = Slot{fd, &host, attempt, started, attempt_budget(host, attempt.previous)};
      epoll_event ev{};
      ev.events = EPOLLOUT;
      ev.data.u32 = static_cast<uint32_t>(&slot - slots.data());
      ::epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
      ++inflight;
      ++host.inflight;
      stats.max_inflight = std::max(stats.max_inflight, inflight);
      stats.max_inflight_per_host = std::max(stats.max_inflight_per_host, host.inflight);
    }
    lane_waits[host.lane].waiting = false;  // a queued wait must never outlive this host (or the lane's timer)
    while (host.inflight > 0) {  // stopping: cancel_all() ends the pending ones
      host.wake->expires_at(Clock::time_point::max());
      co_await host.wake->async_wait(kTuple);
    }
    co_return next == host.todo.size() && !stop.load();
  }

  void mark_finished(uint64_t index) {
    completed_ahead.insert(index);
    while (!completed_ahead.empty() && *completed_ahead.begin() == completed_prefix) {
      completed_ahead.erase(completed_ahead.begin());
      ++completed_prefix;
    }
  }

  // A lane takes hosts one after another from the permuted source and sweeps each with
  // kMaxConnectionsPerHost workers, then hands a host with open ports to the prober, which identifies
  // it beside the sweep (at most one host per lane being identified).
  asio::awaitable<void> lane(size_t lane_index) {
    Slot* my_slots = &slots[lane_index * kMaxConnectionsPerHost];
    asio::steady_timer wake(io);
    lane_waits[lane_index].wake = &wake;
    asio::steady_timer pace_timer(io);
    while (!stop.load(std::memory_order_relaxed)) {
      if (next_host >= source->host_count()) break;
      const uint64_t index = next_host++;
      HostWork host{source->host(index)};
      host.subnet = net::subnet_key(host.target.address);
      if (observer && observer->skip_host && observer->skip_host(host.target.address)) {
        mark_finished(index);
        ++stats.hosts_done;
        if (observer->on_host_done) observer->on_host_done(nullptr, completed_prefix);
        continue;
      }
      host.wake = &wake;
      host.lane = static_cast<uint32_t>(lane_index);
      host.slots = my_slots;
      const bool complete = co_await sweep_host(host, pace_timer);
      if (host.open.empty()) {
        if (complete) finish_host(nullptr, index, complete);
        continue;
      }
      HostRecord record;
      record.address = host.target.address;
      std::sort(host.open.begin(), host.open.end());
      record.open_tcp_ports = std::move(host.open);
      record.interrupted = !complete;
      if (!prober || stop.load()) {
        finish_host(&record, index, complete);
        out->push_back(std::move(record));
        continue;
      }
      // Identification runs beside the sweep: the lane goes on to its next host at once, unless
      // max_probing hosts are being identified already.
      while (probing >= max_probing && !stop.load(std::memory_order_relaxed)) {
        pace_timer.expires_after(std::chrono::milliseconds(5));
        co_await pace_timer.async_wait(kTuple);
      }
      ++probing;
      asio::co_spawn(io, identify(std::move(record), index, complete), asio::detached);
    }
    lane_waits[lane_index] = LaneWait{};  // its timer ends with this coroutine
    --lanes_running;
  }

  // Runs the prober on a swept host, then hands the record on.
  // A host that accepts any port and where nothing spoke is not a device (a SYN proxy or tarpit answered).
  asio::awaitable<void> identify(HostRecord record, uint64_t index, bool complete) {
    co_await prober->probe(record, stop);
    if (record.accepts_any_port && record.services.empty() && !record.interrupted) {
      ++stats.accept_any_silent;
      finish_host(nullptr, index, complete);
      --probing;
      co_return;
    }
    finish_host(&record, index, complete);
    out->push_back(std::move(record));
    --probing;
  }

  // A host is done (record null: nothing open). Only a host swept to the end advances the low-water mark.
  void finish_host(HostRecord* record, uint64_t index, bool complete) {
    if (complete && !(record && record->interrupted)) mark_finished(index);
    if (observer && observer->on_host_done) observer->on_host_done(record, completed_prefix);
    if (complete) ++stats.hosts_done;
  }

  // Expires pending connects past their deadline. Each tick re-derives every deadline from the RTTs
  // known now, so attempts started before their subnet's first answer (at the conservative ceiling)
  // shorten once it arrives. Connects already finished are harvested first: a busy loop never turns an
  // answer into a timeout.
  asio::awaitable<void> reaper() {
    asio::steady_timer timer(io);
    const Clock::duration tick = std::clamp<Clock::duration>(rtt_limits.floor / 10, std::chrono::milliseconds(2),
                                                          std::chrono::milliseconds(50));
    while (lanes_running > 0) {
      timer.expires_after(tick);
      co_await timer.async_wait(kTuple);
      harvest();
      const auto now = Clock::now();
      for (size_t i = 0; i < slots.size(); ++i) {
        Slot& s = slots[i];
        if (s.fd < 0) continue;
        s.budget = attempt_budget(*s.host, s.attempt.previous);
        if (s.started + s.budget <= now) complete(i, /*timed_out=*/true);
      }
    }
  }

  asio::awaitable<void> progress_line(Clock::time_point started) {
    asio::steady_timer timer(io);
    EtaEstimator eta;
    while (lanes_running > 0 || probing > 0) {
      timer.expires_after(std::chrono::milliseconds(250));
      co_await timer.async_wait(kTuple);
      const double secs = std::chrono::duration<double>(Clock::now() - started).count();
      const double rate = secs > 0 ? static_cast<double>(stats.connects) / secs : 0;
      eta.observe(secs, stats.hosts_done, stats.hosts_total);
      const std::string line = i18n::tr(options.lang, "scan.progress",
                                        {{"done", std::to_string(stats.hosts_done)},
                                         {"total", std::to_string(stats.hosts_total)},
                                         {"rate", fmt::format("{:.0f}", rate)},
                                         {"open", std::to_string(stats.open)},
                                         {"eta", format_eta(eta.seconds_left(), options.lang)}});
      std::fprintf(stderr, "\r\033[K%s", line.c_str());
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
  // Twice the lanes the cap needs: a lane whose host has fewer than kMaxConnectionsPerHost ports left
  // leaves connections unused, which another lane's host takes (inflight stays <= concurrency).
  const uint64_t full_lanes = static_cast<uint64_t>(std::max(1, m.options.concurrency / per_host));
  uint64_t lanes = std::min<uint64_t>(2 * full_lanes, std::max<uint64_t>(1, m.stats.hosts_total - m.next_host));
  m.slots.assign(lanes * per_host, Slot{});
  m.epoll_watch.reset();
  if (m.epfd >= 0) ::close(m.epfd);
  m.epfd = ::epoll_create1(EPOLL_CLOEXEC);
  m.epoll_watch.emplace(m.io, ::dup(m.epfd));
  asio::co_spawn(m.io, m.harvester(), asio::detached);
  m.lanes_running = static_cast<int>(lanes);
  m.max_probing = static_cast<int>(full_lanes);
  m.lane_waits.assign(lanes, LaneWait{});
  m.capacity_waiters.clear();

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
    while (m.lanes_running > 0 || m.probing > 0 || background_running > 0) {
      t.expires_after(std::chrono::milliseconds(20));
      co_await t.async_wait(kTuple);
    }
    boost::system::error_code ignored;
    signals.cancel(ignored);
    m.epoll_watch->cancel(ignored);
  }, asio::detached);
  m.io.run();

  m.stats.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  m.stats.interrupted = m.stop.load();
  return m.stats;
}

}  // namespace anshin::scan
