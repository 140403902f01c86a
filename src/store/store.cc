#include "store/store.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <mutex>
#include <numeric>
#include <random>

#include "core/text.h"
#include "i18n/catalog.h"
#include "store/codec.h"
#include "store/schema.h"
#include "store/sql.h"
#include "store/store_impl.h"

namespace anshin::store {

using sql::Stmt;


namespace {

using sql::Tx;

std::optional<std::string> identity_mac(const std::optional<std::string>& mac) {
  if (!mac) return std::nullopt;
  std::string m = text::to_lower(text::trim(*mac));
  if (m.empty()) return std::nullopt;
  return m;
}

std::optional<std::string> identity_serial(const std::optional<std::string>& serial) {
  if (!serial) return std::nullopt;
  std::string s(text::trim(*serial));
  if (s.empty()) return std::nullopt;
  return s;
}

std::string random_suffix() {
  std::random_device rd;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  const unsigned v = rd();
  for (int i = 0; i < 4; ++i) s.push_back(kHex[(v >> (i * 4)) & 0xF]);
  return s;
}

constexpr const char* kScanColumns =
    "SELECT s.number, s.id, s.started, s.finished, s.targets, s.addresses, s.tool_version, "
    "s.kb_version, s.interrupted, s.completed, "
    "(SELECT COUNT(*) FROM observations o WHERE o.scan = s.number), r.plan, r.seed, r.hosts_done, s.reassessed_from, s.site "
    "FROM scans s LEFT JOIN scan_resume r ON r.scan = s.number ";

Result<StoredScan> scan_from_row(const Stmt& st) {
  StoredScan s;
  s.number = st.col_int(0);
  s.info.id = st.col_string(1);
  s.info.started = st.col_string(2);
  s.info.finished = st.col_opt_string(3).value_or("");
  auto targets = codec::decode_strings(st.col_string(4));
  if (!targets) return targets.error();
  s.info.targets = std::move(*targets);
  s.info.addresses = static_cast<uint64_t>(st.col_int(5));
  s.info.tool_version = st.col_string(6);
  s.info.kb_version = st.col_string(7);
  s.info.interrupted = st.col_int(8) != 0;
  s.completed = st.col_int(9) != 0;
  s.devices = static_cast<uint64_t>(st.col_int(10));
  if (!st.is_null(11)) {
    s.resume.plan_json = st.col_string(11);
    s.resume.seed = static_cast<uint64_t>(st.col_int(12));
    s.resume.hosts_done = static_cast<uint64_t>(st.col_int(13));
  }
  if (!st.is_null(14)) s.reassessed_from = st.col_int(14);
  s.info.site = st.col_opt_string(15).value_or("");
  return s;
}

Result<std::vector<StoredScan>> query_scans(sql::Conn* db, const std::string& where_order,
                                            std::optional<int64_t> number = std::nullopt,
                                            std::optional<std::string> id = std::nullopt) {
  Stmt st(db, std::string(kScanColumns) + where_order);
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading scans");
  int i = 1;
  if (number) st.bind_int(i++, *number);
  if (id) st.bind_bytes(i++, *id);
  std::vector<StoredScan> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto s = scan_from_row(st);
    if (!s) return s.error();
    out.push_back(std::move(*s));
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading scans");
  return out;
}

Result<std::optional<StoredScan>> first_scan(sql::Conn* db, const std::string& where_order,
                                             std::optional<int64_t> number = std::nullopt,
                                             std::optional<std::string> id = std::nullopt) {
  auto all = query_scans(db, where_order, number, id);
  if (!all) return all.error();
  if (all->empty()) return std::optional<StoredScan>();
  return std::optional<StoredScan>(std::move(all->front()));
}

Result<bool> scan_exists(sql::Conn* db, ScanNumber scan) {
  Stmt st(db, "SELECT 1 FROM scans WHERE number = ?");
  st.bind_int(1, scan);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sql::error_from(db, rc, "reading scans");
}

Error no_such_scan(ScanNumber scan) {
  return i18n::error(Errc::kNotFound, "error.store.no_scan_number", {{"number", std::to_string(scan)}});
}

struct Candidate {
  DeviceId id;
  std::optional<std::string> mac;
  std::optional<std::string> serial;
};

// SELECT id, mac, serial of devices: the first row or nullopt.
Result<std::optional<Candidate>> first_candidate(Stmt& st, sql::Conn* db) {
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<Candidate>();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "looking up the device identity");
  return std::optional<Candidate>(Candidate{st.col_int(0), st.col_opt_string(1), st.col_opt_string(2)});
}

bool conflicts(const std::optional<std::string>& a, const std::optional<std::string>& b) {
  return a && b && *a != *b;
}

// Identity rules (docs/inventory.md): MAC, then serial, then address; a device already observed in
// this scan (at another address) is never matched again, and a weaker key never overrides a
// stronger one that disagrees.
Result<std::optional<DeviceId>> resolve_identity(sql::Conn* db, ScanNumber scan, const std::string& address,
                                                 const std::optional<std::string>& mac,
                                                 const std::optional<std::string>& serial) {
  static constexpr const char* kNotInScan =
      " AND NOT EXISTS (SELECT 1 FROM observations o WHERE o.device = d.id AND o.scan = ?2)";
  if (mac) {
    Stmt st(db, std::string("SELECT d.id, d.mac, d.serial FROM devices d WHERE d.mac = ?1") + kNotInScan +
                    " ORDER BY d.last_scan DESC, d.id DESC LIMIT 1");
    st.bind_bytes(1, *mac);
    st.bind_int(2, scan);
    auto c = first_candidate(st, db);
    if (!c) return c.error();
    if (*c) return std::optional<DeviceId>((*c)->id);
  }
  if (serial) {
    Stmt st(db, std::string("SELECT d.id, d.mac, d.serial FROM devices d WHERE d.serial = ?1") + kNotInScan +
                    " ORDER BY d.last_scan DESC, d.id DESC");
    st.bind_bytes(1, *serial);
    st.bind_int(2, scan);
    for (;;) {
      auto c = first_candidate(st, db);
      if (!c) return c.error();
      if (!*c) break;
      if (!conflicts((*c)->mac, mac)) return std::optional<DeviceId>((*c)->id);
    }
  }
  {
    Stmt st(db, std::string("SELECT d.id, d.mac, d.serial FROM observations ob JOIN devices d ON d.id = ob.device "
                            "WHERE ob.address = ?1 AND ob.scan != ?2") +
                    kNotInScan + " ORDER BY ob.scan DESC LIMIT 1");
    st.bind_text(1, address);
    st.bind_int(2, scan);
    auto c = first_candidate(st, db);
    if (!c) return c.error();
    if (*c && !conflicts((*c)->mac, mac) && !conflicts((*c)->serial, serial)) {
      return std::optional<DeviceId>((*c)->id);
    }
  }
  return std::optional<DeviceId>();
}

Result<DeviceId> put_one(sql::Conn* db, ScanNumber scan, const Device& device) {
  const std::string address = device.address.to_string();
  const auto mac = identity_mac(device.mac);
  const auto serial = identity_serial(device.verdict.serial);

  {  // Idempotent per (scan, address): a second put replaces the first.
    Stmt del(db, "DELETE FROM observations WHERE scan = ? AND address = ?");
    del.bind_int(1, scan);
    del.bind_text(2, address);
    const int rc = del.step();
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "storing device " + address);
  }

