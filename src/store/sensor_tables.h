// Site sensors (schema 8): who may run a site's scans from inside its network (`anshin sensor`), and
// the ledger of the result chunks they uploaded.
//
// A SENSOR is a name bound to ONE site, with the hash of its token (the token itself is shown once, when
// it is issued, and never stored). Revoking sets `revoked`; the server reads the row on every request,
// so a revoked token is refused from the next request on.
//
// A CHUNK is one numbered part of a job's results (serve/sensor_api.h). The ledger keeps (job, seq) with
// the digest of what was applied, so the server applies each chunk once: the same chunk again changes
// nothing, a different body under a number already applied is a conflict.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/site_tables.h"
#include "store/store.h"

namespace anshin::store {

struct SensorRow {
  std::string name;
  std::string site;
  std::string token_hash;               // lower-case hex (serve/sensor_api.h: sensor_token_hash)
  std::string created;
  std::optional<std::string> revoked;   // when it was revoked; nullopt while valid
  std::optional<std::string> last_seen; // the last request that carried its token
};

struct ChunkRow {
  JobId job = 0;
  int64_t seq = 0;
  std::string digest;                   // of the chunk's body as applied
  int64_t devices = 0;
  std::string applied;
};

// The tables of migration 8 (sensors, sensor_chunks).
extern const char* const kSensorTablesSql;

struct SensorTables {
  // Inserts a sensor, or replaces the site and token of one with that name (a re-issued token: the old
  // one stops working) and clears `revoked`. kNotFound when the site does not exist.
  static Result<void> put_sensor(Store& store, const SensorRow& sensor);
  static Result<std::optional<SensorRow>> find_by_token_hash(Store& store, const std::string& token_hash);
  static Result<std::optional<SensorRow>> find_sensor(Store& store, const std::string& name);
  static Result<std::vector<SensorRow>> list_sensors(Store& store);  // by name
  // Marks the sensor revoked at `now`; false when there is no such sensor.
  static Result<bool> revoke_sensor(Store& store, const std::string& name, const std::string& now);
  static Result<void> touch_sensor(Store& store, const std::string& name, const std::string& now);

  static Result<std::optional<ChunkRow>> find_chunk(Store& store, JobId job, int64_t seq);
  // Records an applied chunk; a second record of the same (job, seq) changes nothing.
  static Result<void> record_chunk(Store& store, const ChunkRow& chunk);
  // How many chunks of `job` are recorded and how many devices they carried.
  static Result<std::pair<int64_t, int64_t>> chunk_totals(Store& store, JobId job);
  // Whether `scan` holds an observation of `address` (canonical text form).
  static Result<bool> observed(Store& store, ScanNumber scan, const std::string& address);
};

}  // namespace anshin::store
