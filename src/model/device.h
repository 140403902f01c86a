// Conclusions: what a device is (DeviceVerdict), what is wrong with it (Finding), and a whole scan
// (ScanSnapshot), the only input of the report layer. Mirrors the anshin.scan/1 JSON of
// docs/contract.md.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "model/observation.h"
#include "model/shared_text.h"

namespace anshin {

enum class Category : uint8_t { kCamera, kNvr, kDvr, kEncoder, kIntercom, kVms, kOther, kUnknown };
const char* category_name(Category c);
std::optional<Category> parse_category(std::string_view name);

// One observation that led to a conclusion, with what it implied and which rule said so.
struct Evidence {
  std::string source;                          // observation key, e.g. "http.header.server"
  uint16_t port = 0;
  std::string value;                           // the observed value (device bytes)
  std::map<std::string, std::string> implies;  // e.g. {"manufacturer": "Hikvision"}
  std::string rule;                            // knowledge-base rule id
};

// How well the manufacturer is proven (docs/verdict.md "Evidence tiers"). A policy finding needs kProven:
// a strong tell, or two independent medium tells. kIndicated: one medium tell names the maker (reported,
// no policy finding). kPossible: only clone-prone tells suggest one (manufacturer stays null; the name is in
// `possible_manufacturer`, reported as identity.weak-evidence).
enum class MakerProof : uint8_t { kNone, kPossible, kIndicated, kProven };
const char* maker_proof_name(MakerProof p);  // "none", "possible", "indicated", "proven"
std::optional<MakerProof> parse_maker_proof(std::string_view name);

struct DeviceVerdict {
  Category category = Category::kUnknown;
  MakerProof maker_proof = MakerProof::kNone;
  std::optional<std::string> possible_manufacturer;     // display name, only when maker_proof == kPossible
  std::optional<std::string> possible_manufacturer_id;
  std::optional<std::string> manufacturer;     // display name of the OEM
  std::optional<std::string> brand;            // display name it is sold under
  std::optional<std::string> manufacturer_id;  // vocabulary ids (for policy/CVE lookups)
  std::optional<std::string> brand_id;
  std::optional<std::string> model;
  std::optional<std::string> firmware;
  std::optional<std::string> serial;
  double confidence = 0.0;                     // for the manufacturer verdict, 0..1
  std::vector<Evidence> evidence;
  std::vector<std::string> conflicts;          // human-readable notes on disagreeing evidence
  // For surveillance-like devices with no manufacturer: the strongest raw clues (maker strings, realms,
  // OUI, certificate subject, model-like strings) with their source key and port, `implies` empty.
  std::vector<Evidence> clues;
};

enum class Severity : uint8_t { kInfo, kLow, kMedium, kHigh, kCritical };
const char* severity_name(Severity s);
std::optional<Severity> parse_severity(std::string_view name);

// A finding's texts in one language. Shared, immutable texts: a scan interns them (share_texts), so the
// same text rendered for thousands of devices is one string in memory.
struct FindingText {
  SharedText title;
  SharedText detail;
  SharedText remediation;
  bool operator==(const FindingText&) const = default;
};

struct Finding {
  std::string id;                   // stable id from contract.md, e.g. "exposure.telnet"
  Severity severity = Severity::kInfo;
  SharedText title;                 // title, detail and remediation in the language the finding was made in
  SharedText detail;
  SharedText remediation;
  std::vector<std::string> references;
  std::vector<Evidence> evidence;
  // The same texts rendered from the same arguments in every language anshin ships ("en", "ja"), so a
  // report reads in its reader's language whatever language the scan ran in (docs/contract.md). Empty
  // for findings stored before the inventory kept them: those show the texts above.
  std::map<std::string, FindingText> texts;
};

// `finding` with title, detail and remediation in `lang` when it holds that language.
Finding localized(const Finding& finding, std::string_view lang);

// Every text of `findings` (title, detail, remediation, in every language) replaced by the pool's
// object for an equal text: equal texts of many findings and devices become one string. Output unchanged.
void share_texts(std::vector<Finding>& findings, TextPool& pool);


// A procurement rule as the reports list it, in one language (from data/policies: assess::policy_infos).
// `context`: a rule that names no vendor (or a record not verified for findings): listed, never counted.
struct PolicyInfo {
  std::string finding_id;           // "policy.us.fcc-covered"
  std::string label;                // short table label: "US: FCC Covered List"
  std::string effective;            // YYYY-MM-DD (context records: possibly YYYY-MM or YYYY)
  std::string issuer;               // issuing body
  std::string scope;                // scope wording
  bool context = false;
};

// One service line of the report: what answered on a port.
struct ServiceSummary {
  uint16_t port = 0;
  Transport transport = Transport::kTcp;
  std::string protocol;                 // "http", "rtsp", "unknown", ...
  bool tls = false;
  std::optional<std::string> product;   // e.g. "Hikvision RTSP", from the knowledge base
};

struct Device {
  IpAddr address;
  std::optional<std::string> mac;
  // "passive": identified from captured traffic or Zeek logs (`anshin traffic`), never probed. Absent for a
  // scanned device. In anshin.scan/1 as "source" when set; not kept by the inventory (a stored traffic scan
  // says so by its targets, "pcap:FILE" / "zeek:DIR").
  std::optional<std::string> source;
  DeviceVerdict verdict;
  std::vector<ServiceSummary> services;
  std::vector<Finding> findings;
};

struct ScanInfo {
  std::string id;                  // "2026-11-27T10:00:00Z-3f2a"
  std::string started;             // RFC 3339 UTC
  std::string finished;
  std::vector<std::string> targets;
  uint64_t addresses = 0;          // addresses in scope after excludes
  std::string tool_version;
  std::string kb_version;
  bool interrupted = false;        // stopped by the user before every target was probed
  std::string site;                // `scan --site`: the store, building or customer; "" = none given
};

// What kind of look at the network a stored scan was. A traffic capture sees only the devices that talked
// while it ran, so it is compared, listed and alerted on apart from active scans.
enum class ScanKind { kActive, kTraffic };
// kTraffic when the scan was made by `anshin traffic`: every target is an input ("pcap:FILE", "zeek:DIR").
ScanKind scan_kind(const ScanInfo& scan);
const char* scan_kind_name(ScanKind kind);  // "active" | "traffic"

struct ScanSnapshot {
  ScanInfo scan;
  std::vector<Device> devices;
};

// Every finding of every device of `snapshot` in `lang` (reports call this before rendering).
void localize(ScanSnapshot& snapshot, std::string_view lang);

}  // namespace anshin
