// The server's side of site sensors (`anshin sensor`), /api/v1/sensor/... (docs/api.md, "Sensors").
//
// A sensor authenticates every request with `Authorization: Bearer <token>`; the server keeps only the
// token's SHA-256 (store/sensor_tables.h) and reads the sensor's row on every request, so a revoked
// token is refused from the next request on. A sensor acts for its own site only: it takes that site's
// queued jobs (runner "sensor:<name>"), and only jobs it took can be heartbeaten, filled and finished.
//
//   POST /api/v1/sensor/claim  {"site"?}          -> {"job": {...}|null, "site": {...}}
//   POST /api/v1/sensor/jobs/{id}/heartbeat       -> {"state": "running"}
//   POST /api/v1/sensor/jobs/{id}/begin           {"scan": {...}}            -> {"scan": N}
//   POST /api/v1/sensor/jobs/{id}/chunks/{seq}    {"devices": [{"device", "host"}]} -> {"applied": n, "duplicate": b}
//   POST /api/v1/sensor/jobs/{id}/finish          {"chunks": N, "devices": M, "finished", "error"} -> {"state"}
//
// The server is the only writer to the inventory: it begins the job's scan (with the site's name), puts
// the uploaded devices and finishes the scan. Chunks are applied once each (the ledger of
// store/sensor_tables.h); a device already stored in the scan is not put again, so a chunk cut short by
// a server crash is completed, never duplicated, when the sensor sends it again. A chunk whose devices
// fall outside the site's targets is refused whole (403).
#pragma once
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "serve/http_types.h"
#include "serve/query.h"
#include "store/sensor_tables.h"
#include "store/store.h"
#include "targets/intervals.h"

namespace anshin::serve {

// A new sensor token: 32 random bytes (libsodium's CSPRNG) as 64 hex characters, shown once.
std::string new_sensor_token();
// The token as the server keeps it: SHA-256, lower-case hex. A plain (unsalted, fast) hash is enough
// here, unlike for passwords: the token has 256 bits of entropy, so the hash cannot be reversed by
// guessing, and a fast hash lets the server look a token up by its hash on every request.
std::string sensor_token_hash(std::string_view token);
// A sensor name: 1..64 of [A-Za-z0-9._-].
bool valid_sensor_name(std::string_view name);

// The addresses a site's targets cover. Only numeric targets (address, CIDR, range) are accepted: a
// sensor's scope must be checkable without resolving names. kInvalidInput otherwise.
Result<std::vector<targets::AddrSpan>> numeric_scope(const std::vector<std::string>& targets);
// Whether every address of `span` lies inside `scope`.
bool span_within(const std::vector<targets::AddrSpan>& scope, const targets::AddrSpan& span);

inline constexpr size_t kMaxChunkDevices = 1000;

class SensorApi {
 public:
  SensorApi(store::Store& store, std::function<std::string()> now_rfc3339);
  // Every path under /api/v1/sensor/.
  Response handle(const Request& request, const Target& target);
  // The administrators' side, /api/v1/sensors[/NAME] (App checks the role and the CSRF token):
  // GET lists, POST {"name", "site"} issues a token (answered once), DELETE revokes. `audit` gets the
  // action and detail to record when something changed.
  Response manage(const Request& request, const Target& target, std::pair<std::string, std::string>& audit);

 private:
  struct Caller {
    store::SensorRow sensor;
    std::string runner;  // "sensor:<name>"
  };
  Result<std::optional<Caller>> authenticate(const Request& request);
  Response claim(const Caller& caller, const Request& request);
  // The job `id_text` names when `caller` runs it (else an error response in `refusal`).
  std::optional<store::ScanJob> own_job(const Caller& caller, const std::string& id_text, Response& refusal,
                                        bool ended_ok = false);
  Response heartbeat(const Caller& caller, const std::string& id_text);
  Response begin(const Caller& caller, const std::string& id_text, const Request& request);
  Response chunk(const Caller& caller, const std::string& id_text, const std::string& seq_text,
                 const Request& request);
  Response finish(const Caller& caller, const std::string& id_text, const Request& request);

  store::Store& store_;
  std::function<std::string()> now_;
  // Uploads are applied one at a time: two copies of one chunk (a sensor's retry while the first is
  // still being applied) must not both pass the ledger check. The store writes one at a time anyway.
  std::mutex upload_mu_;
};

}  // namespace anshin::serve
