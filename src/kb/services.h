// Vendor cloud and P2P services (data/services/*.yaml, docs/kb-format.md "Vendor services"): the DNS names,
// TLS server names and published address ranges of the services camera makers' devices talk to
// (Hik-Connect, EZVIZ, Dahua P2P, XMEye, ThroughTek Kalay, Tuya, ...). `anshin traffic` matches what a
// device resolved, asked for in a ClientHello or connected to against this table. Each entry cites its
// source; its examples are the tests (`anshin kb verify`).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip.h"

namespace anshin::kb {

struct SourceFile;
class Diagnostics;
class Vocabulary;

struct AddressRange {
  IpAddr base;
  int bits = 32;
  std::string text;                  // as written: "203.0.113.0/24"
  bool contains(const IpAddr& a) const;
};

struct ServiceExample {
  std::string value;                 // a DNS name or an address
  bool match = true;                 // whether it must resolve to this service
  int line = 0;
};

struct VendorService {
  std::string id;                    // "hik-connect"
  std::string name;                  // display name: "Hik-Connect"
  std::vector<std::string> vendors;  // vocabulary ids whose devices use it
  std::string kind;                  // "cloud" | "p2p"
  std::vector<std::string> domains;  // a name matches a domain when equal to it or ending in "." + it
  std::vector<AddressRange> addresses;
  std::string source;
  std::vector<ServiceExample> examples;
  std::string file;
  int line = 0;
};

class ServiceTable {
 public:
  // The service whose domain is the longest suffix of `dns_name` (lower case, no trailing dot), or nullptr.
  const VendorService* by_name(std::string_view dns_name) const;
  const VendorService* by_address(const IpAddr& address) const;
  const std::vector<VendorService>& all() const { return services_; }
  // Adds a service; false when one of its domains is already claimed by another service.
  bool add(VendorService service, std::string* clash = nullptr);

 private:
  std::vector<VendorService> services_;
  std::unordered_map<std::string, size_t> by_domain_;
};

// One data/services/*.yaml file into `table`; every problem goes to `diags` with its line.
void load_services(const SourceFile& file, const Vocabulary& vocab, ServiceTable& table, Diagnostics& diags);
// Every example resolves (or not) as it says. True when none fails.
bool verify_service_examples(const ServiceTable& table, Diagnostics& diags);

}  // namespace anshin::kb
