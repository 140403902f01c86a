// One HTTP exchange as plain values: what the server (server.cc, Boost.Beast) hands to the
// application (app.h) and gets back. No Asio here, so handlers and their tests compile fast.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/result.h"

namespace anshin::serve {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string target;                          // path and query as sent, e.g. "/api/v1/devices?limit=5"
  std::map<std::string, std::string> headers;  // names in lower case; a repeated header keeps the last
  std::string body;
  std::string peer;                            // the client's address (rate limiting, audit log)
  bool tls = false;                            // arrived over TLS

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type and Content-Length
  // An error answer's message with its catalog key, when it has one: App writes the body again in the
  // request's language (api.h, localize_error).
  std::optional<Error> error;
};

}  // namespace anshin::serve
