// Fuzz target: the capture path of the traffic analysis (frame decoding + the analyzer's payload peeks)
// on hostile frames, with small limits so that every bound is reached.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/packet/packet.h"
#include "traffic/analyzer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace anshin;
  static const kb::ServiceTable services;
  traffic::Limits limits;
  limits.max_hosts = 4;
  limits.max_flows = 4;
  limits.max_streams = 2;
  traffic::Analyzer analyzer(services, limits);
  std::string_view in(reinterpret_cast<const char*>(data), size);
  // The input is a sequence of frames, each preceded by a one-byte length.
  for (int64_t t = 0; !in.empty(); ++t) {
    const size_t n = static_cast<uint8_t>(in[0]);
    const std::string_view frame = in.substr(1, n);
    in.remove_prefix(std::min(in.size(), n + 1));
    auto f = codec::packet::decode_frame(frame, codec::packet::kLinkEthernet);
    if (f) analyzer.packet(t, *f);
  }
  analyzer.finish();
  if (analyzer.hosts().size() > limits.max_hosts) __builtin_trap();
  return 0;
}
