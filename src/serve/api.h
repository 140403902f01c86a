// The JSON API over the inventory, /api/v1/... (docs/api.md). Pure request -> response functions over a
// Store: no sockets, no authentication (app.h decides who may call what). Finished scans are immutable,
// so their snapshots are cached (a few, least recently used first out); scans still running are read
// afresh on every request.
#pragma once
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "i18n/catalog.h"
#include "serve/http_types.h"
#include "serve/query.h"
#include "store/diff.h"
#include "store/store.h"

namespace anshin::serve {

inline constexpr size_t kDefaultPageSize = 100;
inline constexpr size_t kMaxPageSize = 1000;

class Api {
 public:
  explicit Api(store::Store& store, size_t cached_scans = 4);

  // GET /api/v1/scans | /sites | /devices | /devices/{id} | /findings | /policies | /overview | /diff | /alerts.
  // ?site=NAME picks the newest finished scan of that site (and, for /diff, the two newest of it).
  // 404 for any other path under /api/v1, 405 for a method other than GET.
  Response handle(const Request& request, const Target& target);
  // Loads the newest finished scan into the cache (the first page then answers at once).
  void warm();
  // How /diff orders firmware (downgrade flags); without one, no downgrade is claimed.
  void set_firmware_order(store::FirmwareOrder order) { firmware_order_ = std::move(order); }

 private:
  Response scans();
  Response devices(const Target& target);
  Response device(const std::string& id_text, const Target& target);
  Response findings(const Target& target);
  Response policies(const Target& target);
  Response overview(const Target& target);
  Response diff(const Target& target);
  Response alerts(const Target& target);
  Response sites(const std::string& lang);

  // The scan a request names with ?scan= (number or id), else the newest finished scan.
  Result<std::shared_ptr<const store::IdentifiedSnapshot>> scan_for(const Target& target);
  Result<std::shared_ptr<const store::IdentifiedSnapshot>> load(const store::StoredScan& scan);

  store::Store& store_;
  size_t cached_scans_;
  store::FirmwareOrder firmware_order_;
  std::mutex cache_mu_;
  std::vector<std::pair<store::ScanNumber, std::shared_ptr<const store::IdentifiedSnapshot>>> cache_;
  // The anshin.diff/1 text of recent pairs of finished scans, newest first.
  std::vector<std::pair<std::pair<store::ScanNumber, store::ScanNumber>, std::string>> diffs_;
};

// {"error": {"status": N, "code": "...", "message": "..."}} with that status. `code` is stable (the message's
// catalog key without "serve.api_error." or "error.", or the status's name for a message without a key);
// `message` is English here, and the request's language once App::handle has localised it.
Response json_error(int status, const std::string& message);
Response json_error(int status, const Error& error);  // keeps the error's catalog key for localize_error
// An error whose message is the catalog text serve.api_error.ID (data/i18n).
Response api_error(int status, const std::string& id, const std::vector<i18n::Arg>& args = {});
// The language a request asks for: ?lang=, else a first Accept-Language of ja..., else "en".
std::string request_lang(const Request& request, const Target& target);
// The body of an error answer written again with its message in `lang` (no change without a key or in English).
void localize_error(Response& response, const std::string& lang);
// A JSON answer; invalid UTF-8 in strings (device bytes) becomes U+FFFD, never an exception.
Response json_ok(const nlohmann::json& body, int status = 200);

}  // namespace anshin::serve
