#include "core/result.h"

namespace anshin {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::kRefused: return "refused";
    case Errc::kTimeout: return "timeout";
    case Errc::kClosed: return "closed";
    case Errc::kTls: return "tls";
    case Errc::kProtocol: return "protocol";
    case Errc::kIo: return "io";
    case Errc::kInvalidInput: return "invalid-input";
    case Errc::kNotFound: return "not-found";
    case Errc::kOutOfScope: return "out-of-scope";
    case Errc::kCancelled: return "cancelled";
  }
  return "unknown";
}

}  // namespace anshin
