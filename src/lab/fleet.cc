#include "lab/fleet.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>

#include "codec/dhip/dhip.h"
#include "codec/sadp/sadp.h"
#include "codec/soap/wsd.h"
#include "codec/ssdp/ssdp.h"
#include "core/embedded.h"
#include "i18n/catalog.h"

namespace anshin::lab {

const char* service_kind_name(ServiceKind k) {
  switch (k) {
    case ServiceKind::kHttp: return "http";
    case ServiceKind::kRtsp: return "rtsp";
    case ServiceKind::kBanner: return "banner";
    case ServiceKind::kSilent: return "silent";
    case ServiceKind::kWsd: return "wsd";
    case ServiceKind::kSadp: return "sadp";
    case ServiceKind::kDhip: return "dhip";
    case ServiceKind::kSsdp: return "ssdp";
  }
  return "?";
}

bool is_udp(ServiceKind k) {
  return k == ServiceKind::kWsd || k == ServiceKind::kSadp || k == ServiceKind::kDhip || k == ServiceKind::kSsdp;
}

const std::vector<std::string>& builtin_template_vars() {
  static const std::vector<std::string> v = {
      "address", "port", "index", "id", "mac", "mac_dash", "mac_hex", "mac_hex_lower", "http_port",
      "cseq", "relates_to", "uuid", "nonce", "realm", "date", "utc_iso", "year", "month", "day",
      "hour", "minute", "second", "message_id"};
  return v;
}

std::optional<std::string> hex_template(std::string_view name) {
  if (name.substr(0, 4) != "hex:") return std::nullopt;
  std::string digits;
  for (char c : name.substr(4)) {
    if (std::isspace(static_cast<unsigned char>(c))) continue;
    if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    digits += c;
  }
  if (digits.empty() || digits.size() % 2) return std::nullopt;
  std::string out;
  for (size_t i = 0; i < digits.size(); i += 2) out += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
  return out;
}

std::vector<std::string> template_vars(std::string_view tpl) {
  std::vector<std::string> out;
  size_t i = 0;
  while (true) {
    size_t open = tpl.find("{{", i);
    if (open == std::string_view::npos) break;
    size_t close = tpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    std::string_view name = tpl.substr(open + 2, close - open - 2);
    while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
    while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
    out.emplace_back(name);
    i = close + 2;
  }
  return out;
}

namespace {

struct ParseError {
  std::string message;
};

class Parser {
 public:
  explicit Parser(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const YAML::Node& n, const std::string& msg) const {
    int line = n.IsDefined() ? n.Mark().line + 1 : 0;
    fail_line(line, msg);
  }
  [[noreturn]] void fail_line(int line, const std::string& msg) const {
    std::ostringstream o;
    o << file_;
    if (line > 0) o << ":" << line;
    o << ": " << msg;
    throw ParseError{o.str()};
  }

  void check_keys(const YAML::Node& n, std::initializer_list<const char*> allowed, const char* what) const {
    if (!n.IsMap()) fail(n, std::string(what) + " must be a mapping");
    for (auto it = n.begin(); it != n.end(); ++it) {
      std::string k = it->first.as<std::string>();
      bool ok = false;
      for (const char* a : allowed)
        if (k == a) ok = true;
      if (!ok) fail(it->first, "unknown key '" + k + "' in " + what);
    }
  }

