// Fuzz target: RTSP reply parser (+ SDP of the body).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/rtsp/rtsp.h"
#include "codec/sdp/sdp.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin::codec;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  (void)rtsp::parse_reply_incremental(in);
  auto r = rtsp::parse_reply(in);
  if (r) (void)sdp::parse(r->response.body);
  return 0;
}
