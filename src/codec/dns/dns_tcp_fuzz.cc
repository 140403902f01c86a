// Fuzz target: DNS over TCP framing (codec/dns/tcp_stream.h). The input is split into segments at the
// bytes the first byte names, so that messages and length prefixes are cut at every place; sequence
// numbers repeat and skip to reach the retransmission and gap paths.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "codec/dns/dns.h"
#include "codec/dns/tcp_stream.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (const auto& m : anshin::codec::dns::parse_tcp_messages(in)) {
    if (m.size() > anshin::codec::dns::TcpStream::kMaxMessage) __builtin_trap();
    (void)anshin::codec::dns::parse_message(m);
  }
  if (in.empty()) return 0;
  const size_t step = 1 + static_cast<uint8_t>(in[0]) % 7;
  in.remove_prefix(1);
  anshin::codec::dns::TcpStream s;
  uint32_t seq = 1000;
  for (size_t at = 0; at < in.size(); at += step) {
    const std::string_view part = in.substr(at, step);
    const uint32_t jitter = (static_cast<uint8_t>(part[0]) & 0x81) == 0x81 ? 3u : 0u;  // rarely: a gap
    s.segment(seq + jitter, part, [](std::string_view m) {
      if (m.size() > anshin::codec::dns::TcpStream::kMaxMessage) __builtin_trap();
      (void)anshin::codec::dns::parse_message(m);
    });
    if ((static_cast<uint8_t>(part[0]) & 0x42) != 0x42) seq += static_cast<uint32_t>(part.size());  // else resent
    if (s.held() > anshin::codec::dns::TcpStream::kMaxMessage) __builtin_trap();
  }
  return 0;
}
