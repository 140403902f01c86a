// The sensor's side of the wire (`anshin sensor`): the server's URL, and one POST at a time to it with
// the sensor's bearer token. HTTPS verifies the server's certificate and name (the system's CA store, or
// the CA file given); plain http:// is accepted only to a loopback address.
#pragma once
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::serve {

struct ServerUrl {
  bool tls = true;
  std::string host;     // name or numeric address (IPv6 without brackets)
  std::string port;
  std::string base;     // path prefix without the trailing slash ("" for the root)
};
// https://HOST[:PORT][/PREFIX] or http://LOOPBACK[:PORT][/PREFIX]. kInvalidInput for anything else,
// and for http:// to a host that is not 127.0.0.0/8, ::1 or localhost (tokens never cross a network in clear).
Result<ServerUrl> parse_server_url(std::string_view url);

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string job_state;  // X-Anshin-Job-State, when the server says why a job cannot go on
};

class SensorClient {
 public:
  SensorClient(ServerUrl url, std::string token, std::string ca_file,
               std::chrono::milliseconds timeout = std::chrono::seconds(60));
  // POSTs `body` (JSON) to base + path. kIo when the server cannot be reached or the exchange breaks
  // (the caller retries later); kInvalidInput when the certificate cannot be verified.
  Result<HttpAnswer> post(const std::string& path, const std::string& body) const;

 private:
  ServerUrl url_;
  std::string token_;
  std::string ca_file_;
  std::chrono::milliseconds timeout_;
};

}  // namespace anshin::serve
