// DNS over TCP (RFC 1035 §4.2.2, RFC 7766 §8): every message is preceded by its length, two bytes in
// network order; one segment may carry several messages and one message may span several segments.
// TcpStream follows one direction of one connection, segment by segment, and hands out each complete
// message (parse it with parse_message).
//
// Bounded: at most kMaxMessage bytes are held (a partial message); a longer message is skipped whole
// (counted in skipped()). Segments are placed by their TCP sequence numbers: a retransmitted part is
// dropped, and a gap (a lost segment) ends the stream for good (lost() is true; nothing more is read),
// since the message boundaries after it cannot be known.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace anshin::codec::dns {

class TcpStream {
 public:
  static constexpr size_t kMaxMessage = 8 * 1024;
  using OnMessage = std::function<void(std::string_view message)>;

  // One segment's payload, whose first byte has sequence number `seq`.
  void segment(uint32_t seq, std::string_view payload, const OnMessage& on_message);

  bool lost() const { return lost_; }
  uint64_t messages() const { return messages_; }
  uint64_t skipped() const { return skipped_; }
  size_t held() const { return pending_.size(); }

 private:
  void consume(std::string_view data, const OnMessage& on_message);

  bool started_ = false, lost_ = false;
  uint32_t next_seq_ = 0;
  uint8_t header_[2] = {0, 0};
  size_t header_bytes_ = 0;
  size_t want_ = 0;        // body bytes of the current message (0: reading a length)
  size_t skip_ = 0;        // bytes of an oversized message still to pass over
  std::string pending_;    // the current message's body so far (< want_ <= kMaxMessage)
  uint64_t messages_ = 0, skipped_ = 0;
};

// Every complete message of `stream` (the bytes of one direction from its first byte, in order), for
// the fuzz target and tests; what a trailing partial message left is ignored.
std::vector<std::string> parse_tcp_messages(std::string_view stream);

}  // namespace anshin::codec::dns
