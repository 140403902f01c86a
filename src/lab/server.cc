#include "lab/server.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include "codec/dhip/dhip.h"
#include "codec/sadp/sadp.h"
#include "codec/soap/wsd.h"
#include "codec/ssdp/ssdp.h"
#include "core/text.h"
#include "i18n/catalog.h"
#include "lab/auth.h"
#include "lab/certs.h"

namespace anshin::lab {

namespace asio = boost::asio;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using udp = asio::ip::udp;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

bool LogQuery::matches(const LogEntry& e) const {
  if (address && *address != e.address) return false;
  if (device && *device != e.device) return false;
  if (kind && *kind != e.kind) return false;
  if (method && *method != e.method) return false;
  if (target && *target != e.target) return false;
  if (op && *op != e.op) return false;
  if (port && *port != e.port) return false;
  if (authorization && *authorization != e.authorization) return false;
  return true;
}

Result<LoopbackNet> parse_loopback_cidr(std::string_view cidr) {
  std::string s(text::trim(cidr));
  int prefix = 32;
  auto slash = s.find('/');
  std::string addr = s.substr(0, slash);
  if (slash != std::string::npos) {
    std::string p = s.substr(slash + 1);
    if (p.empty() || p.size() > 2 || p.find_first_not_of("0123456789") != std::string::npos)
      return i18n::error(Errc::kInvalidInput, "error.lab.bind_syntax", {{"value", s}});
    prefix = std::stoi(p);
    if (prefix > 32) return i18n::error(Errc::kInvalidInput, "error.lab.bind_prefix", {{"value", s}});
  }
  in_addr a{};
  if (inet_pton(AF_INET, addr.c_str(), &a) != 1)
    return i18n::error(Errc::kInvalidInput, "error.lab.bind_not_ipv4", {{"value", s}});
  uint32_t v = ntohl(a.s_addr);
  if (prefix < 8 || (v >> 24) != 127)
    return i18n::error(Errc::kOutOfScope, "error.lab.bind_not_loopback", {{"value", s}});
  uint32_t mask = prefix == 0 ? 0 : (0xffffffffu << (32 - prefix));
  return LoopbackNet{v & mask, prefix};
}

namespace {

std::string ip_text(uint32_t v) {
  char buf[INET_ADDRSTRLEN];
  in_addr a{htonl(v)};
  inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 423: return "Locked";
    case 454: return "Session Not Found";
    case 455: return "Method Not Valid in This State";
    case 461: return "Unsupported Transport";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "Version Not Supported";
  }
  return "Unknown";
}

std::string random_uuid() {
  static thread_local uint64_t s = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                                   reinterpret_cast<uintptr_t>(&s);
  auto next = [] {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  };
  uint64_t a = next(), b = next();
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(0x8000 | ((b >> 48) & 0x3fff)),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string json_escape(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

// Element text of the first <...name> element: "<a:MessageID>x</a:MessageID>" -> "x".
std::string element_text(std::string_view xml, std::string_view local) {
  size_t i = 0;
  while ((i = xml.find(local, i)) != std::string_view::npos) {
    bool start_ok = i > 0 && (xml[i - 1] == '<' || xml[i - 1] == ':');
    size_t after = i + local.size();
    if (start_ok && after < xml.size() && (xml[after] == '>' || xml[after] == ' ')) {
      size_t lt = xml.rfind('<', i);
      if (lt != std::string_view::npos && xml[lt + 1] != '/') {
        size_t gt = xml.find('>', after);
        if (gt == std::string_view::npos) return {};
        if (xml[gt - 1] == '/') return {};
        size_t end = xml.find("</", gt);
        if (end == std::string_view::npos) return {};
        return std::string(text::trim(xml.substr(gt + 1, end - gt - 1)));
      }
    }
    i = after;
  }
  return {};
}

bool has_element(std::string_view xml, std::string_view local) {
  size_t i = 0;
  while ((i = xml.find(local, i)) != std::string_view::npos) {
    size_t after = i + local.size();
    if (i > 0 && (xml[i - 1] == '<' || xml[i - 1] == ':') && after < xml.size() &&
        (xml[after] == '>' || xml[after] == ' ' || xml[after] == '/')) {
      size_t lt = xml.rfind('<', i);
      if (lt != std::string_view::npos && lt + 1 < xml.size() && xml[lt + 1] != '/') return true;
    }
    i = after;
  }
  return false;
}

std::string local_name(std::string_view qname) {
  auto c = qname.rfind(':');
  return std::string(c == std::string_view::npos ? qname : qname.substr(c + 1));
}

// SOAP operation (first element inside Body) or JSON-RPC "method" of a request body.
std::string body_operation(std::string_view body) {
  size_t b = body.find("Body");
  if (b != std::string_view::npos) {
    size_t gt = body.find('>', b);
    size_t lt = gt == std::string_view::npos ? gt : body.find('<', gt);
    if (lt != std::string_view::npos && lt + 1 < body.size() && body[lt + 1] != '/') {
      size_t end = body.find_first_of(" />\t\r\n", lt + 1);
      if (end != std::string_view::npos) return local_name(body.substr(lt + 1, end - lt - 1));
    }
  }
  size_t m = body.find("\"method\"");
  if (m != std::string_view::npos) {
    size_t q1 = body.find('"', body.find(':', m) + 1);
    size_t q2 = q1 == std::string_view::npos ? q1 : body.find('"', q1 + 1);
    if (q2 != std::string_view::npos) return std::string(body.substr(q1 + 1, q2 - q1 - 1));
  }
  return {};
}

struct Timebits {
  std::string date, iso;
  int year, month, day, hour, minute, second;
};

Timebits now_bits() {
  time_t t = time(nullptr);
  struct tm g {};
  gmtime_r(&t, &g);
  char d[64], iso[32];
  strftime(d, sizeof d, "%a, %d %b %Y %H:%M:%S GMT", &g);
  strftime(iso, sizeof iso, "%Y-%m-%dT%H:%M:%SZ", &g);
  return {d, iso, g.tm_year + 1900, g.tm_mon + 1, g.tm_mday, g.tm_hour, g.tm_min, g.tm_sec};
}

}  // namespace

// ----------------------------------------------------------------------------------------------------
struct DeviceRt {
  const Personality* p = nullptr;
  uint32_t addr = 0;
  std::string address;
  int index = 0;
  std::string mac;  // aa:bb:cc:dd:ee:ff
  std::map<std::string, std::string> vars;  // rendered personality vars
  int http_port = 80;
  size_t thread = 0;
  // Lockout state: only touched from this device's io_context thread.
  int failures = 0;
  std::chrono::steady_clock::time_point locked_since{};
};

// Per-request template context.
struct Ctx {
  const DeviceRt& d;
  uint16_t port = 0;
  std::string cseq, relates_to, uuid, realm;
  std::string nonce;
  std::optional<Timebits> tb;

  std::optional<std::string> operator()(std::string_view name) {
    auto t = [&]() -> const Timebits& {
      if (!tb) tb = now_bits();
      return *tb;
    };
    auto two = [](int v) {
      char b[8];
      std::snprintf(b, sizeof b, "%02d", v);
      return std::string(b);
    };
    if (name == "address") return d.address;
    if (name == "port") return std::to_string(port);
    if (name == "index") return std::to_string(d.index);
    if (name == "id") return d.p->id;
    if (name == "http_port") return std::to_string(d.http_port);
    if (name == "mac") return d.mac;
    if (name == "mac_dash" || name == "mac_hex" || name == "mac_hex_lower") {
      std::string out;
      for (char c : d.mac) {
        if (c == ':') {
          if (name == "mac_dash") out += '-';
        } else {
          out += name == "mac_hex" ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        }
      }
      return out;
    }
    if (name == "cseq") return cseq;
    if (name == "relates_to") return relates_to;
    if (name == "uuid") return uuid;
    if (name == "realm") return realm;
    if (name == "message_id") return "urn:uuid:" + random_uuid();
    if (name == "nonce") {
      if (nonce.empty()) nonce = make_nonce();
      return nonce;
    }
    if (name == "date") return t().date;
    if (name == "utc_iso") return t().iso;
    if (name == "year") return std::to_string(t().year);
    if (name == "month") return std::to_string(t().month);
    if (name == "day") return std::to_string(t().day);
    if (name == "hour") return std::to_string(t().hour);
    if (name == "minute") return std::to_string(t().minute);
    if (name == "second") return std::to_string(t().second);
    if (name == "month2") return two(t().month);
    if (auto raw = hex_template(name)) return raw;
    auto it = d.vars.find(std::string(name));
    if (it != d.vars.end()) return it->second;
    return std::nullopt;
  }
  std::string render(std::string_view tpl) { return render_template(tpl, *this); }
};

struct Request {
  std::string method, target, version, path, query, body;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (text::iequals(k, name)) return v;
    return {};
  }
};

// Parses the head (without the final CRLFCRLF). False on garbage.
bool parse_head(std::string_view head, Request& r) {
  size_t eol = head.find("\r\n");
  std::string_view line = head.substr(0, eol);
  auto parts = text::split(line, ' ');
  if (parts.size() < 3) return false;
  r.method = std::string(parts[0]);
  r.target = std::string(parts[1]);
  r.version = std::string(parts[parts.size() - 1]);
  std::string_view t = r.target;
  if (auto s = t.find("://"); s != std::string_view::npos) {
    auto slash = t.find('/', s + 3);
    t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
  }
  auto q = t.find('?');
  r.path = std::string(t.substr(0, q));
  r.query = q == std::string_view::npos ? std::string() : std::string(t.substr(q + 1));
  size_t pos = eol == std::string_view::npos ? head.size() : eol + 2;
  while (pos < head.size()) {
    size_t e = head.find("\r\n", pos);
    if (e == std::string_view::npos) e = head.size();
    std::string_view h = head.substr(pos, e - pos);
    auto colon = h.find(':');
    if (colon != std::string_view::npos)
      r.headers.emplace_back(std::string(text::trim(h.substr(0, colon))), std::string(text::trim(h.substr(colon + 1))));
    pos = e + 2;
  }
  return true;
}

// ----------------------------------------------------------------------------------------------------
struct LabServer::Impl {
  std::vector<std::unique_ptr<asio::io_context>> ctxs;
  std::vector<std::thread> threads;
  std::vector<std::unique_ptr<DeviceRt>> devs;
  std::vector<LabDevice> public_devs;
  std::map<std::string, std::shared_ptr<ssl::context>> tls_cache;
  Fleet fleet;  // copy: routes are referenced by pointer
  ServeOptions opts;
  size_t listeners = 0;
  size_t groups_joined = 0;
  unsigned loopback_index = 0;  // lo's index when it carries multicast, else 0
  // Every UDP service, for the group listeners: the socket it answers from.
  struct UdpResponder {
    DeviceRt* d;
    const Service* s;
    int fd;
  };
  std::set<int> group_reply_fds;  // responders pinned to lo: only these may answer to the group
  std::vector<UdpResponder> responders;
  std::set<std::pair<uint32_t, uint16_t>> responder_endpoints;  // (address, port) the lab answers from
  double start_secs = 0;
  std::atomic<bool> running{false};
  std::atomic<uint64_t> conns{0};

