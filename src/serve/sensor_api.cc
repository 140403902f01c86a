#include "serve/sensor_api.h"

#include "core/clock.h"

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "serve/api.h"
#include "serve/auth.h"
#include "store/codec.h"
#include "store/site_tables.h"
#include "targets/syntax.h"

namespace anshin::serve {

using nlohmann::json;

namespace {

std::string sha256_hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < size; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

// A short text field a sensor sends (ids, times, versions): clean and bounded, else "".
std::string short_text(const json& obj, const char* name) {
  auto it = obj.find(name);
  if (it == obj.end() || !it->is_string()) return "";
  const std::string s = it->get<std::string>();
  if (s.size() > 200 || text::sanitize_utf8(s) != s) return "";
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return "";
  return s;
}

std::optional<json> object_body(const Request& request) {
  json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return std::nullopt;
  return body;
}

json job_json(const store::ScanJob& j) {
  return {{"id", j.id}, {"site", text::sanitize_utf8(j.site)}, {"reason", j.reason}, {"due", j.due},
          {"state", std::string(store::job_state_name(j.state))},
          {"scan", j.scan ? json(*j.scan) : json(nullptr)}};
}

}  // namespace

std::string new_sensor_token() { return random_token(); }

std::string sensor_token_hash(std::string_view token) { return sha256_hex(token); }

bool valid_sensor_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '-';
  });
}

Result<std::vector<targets::AddrSpan>> numeric_scope(const std::vector<std::string>& list) {
  std::vector<targets::AddrSpan> out;
  for (const auto& t : list) {
    auto expr = targets::parse_target(t);
    if (!expr) return expr.error();
    if (expr->kind == targets::TargetKind::kHostName || expr->kind == targets::TargetKind::kFile)
      return Error{Errc::kInvalidInput, "a sensor's site takes addresses, CIDR blocks and ranges only: " + t};
    out.push_back(expr->span);
  }
  return out;
}

bool span_within(const std::vector<targets::AddrSpan>& scope, const targets::AddrSpan& span) {
  // Walks the span through the scope's pieces: every address must be covered by one of them.
  targets::u128 next = span.lo;
  for (;;) {
    bool advanced = false;
    for (const auto& s : scope) {
      if (s.v6 != span.v6 || next < s.lo || next > s.hi) continue;
      if (s.hi >= span.hi) return true;
      next = s.hi + 1;
      advanced = true;
    }
    if (!advanced) return false;
  }
}

SensorApi::SensorApi(store::Store& store, std::function<std::string()> now_rfc3339) : store_(store) {
  // Job times order as text, so an empty clock (tests of other parts of the App) falls back to the real one.
  now_ = [clock = std::move(now_rfc3339)] {
    std::string now = clock ? clock() : "";
    return now.empty() ? now_rfc3339_utc() : now;
  };
}

Result<std::optional<SensorApi::Caller>> SensorApi::authenticate(const Request& request) {
  const std::string* header = request.header("authorization");
  if (!header || header->rfind("Bearer ", 0) != 0) return std::optional<Caller>();
  const std::string token(text::trim(header->substr(7)));
  if (token.size() != 64) return std::optional<Caller>();
  auto row = store::SensorTables::find_by_token_hash(store_, sensor_token_hash(token));
  if (!row) return row.error();
  if (!*row || (*row)->revoked) return std::optional<Caller>();
  return std::optional<Caller>(Caller{**row, "sensor:" + (*row)->name});
}

