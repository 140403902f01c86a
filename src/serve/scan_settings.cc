#include "serve/scan_settings.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/text.h"
#include "serve/cron.h"
#include "targets/intervals.h"
#include "targets/ports.h"
#include "targets/syntax.h"

namespace anshin::serve {

using nlohmann::json;

namespace {

Error bad(const std::string& key, const std::string& problem) {
  return Error{Errc::kInvalidInput, "scan setting \"" + key + "\": " + problem};
}

Result<int> integer_in(const json& v, const std::string& key, int lo, int hi) {
  if (!v.is_number_integer()) return bad(key, "must be an integer");
  const auto n = v.get<int64_t>();
  if (n < lo || n > hi) return bad(key, "must be from " + std::to_string(lo) + " to " + std::to_string(hi));
  return static_cast<int>(n);
}

bool policy_text(const std::string& s) {
  if (s.empty() || s.size() > 200) return false;
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && c != ',') return false;
  return true;
}

// Target expression of a site or of its excludes: parsed, no @FILE, no leading '-' (never an option).
Result<targets::TargetExpr> site_target(const std::string& text, bool allow_public) {
  if (text.empty() || text.front() == '-' || text.front() == '@')
    return Error{Errc::kInvalidInput, "site target \"" + text::escape_for_terminal(text.substr(0, 80)) +
                                          "\": not an address, CIDR, range or host name"};
  auto parsed = targets::parse_target(text);
  if (!parsed) return parsed.error();
  if (parsed->kind == targets::TargetKind::kFile) return Error{Errc::kInvalidInput, "site targets cannot be files"};
  if (parsed->kind != targets::TargetKind::kHostName && !allow_public) {
    if (auto outside = targets::first_outside(parsed->span, targets::internal_spans()))
      return Error{Errc::kInvalidInput, "site target " + parsed->text + " includes the public address " +
                                            outside->to_string() + " (set allow_public to scan it)"};
  }
  return parsed;
}

Result<void> apply(ScanSettings& s, const std::string& key, const json& v) {
  const auto flag = [&](bool& out) -> Result<void> {
    if (!v.is_boolean()) return bad(key, "must be true or false");
    out = v.get<bool>();
    return {};
  };
  if (key == "ports") {
    if (!v.is_string() || v.get<std::string>().size() > 4096) return bad(key, "must be a port list text");
    if (auto p = targets::parse_ports(v.get<std::string>()); !p) return bad(key, p.error().message);
    s.ports = v.get<std::string>();
  } else if (key == "rate") {
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < 0.1 || v.get<double>() > 10000)
      return bad(key, "must be a number from 0.1 to 10000");
    s.rate = v.get<double>();
  } else if (key == "concurrency") {
    auto n = integer_in(v, key, 1, 2048);
    if (!n) return n.error();
    s.concurrency = *n;
  } else if (key == "timeout_ms") {
    auto n = integer_in(v, key, 10, 60000);
    if (!n) return n.error();
    s.timeout_ms = *n;
  } else if (key == "retries") {
    auto n = integer_in(v, key, 0, 5);
    if (!n) return n.error();
    s.retries = *n;
  } else if (key == "policy") {
    if (!v.is_string() || !policy_text(v.get<std::string>())) return bad(key, "must be policy ids or \"all\"");
    s.policy = v.get<std::string>();
  } else if (key == "lang") {
    if (!v.is_string() || (v != "en" && v != "ja")) return bad(key, "must be \"en\" or \"ja\"");
    s.lang = v.get<std::string>();
  } else if (key == "sweep_only") {
    return flag(s.sweep_only);
  } else if (key == "no_multicast") {
    return flag(s.no_multicast);
  } else if (key == "check_default_creds") {
    return flag(s.check_default_creds);
  } else if (key == "check_cves_active") {
    return flag(s.check_cves_active);
  } else if (key == "allow_public") {
    return flag(s.allow_public);
  } else if (key == "excludes") {
    if (!v.is_array() || v.size() > kMaxSiteTargets) return bad(key, "must be a list of at most 256 targets");
    for (const auto& e : v) {
      if (!e.is_string()) return bad(key, "must be a list of target texts");
      s.excludes.push_back(e.get<std::string>());
    }
  } else {
    return bad(text::escape_for_terminal(key.substr(0, 40)), "unknown key");
  }
  return {};
}

std::string number_text(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

}  // namespace

Result<ScanSettings> parse_scan_settings(std::string_view json_text) {
  if (json_text.size() > kMaxSettingsBytes) return Error{Errc::kInvalidInput, "scan settings over 16 KiB"};
  const json doc = json::parse(json_text, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error{Errc::kInvalidInput, "scan settings must be a JSON object"};
  ScanSettings s;
  for (const auto& [key, value] : doc.items())
    if (auto applied = apply(s, key, value); !applied) return applied.error();
  for (const auto& e : s.excludes)
    if (auto t = site_target(e, true); !t) return t.error();
  return s;
}

bool valid_site_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || text::trim(name).empty()) return false;
  if (text::sanitize_utf8(name) != name) return false;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/') return false;
  return true;
}

Result<void> validate_site(const store::SiteConfig& site) {
  if (!valid_site_name(site.name))
    return Error{Errc::kInvalidInput, "a site name is 1-100 bytes of UTF-8 without control characters or \"/\""};
  if (site.runner != "server" && site.runner != "sensor")
    return Error{Errc::kInvalidInput, "a site's runner is \"server\" or \"sensor\""};
  if (site.schedule)
    if (auto cron = parse_cron(*site.schedule); !cron) return cron.error();
  auto settings = parse_scan_settings(site.settings_json);
  if (!settings) return settings.error();
  if (site.targets.empty() || site.targets.size() > kMaxSiteTargets)
    return Error{Errc::kInvalidInput, "a site has 1 to 256 targets"};
  for (const auto& t : site.targets)
    if (auto parsed = site_target(t, settings->allow_public); !parsed) return parsed.error();
  return {};
}

std::vector<std::string> resume_arguments(store::ScanNumber scan, const std::string& db) {
  return {"scan", "--db=" + db, "--resume-scan=" + std::to_string(scan), "-q"};
}

std::vector<std::string> scan_arguments(const store::SiteConfig& site, const ScanSettings& s, const std::string& db,
                                        const std::string& default_lang) {
  std::vector<std::string> args = {"scan", "--db=" + db, "--site=" + site.name, "-q",
                                   "--rate=" + number_text(s.rate), "--concurrency=" + std::to_string(s.concurrency),
                                   "--policy=" + s.policy, "--lang=" + s.lang.value_or(default_lang)};
  if (s.ports) args.push_back("--ports=" + *s.ports);
  if (s.timeout_ms) args.push_back("--timeout=" + std::to_string(*s.timeout_ms));
  if (s.retries) args.push_back("--retries=" + std::to_string(*s.retries));
  if (s.sweep_only) args.push_back("--sweep-only");
  if (s.no_multicast) args.push_back("--no-multicast");
  if (s.check_default_creds) args.push_back("--check-default-creds");
  if (s.check_cves_active) args.push_back("--check-cves-active");
  if (s.allow_public) args.push_back("--allow-public");
  for (const auto& e : s.excludes) args.push_back("--exclude=" + e);
  args.push_back("--");
  for (const auto& t : site.targets) args.push_back(t);
  return args;
}

}  // namespace anshin::serve