  auto found = resolve_identity(db, scan, address, mac, serial);
  if (!found) return found.error();
  DeviceId id = 0;
  if (*found) {
    id = **found;
    Stmt up(db,
            "UPDATE devices SET mac = COALESCE(mac, ?1), serial = COALESCE(serial, ?2), "
            "last_scan = CASE WHEN ?3 > last_scan THEN ?3 ELSE last_scan END, last_address = CASE WHEN ?3 >= last_scan THEN ?4 ELSE last_address END "
            "WHERE id = ?5");
    up.bind_opt_bytes(1, mac);
    up.bind_opt_bytes(2, serial);
    up.bind_int(3, scan);
    up.bind_text(4, address);
    up.bind_int(5, id);
    const int rc = up.step();
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "storing device " + address);
  } else {
    Stmt ins(db, "INSERT INTO devices (mac, serial, first_scan, last_scan, last_address) VALUES (?1, ?2, ?3, ?3, ?4) "
                 "RETURNING id");
    ins.bind_opt_bytes(1, mac);
    ins.bind_opt_bytes(2, serial);
    ins.bind_int(3, scan);
    ins.bind_text(4, address);
    const int rc = ins.step();
    if (rc != SQLITE_ROW) return sql::error_from(db, rc, "storing device " + address);
    id = ins.col_int(0);
  }

  const auto& v = device.verdict;
  Stmt ob(db,
          "INSERT INTO observations (scan, device, address, mac, category, manufacturer, brand, manufacturer_id, "
          "brand_id, model, firmware, serial, confidence, evidence, conflicts, services, findings, maker_proof, "
          "possible_manufacturer, possible_manufacturer_id, clues) "
          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)");
  ob.bind_int(1, scan);
  ob.bind_int(2, id);
  ob.bind_text(3, address);
  ob.bind_opt_bytes(4, device.mac);
  ob.bind_text(5, category_name(v.category));
  ob.bind_opt_bytes(6, v.manufacturer);
  ob.bind_opt_bytes(7, v.brand);
  ob.bind_opt_bytes(8, v.manufacturer_id);
  ob.bind_opt_bytes(9, v.brand_id);
  ob.bind_opt_bytes(10, v.model);
  ob.bind_opt_bytes(11, v.firmware);
  ob.bind_opt_bytes(12, v.serial);
  ob.bind_double(13, v.confidence);
  ob.bind_text(14, codec::encode_evidence(v.evidence));
  ob.bind_text(15, codec::encode_strings(v.conflicts));
  ob.bind_text(16, codec::encode_services(device.services));
  ob.bind_text(17, codec::encode_findings(device.findings));
  ob.bind_text(18, maker_proof_name(v.maker_proof));
  ob.bind_opt_bytes(19, v.possible_manufacturer);
  ob.bind_opt_bytes(20, v.possible_manufacturer_id);
  ob.bind_text(21, codec::encode_evidence(v.clues));
  const int rc = ob.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "storing device " + address);
  return id;
}