  std::string str(const YAML::Node& n, const char* what) const {
    if (!n.IsScalar()) fail(n, std::string(what) + " must be a scalar");
    return n.as<std::string>();
  }
  int integer(const YAML::Node& n, const char* what, long lo, long hi) const {
    if (!n.IsScalar()) fail(n, std::string(what) + " must be a number");
    long v = 0;
    try {
      v = n.as<long>();
    } catch (const YAML::Exception&) {
      fail(n, std::string(what) + " must be a number");
    }
    if (v < lo || v > hi) fail(n, std::string(what) + " out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    return static_cast<int>(v);
  }
  long long_integer(const YAML::Node& n, const char* what, long lo, long hi) const {
    if (!n.IsScalar()) fail(n, std::string(what) + " must be a number");
    long v = 0;
    try {
      v = n.as<long>();
    } catch (const YAML::Exception&) {
      fail(n, std::string(what) + " must be a number");
    }
    if (v < lo || v > hi) fail(n, std::string(what) + " out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    return v;
  }
  std::vector<std::string> str_list(const YAML::Node& n, const char* what) const {
    std::vector<std::string> out;
    if (n.IsScalar()) {
      out.push_back(n.as<std::string>());
      return out;
    }
    if (!n.IsSequence()) fail(n, std::string(what) + " must be a list");
    for (const auto& e : n) out.push_back(str(e, what));
    return out;
  }

  std::string read_body_file(const YAML::Node& n) const {
    std::string rel = str(n, "body_file");
    if (rel.find("..") != std::string::npos) fail(n, "body_file must stay inside the fleet folder");
    std::string dir;
    auto slash = file_.rfind('/');
    if (slash != std::string::npos) dir = file_.substr(0, slash + 1);
    std::string want = dir + rel;
    for (const auto& f : embedded::lab_fleets())
      if (want == f.path || ("lab/fleets/" + rel) == f.path) {
        if (want == f.path || !std::ifstream(want)) return std::string(f.contents);
      }
    std::ifstream in(want, std::ios::binary);
    if (!in) fail(n, "body_file '" + rel + "' not found (looked for " + want + ")");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::vector<std::string> headers(const YAML::Node& n) const {
    std::vector<std::string> out;
    if (!n.IsSequence()) fail(n, "headers must be a list of \"Name: value\" strings");
    for (const auto& h : n) {
      std::string s = str(h, "header");
      auto colon = s.find(':');
      if (colon == std::string::npos || colon == 0) fail(h, "header '" + s + "' is not \"Name: value\"");
      out.push_back(s);
    }
    return out;
  }

  // Reads the response fields of a route / default / auth reply (keys already checked by the caller).
  Response response(const YAML::Node& n, int default_status) const {
    Response r;
    r.status = default_status;
    if (n["status"]) r.status = integer(n["status"], "status", 100, 999);
    if (n["reason"]) r.reason = str(n["reason"], "reason");
    if (n["headers"]) r.headers = headers(n["headers"]);
    if (n["body"] && n["body_file"]) fail(n, "use either body or body_file");
    if (n["body"]) r.body = str(n["body"], "body");
    if (n["body_file"]) r.body = read_body_file(n["body_file"]);
    if (n["content_length"]) r.content_length = boolean(n["content_length"], "content_length");
    if (n["stream"]) {
      const auto& st = n["stream"];
      check_keys(st, {"header_lines", "repeat", "close_repeat", "times", "tail", "drip_ms", "reset_after"}, "stream");
      auto& o = r.stream;
      if (st["header_lines"]) o.header_lines = static_cast<uint64_t>(integer(st["header_lines"], "header_lines", 0, 2000000000));
      if (st["repeat"]) o.repeat = str(st["repeat"], "repeat");
      if (st["close_repeat"]) o.close_repeat = str(st["close_repeat"], "close_repeat");
      if (st["times"]) o.times = static_cast<uint64_t>(integer(st["times"], "times", 0, 2000000000));
      if (st["tail"]) o.tail = str(st["tail"], "tail");
      if (st["drip_ms"]) o.drip_ms = integer(st["drip_ms"], "drip_ms", 0, 60000);
      if (st["reset_after"]) o.reset_after = integer(st["reset_after"], "reset_after", 0, 2000000000);
      if (o.times && o.repeat.empty() && o.close_repeat.empty()) fail(st, "stream: times needs repeat or close_repeat");
    }
    return r;
  }

  bool boolean(const YAML::Node& n, const char* what) const {
    if (!n.IsScalar()) fail(n, std::string(what) + " must be true or false");
    try {
      return n.as<bool>();
    } catch (const YAML::Exception&) {
      fail(n, std::string(what) + " must be true or false");
    }
  }

  Response plain_response(const YAML::Node& n, int default_status, const char* what) const {
    check_keys(n, {"status", "reason", "headers", "body", "body_file", "content_length", "stream"}, what);
    return response(n, default_status);
  }

  AuthKind auth_kind(const YAML::Node& n) const {
    std::string s = str(n, "auth");
    if (s == "digest") return AuthKind::kDigest;
    if (s == "basic") return AuthKind::kBasic;
    if (s == "any") return AuthKind::kAny;
    if (s == "none") return AuthKind::kNone;
    fail(n, "auth must be digest, basic, any or none (got '" + s + "')");
  }

  Route route(const YAML::Node& n) const {
    check_keys(n, {"method", "path", "path_prefix", "query", "body_contains", "auth", "status", "reason", "headers",
                   "body", "body_file", "content_length", "stream", "note"},
               "route");
    Route r;
    r.line = n.Mark().line + 1;
    if (n["method"]) r.method = str(n["method"], "method");
    if (n["path"]) r.path = str(n["path"], "path");
    if (n["path_prefix"]) r.path_prefix = n["path_prefix"].as<bool>();
    if (n["query"]) r.query = n["query"].IsNull() ? std::string() : str(n["query"], "query");
    if (n["body_contains"]) r.body_contains = str_list(n["body_contains"], "body_contains");
    if (n["auth"]) r.auth = auth_kind(n["auth"]);
    r.response = response(n, 200);
    return r;
  }

  void check_subject(const YAML::Node& n, const std::string& s, const char* what) const {
    static const std::set<std::string> keys = {"CN", "OU", "O", "L", "ST", "C", "emailAddress", "serialNumber", "DC"};
    if (s.empty()) fail(n, std::string(what) + " is empty");
    for (auto part : split_rdn(s)) {
      auto eq = part.find('=');
      if (eq == std::string::npos || eq == 0) fail(n, std::string(what) + ": '" + part + "' is not KEY=value");
      if (!keys.count(part.substr(0, eq)))
        fail(n, std::string(what) + ": unknown attribute '" + part.substr(0, eq) + "'");
      if (part.substr(0, eq) == "C" && part.size() - eq - 1 != 2)
        fail(n, std::string(what) + ": C must be a two-letter country code");
    }
  }

  static std::vector<std::string> split_rdn(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size()) {
        cur += s[i + 1];
        ++i;
      } else if (s[i] == ',') {
        out.push_back(cur);
        cur.clear();
      } else {
        cur += s[i];
      }
    }
    out.push_back(cur);
    return out;
  }

  TlsSpec tls(const YAML::Node& n) const {
    check_keys(n, {"subject", "issuer", "not_after", "self_signed", "version"}, "tls");
    TlsSpec t;
    if (!n["subject"]) fail(n, "tls needs a subject");
    t.subject = str(n["subject"], "subject");
    check_subject(n["subject"], t.subject, "tls.subject");
    if (n["issuer"]) {
      t.issuer = str(n["issuer"], "issuer");
      check_subject(n["issuer"], t.issuer, "tls.issuer");
    }
    if (n["self_signed"]) {
      bool ss = n["self_signed"].as<bool>();
      if (ss && !t.issuer.empty() && t.issuer != t.subject) fail(n["self_signed"], "self_signed: true but issuer differs from subject");
      if (!ss && (t.issuer.empty() || t.issuer == t.subject)) fail(n["self_signed"], "self_signed: false needs a different issuer");
    }
    if (n["not_after"]) {
      t.not_after = str(n["not_after"], "not_after");
      bool ok = t.not_after == "expired";
      if (!ok && t.not_after.size() == 10 && t.not_after[4] == '-' && t.not_after[7] == '-') {
        ok = true;
        for (int i : {0, 1, 2, 3, 5, 6, 8, 9})
          if (!std::isdigit(static_cast<unsigned char>(t.not_after[static_cast<size_t>(i)]))) ok = false;
        if (ok) {
          int mo = std::stoi(t.not_after.substr(5, 2)), d = std::stoi(t.not_after.substr(8, 2));
          ok = mo >= 1 && mo <= 12 && d >= 1 && d <= 31;
        }
      }
      if (!ok) fail(n["not_after"], "not_after must be YYYY-MM-DD or \"expired\"");
    }
    if (n["version"]) {
      t.version = str(n["version"], "version");
      if (t.version != "TLSv1" && t.version != "TLSv1.0" && t.version != "TLSv1.1" && t.version != "TLSv1.2" &&
          t.version != "TLSv1.3")
        fail(n["version"], "tls version must be TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3");
      if (t.version == "TLSv1.0") t.version = "TLSv1";
    }
    return t;
  }

  Service service(const YAML::Node& n, const std::map<std::string, std::vector<Route>>& sets) const {
    if (!n.IsMap()) fail(n, "service must be a mapping");
    if (!n["kind"]) fail(n, "service needs a kind");
    std::string kind = str(n["kind"], "kind");
    Service s;
    s.line = n.Mark().line + 1;
    static const std::map<std::string, std::pair<ServiceKind, int>> kinds = {
        {"http", {ServiceKind::kHttp, 80}},     {"rtsp", {ServiceKind::kRtsp, 554}},
        {"banner", {ServiceKind::kBanner, 0}},  {"silent", {ServiceKind::kSilent, 0}},
        {"wsd", {ServiceKind::kWsd, codec::wsd::kPort}},     {"sadp", {ServiceKind::kSadp, codec::sadp::kPort}},
        {"dhip", {ServiceKind::kDhip, codec::dhip::kPort}},  {"ssdp", {ServiceKind::kSsdp, codec::ssdp::kPort}}};
    auto k = kinds.find(kind);
    if (k == kinds.end()) fail(n["kind"], "unknown service kind '" + kind + "' (http, rtsp, banner, silent, wsd, sadp, dhip, ssdp)");
    s.kind = k->second.first;
    int default_port = k->second.second;
    service_keys(n, s.kind);
    if (s.kind == ServiceKind::kHttp && n["tls"]) default_port = 443;
    if (n["port"])
      s.port = static_cast<uint16_t>(integer(n["port"], "port", 1, 65535));
    else if (default_port)
      s.port = static_cast<uint16_t>(default_port);
    else
      fail(n, std::string(service_kind_name(s.kind)) + " service needs a port");

    if (s.kind == ServiceKind::kHttp || s.kind == ServiceKind::kRtsp) web_service(n, sets, s);
    else if (s.kind == ServiceKind::kBanner) banner_service(n, s);
    if (is_udp(s.kind)) udp_options(n, s);
    udp_replies(n, s);
    return s;
  }

  // The keys each service kind accepts.
  void service_keys(const YAML::Node& n, ServiceKind kind) const {
    switch (kind) {
      case ServiceKind::kHttp:
      case ServiceKind::kRtsp:
        check_keys(n, {"kind", "port", "tls", "auth", "routes", "include", "default", "note"}, "service");
        break;
      case ServiceKind::kBanner:
        check_keys(n, {"kind", "port", "banner", "banner_hex", "note"}, "banner service");
        break;
      case ServiceKind::kSilent:
        check_keys(n, {"kind", "port", "note"}, "silent service");
        break;
      case ServiceKind::kWsd:
        check_keys(n, {"kind", "port", "types", "reply", "flood", "reply_from", "reply_port", "answers", "reply_to", "note"}, "wsd service");
        break;
      case ServiceKind::kSadp:
        check_keys(n, {"kind", "port", "reply", "flood", "reply_from", "reply_port", "answers", "reply_to", "note"}, "udp service");
        break;
      case ServiceKind::kDhip:
        check_keys(n, {"kind", "port", "reply", "flood", "reply_from", "reply_port", "lengths", "answers", "reply_to", "note"}, "udp service");
        break;
      case ServiceKind::kSsdp:
        check_keys(n, {"kind", "port", "replies", "flood", "reply_from", "reply_port", "answers", "reply_to", "note"}, "ssdp service");
        break;
    }
  }

  // http / rtsp: tls, auth, routes (own and included sets), the default reply.
  void web_service(const YAML::Node& n, const std::map<std::string, std::vector<Route>>& sets, Service& s) const {
    s.protocol = s.kind == ServiceKind::kHttp ? "HTTP/1.1" : "RTSP/1.0";
    if (n["tls"]) {
      if (s.kind != ServiceKind::kHttp) fail(n["tls"], "tls is only supported on http services");
      s.tls = tls(n["tls"]);
    }
    if (n["auth"]) {
      const auto& a = n["auth"];
      check_keys(a, {"realm", "unauthorized", "locked"}, "auth");
      AuthSpec spec;
      if (!a["realm"]) fail(a, "auth needs a realm");
      spec.realm = str(a["realm"], "realm");
      if (!a["unauthorized"]) fail(a, "auth needs an unauthorized reply (the challenge)");
      spec.unauthorized = plain_response(a["unauthorized"], 401, "unauthorized");
      if (a["locked"]) spec.locked = plain_response(a["locked"], 401, "locked");
      s.auth = std::move(spec);
    }
    if (n["routes"]) {
      if (!n["routes"].IsSequence()) fail(n["routes"], "routes must be a list");
      for (const auto& r : n["routes"]) s.routes.push_back(route(r));
    }
    if (n["include"]) {
      for (const auto& inc : n["include"]) {
        std::string name = str(inc, "include");
        auto it = sets.find(name);
        if (it == sets.end()) fail(inc, "unknown route set '" + name + "'");
        s.routes.insert(s.routes.end(), it->second.begin(), it->second.end());
      }
    }
    s.fallback.status = 404;
    s.fallback.reason = "Not Found";
    if (n["default"]) s.fallback = plain_response(n["default"], 404, "default");
    for (const auto& r : s.routes)
      if (r.auth != AuthKind::kNone && !s.auth)
        fail_line(r.line, "route requires auth but the service has no auth block");
  }

  void banner_service(const YAML::Node& n, Service& s) const {
    if (n["banner"] && n["banner_hex"]) fail(n, "use either banner or banner_hex");
    if (n["banner"]) {
      s.banner = str(n["banner"], "banner");
    } else if (n["banner_hex"]) {
      std::string hex;
      for (char c : str(n["banner_hex"], "banner_hex"))
        if (!std::isspace(static_cast<unsigned char>(c))) hex += c;
      if (hex.size() % 2) fail(n["banner_hex"], "banner_hex needs an even number of hex digits");
      for (size_t i = 0; i < hex.size(); i += 2) {
        if (!std::isxdigit(static_cast<unsigned char>(hex[i])) || !std::isxdigit(static_cast<unsigned char>(hex[i + 1])))
          fail(n["banner_hex"], "banner_hex: not hex");
        s.banner += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
      }
    } else {
      fail(n, "banner service needs banner or banner_hex");
    }
  }

  // UDP services: flooding, reply address and port, who is answered, DHIP header lengths.
  void udp_options(const YAML::Node& n, Service& s) const {
    if (n["flood"]) s.flood = integer(n["flood"], "flood", 1, 100000);
    if (n["reply_port"]) s.reply_port = static_cast<uint16_t>(integer(n["reply_port"], "reply_port", 1, 65535));
    if (n["reply_from"]) {
      s.reply_from = str(n["reply_from"], "reply_from");
      unsigned a = 0, b = 0, c = 0, d = 0;
      char extra = 0;
      if (std::sscanf(s.reply_from.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &d, &extra) != 4 || a != 127 || b > 255 ||
          c > 255 || d > 255)
        fail(n["reply_from"], "reply_from must be an IPv4 address in 127.0.0.0/8");
    }
    if (n["answers"]) {
      const std::string answers = str(n["answers"], "answers");
      if (answers != "both" && answers != "unicast" && answers != "multicast")
        fail(n["answers"], "answers must be both, unicast or multicast");
      s.answers_unicast = answers != "multicast";
      s.answers_multicast = answers != "unicast";
    }
    if (n["reply_to"]) {
      const std::string reply_to = str(n["reply_to"], "reply_to");
      if (reply_to != "sender" && reply_to != "group") fail(n["reply_to"], "reply_to must be sender or group");
      s.reply_to_group = reply_to == "group";
    }
    if (n["lengths"]) {
      const auto& l = n["lengths"];
      if (!l.IsSequence() || l.size() != 2) fail(l, "lengths must be [first, second] (the DHIP header length fields)");
      s.dhip_lengths = std::make_pair(static_cast<uint32_t>(long_integer(l[0], "lengths", 0, 4294967295L)),
                                      static_cast<uint32_t>(long_integer(l[1], "lengths", 0, 4294967295L)));
    }
  }

  // The reply of a wsd / sadp / dhip service, the replies of an ssdp service.
  void udp_replies(const YAML::Node& n, Service& s) const {
    if (s.kind == ServiceKind::kWsd || s.kind == ServiceKind::kSadp || s.kind == ServiceKind::kDhip) {
      if (!n["reply"]) fail(n, std::string(service_kind_name(s.kind)) + " service needs a reply");
      s.reply = str(n["reply"], "reply");
      if (s.kind == ServiceKind::kWsd) {
        if (!n["types"]) fail(n, "wsd service needs types");
        s.types = str(n["types"], "types");
      }
    } else if (s.kind == ServiceKind::kSsdp) {
      if (!n["replies"] || !n["replies"].IsSequence()) fail(n, "ssdp service needs a replies list");
      for (const auto& r : n["replies"]) {
        check_keys(r, {"st", "headers"}, "ssdp reply");
        SsdpReply sr;
        if (!r["st"]) fail(r, "ssdp reply needs st");
        sr.st = str(r["st"], "st");
        if (r["headers"]) sr.headers = headers(r["headers"]);
        s.ssdp.push_back(std::move(sr));
      }
    }
  }

  std::optional<std::string> opt_str(const YAML::Node& n) const {
    if (!n || n.IsNull()) return std::nullopt;
    return str(n, "expect field");
  }

  // Checks every template of p against the built-ins, its vars and the service-specific variables.
  void check_templates(const Personality& p) const {
    std::set<std::string> known(builtin_template_vars().begin(), builtin_template_vars().end());
    for (const auto& [k, v] : p.vars) known.insert(k);
    auto check = [&](const std::string& tpl, int line, const char* where) {
      for (const auto& v : template_vars(tpl)) {
        if (v.rfind("hex:", 0) == 0) {
          if (!hex_template(v)) fail_line(line, "{{" + v + "}}: hex: needs an even number of hex digits in " + std::string(where));
          continue;
        }
        if (!known.count(v)) fail_line(line, std::string("unknown template variable {{") + v + "}} in " + where);
        if ((v == "mac" || v == "mac_dash" || v == "mac_hex" || v == "mac_hex_lower") && p.mac_oui.empty())
          fail_line(line, "{{" + v + "}} needs mac_oui on device '" + p.id + "'");
      }
    };
    for (const auto& [k, v] : p.vars) {
      for (const auto& name : template_vars(v)) {
        if (p.vars.count(name)) fail_line(p.line, "var '" + k + "' refers to var '" + name + "': vars may only use built-ins");
      }
      check(v, p.line, "vars");
    }
    auto check_resp = [&](const Response& r, int line, const char* where) {
      for (const auto& h : r.headers) check(h, line, where);
      check(r.body, line, where);
      check(r.reason, line, where);
    };
    auto e = p.expect;
    for (const auto* f : {&e.manufacturer, &e.brand, &e.model, &e.firmware, &e.serial})
      if (*f) check(**f, p.line, "expect");
    for (const auto& s : p.services) {
      for (const auto& r : s.routes) check_resp(r.response, r.line, "route");
      check_resp(s.fallback, s.line, "default");
      if (s.auth) {
        check(s.auth->realm, s.line, "auth.realm");
        check_resp(s.auth->unauthorized, s.line, "auth.unauthorized");
        if (s.auth->locked) check_resp(*s.auth->locked, s.line, "auth.locked");
      }
      if (s.tls) {
        check(s.tls->subject, s.line, "tls.subject");
        check(s.tls->issuer, s.line, "tls.issuer");
      }
      check(s.banner, s.line, "banner");
      check(s.reply, s.line, "reply");
      for (const auto& r : s.ssdp)
        for (const auto& h : r.headers) check(h, s.line, "ssdp reply");
    }
  }

  Personality device(const YAML::Node& n, const std::map<std::string, std::vector<Route>>& sets) const {
    check_keys(n, {"id", "suffix", "description", "mac_oui", "vars", "expect", "sources", "credentials",
                   "lockout_after", "lockout_seconds", "services"},
               "device");
    Personality p;
    p.line = n.Mark().line + 1;
    if (!n["id"]) fail(n, "device needs an id");
    p.id = str(n["id"], "id");
    for (char c : p.id)
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.')
        fail(n["id"], "id may only contain letters, digits, '-', '_' and '.'");
    if (!n["suffix"]) fail(n, "device '" + p.id + "' needs a suffix");
    p.suffix = integer(n["suffix"], "suffix", 1, 16777214);
    if (n["description"]) p.description = str(n["description"], "description");
    if (n["mac_oui"]) {
      p.mac_oui = str(n["mac_oui"], "mac_oui");
      std::string hex;
      for (char c : p.mac_oui)
        if (c != ':' && c != '-') hex += c;
      bool ok = hex.size() == 6;
      for (char c : hex) ok = ok && std::isxdigit(static_cast<unsigned char>(c));
      if (!ok) fail(n["mac_oui"], "mac_oui must be three hex bytes, e.g. 44:19:b6");
      p.mac_oui = text_lower(hex);
    }
    if (n["vars"]) {
      if (!n["vars"].IsMap()) fail(n["vars"], "vars must be a mapping");
      const auto& builtins = builtin_template_vars();
      for (auto it = n["vars"].begin(); it != n["vars"].end(); ++it) {
        std::string k = it->first.as<std::string>();
        if (std::find(builtins.begin(), builtins.end(), k) != builtins.end())
          fail(it->first, "var '" + k + "' shadows a built-in template variable");
        p.vars[k] = it->second.IsNull() ? std::string() : str(it->second, "var");
      }
    }
    if (!n["expect"]) fail(n, "device '" + p.id + "' needs expect (the ground truth)");
    {
      const auto& e = n["expect"];
      check_keys(e, {"category", "manufacturer", "brand", "model", "firmware", "serial", "policy"}, "expect");
      if (!e["category"]) fail(e, "expect needs a category");
      p.expect.category = str(e["category"], "category");
      static const std::set<std::string> cats = {"camera", "nvr", "dvr", "encoder", "intercom", "vms", "other", "unknown"};
      if (!cats.count(p.expect.category)) fail(e["category"], "unknown category '" + p.expect.category + "'");
      for (const char* f : {"manufacturer", "brand", "model", "firmware", "serial"})
        if (!e[f]) fail(e, std::string("expect needs ") + f + " (null when not revealed)");
      p.expect.manufacturer = opt_str(e["manufacturer"]);
      p.expect.brand = opt_str(e["brand"]);
      p.expect.model = opt_str(e["model"]);
      p.expect.firmware = opt_str(e["firmware"]);
      p.expect.serial = opt_str(e["serial"]);
      if (e["policy"]) p.expect.policy = boolean(e["policy"], "policy");
    }
    if (!n["sources"]) fail(n, "device '" + p.id + "' needs sources");
    p.sources = str_list(n["sources"], "sources");
    if (n["credentials"]) {
      if (!n["credentials"].IsSequence()) fail(n["credentials"], "credentials must be a list");
      for (const auto& c : n["credentials"]) {
        check_keys(c, {"user", "password"}, "credential");
        if (!c["user"] || !c["password"]) fail(c, "credential needs user and password");
        p.credentials.push_back({str(c["user"], "user"), c["password"].IsNull() ? "" : str(c["password"], "password")});
      }
    }
    if (n["lockout_after"]) p.lockout_after = integer(n["lockout_after"], "lockout_after", 0, 1000);
    if (n["lockout_seconds"]) p.lockout_seconds = integer(n["lockout_seconds"], "lockout_seconds", 0, 86400);
    if (!n["services"] || !n["services"].IsSequence()) fail(n, "device '" + p.id + "' needs a services list");
    std::set<std::pair<bool, int>> ports;
    for (const auto& sn : n["services"]) {
      Service s = service(sn, sets);
      if (!ports.insert({is_udp(s.kind), s.port}).second)
        fail(sn, std::string("device '") + p.id + "' already has a " + (is_udp(s.kind) ? "udp" : "tcp") + " service on port " +
                     std::to_string(s.port));
      p.services.push_back(std::move(s));
    }
    check_templates(p);
    return p;
  }

  static std::string text_lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }

