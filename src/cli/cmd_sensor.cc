// anshin sensor: a site's agent. Takes its site's scan jobs from `anshin serve`, runs each with the scan
// engine into a local spool (an inventory per job, so a killed sensor resumes its scan like
// `scan --resume`), then uploads the results in numbered chunks, recording in the spool how far the upload
// got (a killed sensor resumes its upload). A server that cannot be reached is retried with backoff; the
// results wait on disk. Protocol: serve/sensor_api.h, docs/api.md "Sensors".
//
// Spool layout: DIR/job-<id>.json (the job, its site's targets and settings, the phase, the upload's
// progress; replaced atomically) and DIR/job-<id>.db (the job's scan, removed once the server has it).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/text.h"
#include "serve/scan_settings.h"
#include "serve/sensor_api.h"
#include "serve/sensor_client.h"
#include "store/codec.h"
#include "store/store.h"

namespace anshin::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// What the spool keeps of one job.
struct SpoolJob {
  int64_t id = 0;
  std::string site;
  std::vector<std::string> targets;
  json settings = json::object();
  std::string phase = "scanning";          // scanning | uploading | done | failed | abandoned
  std::optional<int64_t> server_scan;      // the server's scan number, once begun
  int64_t chunks_sent = 0;                 // chunks 0 .. chunks_sent-1 are applied by the server
  int chunk = 100;                         // devices per chunk, fixed for the job
};

std::string json_path(const std::string& spool, int64_t id) { return spool + "/job-" + std::to_string(id) + ".json"; }
std::string db_path(const std::string& spool, int64_t id) { return spool + "/job-" + std::to_string(id) + ".db"; }

Result<void> save(const std::string& spool, const SpoolJob& j) {
  const json doc = {{"job", j.id}, {"site", j.site}, {"targets", j.targets}, {"settings", j.settings},
                    {"phase", j.phase}, {"server_scan", j.server_scan ? json(*j.server_scan) : json(nullptr)},
                    {"chunks_sent", j.chunks_sent}, {"chunk", j.chunk}};
  return write_file_atomically(json_path(spool, j.id), doc.dump(2) + "\n");
}

std::optional<SpoolJob> load(const fs::path& path) {
  std::ifstream in(path);
  const json doc = json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return std::nullopt;
  try {
    SpoolJob j;
    j.id = doc.at("job").get<int64_t>();
    j.site = doc.at("site").get<std::string>();
    j.targets = doc.at("targets").get<std::vector<std::string>>();
    j.settings = doc.at("settings");
    j.phase = doc.at("phase").get<std::string>();
    if (!doc.at("server_scan").is_null()) j.server_scan = doc.at("server_scan").get<int64_t>();
    j.chunks_sent = doc.at("chunks_sent").get<int64_t>();
    j.chunk = doc.at("chunk").get<int>();
    return j;
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

// The oldest job of the spool that is not over (scanning or uploading).
std::optional<SpoolJob> pending_job(const std::string& spool) {
  std::optional<SpoolJob> best;
  for (const auto& entry : fs::directory_iterator(spool)) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("job-") || !name.ends_with(".json")) continue;
    auto j = load(entry.path());
    if (!j || (j->phase != "scanning" && j->phase != "uploading")) continue;
    if (!best || j->id < best->id) best = std::move(j);
  }
  return best;
}

// Exponential backoff between attempts to reach the server: 1 s, 2 s, 4 s ... 60 s.
class Backoff {
 public:
  void wait() {
    std::this_thread::sleep_for(std::chrono::seconds(delay_));
    delay_ = std::min(delay_ * 2, 60);
  }
  void reset() { delay_ = 1; }

 private:
  int delay_ = 1;
};

// Thrown nowhere: every way out is a value. Stop = the exit status to stop the sensor with.
using Stop = std::optional<int>;

struct Link {
  const serve::SensorClient& client;
  Backoff backoff;
  bool outage = false;  // a "cannot reach" line was printed and no success since
};