  mutable std::mutex log_mu;
  std::vector<LogEntry> log;
  uint64_t log_total = 0;
  std::FILE* log_file = nullptr;

  void record(const DeviceRt& d, uint16_t port, const char* transport, ServiceKind kind, std::string method,
              std::string target, std::string op, int status, bool authorization = false) {
    LogEntry e;
    e.time = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    e.address = d.address;
    e.device = d.p->id;
    e.port = port;
    e.transport = transport;
    e.kind = service_kind_name(kind);
    e.method = std::move(method);
    e.target = std::move(target);
    e.op = std::move(op);
    e.status = status;
    e.authorization = authorization;
    std::lock_guard lock(log_mu);
    ++log_total;
    if (log_file) {
      std::fprintf(log_file,
                   "{\"time\":%.6f,\"address\":\"%s\",\"device\":\"%s\",\"port\":%u,\"transport\":\"%s\",\"kind\":\"%s\","
                   "\"method\":\"%s\",\"target\":\"%s\",\"op\":\"%s\",\"status\":%d,\"authorization\":%s}\n",
                   e.time, e.address.c_str(), json_escape(e.device).c_str(), e.port, e.transport.c_str(), e.kind.c_str(),
                   json_escape(e.method).c_str(), json_escape(e.target).c_str(), json_escape(e.op).c_str(), e.status,
                   e.authorization ? "true" : "false");
      std::fflush(log_file);
    }
    if (log.size() < opts.log_memory) log.push_back(std::move(e));
  }

