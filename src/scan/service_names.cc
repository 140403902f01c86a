#include "scan/service_names.h"

namespace anshin::scan {

std::string_view conventional_service(uint16_t port) {
  switch (port) {
    case 21: return "ftp";
    case 22: return "ssh";
    case 23: return "telnet";
    case 80: case 81: case 8080: case 8081: case 8001: return "http";
    case 443: case 8443: return "https";
    case 554: case 8554: case 5554: case 322: return "rtsp";
    case 8000: return "hikvision-sdk";
    case 37777: return "dahua-sdk";
    case 8899: return "onvif";
    case 9000: return "reolink-baichuan";
    case 5000: return "http";
    case 9100: return "jetdirect";
    default: return "unknown";
  }
}

}  // namespace anshin::scan