// One request, retried until the server answers with something other than a server error. A refused
// token (401) or an unverifiable certificate stops the sensor (exit 2).
Result<serve::HttpAnswer> call(Link& link, const std::string& path, const json& body, Stop& stop) {
  for (;;) {
    auto answer = link.client.post(path, body.dump());
    if (!answer && answer.error().code == Errc::kInvalidInput) {
      stop = fail(2, answer.error());
      return answer.error();
    }
    if (answer && answer->status == 401) {
      stop = fail(2, Error{Errc::kIo, msg("cli.sensor.token_refused")});
      return Error{Errc::kIo, "refused"};
    }
    if (answer && answer->status < 500) {
      if (link.outage) note("cli.sensor.reconnected");
      link.outage = false;
      link.backoff.reset();
      return answer;
    }
    if (!link.outage) note("cli.sensor.unreachable", {{"reason", answer ? std::to_string(answer->status) : answer.error().message}});
    link.outage = true;
    link.backoff.wait();
  }
}

// The ScanOptions of a job: the site's targets and settings, read by the same parser as the server's own
// scheduled scans (serve/scan_settings.h: the keys, their bounds and the gentle defaults). Settings that do
// not parse refuse the job (the caller reports it failed); nothing is scanned.
Result<ScanOptions> scan_options(const SpoolJob& j, const std::string& spool, const std::string& lang, bool resume) {
  ScanOptions o;
  o.db = db_path(spool, j.id);
  o.db_given = true;
  o.quiet = true;
  o.lang = lang;
  o.site = j.site;
  o.resume = resume;
  if (resume) return o;
  auto s = serve::parse_scan_settings(j.settings.dump());
  if (!s) return s.error();
  o.targets = j.targets;
  o.ports = s->ports.value_or(std::string());
  o.rate = s->rate;
  o.concurrency = s->concurrency;
  o.timeout_ms = s->timeout_ms.value_or(o.timeout_ms);
  o.retries = s->retries.value_or(o.retries);
  o.policy = s->policy;
  if (s->lang) o.lang = *s->lang;
  o.sweep_only = s->sweep_only;
  o.no_multicast = s->no_multicast;
  o.check_default_creds = s->check_default_creds;
  o.check_cves_active = s->check_cves_active;
  o.allow_public = s->allow_public;
  o.excludes = s->excludes;
  o.given = {"--site"};
  return o;
}

// The spool's scan of a job: nullopt when none was begun.
Result<std::optional<store::StoredScan>> spool_scan(const std::string& path) {
  if (!fs::exists(path)) return std::optional<store::StoredScan>();
  auto db = store::Store::open(path);
  if (!db) return db.error();
  auto all = db->list_scans();
  if (!all) return all.error();
  if (all->empty()) return std::optional<store::StoredScan>();
  return std::optional<store::StoredScan>(all->back());
}

// Why the sensor refuses a job's targets, or nullopt: each must be numeric, inside the site's ranges the
// server sent, and inside the local --allow list when one is given (the sensor's own limit, whatever a
// server says).
std::optional<std::string> out_of_scope(const std::vector<std::string>& job_targets,
                                        const std::vector<std::string>& site_targets,
                                        const std::vector<std::string>& allow) {
  auto job = serve::numeric_scope(job_targets);
  if (!job) return job.error().message;
  auto site = serve::numeric_scope(site_targets);
  if (!site) return site.error().message;
  auto allowed = serve::numeric_scope(allow);
  if (!allowed) return allowed.error().message;
  for (size_t i = 0; i < job->size(); ++i) {
    if (!serve::span_within(*site, (*job)[i])) return job_targets[i] + " is outside the site's targets";
    if (!allow.empty() && !serve::span_within(*allowed, (*job)[i])) return job_targets[i] + " is outside --allow";
  }
  return std::nullopt;
}

// Ends a job at the server as failed, with the reason (the server then frees the site for its next job).
Stop report_failure(Link& link, const SpoolJob& j, const std::string& why) {
  Stop stop;
  (void)call(link, "/api/v1/sensor/jobs/" + std::to_string(j.id) + "/finish", json{{"error", why}}, stop);
  return stop;
}