  // ---------------------------------------------------------------- HTTP / RTSP
  // Status line and headers, without the blank line that ends the head. body_size: the whole body
  // (with the generated stream parts) for Content-Length.
  std::string render_head(const Service& s, const Response& r, Ctx& ctx, uint64_t body_size) {
    std::string out = s.protocol + " " + std::to_string(r.status) + " " +
                      (r.reason.empty() ? std::string(reason_phrase(r.status)) : ctx.render(r.reason)) + "\r\n";
    bool has_len = false;
    for (const auto& h : r.headers) {
      std::string line = ctx.render(h);
      if (text::istarts_with(line, "content-length:")) has_len = true;
      out += line;
      out += "\r\n";
    }
    if (r.content_length && !has_len && (s.kind == ServiceKind::kHttp || body_size > 0))
      out += "Content-Length: " + std::to_string(body_size) + "\r\n";
    return out;
  }

  std::string render_response(const Service& s, const Response& r, Ctx& ctx, bool head_only) {
    std::string body = ctx.render(r.body);
    std::string out = render_head(s, r, ctx, body.size());
    out += "\r\n";
    if (!head_only) out += body;
    return out;
  }

  bool locked(DeviceRt& d) {
    const Personality& p = *d.p;
    if (p.lockout_after <= 0 || d.failures < p.lockout_after) return false;
    if (p.lockout_seconds > 0 &&
        std::chrono::steady_clock::now() - d.locked_since > std::chrono::seconds(p.lockout_seconds)) {
      d.failures = 0;
      return false;
    }
    return true;
  }

  // Produces the reply bytes for one request; sets close when the connection should end.
  std::string handle(DeviceRt& d, const Service& s, const Request& req, bool& close, int& status,
                     const Response** used = nullptr, std::string* streamed_head = nullptr,
                     std::string* streamed_body = nullptr) {
    Ctx ctx{d, s.port};
    ctx.cseq = req.header("CSeq");
    const Route* match = nullptr;
    for (const auto& r : s.routes) {
      if (!r.method.empty() && r.method != req.method) continue;
      if (!r.path.empty()) {
        if (r.path_prefix ? req.path.rfind(r.path, 0) != 0 : req.path != r.path) continue;
      }
      if (r.query && *r.query != req.query) continue;
      bool all = true;
      for (const auto& bc : r.body_contains)
        if (req.body.find(bc) == std::string::npos) all = false;
      if (!all) continue;
      match = &r;
      break;
    }
    bool head_only = s.kind == ServiceKind::kHttp && req.method == "HEAD";
    const Response* resp = match ? &match->response : &s.fallback;
    if (match && match->auth != AuthKind::kNone && s.auth) {
      ctx.realm = ctx.render(s.auth->realm);
      if (locked(d)) {
        resp = s.auth->locked ? &*s.auth->locked : &s.auth->unauthorized;
      } else {
        auto res = check_authorization(req.header("Authorization"), match->auth, ctx.realm, req.method, req.target,
                                       d.p->credentials);
        if (res == AuthResult::kOk) {
          d.failures = 0;
        } else {
          resp = &s.auth->unauthorized;
          if (res == AuthResult::kBad && ++d.failures == d.p->lockout_after) {
            d.locked_since = std::chrono::steady_clock::now();
            if (s.auth->locked) resp = &*s.auth->locked;  // the reply to the attempt that locks says so
          }
        }
      }
    }
    status = resp->status;
    if (used) *used = resp;
    std::string out;
    if (resp->stream.active() && streamed_head && streamed_body) {
      const auto& st = resp->stream;
      *streamed_body = head_only ? std::string() : ctx.render(resp->body);
      uint64_t total = ctx.render(resp->body).size() + st.times * (st.repeat.size() + st.close_repeat.size()) + st.tail.size();
      *streamed_head = render_head(s, *resp, ctx, total);
    } else {
      out = render_response(s, *resp, ctx, head_only);
    }
    std::string conn = text::to_lower(req.header("Connection"));
    if (conn == "close" || (s.kind == ServiceKind::kHttp && req.version == "HTTP/1.0" && conn != "keep-alive")) close = true;
    for (const auto& h : resp->headers)
      if (text::istarts_with(h, "connection:") && text::to_lower(h).find("close") != std::string::npos) close = true;
    return out;
  }

  // Generates a streamed reply in chunks: head, junk header lines, blank line, body, repeat x times,
  // close_repeat x times, tail. Nothing but the current chunk is held in memory.
  struct ReplyGen {
    const Response::Stream& st;
    std::string head, body;
    bool head_only = false;
    int phase = 0;
    uint64_t i = 0;
    size_t off = 0;

    void take(std::string& out, const std::string& src, size_t max) {
      size_t n = std::min(max - out.size(), src.size() - off);
      out.append(src, off, n);
      off += n;
      if (off >= src.size()) {
        off = 0;
        ++phase;
      }
    }
    void again(std::string& out, const std::string& src) {
      if (i < st.times && !src.empty()) {
        out += src;
        ++i;
      } else {
        i = 0;
        ++phase;
      }
    }
    // Fills out with up to about max bytes; false when the reply is complete.
    bool next(std::string& out, size_t max) {
      out.clear();
      while (out.size() < max) {
        switch (phase) {
          case 0: take(out, head, max); break;
          case 1:
            if (i < st.header_lines) {
              out += "X-Pad-" + std::to_string(i++) + ": " + std::string(48, 'a') + "\r\n";
            } else {
              i = 0;
              ++phase;
            }
            break;
          case 2:
            out += "\r\n";
            phase = head_only ? 7 : 3;
            break;
          case 3: take(out, body, max); break;
          case 4: again(out, st.repeat); break;
          case 5: again(out, st.close_repeat); break;
          case 6: take(out, st.tail, max); break;
          default: return !out.empty();
        }
      }
      return true;
    }
  };

