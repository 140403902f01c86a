// Credential data of the knowledge base (data/credentials/): the documented factory default pairs that
// --check-default-creds may try, and the read-only GET behind each vendor's login that the pairs are
// sent to. Loaded and validated with the rest of the KB (KnowledgeBase::credentials()); the scan plans
// from it, the probes never read it.
#pragma once
#include <string>
#include <vector>

namespace anshin::kb {

// One row of data/credentials/defaults.yaml (generated from default_creds.csv, kind=default rows).
struct DefaultPair {
  std::string id;                    // "csv:2": what a finding cites instead of the password
  std::string vendor;                // as the CSV writes it
  std::vector<std::string> vendors;  // vocabulary ids
  std::vector<std::string> services;
  std::string username, password;
  std::string confidence, source;
};

// One row of data/credentials/login_paths.yaml: where a device identified as `vendor` (brand or
// manufacturer, a vocabulary id) is asked for its login challenge.
struct LoginPath {
  std::string vendor;
  std::string path;                  // "/ISAPI/System/deviceInfo"
  std::string source;
};

struct CredentialData {
  std::vector<DefaultPair> defaults;     // file order
  std::vector<LoginPath> login_paths;    // file order: the first row naming one of a device's vendors wins
};

}  // namespace anshin::kb
