// The capture path of the Analyzer: one decoded frame at a time (flow table, bytes, payload peeks).
#include <algorithm>

#include "codec/auth/auth.h"
#include "codec/dhcp/dhcp.h"
#include "codec/dns/dns.h"
#include "codec/http/http.h"
#include "codec/http/request_head.h"
#include "codec/tls/client_hello.h"
#include "discovery/replies.h"
#include "traffic/analyzer.h"

namespace anshin::traffic {

namespace packet = codec::packet;

namespace {

bool starts_with_method(std::string_view p) {
  static constexpr std::string_view kMethods[] = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS ",
                                                  "DESCRIBE ", "SETUP ", "PLAY ", "PATCH ", "ANNOUNCE "};
  for (auto m : kMethods)
    if (p.substr(0, m.size()) == m) return true;
  return false;
}

bool iprefix(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

// Observations of an HTTP or RTSP reply head the host sent from `port` (the keys the active probes use).
std::vector<Observation> reply_observations(const codec::http::Response& r, uint16_t port) {
  const std::string prefix = r.protocol == "RTSP" ? "rtsp." : "http.";
  std::vector<Observation> out;
  auto add = [&](std::string key, std::string_view value) {
    if (!value.empty()) out.push_back({prefix + key, std::string(value), port, "traffic"});
  };
  add("header.server", r.header("Server"));
  for (auto value : r.header_values("WWW-Authenticate")) {
    add("header.www_authenticate", value);
    if (auto ch = codec::auth::parse_www_authenticate(value); ch && !ch->empty()) {
      add("auth.scheme", ch->front().scheme);
      add("auth.realm", ch->front().realm());
    }
  }
  return out;
}

}  // namespace

// TCP payload peeks: the first bytes of a client's message (TLS ClientHello, HTTP/RTSP request, FTP
// PASS) and of a server's reply (HTTP/RTSP status line and headers). Nothing else is read.
void Analyzer::payload(int64_t time_us, const packet::Frame& f, bool from_client, HostState*, HostState*) {
  const std::string_view p = f.payload;
  if (p.size() < 4) return;
  const IpAddr& client = from_client ? f.src : f.dst;
  const IpAddr& server = from_client ? f.dst : f.src;
  const uint16_t server_port = from_client ? f.dst_port : f.src_port;
  if (from_client) {
    if (static_cast<uint8_t>(p[0]) == 22 && codec::tls::looks_like_client_hello(p)) {
      if (auto hello = codec::tls::parse_client_hello(p); hello && !hello->server_name.empty())
        tls_server_name(time_us, client, server, hello->server_name);
    } else if (starts_with_method(p)) {
      auto head = codec::http::parse_request_head(p);
      if (!head) return;
      const std::string protocol = head->protocol == "RTSP" ? "rtsp" : "http";
      if (!head->host.empty()) http_host(time_us, client, server, head->host);
      if (!head->user_agent.empty() && protocol == "http") http_user_agent(time_us, client, server_port, head->user_agent);
      if (head->authorization == "Basic") cleartext_login(time_us, client, server, server_port, protocol, "Basic");
    } else if (server_port == 21 && iprefix(p, "PASS ")) {
      cleartext_login(time_us, client, server, server_port, "ftp", "USER/PASS");
    }
    return;
  }
  if (p.substr(0, 7) == "HTTP/1." || p.substr(0, 7) == "RTSP/1.") {
    codec::http::Limits limits;
    limits.max_header_bytes = 16 * 1024;
    auto parsed = codec::http::parse_response(p, limits, {.at_eof = true, .no_body = true});
    if (parsed.state != codec::http::ParseState::kComplete) return;
    for (auto& o : reply_observations(parsed.response, f.src_port))
      observation(time_us, f.src, std::move(o.key), std::move(o.value), o.port);
  }
}

// UDP: DNS and mDNS, DHCP, and the discovery announcements (SADP, DHIP, SSDP) a device multicasts.
void Analyzer::udp_payload(int64_t time_us, const packet::Frame& f) {
  const std::string_view p = f.payload;
  const auto either = [&](uint16_t port) { return f.src_port == port || f.dst_port == port; };
  if (either(codec::dns::kPort) || either(codec::dns::kMdnsPort)) {
    if (f.src_port != codec::dns::kMdnsPort) return unicast_dns(time_us, p, f.src, f.dst);
    auto m = codec::dns::parse_message(p, {.keep_case = true});
    if (!m || !m->response) return;
    for (const auto& a : m->answers)
      observation(time_us, f.src, "mdns.name", a.type == codec::dns::kTypePtr ? a.target : a.name, codec::dns::kMdnsPort);
    return;
  }
  if (either(codec::dhcp::kServerPort) && either(codec::dhcp::kClientPort)) return dhcp(time_us, f);
  for (auto protocol : {discovery::Protocol::kSadp, discovery::Protocol::kDhip, discovery::Protocol::kSsdp}) {
    if (f.src_port != discovery::protocol_port(protocol) && f.dst_port != discovery::protocol_port(protocol)) continue;
    auto reply = discovery::parse_reply(protocol, p);
    if (!reply) return;
    for (auto& o : reply->observations) observation(time_us, f.src, std::move(o.key), std::move(o.value), o.port);
    if (reply->mac) {
      if (auto it = hosts_.find(f.src); it != hosts_.end() && !it->second.mac) it->second.mac = reply->mac;
    }
    return;
  }
}

// One DNS message (UDP, or one message of a TCP stream) from `src` to `dst`: the names a client asked
// for, and the addresses its resolver answered.
void Analyzer::unicast_dns(int64_t time_us, std::string_view message, const IpAddr& src, const IpAddr& dst) {
  auto m = codec::dns::parse_message(message);
  if (!m) return;
  if (!m->response) {
    for (const auto& q : m->questions) dns_query(time_us, src, q.name);
    return;
  }
  const std::string asked = m->questions.empty() ? std::string() : m->questions.front().name;
  for (const auto& a : m->answers) {
    if (a.type != codec::dns::kTypeA && a.type != codec::dns::kTypeAaaa) continue;
    if (!asked.empty()) dns_answer(time_us, dst, asked, a.address);
    if (a.name != asked) dns_answer(time_us, dst, a.name, a.address);
  }
}

void Analyzer::dhcp(int64_t time_us, const packet::Frame& f) {
  auto m = codec::dhcp::parse_message(f.payload);
  if (!m || m->client_mac.empty()) return;
  const IpAddr zero = IpAddr::v4(0);
  if (m->op == 2) {  // a server's offer or ack: the address the client will use
    if (m->your_address != zero) dhcp_address_by_mac_[m->client_mac] = m->your_address;
    return;
  }
  auto& facts = dhcp_by_mac_[m->client_mac];
  if (facts.observations.empty()) facts.first_us = time_us;
  auto add = [&](const char* key, const std::string& value) {
    if (value.empty() || facts.observations.size() >= 16) return;
    for (const auto& o : facts.observations)
      if (o.key == key && o.value == value) return;
    facts.observations.push_back({key, value, codec::dhcp::kServerPort, "traffic"});
  };
  add("dhcp.vendor_class", m->vendor_class);
  add("dhcp.hostname", m->host_name);
  add("dhcp.parameter_list", m->parameter_list);
  if (m->client_address != zero) dhcp_address_by_mac_[m->client_mac] = m->client_address;
  else if (m->requested_address != zero && !dhcp_address_by_mac_.count(m->client_mac))
    dhcp_address_by_mac_[m->client_mac] = m->requested_address;
}

}  // namespace anshin::traffic
