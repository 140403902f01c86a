#include "codec/dns/tcp_stream.h"

#include <algorithm>

namespace anshin::codec::dns {

void TcpStream::segment(uint32_t seq, std::string_view payload, const OnMessage& on_message) {
  if (lost_ || payload.empty()) return;
  if (!started_) {
    started_ = true;
    next_seq_ = seq;
  }
  const auto ahead = static_cast<int32_t>(seq - next_seq_);  // modulo 2^32, RFC 793 comparisons
  if (ahead > 0) {  // a gap: message boundaries after it are unknown
    lost_ = true;
    pending_.clear();
    pending_.shrink_to_fit();
    return;
  }
  const size_t seen = static_cast<size_t>(-static_cast<int64_t>(ahead));
  if (seen >= payload.size()) return;  // a retransmission of what was read
  payload.remove_prefix(seen);
  next_seq_ += static_cast<uint32_t>(payload.size());
  consume(payload, on_message);
}

void TcpStream::consume(std::string_view data, const OnMessage& on_message) {
  while (!data.empty()) {
    if (skip_ > 0) {
      const size_t n = std::min(skip_, data.size());
      skip_ -= n;
      data.remove_prefix(n);
      continue;
    }
    if (want_ == 0) {  // the two length bytes
      header_[header_bytes_++] = static_cast<uint8_t>(data.front());
      data.remove_prefix(1);
      if (header_bytes_ < 2) continue;
      header_bytes_ = 0;
      const size_t length = (static_cast<size_t>(header_[0]) << 8) | header_[1];
      if (length > kMaxMessage) {
        skip_ = length;
        ++skipped_;
      } else {
        want_ = length;  // 0: an empty message, nothing to hand out
      }
      continue;
    }
    if (pending_.empty() && data.size() >= want_) {  // whole in this segment: no copy
      ++messages_;
      on_message(data.substr(0, want_));
      data.remove_prefix(want_);
      want_ = 0;
      continue;
    }
    const size_t n = std::min(want_ - pending_.size(), data.size());
    pending_.append(data.substr(0, n));
    data.remove_prefix(n);
    if (pending_.size() == want_) {
      ++messages_;
      on_message(pending_);
      pending_.clear();
      want_ = 0;
    }
  }
}

std::vector<std::string> parse_tcp_messages(std::string_view stream) {
  std::vector<std::string> out;
  TcpStream s;
  s.segment(0, stream, [&out](std::string_view m) { out.emplace_back(m); });
  return out;
}

}  // namespace anshin::codec::dns
