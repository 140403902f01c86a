#include "traffic/capture.h"

#include <pcap/pcap.h>

#include <memory>

#include "i18n/catalog.h"

namespace anshin::traffic {

Result<void> read_capture(const std::string& path, const std::function<void(const CapturedPacket&)>& on_packet,
                          CaptureStats& stats) {
  char err[PCAP_ERRBUF_SIZE] = {};
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> pcap(pcap_open_offline(path.c_str(), err), pcap_close);
  if (!pcap) return i18n::error(Errc::kInvalidInput, "cli.traffic.bad_capture", {{"path", path}, {"reason", err}});
  const int link_type = pcap_datalink(pcap.get());
  pcap_pkthdr* header = nullptr;
  const u_char* data = nullptr;
  while (true) {
    const int rc = pcap_next_ex(pcap.get(), &header, &data);
    if (rc == PCAP_ERROR_BREAK) break;  // end of file
    if (rc != 1) {
      stats.cut = path + ": " + pcap_geterr(pcap.get());
      break;
    }
    CapturedPacket p;
    p.time_us = static_cast<int64_t>(header->ts.tv_sec) * 1000000 + header->ts.tv_usec;
    p.link_type = link_type;
    p.wire_length = header->len;
    p.bytes = std::string_view(reinterpret_cast<const char*>(data), header->caplen);
    ++stats.packets;
    stats.bytes += header->caplen;
    on_packet(p);
  }
  return {};
}

}  // namespace anshin::traffic