  // Writes a reply with its Stream options (drip, reset). False when the connection must end.
  template <class Stream>
  asio::awaitable<bool> write_streamed(Stream& stream, tcp::socket& sock, const Response::Stream& st, std::string head,
                                       std::string body, bool head_only) {
    ReplyGen gen{st, std::move(head), std::move(body), head_only};
    // A peer that stops reading must not pin this coroutine forever: give up after 5 minutes.
    asio::steady_timer guard(sock.get_executor());
    auto alive = std::make_shared<int>(0);
    guard.expires_after(std::chrono::minutes(5));
    guard.async_wait([&, w = std::weak_ptr<int>(alive)](boost::system::error_code e) {
      if (!e && !w.expired()) {
        boost::system::error_code ig;
        sock.close(ig);
      }
    });
    asio::steady_timer drip(sock.get_executor());
    std::string chunk;
    uint64_t sent = 0;
    bool ok = true;
    while (ok && gen.next(chunk, 65536)) {
      std::string_view v = chunk;
      bool reset = false;
      if (st.reset_after >= 0 && sent + v.size() >= static_cast<uint64_t>(st.reset_after)) {
        v = v.substr(0, static_cast<size_t>(static_cast<uint64_t>(st.reset_after) - sent));
        reset = true;
      }
      if (st.drip_ms > 0) {
        for (size_t k = 0; k < v.size() && ok; ++k) {
          auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(v.data() + k, 1), kTuple);
          if (wec) ok = false;
          drip.expires_after(std::chrono::milliseconds(st.drip_ms));
          if (ok) co_await drip.async_wait(kTuple);
          if (!sock.is_open()) ok = false;
        }
      } else if (!v.empty()) {
        auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(v.data(), v.size()), kTuple);
        if (wec) ok = false;
      }
      sent += v.size();
      if (reset && ok) {
        boost::system::error_code ig;
        sock.set_option(tcp::socket::linger(true, 0), ig);  // close now sends RST
        sock.close(ig);
        ok = false;
      }
    }
    guard.cancel();
    co_return ok;
  }

  template <class Stream>
  asio::awaitable<void> serve_text(Stream& stream, tcp::socket& sock, DeviceRt& d, const Service& s) {
    asio::steady_timer idle(sock.get_executor());
    std::string buf;
    buf.reserve(2048);
    char tmp[8192];
    bool timed_out = false;
    auto alive = std::make_shared<int>(0);  // handlers that fire after we returned must not touch sock
    auto arm = [&] {
      idle.expires_after(std::chrono::seconds(20));
      idle.async_wait([&, w = std::weak_ptr<int>(alive)](boost::system::error_code ec) {
        if (!ec && !w.expired()) {
          timed_out = true;
          boost::system::error_code ignored;
          sock.close(ignored);
        }
      });
    };
    for (;;) {
      // Read one head.
      size_t head_end;
      arm();
      while ((head_end = buf.find("\r\n\r\n")) == std::string::npos) {
        if (buf.size() > 65536) co_return;
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(tmp), kTuple);
        if (ec) {
          idle.cancel();
          co_return;
        }
        buf.append(tmp, n);
      }
      Request req;
      // Tolerate leading blank lines between pipelined requests.
      size_t start = 0;
      while (buf.compare(start, 2, "\r\n") == 0 && start < head_end) start += 2;
      if (!parse_head(std::string_view(buf).substr(start, head_end - start), req)) {
        idle.cancel();
        co_return;
      }
      size_t body_len = 0;
      if (auto cl = req.header("Content-Length"); !cl.empty()) body_len = std::strtoul(cl.c_str(), nullptr, 10);
      if (body_len > (1u << 20)) {
        idle.cancel();
        co_return;
      }
      buf.erase(0, head_end + 4);
      while (buf.size() < body_len) {
        auto [ec, n] = co_await stream.async_read_some(asio::buffer(tmp), kTuple);
        if (ec) {
          idle.cancel();
          co_return;
        }
        buf.append(tmp, n);
      }
      idle.cancel();
      req.body = buf.substr(0, body_len);
      buf.erase(0, body_len);
      bool close = false;
      int status = 0;
      const Response* used = nullptr;
      std::string shead, sbody;
      std::string out = handle(d, s, req, close, status, &used, &shead, &sbody);
      record(d, s.port, "tcp", s.kind, req.method, req.path + (req.query.empty() ? "" : "?" + req.query),
             req.method == "POST" || req.method == "PUT" ? body_operation(req.body) : std::string(), status,
             !req.header("Authorization").empty());
      if (used && used->stream.active()) {
        bool head_only = s.kind == ServiceKind::kHttp && req.method == "HEAD";
        bool ok = co_await write_streamed(stream, sock, used->stream, std::move(shead), std::move(sbody), head_only);
        if (!ok || close || timed_out) co_return;
        continue;
      }
      auto [wec, wn] = co_await asio::async_write(stream, asio::buffer(out), kTuple);
      if (wec || close || timed_out) co_return;
    }
  }

  asio::awaitable<void> serve_tcp(tcp::socket sock, DeviceRt* d, const Service* s, std::shared_ptr<ssl::context> tls) {
    boost::system::error_code ec;
    sock.set_option(tcp::no_delay(true), ec);
    if (s->kind == ServiceKind::kHttp || s->kind == ServiceKind::kRtsp) {
      if (tls) {
        ssl::stream<tcp::socket&> st(sock, *tls);
        asio::steady_timer t(sock.get_executor());
        auto alive = std::make_shared<int>(0);
        t.expires_after(std::chrono::seconds(10));
        t.async_wait([&, w = std::weak_ptr<int>(alive)](boost::system::error_code e) {
          if (!e && !w.expired()) {
            boost::system::error_code ig;
            sock.close(ig);
          }
        });
        auto [hec] = co_await st.async_handshake(ssl::stream_base::server, kTuple);
        t.cancel();
        if (hec) co_return;
        co_await serve_text(st, sock, *d, *s);
      } else {
        co_await serve_text(sock, sock, *d, *s);
      }
      co_return;
    }
    // banner / silent: optional greeting, then read and discard until close or idle.
    if (s->kind == ServiceKind::kBanner) {
      Ctx ctx{*d, s->port};
      std::string b = ctx.render(s->banner);
      auto [wec, wn] = co_await asio::async_write(sock, asio::buffer(b), kTuple);
      if (wec) co_return;
    }
    asio::steady_timer idle(sock.get_executor());
    char tmp[4096];
    bool logged = false;
    auto alive = std::make_shared<int>(0);
    for (;;) {
      idle.expires_after(std::chrono::seconds(30));
      idle.async_wait([&, w = std::weak_ptr<int>(alive)](boost::system::error_code e) {
        if (!e && !w.expired()) {
          boost::system::error_code ig;
          sock.close(ig);
        }
      });
      auto [rec, n] = co_await sock.async_read_some(asio::buffer(tmp), kTuple);
      idle.cancel();
      if (rec) co_return;
      if (!logged) {
        logged = true;
        std::string_view data(tmp, n);
        std::string first(data.substr(0, std::min<size_t>(data.find_first_of("\r\n"), 80)));
        record(*d, s->port, "tcp", s->kind, "DATA", "", text::sanitize_utf8(first), 0);
      }
    }
  }

  asio::awaitable<void> accept_loop(tcp::acceptor acc, DeviceRt* d, const Service* s, std::shared_ptr<ssl::context> tls) {
    auto ex = acc.get_executor();
    for (;;) {
      auto [ec, sock] = co_await acc.async_accept(kTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acc.is_open()) co_return;
        // EMFILE and friends: back off briefly instead of spinning.
        asio::steady_timer t(ex, std::chrono::milliseconds(20));
        co_await t.async_wait(kTuple);
        continue;
      }
      conns.fetch_add(1, std::memory_order_relaxed);
      asio::co_spawn(ex, serve_tcp(std::move(sock), d, s, tls), asio::detached);
    }
  }

  // ---------------------------------------------------------------- UDP
  // Returns the datagrams to send back (possibly none) and the probe kind for the log.
  std::vector<std::string> udp_reply(DeviceRt& d, const Service& s, std::string_view in, std::string& probe) {
    std::vector<std::string> out;
    Ctx ctx{d, s.port};
    switch (s.kind) {
      case ServiceKind::kWsd: {
        bool is_probe = has_element(in, "Probe") && in.find("ProbeMatches") == std::string_view::npos;
        probe = is_probe ? "Probe" : "other";
        if (!is_probe) break;
        // Types: every requested type (local name) must be one of ours.
        std::string req_types = element_text(in, "Types");
        std::vector<std::string> mine;
        for (auto t : text::split(s.types, ' '))
          if (!t.empty()) mine.push_back(local_name(t));
        for (auto t : text::split(req_types, ' ')) {
          t = text::trim(t);
          if (t.empty()) continue;
          if (std::find(mine.begin(), mine.end(), local_name(t)) == mine.end()) return out;
        }
        ctx.relates_to = element_text(in, "MessageID");
        out.push_back(ctx.render(s.reply));
        break;
      }
      case ServiceKind::kSadp: {
        std::string types = element_text(in, "Types");
        bool ok = has_element(in, "Probe") && (types == "inquiry" || types == "inquiry_v32");
        probe = ok ? types : "other";
        if (!ok) break;
        ctx.uuid = element_text(in, "Uuid");
        out.push_back(ctx.render(s.reply));
        break;
      }
      case ServiceKind::kDhip: {
        probe = "other";
        if (in.size() < 32) break;
        auto u32 = [&](size_t off) {
          return static_cast<uint32_t>(static_cast<unsigned char>(in[off])) |
                 static_cast<uint32_t>(static_cast<unsigned char>(in[off + 1])) << 8 |
                 static_cast<uint32_t>(static_cast<unsigned char>(in[off + 2])) << 16 |
                 static_cast<uint32_t>(static_cast<unsigned char>(in[off + 3])) << 24;
        };
        if (u32(0) != 0x20 || in.substr(4, 4) != "DHIP" || u32(16) != u32(24) || u32(16) != in.size() - 32) break;
        std::string_view body = in.substr(32);
        if (body.find("DHDiscover.search") == std::string_view::npos) break;
        probe = "DHDiscover.search";
        std::string json = ctx.render(s.reply);
        while (!json.empty() && (json.back() == '\n' || json.back() == ' ')) json.pop_back();
        json += '\n';
        json += '\0';
        std::string dg(32, '\0');
        auto put = [&](size_t off, uint32_t v) {
          for (int i = 0; i < 4; ++i) dg[off + static_cast<size_t>(i)] = static_cast<char>((v >> (8 * i)) & 0xff);
        };
        put(0, 0x20);
        dg.replace(4, 4, "DHIP");
        put(16, s.dhip_lengths ? s.dhip_lengths->first : static_cast<uint32_t>(json.size()));
        put(24, s.dhip_lengths ? s.dhip_lengths->second : static_cast<uint32_t>(json.size()));
        out.push_back(dg + json);
        break;
      }
      case ServiceKind::kSsdp: {
        if (!text::istarts_with(in, "M-SEARCH")) {
          probe = "other";
          break;
        }
        probe = "M-SEARCH";
        Request req;
        std::string head(in.substr(0, in.find("\r\n\r\n")));
        if (!parse_head(head, req)) break;
        std::string st = req.header("ST");
        for (const auto& r : s.ssdp) {
          if (st != "ssdp:all" && st != r.st) continue;
          std::string dg = "HTTP/1.1 200 OK\r\n";
          for (const auto& h : r.headers) dg += ctx.render(h) + "\r\n";
          dg += "\r\n";
          out.push_back(std::move(dg));
        }
        break;
      }
      default:
        break;
    }
    return out;
  }

  static uint32_t group_of(ServiceKind k) {
    switch (k) {
      case ServiceKind::kWsd: return codec::wsd::kGroupV4;
      case ServiceKind::kSadp: return codec::sadp::kGroupV4;
      case ServiceKind::kDhip: return codec::dhip::kGroupV4;
      case ServiceKind::kSsdp: return codec::ssdp::kGroupV4;
      default: return 0;  // not a discovery service
    }
  }

  // Answers one probe that reached service s of device d, sent to the device address or (via_group)
  // to the service's multicast group. Runs on the device's thread; `out_fd` is the socket it answers from.
  void answer(DeviceRt& d, const Service& s, int out_fd, std::string_view in, const udp::endpoint& from,
              bool via_group) {
    const std::string target = via_group ? ip_text(group_of(s.kind)) : "";
    std::string probe;
    auto replies = udp_reply(d, s, in, probe);
    if (via_group ? !s.answers_multicast : !s.answers_unicast) {
      record(d, s.port, "udp", s.kind, probe, target, "", 0);
      return;
    }
    record(d, s.port, "udp", s.kind, probe, target, "", replies.empty() ? 0 : 1);
    udp::endpoint to = from;
    if (s.reply_to_group && group_reply_fds.count(out_fd)) to = udp::endpoint(asio::ip::address_v4(group_of(s.kind)), s.port);
    for (int k = 0; k < s.flood; ++k) {
      if (k > 0) {  // flood: every copy rendered afresh, so {{message_id}} makes distinct datagrams
        std::string ignored;
        replies = udp_reply(d, s, in, ignored);
      }
      for (const auto& r : replies)  // datagram sockets rarely block; drop if they do
        ::sendto(out_fd, r.data(), r.size(), MSG_DONTWAIT, to.data(), static_cast<socklen_t>(to.size()));
    }
  }

  // Waits for readability, then drains `sock` into a per-thread buffer (no per-socket receive buffer,
  // so thousands of UDP responders cost almost nothing), handing every datagram from 127.0.0.0/8 to
  // `on(payload, from)`; anything else is dropped (the lab's own network rule). Ends when `sock` closes.
  template <class OnDatagram>
  static asio::awaitable<void> serve_datagrams(udp::socket& sock, OnDatagram on) {
    static thread_local std::vector<char> buf(65536);
    sock.non_blocking(true);
    for (;;) {
      auto [wec] = co_await sock.async_wait(udp::socket::wait_read, kTuple);
      if (wec) {
        if (wec == asio::error::operation_aborted || !sock.is_open()) co_return;
        continue;
      }
      for (;;) {
        udp::endpoint from;
        boost::system::error_code ec;
        const size_t n = sock.receive_from(asio::buffer(buf), from, 0, ec);
        if (ec) break;  // would_block: wait again
        if (!from.address().is_v4() || (from.address().to_v4().to_uint() >> 24) != 127) continue;
        on(std::string_view(buf.data(), n), from);
      }
    }
  }

  // A device's UDP service. `from_sock`: when it sends from another address or port (reply_from /
  // reply_port).
  asio::awaitable<void> udp_loop(udp::socket sock, DeviceRt* d, const Service* s, std::shared_ptr<udp::socket> from_sock) {
    const int out_fd = from_sock ? from_sock->native_handle() : sock.native_handle();
    co_await serve_datagrams(sock, [&](std::string_view payload, const udp::endpoint& from) {
      answer(*d, *s, out_fd, payload, from, false);
    });
  }

  // One socket per (group, port) the fleet's UDP services use, bound to the group and joined on lo.
  // A probe to the group is handed to every service on that port, on the service's own thread.
  asio::awaitable<void> group_loop(udp::socket sock, uint32_t group, uint16_t port) {
    co_await serve_datagrams(sock, [&](std::string_view payload, const udp::endpoint& from) {
      // A device's own reply to the group comes back here: it is not a probe.
      if (responder_endpoints.count({from.address().to_v4().to_uint(), from.port()})) return;
      auto copy = std::make_shared<std::string>(payload);
      for (const auto& r : responders) {
        if (r.s->port != port || group_of(r.s->kind) != group) continue;
        asio::post(*ctxs[r.d->thread], [this, r, copy, from] { answer(*r.d, *r.s, r.fd, *copy, from, true); });
      }
    });
  }

  // lo's interface index when it is up and carries multicast (inside a test's namespace), else 0.
  static unsigned multicast_loopback_index() {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return 0;
    unsigned index = 0;
    for (const ifaddrs* i = list; i && !index; i = i->ifa_next)
      if (i->ifa_name && (i->ifa_flags & IFF_LOOPBACK) && (i->ifa_flags & IFF_UP) && (i->ifa_flags & IFF_MULTICAST))
        index = if_nametoindex(i->ifa_name);
    freeifaddrs(list);
    return index;
  }

  void join_groups() {
    loopback_index = opts.multicast ? multicast_loopback_index() : 0;
    if (!loopback_index) return;
    ip_mreqn via_lo{};
    via_lo.imr_ifindex = static_cast<int>(loopback_index);
    const int ttl = 1, off = 0;
    for (const auto& r : responders)  // replies to the group (reply_to: group) leave through lo, or not at all
      if (setsockopt(r.fd, IPPROTO_IP, IP_MULTICAST_IF, &via_lo, sizeof via_lo) == 0 &&
          setsockopt(r.fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof ttl) == 0)
        group_reply_fds.insert(r.fd);
    std::set<std::pair<uint32_t, uint16_t>> wanted;
    for (const auto& r : responders) wanted.insert({group_of(r.s->kind), r.s->port});
    for (const auto& [group, port] : wanted) {
      udp::socket sock(*ctxs[0]);
      boost::system::error_code ec;
      sock.open(udp::v4(), ec);
      if (!ec) sock.set_option(udp::socket::reuse_address(true), ec);
      if (!ec) sock.bind(udp::endpoint(asio::ip::address_v4(group), port), ec);
      if (ec) continue;
      setsockopt(sock.native_handle(), IPPROTO_IP, IP_MULTICAST_ALL, &off, sizeof off);  // lo's joins only
      ip_mreqn join = via_lo;
      join.imr_multiaddr.s_addr = htonl(group);
      if (setsockopt(sock.native_handle(), IPPROTO_IP, IP_ADD_MEMBERSHIP, &join, sizeof join) != 0) continue;
      ++groups_joined;
      asio::co_spawn(*ctxs[0], group_loop(std::move(sock), group, port), asio::detached);
    }
  }

  Result<std::shared_ptr<ssl::context>> tls_context(const TlsSpec& t, Ctx& ctx) {
    std::string subject = ctx.render(t.subject);
    std::string issuer = ctx.render(t.issuer);
    std::string key = subject + "|" + issuer + "|" + t.not_after + "|" + t.version;
    if (auto it = tls_cache.find(key); it != tls_cache.end()) return it->second;
    auto cert = make_certificate(subject, issuer, t.not_after);
    if (!cert) return cert.error();
    auto c = std::make_shared<ssl::context>(ssl::context::tls_server);
    SSL_CTX* h = c->native_handle();
    if (SSL_CTX_use_certificate(h, cert->cert.get()) != 1 || SSL_CTX_use_PrivateKey(h, cert->key.get()) != 1)
      return make_error(Errc::kTls, "cannot load the generated certificate for " + subject);
    if (!t.version.empty()) {
      int v = t.version == "TLSv1" ? TLS1_VERSION
              : t.version == "TLSv1.1" ? TLS1_1_VERSION
              : t.version == "TLSv1.2" ? TLS1_2_VERSION
                                       : TLS1_3_VERSION;
      if (v < TLS1_2_VERSION) {
        SSL_CTX_set_security_level(h, 0);
        SSL_CTX_set_cipher_list(h, "DEFAULT:@SECLEVEL=0");
      }
      SSL_CTX_set_min_proto_version(h, v);
      SSL_CTX_set_max_proto_version(h, v);
    }
    tls_cache[key] = c;
    return c;
  }

  Result<void> bind_all() {
    for (auto& dp : devs) {
      DeviceRt* d = dp.get();
      auto& io = *ctxs[d->thread];
      for (const auto& s : d->p->services) {
        boost::system::error_code ec;
        std::string where = d->address + ":" + std::to_string(s.port) + (is_udp(s.kind) ? "/udp" : "/tcp");
        auto bind_error = [&](const boost::system::error_code& e) -> Error {
          if (e == asio::error::access_denied) return i18n::error(Errc::kIo, "error.lab.bind_permission", {{"where", where}});
          if (e == asio::error::address_in_use) return i18n::error(Errc::kIo, "error.lab.bind_in_use", {{"where", where}});
          return i18n::error(Errc::kIo, "error.lab.bind_failed", {{"where", where}, {"reason", e.message()}});
        };
        auto addr = asio::ip::address_v4(d->addr);
        if (is_udp(s.kind)) {
          udp::socket sock(io);
          sock.open(udp::v4(), ec);
          if (!ec) sock.set_option(udp::socket::reuse_address(true), ec);
          if (!ec) sock.bind(udp::endpoint(addr, s.port), ec);
          if (ec) return bind_error(ec);
          std::shared_ptr<udp::socket> from_sock;
          if (!s.reply_from.empty() || s.reply_port) {
            auto from_addr = s.reply_from.empty() ? addr : asio::ip::make_address_v4(s.reply_from, ec);
            from_sock = std::make_shared<udp::socket>(io);
            if (!ec) from_sock->open(udp::v4(), ec);
            if (!ec) from_sock->set_option(udp::socket::reuse_address(true), ec);
            if (!ec) from_sock->bind(udp::endpoint(from_addr, s.reply_port), ec);
            if (ec) {
              where = (s.reply_from.empty() ? d->address : s.reply_from) + ":" + std::to_string(s.reply_port) +
                      "/udp (reply_from)";
              return bind_error(ec);
            }
          }
          if (from_sock) {
            const auto local = from_sock->local_endpoint(ec);
            if (!ec) responder_endpoints.insert({local.address().to_v4().to_uint(), local.port()});
            ec.clear();
          }
          responder_endpoints.insert({d->addr, s.port});
          responders.push_back({d, &s, from_sock ? from_sock->native_handle() : sock.native_handle()});
          asio::co_spawn(io, udp_loop(std::move(sock), d, &s, std::move(from_sock)), asio::detached);
        } else {
          std::shared_ptr<ssl::context> tls;
          if (s.tls) {
            Ctx ctx{*d, s.port};
            auto t = tls_context(*s.tls, ctx);
            if (!t) return t.error();
            tls = *t;
          }
          tcp::acceptor acc(io);
          acc.open(tcp::v4(), ec);
          if (!ec) acc.set_option(tcp::acceptor::reuse_address(true), ec);
          if (!ec) acc.bind(tcp::endpoint(addr, s.port), ec);
          if (!ec) acc.listen(4096, ec);
          if (ec) return bind_error(ec);
          asio::co_spawn(io, accept_loop(std::move(acc), d, &s, tls), asio::detached);
        }
        ++listeners;
      }
    }
    return {};
  }

  void shutdown() {
    for (auto& c : ctxs) c->stop();
    for (auto& t : threads)
      if (t.joinable()) t.join();
    threads.clear();
    ctxs.clear();  // destroys the pending coroutines, their sockets and acceptors
    tls_cache.clear();
    devs.clear();
    if (log_file) {
      std::fclose(log_file);
      log_file = nullptr;
    }
    running = false;
  }
};

