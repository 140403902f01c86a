#include "serve/sites_api.h"

#include "core/text.h"
#include "serve/api.h"
#include "serve/app.h"
#include "serve/job_texts.h"
#include "serve/query.h"
#include "serve/scan_settings.h"
#include "serve/schedule.h"

namespace anshin::serve {

using nlohmann::json;

namespace {

json str(const std::optional<std::string>& s) { return s ? json(text::sanitize_utf8(*s)) : json(nullptr); }

int status_of(const Error& e) {
  switch (e.code) {
    case Errc::kInvalidInput: return 400;
    case Errc::kNotFound: return 404;
    default: return 500;
  }
}

bool json_content(const Request& request) {
  const std::string* type = request.header("content-type");
  return type && text::to_lower(text::trim(text::split(*type, ';').front())) == "application/json";
}

// The site a PUT body describes: {"targets": [...], "settings": {...}, "schedule": "..." | null, "runner": "..."}.
Result<store::SiteConfig> site_of_body(const std::string& name, const Request& request) {
  const Error bad{Errc::kInvalidInput,
                  "send {\"targets\": [...], \"settings\": {...}, \"schedule\": \"cron\" or null, \"runner\": "
                  "\"server\" or \"sensor\"} as application/json"};
  if (!json_content(request)) return bad;
  const json body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return bad;
  store::SiteConfig site;
  site.name = name;
  const auto targets = body.find("targets");
  if (targets == body.end() || !targets->is_array()) return bad;
  for (const auto& t : *targets) {
    if (!t.is_string()) return bad;
    site.targets.push_back(t.get<std::string>());
  }
  if (auto s = body.find("settings"); s != body.end()) {
    if (!s->is_object()) return bad;
    site.settings_json = s->dump();
  }
  if (auto s = body.find("schedule"); s != body.end() && !s->is_null()) {
    if (!s->is_string()) return bad;
    if (!s->get<std::string>().empty()) site.schedule = s->get<std::string>();
  }
  if (auto r = body.find("runner"); r != body.end()) {
    if (!r->is_string()) return bad;
    site.runner = r->get<std::string>();
  }
  if (auto valid = validate_site(site); !valid) return valid.error();
  return site;
}

SysTime now_of(const std::function<std::string()>& now_rfc3339) {
  if (now_rfc3339)
    if (auto t = parse_utc(now_rfc3339())) return *t;
  return std::chrono::system_clock::now();
}

}  // namespace

json job_json(const store::ScanJob& j, const std::string& lang) {
  const std::optional<std::string> error = j.error ? std::optional(localize_job_text(*j.error, lang)) : std::nullopt;
  return {{"id", j.id}, {"site", str(j.site)}, {"reason", j.reason}, {"due", j.due}, {"created", j.created},
          {"state", std::string(store::job_state_name(j.state))}, {"runner", str(j.runner)}, {"claimed", str(j.claimed)},
          {"heartbeat", str(j.heartbeat)}, {"scan", j.scan ? json(*j.scan) : json(nullptr)},
          {"finished", str(j.finished)}, {"error", str(error)}};
}

Result<json> site_config_json(store::Store& store, const store::SiteConfig& site, SysTime now, const std::string& lang) {
  auto jobs = store::SiteTables::list_jobs(store, site.name, 1);
  if (!jobs) return jobs.error();
  json current = nullptr;
  if (!jobs->empty() && (jobs->front().state == store::JobState::kQueued || jobs->front().state == store::JobState::kRunning))
    current = job_json(jobs->front(), lang);
  json settings = json::parse(site.settings_json, nullptr, false);
  if (settings.is_discarded()) settings = json::object();
  json targets = json::array();
  for (const auto& t : site.targets) targets.push_back(text::sanitize_utf8(t));
  const auto next = Scheduler::next_run(site, now);
  return json{{"name", text::sanitize_utf8(site.name)}, {"targets", targets}, {"settings", settings},
              {"schedule", str(site.schedule)}, {"runner", site.runner}, {"last_due", str(site.last_due)},
              {"updated", site.updated}, {"next_run", next ? json(format_utc(*next)) : json(nullptr)}, {"job", current}};
}

Response App::jobs(const Request& request, const Target& target) {
  size_t limit = 50;
  if (auto it = target.params.find("limit"); it != target.params.end()) {
    auto n = parse_count(it->second);
    if (!n || *n == 0 || *n > 1000) return api_error(400, "limit_range", {{"max", "1000"}});
    limit = static_cast<size_t>(*n);
  }
  std::optional<std::string> site;
  if (auto it = target.params.find("site"); it != target.params.end()) site = it->second;
  auto list = store::SiteTables::list_jobs(store_, site, limit);
  if (!list) return json_error(500, list.error());
  json out = json::array();
  const std::string lang = request_lang(request, target);
  for (const auto& j : *list) out.push_back(job_json(j, lang));
  return json_ok({{"jobs", out}});
}

Response App::site_route(const Request& request, const Target& target, const Caller& caller) {
  const auto seg = path_segments(target.path);  // api v1 sites NAME [scan]
  if (seg.size() < 4 || seg.size() > 5 || (seg.size() == 5 && seg[4] != "scan")) return api_error(404, "no_such_endpoint");
  const std::string& name = seg[3];
  const bool read = request.method == "GET" || request.method == "HEAD";
  if (!read && caller.role != Role::kAdmin) return api_error(403, "admins_only");
  const SysTime now = now_of(options_.now_rfc3339);
  if (seg.size() == 5) {
    if (request.method != "POST") return api_error(405, "method_not_allowed");
    const std::string now_text = format_utc(now);
    auto queued = store::SiteTables::enqueue_job(store_, name, "manual", now_text, now_text);
    if (!queued) return json_error(status_of(queued.error()), queued.error());
    if (!*queued) return api_error(409, "site_busy");
    record(request, caller.user, "site.scan", name + " job " + std::to_string(**queued));
    if (options_.wake_scheduler) options_.wake_scheduler();
    return json_ok({{"job", **queued}}, 202);
  }
  if (read) {
    auto site = store::SiteTables::find_site(store_, name);
    if (!site) return json_error(500, site.error());
    if (!*site) return api_error(404, "no_such_site");
    auto body = site_config_json(store_, **site, now, request_lang(request, target));
    return body ? json_ok(*body) : json_error(500, body.error());
  }
  if (request.method == "PUT") {
    auto site = site_of_body(name, request);
    if (!site) return json_error(status_of(site.error()), site.error());
    if (auto put = store::SiteTables::put_site(store_, *site, format_utc(now)); !put)
      return json_error(500, put.error());
    record(request, caller.user, "site.put", name);
    auto saved = store::SiteTables::find_site(store_, name);
    if (!saved || !*saved) return api_error(500, "site_not_saved");
    auto body = site_config_json(store_, **saved, now, request_lang(request, target));
    return body ? json_ok(*body) : json_error(500, body.error());
  }
  if (request.method == "DELETE") {
    auto removed = store::SiteTables::remove_site(store_, name);
    if (!removed) return json_error(removed.error().code == Errc::kInvalidInput ? 409 : 500, removed.error());
    if (!*removed) return api_error(404, "no_such_site");
    record(request, caller.user, "site.delete", name);
    return json_ok({{"deleted", text::sanitize_utf8(name)}});
  }
  return api_error(405, "method_not_allowed");
}

}  // namespace anshin::serve
