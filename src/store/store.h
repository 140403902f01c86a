// The inventory: every scan and every device anshin has seen, in one SQLite file (default
// `anshin.db` in the current directory) or one PostgreSQL database (`postgresql://...`, shared by
// several processes). docs/inventory.md has the schema, the identity rules, the migrations, both
// backends and the crash-safety guarantees.
//
// HOW THE SCAN PIPELINE WRITES A SCAN
//
//   auto store = store::Store::open(options.db);                 // once, before the sweep
//   if (!store) { print store.error().message; return store::exit_status_for(store.error()); }
//   store::ResumeState resume{plan_options_json, seed, 0};
//   auto scan = store->begin_scan(info, resume);                 // info.finished empty; id may be empty
//   ... for each host, as soon as it is assessed (identified + findings):
//   store->put_device(*scan, device);                            // committed when it returns
//   ... now and then (e.g. every 256 hosts or every second), the low-water mark of the sweep:
//   store->set_hosts_done(*scan, n);                             // every host at permutation index < n is stored
//   ... at the end:
//   store->finish_scan(*scan, finished_rfc3339, /*interrupted=*/false);
//   ... or on Ctrl-C, after the in-flight hosts were cut short and put:
//   store->finish_scan(*scan, finished_rfc3339, /*interrupted=*/true);
//
// Only addresses that answered are put (contract: `devices` holds every address that answered).
// put_device is idempotent per (scan, address): putting the same address again replaces the row.
//
// RESUMING (`anshin scan --resume`)
//
//   auto open = store->unfinished_scan();        // newest scan not completed (interrupted or killed)
//   if (*open) { rebuild the plan from (*open)->resume.plan_json and ->resume.seed,
//                skip permutation indexes < ->resume.hosts_done (and addresses in ->done_addresses),
//                put_device(...)/set_hosts_done(...) on (*open)->number, then finish_scan(...). }
//
// A process killed at any point (SIGKILL, power cut aside) loses at most the device whose
// put_device had not returned: every put is its own transaction (SQLite in WAL mode, or PostgreSQL).
//
// Every call is thread-safe (one internal mutex); the Store is movable, not copyable. All errors are
// one-line messages; exit_status_for() maps them to the contract's exit status.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "model/device.h"
#include "model/observation.h"

namespace anshin::store {

inline constexpr const char* kDefaultPath = "anshin.db";

// A scan's number in the inventory: ascending in the order scans were begun. `--scan` accepts
// either this number or the ScanInfo::id text.
using ScanNumber = int64_t;
// A device's identity, stable across scans (docs/inventory.md, "Identity").
using DeviceId = int64_t;

struct OpenOptions {
  bool create = true;            // false: a missing file is an error (report, diff)
  int busy_timeout_ms = 5000;    // how long to wait for another writer before "locked"
};

// What `scan --resume` needs to continue a scan.
struct ResumeState {
  std::string plan_json = "{}";  // the options the target plan was built from (pipeline's format)
  uint64_t seed = 0;             // the permutation seed
  uint64_t hosts_done = 0;       // every host at permutation index < hosts_done is stored
};

struct StoredScan {
  ScanNumber number = 0;
  ScanInfo info;                 // info.finished empty while running or after a crash
  bool completed = false;        // finish_scan(..., interrupted=false) was called
  uint64_t devices = 0;          // observations stored for this scan
  ResumeState resume;
  std::optional<ScanNumber> reassessed_from;  // made by `anshin reassess` from that scan
};

struct UnfinishedScan {
  StoredScan scan;
  std::vector<IpAddr> done_addresses;  // addresses already put in this scan
};

// A snapshot with the identity of each device (parallel to snapshot.devices).
struct IdentifiedSnapshot {
  ScanSnapshot snapshot;
  std::vector<DeviceId> ids;
};

class Store {
 public:
  // Opens (creating when allowed) and upgrades the schema to the latest version. `path` is a file, or
  // a postgresql:// (postgres://) URI of an existing database. Errors:
  // kInvalidInput: not an SQLite file, an SQLite file or PostgreSQL database that is not an anshin
  // inventory, a schema from a newer anshin; kNotFound: the file is missing and create=false, the
  // PostgreSQL database does not exist (or is empty and create=false); kIo: locked by another process
  // (after busy_timeout_ms), unreadable, read-only, the server unreachable or the login refused.
  static Result<Store> open(const std::string& path, const OpenOptions& options = {});

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  ~Store();

