#include "serve/api.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>

#include "core/text.h"
#include "store/diff.h"
#include "serve/sites_api.h"
#include "store/serve_tables.h"
#include "store/site_tables.h"

namespace anshin::serve {

using nlohmann::json;

namespace {

// Device strings are hostile bytes: made valid UTF-8 so the JSON always parses (the dashboard escapes them).
json str(const std::optional<std::string>& s) { return s ? json(text::sanitize_utf8(*s)) : json(nullptr); }
json str(const std::string& s) { return text::sanitize_utf8(s); }

int status_for(const Error& e) {
  switch (e.code) {
    case Errc::kNotFound: return 404;
    case Errc::kInvalidInput: return 400;
    default: return 500;
  }
}

std::optional<Severity> max_severity(const Device& d) {
  std::optional<Severity> out;
  for (const auto& f : d.findings)
    if (!out || f.severity > *out) out = f.severity;
  return out;
}

json evidence_json(const std::vector<Evidence>& list) {
  json out = json::array();
  for (const auto& e : list) {
    json implies = json::object();
    for (const auto& [k, v] : e.implies) implies[str(k)] = str(v);
    out.push_back({{"source", str(e.source)}, {"port", e.port}, {"value", str(e.value)},
                   {"implies", implies}, {"rule", str(e.rule)}});
  }
  return out;
}

json scan_json(const store::StoredScan& s) {
  return {{"number", s.number}, {"id", str(s.info.id)}, {"started", str(s.info.started)},
          {"finished", s.info.finished.empty() ? json(nullptr) : json(str(s.info.finished))},
          {"targets", [&] { json t = json::array(); for (const auto& x : s.info.targets) t.push_back(str(x)); return t; }()},
          {"site", s.info.site.empty() ? json(nullptr) : json(str(s.info.site))},
          {"kind", scan_kind_name(scan_kind(s.info))},
          {"addresses", s.info.addresses}, {"devices", s.devices}, {"completed", s.completed},
          {"interrupted", s.info.interrupted}, {"tool_version", str(s.info.tool_version)},
          {"kb_version", str(s.info.kb_version)},
          {"reassessed_from", s.reassessed_from ? json(*s.reassessed_from) : json(nullptr)}};
}

json scan_info_json(const ScanInfo& s) {
  return {{"id", str(s.id)}, {"started", str(s.started)}, {"finished", str(s.finished)},
          {"site", s.site.empty() ? json(nullptr) : json(str(s.site))}, {"kind", scan_kind_name(scan_kind(s))}};
}

json device_summary(const Device& d, store::DeviceId id) {
  const auto& v = d.verdict;
  const auto sev = max_severity(d);
  json policies = json::array();
  for (const auto& f : d.findings)
    if (f.id.starts_with("policy.")) policies.push_back(str(f.id));
  return {{"id", id}, {"address", d.address.to_string()}, {"mac", str(d.mac)},
          {"category", category_name(v.category)}, {"manufacturer", str(v.manufacturer)},
          {"brand", str(v.brand)}, {"possible_manufacturer", str(v.possible_manufacturer)},
          {"maker_proof", maker_proof_name(v.maker_proof)}, {"model", str(v.model)},
          {"firmware", str(v.firmware)}, {"serial", str(v.serial)}, {"confidence", v.confidence},
          {"severity", sev ? json(severity_name(*sev)) : json(nullptr)},
          {"findings", d.findings.size()}, {"policies", policies}};
}

json finding_json(const Finding& localized_finding) {
  const Finding& f = localized_finding;
  json refs = json::array();
  for (const auto& r : f.references) refs.push_back(str(r));
  return {{"id", str(f.id)}, {"severity", severity_name(f.severity)}, {"title", str(f.title.str())},
          {"detail", str(f.detail.str())}, {"remediation", str(f.remediation.str())}, {"references", refs},
          {"evidence", evidence_json(f.evidence)}};
}

// ?lang=en|ja: finding texts in that language when the inventory holds it ("" = as stored).
std::string lang_of(const Target& t);

json device_full(const Device& d, store::DeviceId id, const std::string& lang) {
  json out = device_summary(d, id);
  out["evidence"] = evidence_json(d.verdict.evidence);
  out["clues"] = evidence_json(d.verdict.clues);
  json conflicts = json::array();
  for (const auto& c : d.verdict.conflicts) conflicts.push_back(str(c));
  out["conflicts"] = conflicts;
  json services = json::array();
  for (const auto& s : d.services)
    services.push_back({{"port", s.port}, {"transport", s.transport == Transport::kTcp ? "tcp" : "udp"},
                        {"protocol", str(s.protocol)}, {"tls", s.tls}, {"product", str(s.product)}});
  out["services"] = services;
  json findings = json::array();
  for (const auto& f : d.findings) findings.push_back(finding_json(lang.empty() ? f : localized(f, lang)));
  out["findings"] = findings;
  return out;
}

std::string lower(std::string_view s) { return text::to_lower(s); }

bool contains_ci(const std::optional<std::string>& hay, const std::string& needle_lower) {
  return hay && lower(*hay).find(needle_lower) != std::string::npos;
}

std::string param(const Target& t, const char* name) {
  auto it = t.params.find(name);
  return it == t.params.end() ? "" : it->second;
}

std::string lang_of(const Target& t) {
  const std::string lang = param(t, "lang");
  return lang == "en" || lang == "ja" ? lang : "";
}

}  // namespace

Response json_ok(const json& body, int status) {
  Response r;
  r.status = status;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  return r;
}

namespace {

std::string status_code_name(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 413: return "too_large";
    case 421: return "misdirected";
    case 429: return "too_many_requests";
    case 431: return "header_too_large";
    default: return status >= 500 ? "internal" : "error";
  }
}

std::string error_code(int status, const Error& error) {
  for (std::string_view prefix : {"serve.api_error.", "error."})
    if (error.key.rfind(prefix, 0) == 0) return error.key.substr(prefix.size());
  return error.key.empty() ? status_code_name(status) : error.key;
}

Response error_response(int status, const Error& error, const std::string& message) {
  Response r = json_ok({{"error", {{"status", status}, {"code", error_code(status, error)}, {"message", str(message)}}}});
  r.status = status;
  r.error = error;
  return r;
}

}  // namespace