namespace {

// Device k of the lab: personality k (or k modulo the fleet under --scale, at consecutive addresses),
// its MAC and its first plain HTTP port.
std::unique_ptr<DeviceRt> make_device(const std::vector<Personality>& ps, size_t k, const ServeOptions& options,
                                      const LoopbackNet& net, int threads) {
  auto d = std::make_unique<DeviceRt>();
  size_t pi = options.scale > 0 ? k % ps.size() : k;
  d->p = &ps[pi];
  d->index = options.scale > 0 ? static_cast<int>(k / ps.size()) : 0;
  d->addr = options.scale > 0 ? net.network + 1 + static_cast<uint32_t>(k) : net.network + static_cast<uint32_t>(d->p->suffix);
  d->address = ip_text(d->addr);
  d->thread = k % static_cast<size_t>(threads);
  if (!d->p->mac_oui.empty()) {
    uint32_t low = (static_cast<uint32_t>(pi) << 16 | (static_cast<uint32_t>(d->index) & 0xffff)) & 0xffffff;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%c%c:%c%c:%c%c:%02x:%02x:%02x", d->p->mac_oui[0], d->p->mac_oui[1], d->p->mac_oui[2],
                  d->p->mac_oui[3], d->p->mac_oui[4], d->p->mac_oui[5], (low >> 16) & 0xff, (low >> 8) & 0xff, low & 0xff);
    d->mac = buf;
  }
  for (const auto& s : d->p->services)
    if (s.kind == ServiceKind::kHttp && !s.tls) {
      d->http_port = s.port;
      break;
    }
  return d;
}

