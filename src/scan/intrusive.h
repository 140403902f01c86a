// Planning of the opt-in intrusive checks (--check-default-creds, --credentials, --check-cves-active):
// the pipeline decides each host's verdict from what the identification probes and UDP discovery saw,
// then picks from the data what may be tried there, and hands that to the intrusive probes
// (probes::IntrusivePlan). The probes never read the knowledge base or the data files themselves.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kb/kb.h"
#include "model/device.h"
#include "probes/probe.h"

namespace anshin::scan {

// --credentials FILE / ANSHIN_CREDENTIALS: pairs for a later credentialed check, per vendor or host.
//   credentials:
//     - {host: 192.0.2.10, username: admin, password: "..."}
//     - {vendor: hikvision, username: admin, password: "..."}
struct CredentialEntry {
  std::string host;    // an address, or ""
  std::string vendor;  // a vocabulary id / name, or ""
  std::string username, password;
};
struct CredentialsFile {
  std::string path;
  std::vector<CredentialEntry> entries;
};
// Refuses a file that is not a regular file with mode 0600 (one-line errors that never quote the file).
Result<CredentialsFile> load_credentials_file(const std::string& path);

struct IntrusiveOptions {
  bool default_creds = false;                          // --check-default-creds
  bool cves_active = false;                            // --check-cves-active
  std::shared_ptr<const CredentialsFile> credentials;  // --credentials / ANSHIN_CREDENTIALS
  bool any() const { return default_creds || cves_active || credentials; }
};

// What may be tried on one host, given its decided device (verdict + findings without the intrusive
// pass). File pairs first (for this host, then for its vendor), then documented defaults (the KB's
// data/credentials) for the identified manufacturer/brand, sent to the vendor's login path from the same
// data; a device that reports it is not activated gets no login attempt.
probes::IntrusivePlan plan_intrusive(const Device& device, const HostRecord& host, const kb::Vocabulary& vocab,
                                     const kb::CredentialData& credential_data, const IntrusiveOptions& options);

}  // namespace anshin::scan
