#include "scan/intrusive.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "core/text.h"
#include "i18n/catalog.h"
#include "probes/cve_active/active_checks.h"

namespace anshin::scan {
namespace {

std::string str(const YAML::Node& n, const char* key) {
  const auto v = n[key];
  return v && v.IsScalar() ? v.as<std::string>() : std::string();
}

int confidence_rank(const std::string& c) { return c == "manual" ? 0 : c == "tool-list" ? 1 : 2; }

bool http_service(const std::vector<std::string>& services) {
  for (const auto& s : services)
    if (s == "http" || s == "http-auth") return true;
  return false;
}

// The vocabulary id of a verdict name, or its lower-cased self.
std::string vendor_id(const kb::Vocabulary& vocab, std::string_view name) {
  if (const auto* v = vocab.find_alias(name)) return v->id;
  return text::to_lower(name);
}

// The read-only GET behind the login: the first data row naming one of the device's vendor ids, else
// a path the paths probe saw answer 401, else "/".
std::string login_path(const std::vector<kb::LoginPath>& rows, const std::vector<std::string>& ids,
                       const HostRecord& host) {
  for (const auto& row : rows)
    if (std::find(ids.begin(), ids.end(), row.vendor) != ids.end()) return row.path;
  for (const auto& rec : host.services)
    for (const auto& o : rec.observations)
      if (o.key == "http.path.auth") return o.value;
  return "/";
}

}  // namespace

Result<CredentialsFile> load_credentials_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return i18n::error(Errc::kInvalidInput, "error.credentials.unreadable", {{"path", path}});
  if (!S_ISREG(st.st_mode)) return i18n::error(Errc::kInvalidInput, "error.credentials.not_regular", {{"path", path}});
  if ((st.st_mode & 07777) != 0600) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return i18n::error(Errc::kInvalidInput, "error.credentials.mode", {{"path", path}, {"mode", mode}});
  }
  CredentialsFile out;
  out.path = path;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    const auto list = root["credentials"];
    if (!list || !list.IsSequence())
      return i18n::error(Errc::kInvalidInput, "error.credentials.no_list", {{"path", path}});
    for (const auto& n : list) {
      CredentialEntry e;
      e.host = str(n, "host");
      e.vendor = str(n, "vendor");
      e.username = str(n, "username");
      if (e.username.empty()) e.username = str(n, "user");
      e.password = str(n, "password");
      if (e.username.empty() || (e.host.empty() && e.vendor.empty()))
        return i18n::error(Errc::kInvalidInput, "error.credentials.entry",
                           {{"path", path}, {"entry", std::to_string(out.entries.size() + 1)}});
      out.entries.push_back(std::move(e));
    }
  } catch (const YAML::Exception& e) {  // the message has a line/column only, never file contents
    return i18n::error(Errc::kInvalidInput, "error.credentials.yaml", {{"path", path}, {"line", std::to_string(e.mark.line + 1)}});
  }
  return out;
}

probes::IntrusivePlan plan_intrusive(const Device& device, const HostRecord& host, const kb::Vocabulary& vocab,
                                     const kb::CredentialData& credential_data, const IntrusiveOptions& options) {
  const auto& defaults = credential_data.defaults;
  probes::IntrusivePlan plan;
  const DeviceVerdict& v = device.verdict;
  std::vector<std::string> ids;  // brand first, then manufacturer
  if (v.brand) ids.push_back(vendor_id(vocab, *v.brand));
  if (v.manufacturer && (ids.empty() || ids.front() != vendor_id(vocab, *v.manufacturer)))
    ids.push_back(vendor_id(vocab, *v.manufacturer));

  if (options.cves_active)
    for (const auto& f : device.findings)
      if (f.id.rfind("cve.", 0) == 0 && probes::find_active_check(f.id.substr(4))) plan.active_cves.push_back(f.id.substr(4));

  if (!options.default_creds && !options.credentials) return plan;
  for (const auto& f : device.findings)
    if (f.id == "auth.not-activated") {
      plan.skip_reason = "the device reports it is not activated (no admin password set): no login attempted";
      return plan;
    }

  plan.login_path = login_path(credential_data.login_paths, ids, host);

  std::set<std::pair<std::string, std::string>> seen;
  auto add = [&](const std::string& user, const std::string& pass, std::string origin, std::string ref) {
    if (!seen.insert({user, pass}).second) return;
    // A source may quote the pair ("default password (12345) is for ..."): the reference a finding
    // cites never carries the password.
    if (!pass.empty())
      for (size_t at; (at = ref.find(pass)) != std::string::npos;) ref.replace(at, pass.size(), "[password]");
    plan.credentials.push_back({user, pass, std::move(origin), std::move(ref)});
  };
  if (options.credentials) {
    const std::string address = host.address.to_string();
    int n = 0;
    for (const auto& e : options.credentials->entries)
      if (++n && e.host == address) add(e.username, e.password, "credentials-file", "--credentials entry " + std::to_string(n));
    n = 0;
    for (const auto& e : options.credentials->entries)
      if (++n && e.host.empty() && std::find(ids.begin(), ids.end(), vendor_id(vocab, e.vendor)) != ids.end())
        add(e.username, e.password, "credentials-file", "--credentials entry " + std::to_string(n));
  }
  if (options.default_creds) {
    std::vector<const kb::DefaultPair*> rows;
    for (size_t rank = 0; rank < ids.size(); ++rank)
      for (const auto& p : defaults)
        if (http_service(p.services) && std::find(p.vendors.begin(), p.vendors.end(), ids[rank]) != p.vendors.end() &&
            std::find(rows.begin(), rows.end(), &p) == rows.end())
          rows.push_back(&p);
    std::stable_sort(rows.begin(), rows.end(), [](const kb::DefaultPair* a, const kb::DefaultPair* b) {
      return confidence_rank(a->confidence) < confidence_rank(b->confidence);
    });
    for (const auto* p : rows)
      add(p->username, p->password, "default",
          "data/credentials/defaults.yaml " + p->id + " (" + p->vendor + ", confidence " + p->confidence +
              "; source: " + p->source + ")");
  }
  return plan;
}

}  // namespace anshin::scan