std::string request_lang(const Request& request, const Target& target) {
  if (auto it = target.params.find("lang"); it != target.params.end()) return i18n::normalize_lang(it->second);
  if (const std::string* al = request.header("accept-language")) {
    const std::string first = text::to_lower(text::trim(text::split(*al, ',').front()));
    if (first.rfind("ja", 0) == 0) return "ja";
  }
  return "en";
}

Response json_error(int status, const std::string& message) {
  return error_response(status, Error{Errc::kInvalidInput, message}, message);
}

Response json_error(int status, const Error& error) { return error_response(status, error, error.message); }

Response api_error(int status, const std::string& id, const std::vector<i18n::Arg>& args) {
  return json_error(status, i18n::error(Errc::kInvalidInput, "serve.api_error." + id, args));
}

void localize_error(Response& response, const std::string& lang) {
  if (!response.error || response.error->key.empty() || lang == i18n::kDefaultLang) return;
  auto headers = std::move(response.headers);
  response = error_response(response.status, *response.error, i18n::message(lang, *response.error));
  response.headers = std::move(headers);
}

Api::Api(store::Store& store, size_t cached_scans) : store_(store), cached_scans_(std::max<size_t>(1, cached_scans)) {}

Response Api::handle(const Request& request, const Target& target) {
  const auto seg = path_segments(target.path);  // "api", "v1", ...
  if (seg.size() < 3) return api_error(404, "no_such_endpoint");
  if (request.method != "GET" && request.method != "HEAD") return api_error(405, "method_not_allowed");
  const std::string& what = seg[2];
  if (seg.size() == 3) {
    if (what == "scans") return scans();
    if (what == "devices") return devices(target);
    if (what == "findings") return findings(target);
    if (what == "policies") return policies(target);
    if (what == "overview") return overview(target);
    if (what == "diff") return diff(target);
    if (what == "alerts") return alerts(target);
    if (what == "sites") return sites(request_lang(request, target));
  }
  if (seg.size() == 4 && what == "devices") return device(seg[3], target);
  return api_error(404, "no_such_endpoint");
}