  Fleet fleet(const YAML::Node& root) const {
    if (!root.IsMap()) fail_line(1, "a fleet file is a mapping with 'fleet' and 'devices'");
    check_keys(root, {"fleet", "description", "snippets", "route_sets", "devices"}, "fleet");
    Fleet f;
    f.file = file_;
    if (root["fleet"]) f.name = str(root["fleet"], "fleet");
    if (root["description"]) f.description = str(root["description"], "description");
    std::map<std::string, std::vector<Route>> sets;
    if (root["route_sets"]) {
      if (!root["route_sets"].IsMap()) fail(root["route_sets"], "route_sets must be a mapping of name: [routes]");
      for (auto it = root["route_sets"].begin(); it != root["route_sets"].end(); ++it) {
        std::vector<Route> rs;
        // A named copy: range-for over `it->second` would bind to a member of yaml-cpp's temporary
        // iterator proxy, which is gone before the loop body runs (ASan: stack-use-after-scope).
        const YAML::Node set = it->second;
        if (!set.IsSequence()) fail(set, "a route set is a list of routes");
        for (const auto& r : set) rs.push_back(route(r));
        sets[it->first.as<std::string>()] = std::move(rs);
      }
    }
    if (!root["devices"] || !root["devices"].IsSequence()) fail(root, "fleet needs a devices list");
    std::set<int> suffixes;
    std::set<std::string> ids;
    for (const auto& d : root["devices"]) {
      Personality p = device(d, sets);
      if (!suffixes.insert(p.suffix).second) fail(d["suffix"], "duplicate suffix " + std::to_string(p.suffix));
      if (!ids.insert(p.id).second) fail(d["id"], "duplicate id '" + p.id + "'");
      f.personalities.push_back(std::move(p));
    }
    if (f.personalities.empty()) fail(root["devices"], "fleet has no devices");
    return f;
  }