Error corrupt(const std::string& what) {
  return i18n::error(Errc::kProtocol, "error.store.corrupt_row", {{"what", what}});
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;
Store::~Store() = default;

namespace {

// The version check shared by both backends, then the migrations up to the latest.
Result<int> upgrade(sql::Conn* db, int version, const std::string& shown, const std::string& what) {
  if (version > schema::latest_version()) {
    return i18n::error(Errc::kInvalidInput, "error.store.newer",
                       {{"path", shown},
                        {"version", std::to_string(version)},
                        {"latest", std::to_string(schema::latest_version())}});
  }
  if (version < schema::latest_version()) {
    auto m = schema::migrate(db, schema::latest_version());
    if (!m) return with_prefix(m.error(), what + ": ");
  }
  return schema::latest_version();
}

Result<std::unique_ptr<sql::Conn>> open_sqlite(const std::string& path, const OpenOptions& options) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (!options.create && !exists) {
    return i18n::error(Errc::kNotFound, "error.store.no_inventory", {{"path", path}});
  }
  if (exists && std::filesystem::is_directory(path, ec)) {
    return i18n::error(Errc::kInvalidInput, "error.store.directory", {{"path", path}});
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX;
  if (options.create) flags |= SQLITE_OPEN_CREATE;
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  auto conn = sql::wrap_sqlite(raw);  // closes the handle on every path
  if (rc != SQLITE_OK) return sql::error_from(conn.get(), rc, "cannot open inventory " + path);
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  return conn;
}

// An SQLite file: refuses files that are not SQLite or not anshin's, sets WAL, migrates.
Result<int> prepare_sqlite(sql::Conn* db, const std::string& path) {
  const std::string what = "inventory " + path;
  int app_id = 0;
  bool has_tables = false;
  {
    Stmt st(db, "PRAGMA application_id");
    const int rc = st.step();
    if (rc != SQLITE_ROW) {
      if ((rc & 0xff) == SQLITE_NOTADB) {
        return i18n::error(Errc::kInvalidInput, "error.store.not_sqlite", {{"path", path}});
      }
      return sql::error_from(db, rc, what);
    }
    app_id = static_cast<int>(st.col_int(0));
  }
  auto version = schema::stored_version(db);
  if (!version) return with_prefix(version.error(), what + ": ");
  {
    Stmt st(db, "SELECT 1 FROM sqlite_master LIMIT 1");
    const int rc = st.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sql::error_from(db, rc, what);
    has_tables = rc == SQLITE_ROW;
  }
  if (app_id != schema::kApplicationId && (app_id != 0 || *version != 0 || has_tables)) {
    return i18n::error(Errc::kInvalidInput, "error.store.foreign_sqlite", {{"path", path}});
  }
  if (*version > schema::latest_version()) return upgrade(db, *version, path, what);
  {
    Stmt st(db, "PRAGMA journal_mode = WAL");
    const int rc = st.step();
    if (rc != SQLITE_ROW) return sql::error_from(db, rc, what);
  }
  const int rc = sql::exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON");
  if (rc != SQLITE_OK) return sql::error_from(db, rc, what);
  return upgrade(db, *version, path, what);
}

// A PostgreSQL database: an empty one becomes an inventory (when create), one holding other tables
// and no anshin_schema is refused. The check runs under the writers' lock, so a process that finds the
// database empty cannot mistake another process's half-created inventory for a foreign database.
Result<int> prepare_postgres(sql::Conn* db, const std::string& shown, const OpenOptions& options) {
  const std::string what = "inventory " + shown;
  auto version = schema::stored_version(db);
  if (version && *version == 0) {
    Tx tx(db, Tx::kWrite);
    if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), what);
    version = schema::stored_version(db);
    if (version && *version == 0) {
      Stmt st(db, "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                  "AND tablename <> 'anshin_schema')");
      const int rc = st.step();
      if (rc != SQLITE_ROW) return sql::error_from(db, rc, what);
      if (st.col_string(0) == "t") {
        return i18n::error(Errc::kInvalidInput, "error.store.foreign_postgres", {{"path", shown}});
      }
      if (!options.create) return i18n::error(Errc::kNotFound, "error.store.no_inventory", {{"path", shown}});
    }
  }
  if (!version) {
    if (version.error().code == Errc::kInvalidInput) {
      return i18n::error(Errc::kInvalidInput, "error.store.foreign_postgres", {{"path", shown}});
    }
    return with_prefix(version.error(), what + ": ");
  }
  return upgrade(db, *version, shown, what);
}

}  // namespace