Result<std::shared_ptr<const store::IdentifiedSnapshot>> Api::load(const store::StoredScan& scan) {
  const bool immutable = !scan.info.finished.empty();
  if (immutable) {
    std::lock_guard lock(cache_mu_);
    for (size_t i = 0; i < cache_.size(); ++i) {
      if (cache_[i].first != scan.number) continue;
      auto hit = cache_[i].second;
      std::rotate(cache_.begin(), cache_.begin() + static_cast<std::ptrdiff_t>(i),
                  cache_.begin() + static_cast<std::ptrdiff_t>(i) + 1);  // most recent first
      return hit;
    }
  }
  auto snap = store_.identified_snapshot(scan.number);
  if (!snap) return snap.error();
  auto shared = std::make_shared<const store::IdentifiedSnapshot>(std::move(*snap));
  if (immutable) {
    std::lock_guard lock(cache_mu_);
    cache_.insert(cache_.begin(), {scan.number, shared});
    if (cache_.size() > cached_scans_) cache_.pop_back();
  }
  return shared;
}

Result<std::shared_ptr<const store::IdentifiedSnapshot>> Api::scan_for(const Target& target) {
  const std::string key = param(target, "scan");
  if (!key.empty()) {
    auto scan = store_.find_scan(key);
    if (!scan) return scan.error();
    return load(*scan);
  }
  if (target.params.contains("site")) {  // the newest finished scan of that site ("" = scans without one)
    const std::string site = param(target, "site");
    auto all = store_.list_scans();
    if (!all) return all.error();
    for (auto it = all->rbegin(); it != all->rend(); ++it)
      if (!it->info.finished.empty() && it->info.site == site) return load(*it);
    return Error{Errc::kNotFound, "no finished scan of that site"};
  }
  auto latest = store_.latest_scan();
  if (!latest) return latest.error();
  if (!*latest) return Error{Errc::kNotFound, "the inventory holds no finished scan"};
  return load(**latest);
}

Response Api::alerts(const Target& target) {
  size_t limit = 200;
  if (auto l = param(target, "limit"); !l.empty()) {
    auto n = parse_count(l);
    if (!n || *n == 0 || *n > static_cast<int64_t>(kMaxPageSize)) return api_error(400, "limit_range", {{"max", "1000"}});
    limit = static_cast<size_t>(*n);
  }
  auto rows = store::ServeTables::alerts(store_, false, 0, limit);
  if (!rows) return json_error(status_for(rows.error()), rows.error());
  static const char* kStates[] = {"pending", "delivered", "given_up", "not_configured"};
  const auto state = [](int s) { return s >= 0 && s <= 3 ? kStates[s] : "unknown"; };
  json list = json::array();
  for (const auto& r : *rows) {
    json alert = json::parse(r.body, nullptr, false);
    list.push_back({{"key", str(r.key)}, {"scan", r.scan}, {"kind", r.kind}, {"severity", r.severity},
                    {"created", r.created}, {"webhook", state(r.webhook_state)}, {"syslog", state(r.syslog_state)},
                    {"attempts", r.attempts}, {"alert", alert.is_discarded() ? json(nullptr) : alert}});
  }
  return json_ok({{"alerts", list}});
}