 private:
  std::string file_;
};

bool looks_like_path(std::string_view s) {
  return s.find('/') != std::string_view::npos ||
         (s.size() > 5 && (s.substr(s.size() - 5) == ".yaml" || s.substr(s.size() - 4) == ".yml"));
}

}  // namespace

Result<Fleet> Fleet::parse(std::string_view yaml_text, std::string file_name) {
  Parser p(file_name);
  try {
    YAML::Node root = YAML::Load(std::string(yaml_text));
    return p.fleet(root);
  } catch (const ParseError& e) {
    return make_error(Errc::kInvalidInput, e.message);
  } catch (const YAML::Exception& e) {
    return make_error(Errc::kInvalidInput,
                      file_name + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

Result<Fleet> Fleet::load(std::string_view name_or_path, std::optional<std::string> fleet_dir) {
  std::string path;
  if (looks_like_path(name_or_path)) {
    path = std::string(name_or_path);
  } else if (fleet_dir && !fleet_dir->empty()) {
    path = *fleet_dir + "/" + std::string(name_or_path) + ".yaml";
  } else {
    std::string want = "lab/fleets/" + std::string(name_or_path) + ".yaml";
    for (const auto& f : embedded::lab_fleets())
      if (want == f.path) return parse(f.contents, want);
    std::string known;
    for (const auto& n : builtin_names()) known += (known.empty() ? "" : ", ") + n;
    return i18n::error(Errc::kNotFound, "error.lab.no_fleet", {{"name", std::string(name_or_path)}, {"known", known}});
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return i18n::error(Errc::kNotFound, "error.lab.fleet_unreadable", {{"path", path}});
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse(ss.str(), path);
}

std::vector<std::string> Fleet::builtin_names() {
  std::vector<std::string> out;
  for (const auto& f : embedded::lab_fleets()) {
    std::string_view p = f.path;
    if (p.substr(0, 11) != "lab/fleets/" || p.size() < 16 || p.substr(p.size() - 5) != ".yaml") continue;
    p = p.substr(11, p.size() - 16);
    if (p.find('/') == std::string_view::npos) out.emplace_back(p);
  }
  return out;
}

}  // namespace anshin::lab