// The server's answer to a claim as a job (nullopt: none), or an error when it is not the documented JSON.
Result<std::optional<SpoolJob>> parse_claim(const std::string& body, json& site) {
  const json doc = json::parse(body, nullptr, false);
  try {
    site = doc.at("site");
    (void)site.at("name").get<std::string>();
    if (doc.at("job").is_null()) return std::optional<SpoolJob>();
    SpoolJob j;
    j.id = doc.at("job").at("id").get<int64_t>();
    j.site = site.at("name").get<std::string>();
    j.targets = site.at("targets").get<std::vector<std::string>>();
    j.settings = site.value("settings", json::object());
    if (!j.settings.is_object()) j.settings = json::object();
    return std::optional<SpoolJob>(std::move(j));
  } catch (const json::exception&) {
    return Error{Errc::kProtocol, "the server's answer to a claim is not the documented JSON"};
  }
}

// Asks for a job of the site. nullopt in `job` when there is none.
Stop take_job(Link& link, const SensorOptions& o, std::optional<SpoolJob>& job) {
  Stop stop;
  auto answer = call(link, "/api/v1/sensor/claim", o.site.empty() ? json::object() : json{{"site", o.site}}, stop);
  if (stop) return stop;
  if (answer && answer->status == 403) {
    const json refusal = json::parse(answer->body, nullptr, false);
    std::string why = answer->body;
    if (refusal.is_object() && refusal.contains("error") && refusal["error"].is_object() &&
        refusal["error"].value("message", json()).is_string())
      why = refusal["error"]["message"].get<std::string>();
    return usage_error("cli.sensor.wrong_site", {{"site", text::escape_for_terminal(why)}, {"expected", quote_value(o.site)}});
  }
  if (!answer || answer->status != 200) return fail(2, Error{Errc::kProtocol, "claim: " + (answer ? answer->body : answer.error().message)});
  json site;
  auto claimed = parse_claim(answer->body, site);
  if (!claimed) return fail(2, claimed.error());
  if (!o.site.empty() && site.value("name", "") != o.site)
    return usage_error("cli.sensor.wrong_site", {{"site", quote_value(site.value("name", ""))}, {"expected", quote_value(o.site)}});
  if (!*claimed) return std::nullopt;
  SpoolJob j = std::move(**claimed);
  j.chunk = o.chunk;
  // The job covers its site's targets; both are checked, so a server that ever sends narrower job targets
  // keeps the same guarantee.
  if (auto why = out_of_scope(j.targets, site.at("targets").get<std::vector<std::string>>(), o.allow)) {
    note("cli.sensor.refused_job", {{"job", std::to_string(j.id)}, {"reason", *why}});
    if (auto s = report_failure(link, j, *why)) return s;
    return std::nullopt;
  }
  if (auto saved = save(o.spool, j); !saved) return fail(2, saved.error());
  note("cli.sensor.took_job", {{"job", std::to_string(j.id)}, {"site", text::escape_for_terminal(j.site)}});
  job = std::move(j);
  return std::nullopt;
}