Response Api::sites(const std::string& lang) {
  auto all = store_.list_scans();
  if (!all) return json_error(status_for(all.error()), all.error());
  auto configured = store::SiteTables::list_sites(store_);
  if (!configured) return json_error(status_for(configured.error()), configured.error());
  std::map<std::string, std::pair<size_t, const store::StoredScan*>> by_site;  // scans, newest finished
  for (const auto& s : *all) {
    auto& entry = by_site[s.info.site];
    ++entry.first;
    if (!s.info.finished.empty()) entry.second = &s;
  }
  std::map<std::string, json> config;  // sites_api.h: targets, schedule, next run, current job
  const auto now = std::chrono::system_clock::now();
  for (const auto& site : *configured) {
    by_site.try_emplace(site.name, 0, nullptr);
    auto c = site_config_json(store_, site, now, lang);
    if (!c) return json_error(status_for(c.error()), c.error());
    config[site.name] = std::move(*c);
  }
  json list = json::array();
  for (const auto& [site, entry] : by_site) {
    const auto c = config.find(site);
    list.push_back({{"site", site.empty() ? json(nullptr) : json(str(site))}, {"scans", entry.first},
                    {"latest", entry.second ? scan_json(*entry.second) : json(nullptr)},
                    {"config", c == config.end() ? json(nullptr) : c->second}});
  }
  return json_ok({{"sites", list}});
}

void Api::warm() {
  auto latest = store_.latest_scan();
  if (latest && *latest) (void)load(**latest);
}

Response Api::scans() {
  auto all = store_.list_scans();
  if (!all) return json_error(status_for(all.error()), all.error());
  json list = json::array();
  for (const auto& s : *all) list.push_back(scan_json(s));
  return json_ok({{"scans", list}});
}


namespace {

struct DeviceFilter {
  std::optional<Category> category;
  std::string maker;                   // lower case; substring of manufacturer, brand or possible maker
  std::string policy;                  // a finding id ("policy.us.ndaa-889") or "any"
  std::optional<Severity> severity;    // at least this severe
  std::string text;                    // lower case; substring of any identifying string
};

Result<DeviceFilter> device_filter(const Target& t) {
  DeviceFilter f;
  if (auto c = param(t, "category"); !c.empty()) {
    f.category = parse_category(c);
    if (!f.category) return Error{Errc::kInvalidInput, "unknown category"};
  }
  if (auto s = param(t, "severity"); !s.empty()) {
    f.severity = parse_severity(s);
    if (!f.severity) return Error{Errc::kInvalidInput, "unknown severity"};
  }
  f.maker = lower(param(t, "maker"));
  f.policy = param(t, "policy");
  f.text = lower(param(t, "q"));
  return f;
}

bool matches(const Device& d, const DeviceFilter& f) {
  const auto& v = d.verdict;
  if (f.category && v.category != *f.category) return false;
  if (!f.maker.empty() && !contains_ci(v.manufacturer, f.maker) && !contains_ci(v.brand, f.maker) &&
      !contains_ci(v.possible_manufacturer, f.maker))
    return false;
  if (!f.policy.empty()) {
    const bool any = f.policy == "any";
    if (std::none_of(d.findings.begin(), d.findings.end(), [&](const Finding& x) {
          return any ? x.id.starts_with("policy.") : x.id == f.policy;
        }))
      return false;
  }
  if (f.severity) {
    const auto worst = max_severity(d);
    if (!worst || *worst < *f.severity) return false;
  }
  if (!f.text.empty()) {
    const std::string address = d.address.to_string();
    if (address.find(f.text) == std::string::npos && !contains_ci(d.mac, f.text) &&
        !contains_ci(v.manufacturer, f.text) && !contains_ci(v.brand, f.text) && !contains_ci(v.model, f.text) &&
        !contains_ci(v.firmware, f.text) && !contains_ci(v.serial, f.text) &&
        !contains_ci(v.possible_manufacturer, f.text))
      return false;
  }
  return true;
}

// Sort keys of the device list: address (default), manufacturer, model, firmware, category, severity.
std::optional<std::function<bool(const Device&, const Device&)>> device_order(const std::string& key) {
  const auto by_text = [](auto get) {
    return [get](const Device& a, const Device& b) {
      const auto& x = get(a);
      const auto& y = get(b);
      if (x != y) return !y ? true : (!x ? false : lower(*x) < lower(*y));  // unknown last
      return a.address < b.address;
    };
  };
  if (key.empty() || key == "address") return [](const Device& a, const Device& b) { return a.address < b.address; };
  if (key == "manufacturer") return by_text([](const Device& d) -> const auto& { return d.verdict.manufacturer; });
  if (key == "model") return by_text([](const Device& d) -> const auto& { return d.verdict.model; });
  if (key == "firmware") return by_text([](const Device& d) -> const auto& { return d.verdict.firmware; });
  if (key == "category")
    return [](const Device& a, const Device& b) {
      const std::string x = category_name(a.verdict.category), y = category_name(b.verdict.category);
      return x != y ? x < y : a.address < b.address;
    };
  if (key == "severity")
    return [](const Device& a, const Device& b) {  // most severe first
      const int x = max_severity(a) ? static_cast<int>(*max_severity(a)) : -1;
      const int y = max_severity(b) ? static_cast<int>(*max_severity(b)) : -1;
      return x != y ? x > y : a.address < b.address;
    };
  return std::nullopt;
}

}  // namespace

