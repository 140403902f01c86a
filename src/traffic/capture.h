// Capture files (pcap and pcapng, through libpcap's offline reader): each packet handed to a callback as
// it is read, so memory does not grow with the file. Only files are read; nothing is captured live.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace anshin::traffic {

struct CapturedPacket {
  int64_t time_us = 0;        // capture time, microseconds since the epoch
  int link_type = 0;          // pcap LINKTYPE_* of the interface it came from
  uint32_t wire_length = 0;   // length on the wire
  std::string_view bytes;     // what was captured (at most the snap length); valid during the callback
};

struct CaptureStats {
  uint64_t packets = 0;
  uint64_t bytes = 0;         // captured bytes
  std::string cut;            // why reading stopped before the end of a file ("" when every file was whole)
};

// Reads every packet of `path`. A file that cannot be opened as a capture is an error that names the file.
// A file cut short or damaged part-way (a capture whose writer was killed) is read up to the damage:
// what came before it is delivered, and `stats.cut` says where and why.
Result<void> read_capture(const std::string& path, const std::function<void(const CapturedPacket&)>& on_packet,
                          CaptureStats& stats);

}  // namespace anshin::traffic