Result<Store> Store::open(const std::string& path, const OpenOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->path = sql::redact(path);
  const bool postgres = sql::is_postgres_uri(path);
  auto conn = postgres ? sql::connect_postgres(path, options.busy_timeout_ms) : open_sqlite(path, options);
  if (!conn) return conn.error();
  impl->db = std::move(*conn);
  auto version = postgres ? prepare_postgres(impl->db.get(), impl->path, options)
                          : prepare_sqlite(impl->db.get(), path);
  if (!version) return version.error();
  impl->version = *version;
  return Store(std::move(impl));
}

Result<ScanNumber> Store::begin_scan(const ScanInfo& info, const ResumeState& resume) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  std::string id = info.id.empty() ? info.started + "-" + random_suffix() : info.id;
  Tx tx(db);
  if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), "recording the scan");
  {
    Stmt st(db, "SELECT 1 FROM scans WHERE id = ?");
    st.bind_bytes(1, id);
    const int rc = st.step();
    if (rc == SQLITE_ROW) return i18n::error(Errc::kInvalidInput, "error.store.duplicate_id", {{"id", id}});
    if (rc != SQLITE_DONE) return sql::error_from(db, rc, "recording the scan");
  }
  Stmt st(db,
          "INSERT INTO scans (id, started, finished, targets, addresses, tool_version, kb_version, interrupted, "
          "completed, site) VALUES (?1, ?2, NULL, ?3, ?4, ?5, ?6, 0, 0, ?7) RETURNING number");
  st.bind_bytes(1, id);
  st.bind_bytes(2, info.started);
  st.bind_text(3, codec::encode_strings(info.targets));
  st.bind_int(4, static_cast<int64_t>(info.addresses));
  st.bind_bytes(5, info.tool_version);
  st.bind_bytes(6, info.kb_version);
  if (info.site.empty()) st.bind_null(7);
  else st.bind_bytes(7, info.site);
  int rc = st.step();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "recording the scan");
  const ScanNumber number = st.col_int(0);
  st.reset();  // SQLite: a statement left mid-way (RETURNING) would keep COMMIT from running
  Stmt r(db, "INSERT INTO scan_resume (scan, plan, seed, hosts_done) VALUES (?, ?, ?, ?)");
  r.bind_int(1, number);
  r.bind_bytes(2, resume.plan_json);
  r.bind_int(3, static_cast<int64_t>(resume.seed));
  r.bind_int(4, static_cast<int64_t>(resume.hosts_done));
  rc = r.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "recording the scan");
  rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "recording the scan");
  return number;
}