Response Api::devices(const Target& target) {
  auto filter = device_filter(target);
  if (!filter) return json_error(400, filter.error());
  auto order = device_order(param(target, "sort"));
  if (!order) return api_error(400, "unknown_sort");
  const std::string dir = param(target, "order");
  if (!dir.empty() && dir != "asc" && dir != "desc") return api_error(400, "bad_order");
  const auto offset = param(target, "offset").empty() ? std::optional<int64_t>(0) : parse_count(param(target, "offset"));
  const auto limit = param(target, "limit").empty() ? std::optional<int64_t>(kDefaultPageSize)
                                                     : parse_count(param(target, "limit"));
  if (!offset || !limit || *limit == 0 || *limit > static_cast<int64_t>(kMaxPageSize))
    return api_error(400, "bad_paging", {{"max", std::to_string(kMaxPageSize)}});
  auto snap = scan_for(target);
  if (!snap) return json_error(status_for(snap.error()), snap.error());

  const auto& devices = (*snap)->snapshot.devices;
  std::vector<size_t> rows;
  for (size_t i = 0; i < devices.size(); ++i)
    if (matches(devices[i], *filter)) rows.push_back(i);
  std::stable_sort(rows.begin(), rows.end(), [&](size_t a, size_t b) { return (*order)(devices[a], devices[b]); });
  if (dir == "desc") std::reverse(rows.begin(), rows.end());

  json page = json::array();
  const size_t first = std::min(rows.size(), static_cast<size_t>(*offset));
  const size_t last = std::min(rows.size(), first + static_cast<size_t>(*limit));
  for (size_t i = first; i < last; ++i) page.push_back(device_summary(devices[rows[i]], (*snap)->ids[rows[i]]));
  return json_ok({{"scan", scan_info_json((*snap)->snapshot.scan)}, {"total", rows.size()},
                        {"offset", first}, {"limit", *limit}, {"devices", page}});
}

namespace {

json merged(json base, const json& extra) {
  base.update(extra);
  return base;
}

// What changed between two consecutive sightings of a device: the history timeline.
json timeline(const std::vector<store::Sighting>& history) {
  json events = json::array();
  for (size_t i = 0; i < history.size(); ++i) {
    const auto& now = history[i];
    const json at = {{"scan", now.scan}, {"scan_id", str(now.scan_id)}, {"started", str(now.started)}};
    if (i == 0) {
      json e = at;
      e["event"] = "first_seen";
      e["address"] = now.address.to_string();
      events.push_back(e);
      continue;
    }
    const auto& before = history[i - 1];
    if (before.address != now.address)
      events.push_back(merged(at, {{"event", "address_changed"}, {"from", before.address.to_string()},
                                 {"to", now.address.to_string()}}));
    if (before.firmware != now.firmware)
      events.push_back(merged(at, {{"event", "firmware_changed"}, {"from", str(before.firmware)}, {"to", str(now.firmware)}}));
    std::vector<std::pair<std::string, Severity>> added, removed;
    std::set_difference(now.findings.begin(), now.findings.end(), before.findings.begin(), before.findings.end(),
                        std::back_inserter(added));
    std::set_difference(before.findings.begin(), before.findings.end(), now.findings.begin(), now.findings.end(),
                        std::back_inserter(removed));
    for (const auto& [id, sev] : added)
      events.push_back(merged(at, {{"event", "finding_appeared"}, {"finding", str(id)}, {"severity", severity_name(sev)}}));
    for (const auto& [id, sev] : removed)
      events.push_back(merged(at, {{"event", "finding_gone"}, {"finding", str(id)}, {"severity", severity_name(sev)}}));
  }
  return events;
}

json history_json(const std::vector<store::Sighting>& history) {
  json out = json::array();
  for (const auto& s : history) {
    json findings = json::array();
    for (const auto& [id, sev] : s.findings) findings.push_back({{"id", str(id)}, {"severity", severity_name(sev)}});
    out.push_back({{"scan", s.scan}, {"scan_id", str(s.scan_id)}, {"started", str(s.started)},
                   {"address", s.address.to_string()}, {"category", category_name(s.category)},
                   {"manufacturer", str(s.manufacturer)}, {"model", str(s.model)}, {"firmware", str(s.firmware)},
                   {"findings", findings}});
  }
  return out;
}

}  // namespace