// What LabServer::devices() tells a test about a device: address, id, MAC, expectations, ports. Renders
// the device's variables first (the expectations may use them), with the same template context.
LabDevice render_and_describe(DeviceRt& d) {
  Ctx ctx{d, 0};
  for (const auto& [k2, v] : d.p->vars) d.vars[k2] = ctx.render(v);
  LabDevice pub;
  pub.address = d.address;
  pub.id = d.p->id;
  pub.index = d.index;
  pub.mac = d.mac;
  auto r = [&](const std::optional<std::string>& o) -> std::optional<std::string> {
    if (!o) return std::nullopt;
    return ctx.render(*o);
  };
  pub.expect.category = d.p->expect.category;
  pub.expect.manufacturer = r(d.p->expect.manufacturer);
  pub.expect.brand = r(d.p->expect.brand);
  pub.expect.model = r(d.p->expect.model);
  pub.expect.firmware = r(d.p->expect.firmware);
  pub.expect.serial = r(d.p->expect.serial);
  pub.expect.policy = d.p->expect.policy;
  for (const auto& s : d.p->services)
    pub.ports.push_back({s.port, is_udp(s.kind) ? "udp" : "tcp", service_kind_name(s.kind), s.tls.has_value()});
  return pub;
}

}  // namespace

LabServer::LabServer() : impl_(std::make_unique<Impl>()) {}
LabServer::~LabServer() { stop(); }