// The transaction of a device write has begun and the scan exists.
static Result<void> begin_device_writes(sql::Conn* db, const Tx& tx, ScanNumber scan) {
  if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), "storing devices");
  auto exists = scan_exists(db, scan);
  if (!exists) return exists.error();
  if (!*exists) return no_such_scan(scan);
  return {};
}

Result<DeviceId> Store::put_device(ScanNumber scan, const Device& device) {
  auto ids = put_devices(scan, std::vector<Device>{device});
  if (!ids) return ids.error();
  return ids->front();
}

Result<DeviceId> Store::put_device(ScanNumber scan, const Device& device, const HostRecord& host) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  Tx tx(db);
  if (auto ready = begin_device_writes(db, tx, scan); !ready) return ready.error();
  auto id = put_one(db, scan, device);
  if (!id) return id.error();
  Stmt st(db, "INSERT INTO host_records (scan, address, record) VALUES (?1, ?2, ?3) "
              "ON CONFLICT (scan, address) DO UPDATE SET record = excluded.record");
  st.bind_int(1, scan);
  st.bind_text(2, device.address.to_string());
  st.bind_text(3, codec::encode_host_record(host));
  int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "storing device " + device.address.to_string());
  rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "storing devices");
  return *id;
}

Result<std::vector<IpAddr>> Store::host_record_addresses(ScanNumber scan) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  auto exists = scan_exists(db, scan);
  if (!exists) return exists.error();
  if (!*exists) return no_such_scan(scan);
  Stmt st(db, "SELECT address FROM host_records WHERE scan = ?");
  st.bind_int(1, scan);
  std::vector<IpAddr> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto a = IpAddr::parse(st.col_string(0));
    if (!a) return corrupt("host_records.address");
    out.push_back(*a);
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading the scan");
  std::sort(out.begin(), out.end());
  return out;
}

Result<HostRecord> Store::host_record(ScanNumber scan, const IpAddr& address) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  Stmt st(db, "SELECT record FROM host_records WHERE scan = ? AND address = ?");
  st.bind_int(1, scan);
  st.bind_text(2, address.to_string());
  const int rc = st.step();
  if (rc == SQLITE_DONE)
    return i18n::error(Errc::kNotFound, "error.store.no_host_record",
                       {{"number", std::to_string(scan)}, {"address", address.to_string()}});
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading the scan");
  auto h = codec::decode_host_record(st.col_string(0));
  if (!h) return corrupt("host_records");
  return std::move(*h);
}

Result<void> Store::set_reassessed_from(ScanNumber scan, ScanNumber from) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  Stmt st(db, "UPDATE scans SET reassessed_from = ?1 WHERE number = ?2");
  st.bind_int(1, from);
  st.bind_int(2, scan);
  const int rc = st.step();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return no_such_scan(from);
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "marking the reassessed scan");
  if (sql::changes(db) == 0) return no_such_scan(scan);
  return {};
}

Result<std::vector<DeviceId>> Store::put_devices(ScanNumber scan, const std::vector<Device>& devices) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  Tx tx(db);
  if (auto ready = begin_device_writes(db, tx, scan); !ready) return ready.error();
  std::vector<DeviceId> ids;
  ids.reserve(devices.size());
  for (const auto& d : devices) {
    auto id = put_one(db, scan, d);
    if (!id) return id.error();
    ids.push_back(*id);
  }
  const int rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "storing devices");
  return ids;
}

Result<void> Store::set_hosts_done(ScanNumber scan, uint64_t hosts_done) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  Stmt st(db,
          "INSERT INTO scan_resume (scan, hosts_done) VALUES (?1, ?2) "
          "ON CONFLICT(scan) DO UPDATE SET hosts_done = excluded.hosts_done");
  st.bind_int(1, scan);
  st.bind_int(2, static_cast<int64_t>(hosts_done));
  const int rc = st.step();
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return no_such_scan(scan);
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "recording scan progress");
  return {};
}

Result<void> Store::finish_scan(ScanNumber scan, const std::string& finished, bool interrupted) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  Stmt st(db, "UPDATE scans SET finished = ?1, interrupted = ?2, completed = ?3 WHERE number = ?4");
  st.bind_bytes(1, finished);
  st.bind_int(2, interrupted ? 1 : 0);
  st.bind_int(3, interrupted ? 0 : 1);
  st.bind_int(4, scan);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "finishing the scan");
  if (sql::changes(db) == 0) return no_such_scan(scan);
  return {};
}