Response Api::device(const std::string& id_text, const Target& target) {
  const auto id = parse_count(id_text);
  if (!id) return api_error(404, "no_such_device");
  auto history = store::ServeTables::device_history(store_, *id);
  if (!history) return json_error(status_for(history.error()), history.error());
  if (history->empty()) return api_error(404, "no_such_device");
  // The device as the requested scan saw it, else as its newest sighting did.
  std::string scan_key = param(target, "scan");
  if (scan_key.empty()) scan_key = std::to_string(history->back().scan);
  auto scan = store_.find_scan(scan_key);
  if (!scan) return json_error(status_for(scan.error()), scan.error());
  auto snap = load(*scan);
  if (!snap) return json_error(status_for(snap.error()), snap.error());
  const auto& ids = (*snap)->ids;
  const auto it = std::find(ids.begin(), ids.end(), *id);
  if (it == ids.end()) return api_error(404, "device_not_in_scan");
  const auto& device = (*snap)->snapshot.devices[static_cast<size_t>(it - ids.begin())];
  return json_ok({{"scan", scan_json(*scan)}, {"device", device_full(device, *id, lang_of(target))},
                        {"history", history_json(*history)}, {"timeline", timeline(*history)}});
}

namespace {

// Findings of a snapshot grouped by id: severity, texts (the first device's, in the scan's language), devices.
json finding_groups(const ScanSnapshot& snap, bool policies_only, const std::string& lang) {
  std::map<std::string, std::pair<json, size_t>> groups;
  for (const auto& d : snap.devices) {
    std::set<std::string> seen;
    for (const auto& f : d.findings) {
      if (policies_only && !f.id.starts_with("policy.")) continue;
      if (!seen.insert(f.id).second) continue;
      auto [it, fresh] = groups.try_emplace(f.id);
      if (fresh) {
        const Finding text = lang.empty() ? f : localized(f, lang);
        it->second.first = {{"id", str(f.id)}, {"severity", severity_name(f.severity)}, {"title", str(text.title.str())},
                            {"remediation", str(text.remediation.str())}};
      }
      ++it->second.second;
    }
  }
  std::vector<json> rows;
  for (auto& [id, g] : groups) {
    g.first["devices"] = g.second;
    rows.push_back(std::move(g.first));
  }
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    const int x = static_cast<int>(*parse_severity(a["severity"].get<std::string>()));
    const int y = static_cast<int>(*parse_severity(b["severity"].get<std::string>()));
    return x != y ? x > y : a["devices"].get<size_t>() > b["devices"].get<size_t>();
  });
  return rows;
}

}  // namespace

Response Api::findings(const Target& target) {
  auto snap = scan_for(target);
  if (!snap) return json_error(status_for(snap.error()), snap.error());
  return json_ok({{"scan", scan_info_json((*snap)->snapshot.scan)},
                        {"findings", finding_groups((*snap)->snapshot, false, lang_of(target))}});
}