Result<void> LabServer::start(const Fleet& fleet, const ServeOptions& options) {
  if (impl_->running) return make_error(Errc::kInvalidInput, "lab already running");
  auto t0 = std::chrono::steady_clock::now();
  auto net = parse_loopback_cidr(options.bind);
  if (!net) return net.error();
  Impl& m = *impl_;
  m.fleet = fleet;
  m.opts = options;
  m.listeners = 0;
  m.groups_joined = 0;
  m.responders.clear();
  m.responder_endpoints.clear();
  m.group_reply_fds.clear();
  m.conns = 0;
  m.public_devs.clear();
  {
    std::lock_guard lock(m.log_mu);
    m.log.clear();
    m.log_total = 0;
  }
  const auto& ps = m.fleet.personalities;
  uint64_t size = net->size();
  std::string cidr = ip_text(net->network) + "/" + std::to_string(net->prefix);
  size_t n = options.scale > 0 ? static_cast<size_t>(options.scale) : ps.size();
  if (options.scale > 0 && static_cast<uint64_t>(options.scale) + 1 > size)
    return i18n::error(Errc::kInvalidInput, "error.lab.scale_does_not_fit",
                       {{"scale", std::to_string(options.scale)}, {"cidr", cidr}});
  if (options.scale <= 0)
    for (const auto& p : ps)
      if (static_cast<uint64_t>(p.suffix) >= size)
        return i18n::error(Errc::kInvalidInput, "error.lab.suffix_does_not_fit",
                           {{"device", p.id}, {"suffix", std::to_string(p.suffix)}, {"cidr", cidr}});

  // Raise the descriptor limit: ~5 listeners per device under --scale.
  struct rlimit rl {};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }

  int threads = std::max(1, options.threads);
  for (int i = 0; i < threads; ++i) m.ctxs.push_back(std::make_unique<asio::io_context>(1));
  for (size_t k = 0; k < n; ++k) {
    auto d = make_device(ps, k, options, *net, threads);
    m.public_devs.push_back(render_and_describe(*d));
    m.devs.push_back(std::move(d));
  }

  if (!options.log_file.empty()) {
    m.log_file = std::fopen(options.log_file.c_str(), "a");
    if (!m.log_file) {
      m.shutdown();
      m.public_devs.clear();
      return i18n::error(Errc::kIo, "error.lab.log_file", {{"path", options.log_file}});
    }
  }
  if (auto b = m.bind_all(); !b) {
    m.shutdown();
    m.public_devs.clear();
    return b;
  }
  m.join_groups();
  for (auto& c : m.ctxs) {
    asio::io_context* io = c.get();
    m.threads.emplace_back([io] { io->run(); });
  }
  m.running = true;
  m.start_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return {};
}

