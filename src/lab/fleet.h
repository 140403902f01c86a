// The lab's fleet file: personalities as data (docs/lab.md describes the YAML schema).
// Fleet::load parses and validates a fleet file (built-in name or path); errors carry file:line.
// Nothing here depends on Asio; the server lives in lab/server.h.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace anshin::lab {

// Ground truth: what an identifying scanner should conclude without credentials (templates allowed).
struct Expect {
  std::string category;  // camera, nvr, dvr, encoder, intercom, vms, other, unknown
  std::optional<std::string> manufacturer, brand, model, firmware, serial;
  // Optional `policy:` key: true = at least one policy.* finding expected, false = none allowed,
  // absent = not asserted (the evidence tier decides, docs/verdict.md).
  std::optional<bool> policy;
};

// One reply: status line, ordered headers ("Name: value", duplicates allowed), body. Templates allowed.
struct Response {
  int status = 200;
  std::string reason;  // "" = the standard phrase for status
  std::vector<std::string> headers;
  std::string body;
  bool content_length = true;  // append Content-Length unless a header already sets it
  // Hostile delivery (docs/lab.md "Hostile replies"); all zero = the reply is written at once.
  struct Stream {
    uint64_t header_lines = 0;  // junk "X-Pad-N: ..." header lines after the real ones (endless headers)
    std::string repeat;         // appended after body `times` times, generated while sending (not held)
    std::string close_repeat;   // then this `times` times (nesting: "<a>" x N, then "</a>" x N)
    uint64_t times = 0;
    std::string tail;           // then this once
    int drip_ms = 0;            // write one byte, wait drip_ms, ... (slowloris)
    int64_t reset_after = -1;   // >= 0: send only this many bytes of the reply, then reset (RST)
    bool active() const { return header_lines || times || !tail.empty() || drip_ms || reset_after >= 0; }
  } stream;
};

enum class AuthKind { kNone, kDigest, kBasic, kAny };

struct Route {
  std::string method;                       // "" = any
  std::string path;                         // "" = any; exact match, or prefix when path_prefix
  bool path_prefix = false;
  std::optional<std::string> query;         // exact match of the raw query string ("" = no query)
  std::vector<std::string> body_contains;   // all must occur in the request body
  AuthKind auth = AuthKind::kNone;
  Response response;
  int line = 0;
};

// Per-service authentication behaviour: the challenge and the lock reply.
struct AuthSpec {
  std::string realm;                        // template; used for Digest HA1
  Response unauthorized;                    // sent when credentials are missing or wrong
  std::optional<Response> locked;           // sent once the device is locked out (default: unauthorized)
};

struct TlsSpec {
  std::string subject;                      // RFC 2253-like "CN=...,O=..." (template)
  std::string issuer;                       // "" = self-signed (same as subject)
  std::string not_after;                    // "YYYY-MM-DD" or "expired"; "" = +10 years
  std::string version;                      // "" = any, "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"
  bool self_signed() const { return issuer.empty() || issuer == subject; }
};

enum class ServiceKind { kHttp, kRtsp, kBanner, kSilent, kWsd, kSadp, kDhip, kSsdp };
const char* service_kind_name(ServiceKind k);
bool is_udp(ServiceKind k);

struct SsdpReply {
  std::string st;                           // the ST this reply answers (also sent for ssdp:all)
  std::vector<std::string> headers;         // template
};

struct Service {
  ServiceKind kind = ServiceKind::kHttp;
  uint16_t port = 0;
  int line = 0;
  // http / rtsp
  std::optional<TlsSpec> tls;
  std::optional<AuthSpec> auth;
  std::vector<Route> routes;
  Response fallback;                        // the default route (404)
  std::string protocol;                     // "HTTP/1.1" or "RTSP/1.0" status-line prefix
  // banner
  std::string banner;                       // bytes sent on connect (template)
  // wsd / sadp / dhip
  std::string reply;                        // datagram body template
  std::string types;                        // wsd: the device's Types (QNames), for Probe matching
  // ssdp
  std::vector<SsdpReply> ssdp;
  // UDP hostile options (wsd / sadp / dhip / ssdp)
  int flood = 1;                            // every reply datagram is sent this many times
  std::string reply_from;                   // "" = the device address; else send from this 127.x address
  uint16_t reply_port = 0;                  // with reply_from or alone: send from this port (0 = the service
                                            // port for the device address, ephemeral for reply_from)
  std::optional<std::pair<uint32_t, uint32_t>> dhip_lengths;  // dhip: lie in the two header length fields
  // Multicast (served only where loopback carries multicast, i.e. inside a test's network namespace):
  bool answers_unicast = true;              // answers: multicast -> ignore probes sent to the device address
  bool answers_multicast = true;            // answers: unicast -> ignore probes sent to the group
  bool reply_to_group = false;              // reply_to: group -> answer to the group, not the sender
};

struct Credential {
  std::string user, password;
};

struct Personality {
  std::string id;
  int suffix = 0;
  std::string description;
  std::string mac_oui;                      // "44:19:b6"; {{mac}} = oui + per-device 24 bits
  std::map<std::string, std::string> vars;  // user template variables (values may use built-ins)
  Expect expect;
  std::vector<std::string> sources;
  std::vector<Credential> credentials;
  int lockout_after = 0;                    // 0 = never lock
  int lockout_seconds = 0;                  // 0 = locked until the lab stops
  std::vector<Service> services;
  int line = 0;
};

struct Fleet {
  std::string name;
  std::string file;                         // where it was loaded from
  std::string description;
  std::vector<Personality> personalities;

  // NAME (a built-in fleet, lab/fleets/NAME.yaml; or NAME.yaml inside fleet_dir when given) or a path
  // to a YAML file (contains '/' or ends in .yaml).
  static Result<Fleet> load(std::string_view name_or_path, std::optional<std::string> fleet_dir = {});
  // Parses YAML text; file_name is used in error messages and to resolve body_file (relative to its
  // folder, on disk or among the embedded files).
  static Result<Fleet> parse(std::string_view yaml_text, std::string file_name);
  // Names of the built-in fleets.
  static std::vector<std::string> builtin_names();
};

// Built-in template variables (see docs/lab.md). Any other {{name}} must be a personality var.
// Besides these, {{hex:HEX}} renders raw bytes (invalid UTF-8, NUL, escape sequences).
const std::vector<std::string>& builtin_template_vars();

// Renders "{{name}}" placeholders through lookup(name) (which returns nullopt for unknown names:
// those are left as is). Exposed for tests.
template <class F>
std::string render_template(std::string_view tpl, F&& lookup) {
  std::string out;
  out.reserve(tpl.size() + 16);
  size_t i = 0;
  while (i < tpl.size()) {
    size_t open = tpl.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t close = tpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(tpl.substr(i, open - i));
    std::string_view name = tpl.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    std::optional<std::string> v = lookup(name);
    if (v) {
      out += *v;
    } else {
      out.append(tpl.substr(open, close + 2 - open));
    }
    i = close + 2;
  }
  out.append(tpl.substr(i));
  return out;
}

// "{{hex:HEX}}": the raw bytes HEX spells (whitespace ignored); nullopt when name is not of that form or
// the digits are not an even number of hex digits.
std::optional<std::string> hex_template(std::string_view name);

// Template variable names used in tpl.
std::vector<std::string> template_vars(std::string_view tpl);

}  // namespace anshin::lab