Response Api::policies(const Target& target) {
  auto snap = scan_for(target);
  if (!snap) return json_error(status_for(snap.error()), snap.error());
  size_t exposed = 0;
  for (const auto& d : (*snap)->snapshot.devices)
    if (std::any_of(d.findings.begin(), d.findings.end(), [](const Finding& f) { return f.id.starts_with("policy."); }))
      ++exposed;
  return json_ok({{"scan", scan_info_json((*snap)->snapshot.scan)}, {"devices_named", exposed},
                        {"policies", finding_groups((*snap)->snapshot, true, lang_of(target))}});
}

Response Api::overview(const Target& target) {
  auto snap = scan_for(target);
  if (!snap) return json_error(status_for(snap.error()), snap.error());
  const auto& devices = (*snap)->snapshot.devices;
  std::map<std::string, size_t> by_category, by_maker;
  size_t by_severity[5] = {0, 0, 0, 0, 0};
  size_t clean = 0, named = 0;
  for (const auto& d : devices) {
    ++by_category[category_name(d.verdict.category)];
    if (d.verdict.manufacturer) ++by_maker[text::sanitize_utf8(*d.verdict.manufacturer)];
    if (auto s = max_severity(d)) ++by_severity[static_cast<int>(*s)]; else ++clean;
    if (std::any_of(d.findings.begin(), d.findings.end(), [](const Finding& f) { return f.id.starts_with("policy."); }))
      ++named;
  }
  json severity = json::object();
  for (int s = 0; s < 5; ++s) severity[severity_name(static_cast<Severity>(s))] = by_severity[s];
  severity["none"] = clean;
  std::vector<std::pair<std::string, size_t>> makers(by_maker.begin(), by_maker.end());
  std::stable_sort(makers.begin(), makers.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (makers.size() > 10) makers.resize(10);
  json maker_rows = json::array();
  for (const auto& [name, n] : makers) maker_rows.push_back({{"manufacturer", name}, {"devices", n}});
  return json_ok({{"scan", scan_info_json((*snap)->snapshot.scan)}, {"devices", devices.size()},
                        {"devices_named_by_policy", named}, {"by_category", by_category},
                        {"by_severity", severity}, {"top_manufacturers", maker_rows},
                        {"policies", finding_groups((*snap)->snapshot, true, lang_of(target))}});
}

Response Api::diff(const Target& target) {
  std::string older = param(target, "old"), newer = param(target, "new");
  if (older.empty() != newer.empty()) return api_error(400, "old_and_new");
  if (older.empty()) {
    auto all = store_.list_scans();
    if (!all) return json_error(status_for(all.error()), all.error());
    std::string site = param(target, "site");
    if (!target.params.contains("site"))
      for (auto it = all->rbegin(); it != all->rend(); ++it)
        if (!it->info.finished.empty()) {
          site = it->info.site;  // the newest finished scan's site ("" = none)
          break;
        }
    auto pair = store::newest_comparable_pair(*all, site);
    if (!pair) return api_error(404, "no_two_scans");
    older = std::to_string(pair->older);
    newer = std::to_string(pair->newer);
  }
  auto a = store_.find_scan(older);
  if (!a) return json_error(status_for(a.error()), a.error());
  auto b = store_.find_scan(newer);
  if (!b) return json_error(status_for(b.error()), b.error());
  if (scan_kind(a->info) != scan_kind(b->info))
    return api_error(400, "different_kinds");
  const auto key = std::make_pair(a->number, b->number);
  const bool immutable = !a->info.finished.empty() && !b->info.finished.empty();
  Response r;
  if (immutable) {
    std::lock_guard lock(cache_mu_);
    for (const auto& [pair, text] : diffs_)
      if (pair == key) {
        r.body = text;
        return r;
      }
  }
  auto sa = load(*a);
  if (!sa) return json_error(status_for(sa.error()), sa.error());
  auto sb = load(*b);
  if (!sb) return json_error(status_for(sb.error()), sb.error());
  r.body = store::diff_to_json(store::diff_scans(**sa, **sb, firmware_order_), -1);
  if (immutable) {
    std::lock_guard lock(cache_mu_);
    diffs_.insert(diffs_.begin(), {key, r.body});
    if (diffs_.size() > cached_scans_) diffs_.pop_back();
  }
  return r;
}

}  // namespace anshin::serve