void LabServer::stop() {
  if (!impl_ || impl_->ctxs.empty()) return;
  impl_->shutdown();
}

bool LabServer::running() const { return impl_->running; }
std::vector<LabDevice> LabServer::devices() const { return impl_->public_devs; }
size_t LabServer::listener_count() const { return impl_->listeners; }
size_t LabServer::multicast_groups() const { return impl_->groups_joined; }
double LabServer::start_seconds() const { return impl_->start_secs; }
uint64_t LabServer::connections() const { return impl_->conns.load(); }

uint64_t LabServer::count(const LogQuery& q) const {
  std::lock_guard lock(impl_->log_mu);
  bool empty = !q.address && !q.device && !q.kind && !q.method && !q.target && !q.op && !q.port && !q.authorization;
  if (empty) return impl_->log_total;
  uint64_t n = 0;
  for (const auto& e : impl_->log)
    if (q.matches(e)) ++n;
  return n;
}

std::vector<LogEntry> LabServer::log(const LogQuery& q) const {
  std::lock_guard lock(impl_->log_mu);
  std::vector<LogEntry> out;
  for (const auto& e : impl_->log)
    if (q.matches(e)) out.push_back(e);
  return out;
}

void LabServer::clear_log() {
  std::lock_guard lock(impl_->log_mu);
  impl_->log.clear();
  impl_->log_total = 0;
}

}  // namespace anshin::lab