Result<IdentifiedSnapshot> Store::identified_snapshot(ScanNumber scan) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  // One read transaction, so a scan being written concurrently is seen consistently.
  Tx read(db, Tx::kRead);
  if (read.begin_rc() != SQLITE_OK) return sql::error_from(db, read.begin_rc(), "reading the scan");
  int rc = SQLITE_OK;

  auto s = first_scan(db, "WHERE s.number = ?", scan);
  if (!s) return s.error();
  if (!*s) return no_such_scan(scan);
  IdentifiedSnapshot out;
  out.snapshot.scan = (*s)->info;

  Stmt st(db,
          "SELECT device, address, mac, category, manufacturer, brand, manufacturer_id, brand_id, model, firmware, "
          "serial, confidence, evidence, conflicts, services, findings, maker_proof, possible_manufacturer, "
          "possible_manufacturer_id, clues FROM observations WHERE scan = ?");
  st.bind_int(1, scan);
  std::vector<std::pair<Device, DeviceId>> rows;
  while ((rc = st.step()) == SQLITE_ROW) {
    Device d;
    const DeviceId id = st.col_int(0);
    const std::string address = st.col_string(1);
    auto ip = IpAddr::parse(address);
    if (!ip) return corrupt("address " + text::escape_for_terminal(address));
    d.address = *ip;
    d.mac = st.col_opt_string(2);
    auto cat = parse_category(st.col_string(3));
    if (!cat) return corrupt("category of " + address);
    auto& v = d.verdict;
    v.category = *cat;
    v.manufacturer = st.col_opt_string(4);
    v.brand = st.col_opt_string(5);
    v.manufacturer_id = st.col_opt_string(6);
    v.brand_id = st.col_opt_string(7);
    v.model = st.col_opt_string(8);
    v.firmware = st.col_opt_string(9);
    v.serial = st.col_opt_string(10);
    v.confidence = st.col_double(11);
    auto evidence = codec::decode_evidence(st.col_string(12));
    auto conflicts_ = codec::decode_strings(st.col_string(13));
    auto services = codec::decode_services(st.col_string(14));
    auto findings = codec::decode_findings(st.col_string(15));
    auto clues = codec::decode_evidence(st.col_string(19));
    if (!evidence || !conflicts_ || !services || !findings || !clues) return corrupt("device at " + address);
    v.maker_proof = parse_maker_proof(st.col_string(16)).value_or(MakerProof::kNone);
    v.possible_manufacturer = st.col_opt_string(17);
    v.possible_manufacturer_id = st.col_opt_string(18);
    v.clues = std::move(*clues);
    v.evidence = std::move(*evidence);
    v.conflicts = std::move(*conflicts_);
    d.services = std::move(*services);
    d.findings = std::move(*findings);
    rows.emplace_back(std::move(d), id);
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading the scan");
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.first.address < b.first.address; });
  out.snapshot.devices.reserve(rows.size());
  out.ids.reserve(rows.size());
  for (auto& [d, id] : rows) {
    out.snapshot.devices.push_back(std::move(d));
    out.ids.push_back(id);
  }
  return out;
}

Result<ScanSnapshot> Store::snapshot(ScanNumber scan) {
  auto s = identified_snapshot(scan);
  if (!s) return s.error();
  return std::move(s->snapshot);
}

Result<std::optional<StoredScan>> Store::latest_scan() {
  std::lock_guard lock(impl_->mu);
  return first_scan(impl_->db.get(), "WHERE s.finished IS NOT NULL ORDER BY s.number DESC LIMIT 1");
}

Result<std::array<uint64_t, 5>> Store::finding_counts(ScanNumber scan) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  // The findings column is JSON text: each dialect has its own way into it.
  Stmt st(db, db->dialect() == sql::Dialect::kSqlite
                  ? "SELECT json_extract(f.value, '$.severity'), COUNT(*) FROM observations o, json_each(o.findings) f "
                    "WHERE o.scan = ?1 GROUP BY 1"
                  : "SELECT f.value ->> 'severity', COUNT(*) FROM observations o, "
                    "json_array_elements(o.findings::json) f WHERE o.scan = ?1 GROUP BY 1");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "counting findings");
  st.bind_int(1, scan);
  std::array<uint64_t, 5> counts{};
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    const auto severity = parse_severity(st.col_string(0));
    if (severity) counts[static_cast<size_t>(*severity)] += static_cast<uint64_t>(st.col_int(1));
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "counting findings");
  return counts;
}