Response SensorApi::handle(const Request& request, const Target& target) {
  auto caller = authenticate(request);
  if (!caller) return json_error(500, caller.error().message);
  if (!*caller) {
    Response r = json_error(401, "unknown or revoked sensor token");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  if (request.method != "POST") return json_error(405, "method not allowed");
  const auto seg = path_segments(target.path);  // api v1 sensor ...
  const Caller& c = **caller;
  if (seg.size() == 4 && seg[3] == "claim") return claim(c, request);
  if (seg.size() == 6 && seg[3] == "jobs") {
    if (seg[5] == "heartbeat") return heartbeat(c, seg[4]);
    if (seg[5] == "begin") return begin(c, seg[4], request);
    if (seg[5] == "finish") return finish(c, seg[4], request);
  }
  if (seg.size() == 7 && seg[3] == "jobs" && seg[5] == "chunks") return chunk(c, seg[4], seg[6], request);
  return json_error(404, "no such endpoint");
}

Response SensorApi::manage(const Request& request, const Target& target,
                           std::pair<std::string, std::string>& audit) {
  const auto seg = path_segments(target.path);  // api v1 sensors [name]
  if (seg.size() == 3 && request.method == "GET") {
    auto all = store::SensorTables::list_sensors(store_);
    if (!all) return json_error(500, all.error().message);
    json list = json::array();
    for (const auto& s : *all)
      list.push_back({{"name", s.name}, {"site", text::sanitize_utf8(s.site)}, {"created", s.created},
                      {"revoked", s.revoked ? json(*s.revoked) : json(nullptr)},
                      {"last_seen", s.last_seen ? json(*s.last_seen) : json(nullptr)}});
    return json_ok({{"sensors", list}});
  }
  if (seg.size() == 3 && request.method == "POST") {
    auto body = object_body(request);
    const std::string name = body ? short_text(*body, "name") : "";
    const std::string site_name = body ? short_text(*body, "site") : "";
    if (!valid_sensor_name(name) || site_name.empty()) return json_error(400, "send {\"name\", \"site\"} as JSON");
    auto site = store::SiteTables::find_site(store_, site_name);
    if (!site) return json_error(500, site.error().message);
    if (!*site) return json_error(404, "no such site");
    if (auto scope = numeric_scope((*site)->targets); !scope) return json_error(400, scope.error().message);
    const std::string token = new_sensor_token();
    auto put = store::SensorTables::put_sensor(store_, {name, site_name, sensor_token_hash(token), now_(), {}, {}});
    if (!put) return json_error(500, put.error().message);
    audit = {"sensor.put", name + " " + site_name};
    Response r = json_ok({{"name", name}, {"site", site_name}, {"token", token}});
    r.status = 201;
    return r;
  }
  if (seg.size() == 4 && request.method == "DELETE") {
    auto revoked = store::SensorTables::revoke_sensor(store_, seg[3], now_());
    if (!revoked) return json_error(500, revoked.error().message);
    if (!*revoked) return json_error(404, "no such sensor");
    audit = {"sensor.revoke", seg[3]};
    return json_ok({{"revoked", seg[3]}});
  }
  return json_error(405, "method not allowed");
}

Response SensorApi::claim(const Caller& caller, const Request& request) {
  // A sensor told which site to act for says so; a token of another site then takes nothing.
  if (auto body = object_body(request); body && body->contains("site") && (*body)["site"] != caller.sensor.site)
    return json_error(403, "this sensor's token acts for site " + text::sanitize_utf8(caller.sensor.site));
  (void)store::SensorTables::touch_sensor(store_, caller.sensor.name, now_());
  auto site = store::SiteTables::find_site(store_, caller.sensor.site);
  if (!site) return json_error(500, site.error().message);
  if (!*site) return json_error(404, "the sensor's site no longer exists");
  json site_json = {{"name", text::sanitize_utf8((*site)->name)}, {"targets", (*site)->targets},
                    {"settings", json::parse((*site)->settings_json, nullptr, false)}, {"runner", (*site)->runner}};
  if (site_json["settings"].is_discarded()) site_json["settings"] = json::object();
  // A job this sensor took and did not finish (it restarted, or lost its spool) is handed back first.
  auto jobs = store::SiteTables::list_jobs(store_, caller.sensor.site, 20);
  if (!jobs) return json_error(500, jobs.error().message);
  for (const auto& j : *jobs)
    if (j.state == store::JobState::kRunning && j.runner == caller.runner)
      return json_ok({{"job", job_json(j)}, {"site", site_json}});
  auto job = store::SiteTables::claim_job(store_, caller.runner, "sensor", caller.sensor.site, now_());
  if (!job) return json_error(500, job.error().message);
  return json_ok({{"job", *job ? job_json(**job) : json(nullptr)}, {"site", site_json}});
}

std::optional<store::ScanJob> SensorApi::own_job(const Caller& caller, const std::string& id_text,
                                                 Response& refusal, bool ended_ok) {
  const auto id = parse_count(id_text);
  auto job = id ? store::SiteTables::find_job(store_, *id) : Result<std::optional<store::ScanJob>>(std::nullopt);
  if (!job) {
    refusal = json_error(500, job.error().message);
    return std::nullopt;
  }
  if (!*job || (*job)->site != caller.sensor.site || (*job)->runner != caller.runner) {
    refusal = json_error(404, "no such job of this sensor");
    return std::nullopt;
  }
  if ((*job)->state != store::JobState::kRunning && !ended_ok) {
    refusal = json_error(409, "the job is " + std::string(store::job_state_name((*job)->state)));
    refusal.headers.emplace_back("X-Anshin-Job-State", std::string(store::job_state_name((*job)->state)));
    return std::nullopt;
  }
  return **job;
}

Response SensorApi::heartbeat(const Caller& caller, const std::string& id_text) {
  Response refusal;
  auto job = own_job(caller, id_text, refusal);
  if (!job) return refusal;
  const std::string now = now_();
  if (auto hb = store::SiteTables::heartbeat_job(store_, job->id, now); !hb) return json_error(500, hb.error().message);
  (void)store::SensorTables::touch_sensor(store_, caller.sensor.name, now);
  return json_ok({{"state", "running"}});
}

Response SensorApi::begin(const Caller& caller, const std::string& id_text, const Request& request) {
  std::lock_guard lock(upload_mu_);
  Response refusal;
  auto job = own_job(caller, id_text, refusal);
  if (!job) return refusal;
  if (job->scan) return json_ok({{"scan", *job->scan}});
  auto body = object_body(request);
  if (!body || !body->contains("scan") || !(*body)["scan"].is_object())
    return json_error(400, "send {\"scan\": {...}} as JSON");
  const json& s = (*body)["scan"];
  ScanInfo info;
  // The scan's id is the sensor's own scan id and the job: the same begin repeated after a server crash
  // between the two writes below finds the scan it made instead of making a second one.
  info.id = short_text(s, "id");
  info.started = short_text(s, "started");
  if (info.id.empty() || info.started.empty()) return json_error(400, "the scan needs an id and a start time");
  info.id += "-job" + std::to_string(job->id);
  info.tool_version = short_text(s, "tool_version");
  info.kb_version = short_text(s, "kb_version");
  if (auto a = s.find("addresses"); a != s.end() && a->is_number_unsigned()) info.addresses = a->get<uint64_t>();
  auto site = store::SiteTables::find_site(store_, job->site);
  if (!site || !*site) return json_error(500, "the job's site cannot be read");
  info.targets = (*site)->targets;
  info.site = job->site;
  store::ScanNumber number = 0;
  if (auto found = store_.find_scan(info.id); found && found->info.site == job->site && !found->completed) {
    number = found->number;
  } else {
    auto begun = store_.begin_scan(info);
    if (!begun) return json_error(500, begun.error().message);
    number = *begun;
  }
  if (auto set = store::SiteTables::set_job_scan(store_, job->id, number); !set) return json_error(500, set.error().message);
  return json_ok({{"scan", number}});
}

namespace {

struct Upload {
  std::vector<Device> devices;
  std::vector<HostRecord> hosts;
};

// The chunk's devices and host records, each checked against the site's scope; an error response otherwise.
std::optional<Upload> decode_chunk(const json& body, const std::vector<targets::AddrSpan>& scope, Response& refusal) {
  const auto it = body.find("devices");
  if (it == body.end() || !it->is_array() || it->size() > kMaxChunkDevices) {
    refusal = json_error(400, "send {\"devices\": [...]} with at most " + std::to_string(kMaxChunkDevices));
    return std::nullopt;
  }
  Upload up;
  for (const auto& entry : *it) {
    if (!entry.is_object() || !entry.contains("device") || !entry.contains("host")) {
      refusal = json_error(400, "each entry holds a device and its host record");
      return std::nullopt;
    }
    auto device = store::codec::decode_device(entry["device"].dump());
    auto host = store::codec::decode_host_record(entry["host"].dump());
    if (!device || !host || host->address != device->address) {
      refusal = json_error(400, "a device or host record cannot be read");
      return std::nullopt;
    }
    if (!span_within(scope, targets::AddrSpan::single(device->address))) {
      refusal = json_error(403, "device " + device->address.to_string() + " is outside the site's targets");
      return std::nullopt;
    }
    up.devices.push_back(std::move(*device));
    up.hosts.push_back(std::move(*host));
  }
  return up;
}

}  // namespace

// One server applies a job's chunks one at a time (upload_mu_). With several servers over one PostgreSQL
// inventory, the ledger check and the puts must also hold the job's row (SELECT ... FROM scan_jobs WHERE id = ?
// FOR UPDATE) for the length of the chunk; SQLite has one writer per file anyway.
Response SensorApi::chunk(const Caller& caller, const std::string& id_text, const std::string& seq_text,
                          const Request& request) {
  std::lock_guard lock(upload_mu_);
  Response refusal;
  auto job = own_job(caller, id_text, refusal);
  if (!job) return refusal;
  const auto seq = parse_count(seq_text);
  if (!seq) return json_error(404, "chunks are numbered 0, 1, ...");
  if (!job->scan) return json_error(409, "begin the job's scan first");
  const std::string digest = sha256_hex(request.body);
  auto done = store::SensorTables::find_chunk(store_, job->id, *seq);
  if (!done) return json_error(500, done.error().message);
  if (*done) {
    if ((*done)->digest != digest) return json_error(409, "chunk " + seq_text + " was applied with other contents");
    return json_ok({{"applied", 0}, {"duplicate", true}});
  }
  auto body = object_body(request);
  if (!body) return json_error(400, "send {\"devices\": [...]} as JSON");
  auto site = store::SiteTables::find_site(store_, job->site);
  if (!site || !*site) return json_error(500, "the job's site cannot be read");
  auto scope = numeric_scope((*site)->targets);
  if (!scope) return json_error(403, scope.error().message);
  auto upload = decode_chunk(*body, *scope, refusal);
  if (!upload) return refusal;
  int64_t applied = 0;
  for (size_t i = 0; i < upload->devices.size(); ++i) {
    auto seen = store::SensorTables::observed(store_, *job->scan, upload->devices[i].address.to_string());
    if (!seen) return json_error(500, seen.error().message);
    if (*seen) continue;  // put by an earlier copy of this chunk cut short
    if (auto put = store_.put_device(*job->scan, upload->devices[i], upload->hosts[i]); !put)
      return json_error(500, put.error().message);
    ++applied;
  }
  const store::ChunkRow row{job->id, *seq, digest, static_cast<int64_t>(upload->devices.size()), now_()};
  if (auto rec = store::SensorTables::record_chunk(store_, row); !rec) return json_error(500, rec.error().message);
  return json_ok({{"applied", applied}, {"duplicate", false}});
}

Response SensorApi::finish(const Caller& caller, const std::string& id_text, const Request& request) {
  std::lock_guard lock(upload_mu_);
  Response refusal;
  auto job = own_job(caller, id_text, refusal, /*ended_ok=*/true);
  if (!job) return refusal;
  if (job->state == store::JobState::kDone) return json_ok({{"state", "done"}});
  if (job->state != store::JobState::kRunning) return json_error(409, "the job is " + std::string(store::job_state_name(job->state)));
  auto body = object_body(request);
  if (!body) return json_error(400, "send {\"chunks\", \"devices\", \"finished\"} as JSON");
  const std::string finished = short_text(*body, "finished").empty() ? now_() : short_text(*body, "finished");
  const std::string error = short_text(*body, "error");
  if (!error.empty()) {  // the sensor could not run the scan
    if (job->scan) (void)store_.finish_scan(*job->scan, finished, /*interrupted=*/true);
    auto ended = store::SiteTables::finish_job(store_, job->id, store::JobState::kFailed, error, now_());
    if (!ended) return json_error(500, ended.error().message);
    return json_ok({{"state", "failed"}});
  }
  if (!job->scan) return json_error(409, "begin the job's scan first");
  const auto chunks = body->value("chunks", int64_t{-1});
  const auto devices = body->value("devices", int64_t{-1});
  auto totals = store::SensorTables::chunk_totals(store_, job->id);
  if (!totals) return json_error(500, totals.error().message);
  if (totals->first != chunks || totals->second != devices)
    return json_error(409, "the server holds " + std::to_string(totals->first) + " chunks with " +
                               std::to_string(totals->second) + " devices; send the missing ones first");
  if (auto f = store_.finish_scan(*job->scan, finished, /*interrupted=*/false); !f) return json_error(500, f.error().message);
  auto ended = store::SiteTables::finish_job(store_, job->id, store::JobState::kDone, std::nullopt, now_());
  if (!ended) return json_error(500, ended.error().message);
  return json_ok({{"state", "done"}, {"scan", *job->scan}});
}

}  // namespace anshin::serve