// Runs (or resumes) the job's scan into the spool, heartbeating meanwhile. Sets phase "uploading" when
// the scan completed; a scan stopped by a signal stops the sensor (exit 130), to be resumed on restart.
Stop scan_job(Link& link, const SensorOptions& o, const std::string& lang, SpoolJob& j) {
  auto existing = spool_scan(db_path(o.spool, j.id));
  if (!existing) return fail(2, existing.error());
  const bool resume = *existing && !(*existing)->completed;
  if (!*existing || resume) {
    auto options = scan_options(j, o.spool, lang, resume);
    if (!options) {  // settings the server's own parser refuses: the job fails, the sensor goes on
      const std::string why = options.error().message;
      note("cli.sensor.refused_job", {{"job", std::to_string(j.id)}, {"reason", text::escape_for_terminal(why)}});
      j.phase = "failed";
      (void)save(o.spool, j);
      return report_failure(link, j, why);
    }
    std::jthread heartbeat([&link, &o, id = j.id](std::stop_token stop) {
      while (!stop.stop_requested()) {
        for (int i = 0; i < o.heartbeat_s * 10 && !stop.stop_requested(); ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (!stop.stop_requested())  // best effort: an unreachable server misses a beat, nothing more
          (void)link.client.post("/api/v1/sensor/jobs/" + std::to_string(id) + "/heartbeat", "{}");
      }
    });
    const int status = run_scan(*options);
    heartbeat.request_stop();
    if (status != 0 && status != 3) {
      j.phase = "failed";
      (void)save(o.spool, j);
      return report_failure(link, j, "the scan could not run (exit status " + std::to_string(status) + ")");
    }
  }
  auto scan = spool_scan(db_path(o.spool, j.id));
  if (!scan) return fail(2, scan.error());
  if (!*scan || !(*scan)->completed) {
    note("cli.sensor.scan_stopped", {{"job", std::to_string(j.id)}});
    return 130;
  }
  j.phase = "uploading";
  if (auto saved = save(o.spool, j); !saved) return fail(2, saved.error());
  return std::nullopt;
}

// Chunk `k` of the spool's devices (ascending by address, `size` a chunk) with their host records.
Result<json> chunk_body(store::Store& db, store::ScanNumber scan, const std::vector<Device>& devices, size_t k,
                        size_t size) {
  json list = json::array();
  for (size_t i = k * size; i < std::min(devices.size(), (k + 1) * size); ++i) {
    auto host = db.host_record(scan, devices[i].address);
    HostRecord fallback;
    fallback.address = devices[i].address;
    if (!host && host.error().code != Errc::kNotFound) return host.error();
    list.push_back({{"device", json::parse(store::codec::encode_device(devices[i]))},
                    {"host", json::parse(store::codec::encode_host_record(host ? *host : fallback))}});
  }
  return json{{"devices", list}};
}

// What the server's answer to an upload step means for the job: nullopt to go on; otherwise the job is
// over for this sensor (`j.phase` says how) or the sensor stops.
Stop judge_answer(Link& link, const SensorOptions& o, SpoolJob& j, const serve::HttpAnswer& a) {
  if (a.status == 200) return std::nullopt;
  if (a.status == 409 && !a.job_state.empty() && a.job_state != "running") {
    note("cli.sensor.job_ended_elsewhere", {{"job", std::to_string(j.id)}, {"state", a.job_state}});
    j.phase = "abandoned";
  } else {
    note("cli.sensor.upload_refused", {{"job", std::to_string(j.id)}, {"reason", text::escape_for_terminal(a.body)}});
    j.phase = "failed";
    if (auto s = report_failure(link, j, "the server refused the upload: " + a.body.substr(0, 150))) return s;
  }
  if (auto saved = save(o.spool, j); !saved) return fail(2, saved.error());
  return std::nullopt;
}

// Uploads the spool's scan: begin, every chunk not yet applied, finish. Progress is saved after each step.
Stop upload_job(Link& link, const SensorOptions& o, SpoolJob& j) {
  auto db = store::Store::open(db_path(o.spool, j.id), store::OpenOptions{.create = false});
  if (!db) return fail(2, db.error());
  auto scans = db->list_scans();
  if (!scans || scans->empty()) return fail(2, Error{Errc::kIo, "the spool of job " + std::to_string(j.id) + " holds no scan"});
  const store::StoredScan scan = scans->back();
  const std::string base = "/api/v1/sensor/jobs/" + std::to_string(j.id);
  Stop stop;
  if (!j.server_scan) {
    const json info = {{"id", scan.info.id}, {"started", scan.info.started}, {"addresses", scan.info.addresses},
                       {"tool_version", scan.info.tool_version}, {"kb_version", scan.info.kb_version}};
    auto a = call(link, base + "/begin", json{{"scan", info}}, stop);
    if (stop || !a) return stop ? stop : fail(2, a.error());
    if (auto s = judge_answer(link, o, j, *a); s || j.phase != "uploading") return s;
    const json begun = json::parse(a->body, nullptr, false);
    if (!begun.is_object() || !begun.contains("scan") || !begun["scan"].is_number_integer())
      return fail(2, Error{Errc::kProtocol, "begin: the server's answer has no scan number"});
    j.server_scan = begun["scan"].get<int64_t>();
    if (auto saved = save(o.spool, j); !saved) return fail(2, saved.error());
  }
  auto snap = db->snapshot(scan.number);
  if (!snap) return fail(2, snap.error());
  const auto& devices = snap->devices;
  const size_t size = static_cast<size_t>(std::max(1, j.chunk));
  const int64_t chunks = static_cast<int64_t>((devices.size() + size - 1) / size);
  for (int64_t k = j.chunks_sent; k < chunks; ++k) {
    auto body = chunk_body(*db, scan.number, devices, static_cast<size_t>(k), size);
    if (!body) return fail(2, body.error());
    auto a = call(link, base + "/chunks/" + std::to_string(k), *body, stop);
    if (stop || !a) return stop ? stop : fail(2, a.error());
    if (auto s = judge_answer(link, o, j, *a); s || j.phase != "uploading") return s;
    j.chunks_sent = k + 1;
    if (auto saved = save(o.spool, j); !saved) return fail(2, saved.error());
  }
  const json done = {{"chunks", chunks}, {"devices", devices.size()}, {"finished", scan.info.finished}};
  auto a = call(link, base + "/finish", done, stop);
  if (stop || !a) return stop ? stop : fail(2, a.error());
  if (auto s = judge_answer(link, o, j, *a); s || j.phase != "uploading") return s;
  j.phase = "done";
  if (auto saved = save(o.spool, j); !saved) return fail(2, saved.error());
  std::error_code ignored;  // the server has the results: the job's spool inventory goes
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db_path(o.spool, j.id) + suffix, ignored);
  note("cli.sensor.uploaded", {{"job", std::to_string(j.id)}, {"devices", std::to_string(devices.size())},
                               {"chunks", std::to_string(chunks)}});
  return std::nullopt;
}

