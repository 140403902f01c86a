// DNS messages (RFC 1035 §4; mDNS, RFC 6762, uses the same wire format on UDP 5353): the questions and the
// A, AAAA, CNAME and PTR answers, with names decompressed. Only what `anshin traffic` needs: which names a
// device asked for and which addresses they resolved to.
//
// Limits: 512 questions and records read at most (the rest ignored), names of at most 255 bytes and 127
// labels, at most 64 compression pointers per name (loops end there), messages of at most 64 KiB.
// Names are lower-cased, without the trailing dot; bytes outside printable ASCII (and spaces) are
// written \DDD (RFC 4343 style), so a name is always printable text. With keep_case (mDNS: DNS-SD
// instance names such as "AXIS M1065-LW - ACCC8E123456._axis-video._tcp.local", RFC 6763 §4.3) letters
// keep their case and spaces stay spaces.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"

namespace anshin::codec::dns {

inline constexpr uint16_t kPort = 53, kMdnsPort = 5353;
inline constexpr uint16_t kTypeA = 1, kTypeCname = 5, kTypePtr = 12, kTypeAaaa = 28;
inline constexpr size_t kMaxRecords = 512;
inline constexpr size_t kMaxMessage = 64 * 1024;

struct Question {
  std::string name;
  uint16_t type = 0;
};

struct Answer {
  std::string name;
  uint16_t type = 0;
  uint32_t ttl = 0;
  IpAddr address;        // A / AAAA
  std::string target;    // CNAME / PTR
};

struct Message {
  uint16_t id = 0;
  bool response = false;
  uint8_t rcode = 0;
  std::vector<Question> questions;
  std::vector<Answer> answers;     // answer and additional sections (mDNS announces in both)
};

// Errc::kProtocol for a message shorter than its header or a malformed question; a malformed record
// ends the parse with what was read before it.
struct ParseOptions {
  bool keep_case = false;
};
Result<Message> parse_message(std::string_view bytes, ParseOptions options = {});

}  // namespace anshin::codec::dns
