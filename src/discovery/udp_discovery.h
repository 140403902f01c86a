// UDP discovery beside the TCP sweep: unicast WS-Discovery (typed NetworkVideoTransmitter + untyped
// Probe), SADP inquiry, DHIP DHDiscover.search and SSDP M-SEARCH (ST ssdp:all) to every address of
// the plan, in permutation order, each probe `repeats` times ~100 ms apart (UDP loses packets), paced
// by one global datagram rate. One ephemeral UDP socket per protocol and address family.
// Multicast (options.multicast): when the plan covers a local segment (discovery/local_segments.h),
// the same probes go first to their groups (239.255.255.250, DHIP .251) on that interface with TTL 1,
// and listeners bound to the SADP and DHIP groups catch devices that answer to the group. Replies are
// collected until `wait` after the last send (or stop) -- by unicast alone, once replies have come,
// until their latencies' RTO instead (net/rtt.h; 300 ms at least, `wait` at most) -- attributed to their *source address* only if
// it is in the plan, deduplicated, capped per address and protocol, parsed with the codec and turned
// into Observations (docs/observation-keys.md). For an SSDP LOCATION on the replying host itself, the
// UPnP description is fetched once per address through the Dialer (never another host).
//
// Usage (the scan pipeline):
//   discovery::UdpDiscovery udp(plan, seed, dialer, {.rate = rate});
//   net::BackgroundTask* bg[] = {&udp};
//   engine.run(source, prober, hosts, nullptr, bg);
//   for (auto& [addr, records] : udp.take_results()) ... merge into the HostRecord of addr
//
// Asio in this header (awaitable): include only from .cc files of discovery/ and scan/.
#pragma once
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ip.h"
#include "model/observation.h"
#include "net/dialer.h"
#include "net/host_prober.h"
#include "targets/targets.h"

namespace anshin::discovery {

struct UdpDiscoveryOptions {
  double rate = 0;                                  // datagrams per second (all protocols); 0 = unlimited
  bool multicast = true;                            // also probe the groups of local segments the plan covers
  std::chrono::milliseconds wait{1500};             // receive window after the last send (the longest)
  int repeats = 2;                                  // each probe sent this many times (nmap: 2)
  std::chrono::milliseconds repeat_interval{100};   // spacing of the repeats of one address
  bool fetch_upnp = true;                           // GET the UPnP description of SSDP replies
  std::chrono::milliseconds fetch_timeout{2000};    // per description fetch (connect + request + body)
  size_t max_description_bytes = 256 * 1024;        // description body limit
  int max_fetches_in_flight = 16;
  size_t max_replies_per_protocol = 8;              // distinct replies kept per address and protocol
};

class UdpDiscovery final : public net::BackgroundTask {
 public:
  // `dialer` is used for the UPnP description fetches only (its ScopeCheck applies on top of ours);
  // it must run on the executor that runs run() (e.g. net::make_lazy_tcp_dialer). `plan` must outlive
  // this object.
  UdpDiscovery(const targets::TargetPlan& plan, uint64_t seed, net::Dialer& dialer, UdpDiscoveryOptions options = {});
  // Without a dialer: one is made on run()'s executor, with the plan as its scope.
  UdpDiscovery(const targets::TargetPlan& plan, uint64_t seed, UdpDiscoveryOptions options = {});
  ~UdpDiscovery() override;
  UdpDiscovery(const UdpDiscovery&) = delete;
  UdpDiscovery& operator=(const UdpDiscovery&) = delete;

  // Runs once; never throws; returns within ~50 ms of `stop` (in-flight description fetches are
  // abandoned), otherwise about `wait` after the last send plus at most fetch_timeout for fetches.
  boost::asio::awaitable<void> run(const std::atomic<bool>& stop) override;

  // After run(): per answering address (ascending), one ServiceRecord per protocol that answered, in
  // the order wsd, sadp, dhip, ssdp: probe = protocol = "wsd"|"sadp"|"dhip"|"ssdp", transport kUdp,
  // port 3702|37020|37810|1900, status kSuccess, observations (deduplicated by key and value; a MAC
  // the reply carries is also emitted as "mac.address" "aa:bb:cc:dd:ee:ff"; upnp.* observations are
  // in the "ssdp" record with the description's HTTP port). Moves the results out.
  std::map<IpAddr, std::vector<ServiceRecord>> take_results();
  // While run() goes on (on its executor), or after it: a copy of what `address` has answered so far,
  // in the form take_results() gives. Later replies may still add to it.
  std::vector<ServiceRecord> results_for(const IpAddr& address) const;

  struct Stats {
    uint64_t sent = 0;          // datagrams sent (unicast and multicast)
    uint64_t multicast_sent = 0;  // of which to a multicast group
    std::vector<std::string> multicast_segments;  // "eth0 192.168.1.10/24": segments probed by multicast
    uint64_t send_errors = 0;   // datagrams the kernel refused
    uint64_t received = 0;      // datagrams received (all)
    uint64_t attributed = 0;    // parsed and attributed to a plan address
    uint64_t unattributed = 0;  // from addresses not in the plan (dropped)
    uint64_t malformed = 0;     // the codec rejected them
    uint64_t duplicates = 0;    // same protocol + same payload from the same address
    uint64_t capped = 0;        // dropped because the address already had max_replies_per_protocol
    uint64_t upnp_fetches = 0;  // descriptions requested
    uint64_t upnp_ok = 0;       // descriptions parsed
    uint64_t upnp_refused = 0;  // LOCATIONs not fetched (other host, not an IP literal, bad URL)
    double send_seconds = 0;    // first to last send
    double seconds = 0;         // whole run()
  };
  Stats stats() const;

  // Whether `address` is one of the plan's hosts. O(log spans).
  bool contains(const IpAddr& address) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The first "mac.address" observation of a host's discovery records, for HostRecord::mac.
std::optional<std::string> discovered_mac(const std::vector<ServiceRecord>& records);

}  // namespace anshin::discovery