  // Records a new scan (info.finished is ignored; an empty info.id gets "<started>-<4 hex>").
  Result<ScanNumber> begin_scan(const ScanInfo& info, const ResumeState& resume = {});
  // Stores one device of a running scan in one transaction and returns its identity.
  Result<DeviceId> put_device(ScanNumber scan, const Device& device);
  // The same, with what the probes saw of the host (bounded, codec::encode_host_record), in the same
  // transaction: `anshin reassess` judges it again with a newer knowledge base.
  Result<DeviceId> put_device(ScanNumber scan, const Device& device, const HostRecord& host);
  // The addresses of a scan whose observations are stored, ascending; empty for scans stored before
  // schema 3. host_record reads one (one at a time: a large scan is never held whole).
  Result<std::vector<IpAddr>> host_record_addresses(ScanNumber scan);
  Result<HostRecord> host_record(ScanNumber scan, const IpAddr& address);
  // Marks `scan` as the reassessment of `from`.
  Result<void> set_reassessed_from(ScanNumber scan, ScanNumber from);
  // Several devices in one transaction (all or none).
  Result<std::vector<DeviceId>> put_devices(ScanNumber scan, const std::vector<Device>& devices);
  Result<void> set_hosts_done(ScanNumber scan, uint64_t hosts_done);
  // finished: RFC 3339 UTC. interrupted=false marks the scan completed.
  Result<void> finish_scan(ScanNumber scan, const std::string& finished, bool interrupted);

  // Devices ordered by address. kNotFound for an unknown scan.
  Result<ScanSnapshot> snapshot(ScanNumber scan);
  Result<IdentifiedSnapshot> identified_snapshot(ScanNumber scan);

  // The newest scan that ended (completed or interrupted); nullopt when there is none.
  Result<std::optional<StoredScan>> latest_scan();
  // Every scan, oldest first.
  Result<std::vector<StoredScan>> list_scans();
  // How many findings of each severity a scan's devices carry, indexed by Severity (kInfo .. kCritical).
  Result<std::array<uint64_t, 5>> finding_counts(ScanNumber scan);
  // The newest scan that is not completed (interrupted by the user, or the process died), if any;
  // scans made by `reassess` are passed over.
  Result<std::optional<UnfinishedScan>> unfinished_scan();
  // The same for one scan (`scan --resume-scan`, the server resuming a job's scan): nullopt when it is
  // completed or was made by `reassess`; kNotFound for an unknown number.
  Result<std::optional<UnfinishedScan>> unfinished_scan(ScanNumber scan);
  // A scan by its number ("12") or its id text; kNotFound with the known choices otherwise.
  Result<StoredScan> find_scan(std::string_view number_or_id);

  // SQLite: PRAGMA integrity_check and foreign_key_check; PostgreSQL (which checks pages and foreign keys
  // itself): the schema version row. The first problem as the error message.
  Result<void> check_integrity();
  int schema_version() const;
  // The file, or the URI with its password replaced by "***" (safe to print).
  const std::string& path() const;

 private:
  friend struct ServeTables;  // store/serve_tables.h: the server's queries and tables
  friend struct SiteTables;   // store/site_tables.h: sites and the scan-job queue
  friend struct SensorTables; // store/sensor_tables.h: site sensors and their uploads
  struct Impl;
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The contract's exit status for a store error: 1 for bad input (not an inventory, newer schema,
// missing file, unknown scan), 2 when it could not run (locked, I/O).
int exit_status_for(const Error& error);

}  // namespace anshin::store