Stop sensor_setup(const SensorOptions& o, serve::ServerUrl& url, std::string& token) {
  auto parsed = serve::parse_server_url(o.server);
  if (!parsed) return usage_error(parsed.error());
  url = *parsed;
  std::ifstream in(o.token_file);
  if (!in || !std::getline(in, token)) return usage_error("cli.cannot_read", {{"path", quote_value(o.token_file)}});
  token = std::string(text::trim(token));
  if (token.size() != 64) return usage_error("cli.sensor.bad_token", {{"path", quote_value(o.token_file)}});
  if (auto bad = serve::numeric_scope(o.allow); !bad) return usage_error(with_prefix(bad.error(), "--allow: "));
  std::error_code ec;
  fs::create_directories(o.spool, ec);
  if (ec || !fs::is_directory(o.spool))
    return usage_error("cli.cannot_write_why", {{"path", quote_value(o.spool)}, {"reason", ec.message()}});
  return std::nullopt;
}

}  // namespace

int run_sensor(const SensorOptions& o) {
  const auto lang = resolve_lang(o.lang);
  if (!lang) return usage_error("cli.bad_lang", {{"value", quote_value(o.lang)}});
  serve::ServerUrl url;
  std::string token;
  if (auto stop = sensor_setup(o, url, token)) return *stop;
  const serve::SensorClient client(url, token, o.ca_file);
  Link link{client, {}, false};
  for (;;) {
    std::optional<SpoolJob> job = pending_job(o.spool);
    if (job) {
      note("cli.sensor.resuming", {{"job", std::to_string(job->id)}, {"phase", job->phase}});
    } else {
      if (auto stop = take_job(link, o, job)) return *stop;
      if (!job) {
        if (o.once) return 0;
        std::this_thread::sleep_for(std::chrono::seconds(o.poll_s));
        continue;
      }
    }
    if (job->phase == "scanning")
      if (auto stop = scan_job(link, o, *lang, *job)) return *stop;
    if (job->phase == "uploading")
      if (auto stop = upload_job(link, o, *job)) return *stop;
    if (o.once) return 0;
  }
}

}  // namespace anshin::cli