Result<std::vector<StoredScan>> Store::list_scans() {
  std::lock_guard lock(impl_->mu);
  return query_scans(impl_->db.get(), "ORDER BY s.number");
}

namespace {

// `found` with the addresses already stored in it, when it exists and is not completed.
Result<std::optional<UnfinishedScan>> with_done_addresses(sql::Conn* db, std::optional<StoredScan> found) {
  if (!found || found->completed) return std::optional<UnfinishedScan>();
  UnfinishedScan u;
  u.scan = std::move(*found);
  Stmt st(db, "SELECT address FROM observations WHERE scan = ?");
  st.bind_int(1, u.scan.number);
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    auto ip = IpAddr::parse(st.col_string(0));
    if (!ip) return corrupt("address in scan " + std::to_string(u.scan.number));
    u.done_addresses.push_back(*ip);
  }
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading the scan");
  std::sort(u.done_addresses.begin(), u.done_addresses.end());
  return std::optional<UnfinishedScan>(std::move(u));
}

}  // namespace

Result<std::optional<UnfinishedScan>> Store::unfinished_scan() {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  // A reassessed copy of an interrupted scan is not resumed: the original is.
  auto newest = first_scan(db, "WHERE s.reassessed_from IS NULL ORDER BY s.number DESC LIMIT 1");
  if (!newest) return newest.error();
  return with_done_addresses(db, std::move(*newest));
}

Result<std::optional<UnfinishedScan>> Store::unfinished_scan(ScanNumber scan) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  auto found = first_scan(db, "WHERE s.number = ?", scan);
  if (!found) return found.error();
  if (!*found) return no_such_scan(scan);
  if ((*found)->reassessed_from) return std::optional<UnfinishedScan>();
  return with_done_addresses(db, std::move(*found));
}

Result<StoredScan> Store::find_scan(std::string_view number_or_id) {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  const std::string key(number_or_id);
  const bool numeric = !key.empty() && key.size() < 18 &&
                       std::all_of(key.begin(), key.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
  Result<std::optional<StoredScan>> found = numeric ? first_scan(db, "WHERE s.number = ?", std::stoll(key))
                                                    : first_scan(db, "WHERE s.id = ?", std::nullopt, key);
  if (!found) return found.error();
  if (*found) return std::move(**found);
  std::vector<i18n::Arg> args = {{"scan", text::escape_for_terminal(key)}, {"path", impl_->path}};
  auto all = query_scans(db, "ORDER BY s.number DESC LIMIT 5");
  if (all && !all->empty()) {
    std::string newest;
    for (size_t i = 0; i < all->size(); ++i) {
      if (i) newest += ", ";
      newest += std::to_string((*all)[i].number) + " = " + text::escape_for_terminal((*all)[i].info.id);
    }
    args.push_back({"newest", newest});
    return i18n::error(Errc::kNotFound, "error.store.no_scan_newest", std::move(args));
  }
  return i18n::error(Errc::kNotFound, all ? "error.store.no_scan_empty" : "error.store.no_scan", std::move(args));
}

Result<void> Store::check_integrity() {
  std::lock_guard lock(impl_->mu);
  sql::Conn* db = impl_->db.get();
  if (db->dialect() == sql::Dialect::kPostgres) {
    // PostgreSQL checks its pages and foreign keys itself: what is left is the schema being anshin's.
    auto version = schema::stored_version(db);
    if (!version) return version.error();
    if (*version != schema::latest_version()) return Error{Errc::kProtocol, "integrity check: schema version changed"};
    return {};
  }
  {
    Stmt st(db, "PRAGMA integrity_check");
    const int rc = st.step();
    if (rc != SQLITE_ROW) return sql::error_from(db, rc, "integrity check");
    const std::string first = st.col_string(0);
    if (first != "ok") return Error{Errc::kProtocol, "integrity check: " + first};
  }
  Stmt st(db, "PRAGMA foreign_key_check");
  const int rc = st.step();
  if (rc == SQLITE_ROW) return Error{Errc::kProtocol, "foreign key check failed in table " + st.col_string(0)};
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "foreign key check");
  return {};
}

int Store::schema_version() const { return impl_->version; }
const std::string& Store::path() const { return impl_->path; }

int exit_status_for(const Error& error) {
  return (error.code == Errc::kInvalidInput || error.code == Errc::kNotFound) ? 1 : 2;
}

}  // namespace anshin::store
