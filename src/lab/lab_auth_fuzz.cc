// Fuzz target: the lab's Authorization header checks (Basic/Digest parameter parsing, base64, nonce
// validation). The lab reads these headers from whatever connects to it.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lab/auth.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace lab = anshin::lab;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)lab::parse_auth_params(in);
  (void)lab::base64_decode(in);
  (void)lab::valid_nonce(in);
  const std::vector<lab::Credential> creds = {{"admin", "Hik12345!"}, {"live", ""}};
  for (lab::AuthKind k : {lab::AuthKind::kDigest, lab::AuthKind::kBasic, lab::AuthKind::kAny})
    (void)lab::check_authorization(in, k, "Hikvision", "GET", "/ISAPI/System/deviceInfo", creds);
  return 0;
}
