#include "store/sensor_tables.h"

#include "store/sql.h"
#include "store/store_impl.h"

namespace anshin::store {

namespace {

constexpr const char* kSensorColumns = "SELECT name, site, token_hash, created, revoked, last_seen FROM sensors ";

SensorRow sensor_from_row(sql::Stmt& st) {
  return SensorRow{st.col_string(0), st.col_string(1), st.col_string(2), st.col_string(3),
                   st.col_opt_string(4), st.col_opt_string(5)};
}

Result<std::optional<SensorRow>> one_sensor(sql::Conn* db, const char* where, const std::string& value) {
  sql::Stmt st(db, std::string(kSensorColumns) + where);
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading a sensor");
  st.bind_bytes(1, value);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<SensorRow>();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading a sensor");
  return std::optional<SensorRow>(sensor_from_row(st));
}

}  // namespace

// One text for both dialects (docs/inventory.md, "Writing SQL for both").
const char* const kSensorTablesSql = R"sql(
CREATE TABLE sensors (
  name        TEXT PRIMARY KEY,
  site        TEXT NOT NULL REFERENCES sites(name) ON DELETE CASCADE,  -- the one site it acts for
  token_hash  TEXT NOT NULL UNIQUE,            -- SHA-256 of the token, lower-case hex
  created     TEXT NOT NULL,
  revoked     TEXT,                            -- RFC 3339 UTC; NULL while the token is valid
  last_seen   TEXT
);
CREATE TABLE sensor_chunks (
  job      BIGINT NOT NULL REFERENCES scan_jobs(id) ON DELETE CASCADE,
  seq      BIGINT NOT NULL,                    -- 0, 1, ... within the job
  digest   TEXT NOT NULL,                      -- SHA-256 of the chunk as applied
  devices  BIGINT NOT NULL,
  applied  TEXT NOT NULL,
  PRIMARY KEY (job, seq)
);
)sql";

Result<void> SensorTables::put_sensor(Store& store, const SensorRow& sensor) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Tx tx(db);
  if (tx.begin_rc() != SQLITE_OK) return sql::error_from(db, tx.begin_rc(), "writing a sensor");
  {
    sql::Stmt known(db, "SELECT 1 FROM sites WHERE name = ?1");
    known.bind_bytes(1, sensor.site);
    const int rc = known.step();
    if (rc == SQLITE_DONE) return Error{Errc::kNotFound, "no site named " + sensor.site};
    if (rc != SQLITE_ROW) return sql::error_from(db, rc, "writing a sensor");
  }
  sql::Stmt st(db,
               "INSERT INTO sensors (name, site, token_hash, created) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT(name) DO UPDATE SET site = excluded.site, token_hash = excluded.token_hash, "
               "created = excluded.created, revoked = NULL, last_seen = NULL");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "writing a sensor");
  st.bind_bytes(1, sensor.name);
  st.bind_bytes(2, sensor.site);
  st.bind_text(3, sensor.token_hash);
  st.bind_text(4, sensor.created);
  int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "writing a sensor");
  st.reset();
  rc = tx.commit();
  if (rc != SQLITE_OK) return sql::error_from(db, rc, "writing a sensor");
  return {};
}

Result<std::optional<SensorRow>> SensorTables::find_by_token_hash(Store& store, const std::string& token_hash) {
  std::lock_guard lock(store.impl_->mu);
  return one_sensor(store.impl_->db.get(), "WHERE token_hash = ?1", token_hash);
}

Result<std::optional<SensorRow>> SensorTables::find_sensor(Store& store, const std::string& name) {
  std::lock_guard lock(store.impl_->mu);
  return one_sensor(store.impl_->db.get(), "WHERE name = ?1", name);
}

Result<std::vector<SensorRow>> SensorTables::list_sensors(Store& store) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, std::string(kSensorColumns) + "ORDER BY name");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading sensors");
  std::vector<SensorRow> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back(sensor_from_row(st));
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading sensors");
  return out;
}

Result<bool> SensorTables::revoke_sensor(Store& store, const std::string& name, const std::string& now) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, "UPDATE sensors SET revoked = COALESCE(revoked, ?2) WHERE name = ?1");
  st.bind_bytes(1, name);
  st.bind_text(2, now);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "revoking a sensor");
  return sql::changes(db) > 0;
}

Result<void> SensorTables::touch_sensor(Store& store, const std::string& name, const std::string& now) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, "UPDATE sensors SET last_seen = ?2 WHERE name = ?1");
  st.bind_bytes(1, name);
  st.bind_text(2, now);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "updating a sensor");
  return {};
}

Result<std::optional<ChunkRow>> SensorTables::find_chunk(Store& store, JobId job, int64_t seq) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, "SELECT digest, devices, applied FROM sensor_chunks WHERE job = ?1 AND seq = ?2");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "reading an upload");
  st.bind_int(1, job);
  st.bind_int(2, seq);
  const int rc = st.step();
  if (rc == SQLITE_DONE) return std::optional<ChunkRow>();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading an upload");
  return std::optional<ChunkRow>(ChunkRow{job, seq, st.col_string(0), st.col_int(1), st.col_string(2)});
}

Result<void> SensorTables::record_chunk(Store& store, const ChunkRow& chunk) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, "INSERT INTO sensor_chunks (job, seq, digest, devices, applied) VALUES (?1, ?2, ?3, ?4, ?5) "
                   "ON CONFLICT (job, seq) DO NOTHING");
  if (!st.ok()) return sql::error_from(db, st.prepare_rc(), "recording an upload");
  st.bind_int(1, chunk.job);
  st.bind_int(2, chunk.seq);
  st.bind_text(3, chunk.digest);
  st.bind_int(4, chunk.devices);
  st.bind_text(5, chunk.applied);
  const int rc = st.step();
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "recording an upload");
  return {};
}

Result<std::pair<int64_t, int64_t>> SensorTables::chunk_totals(Store& store, JobId job) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, "SELECT COUNT(*), COALESCE(SUM(devices), 0) FROM sensor_chunks WHERE job = ?1");
  st.bind_int(1, job);
  const int rc = st.step();
  if (rc != SQLITE_ROW) return sql::error_from(db, rc, "reading uploads");
  return std::make_pair(st.col_int(0), st.col_int(1));
}

Result<bool> SensorTables::observed(Store& store, ScanNumber scan, const std::string& address) {
  std::lock_guard lock(store.impl_->mu);
  sql::Conn* db = store.impl_->db.get();
  sql::Stmt st(db, "SELECT 1 FROM observations WHERE scan = ?1 AND address = ?2");
  st.bind_int(1, scan);
  st.bind_text(2, address);
  const int rc = st.step();
  if (rc == SQLITE_ROW) return true;
  if (rc != SQLITE_DONE) return sql::error_from(db, rc, "reading a scan");
  return false;
}

}  // namespace anshin::store
