// Test fixtures: HostRecords shaped like the probe output for lab/fleets/default.yaml personalities
// (values copied from the fleet's replies; MAC suffixes are arbitrary). Tests only.
#pragma once
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include "model/observation.h"

namespace anshin::verdict::testing {

using KV = std::vector<std::pair<std::string, std::string>>;

class HostBuilder {
 public:
  explicit HostBuilder(const char* address = "127.77.0.10") { h_.address = *IpAddr::parse(address); }
  HostBuilder& tcp(std::vector<uint16_t> ports) {
    h_.open_tcp_ports = std::move(ports);
    return *this;
  }
  HostBuilder& mac(std::string m) {
    h_.mac = std::move(m);
    return *this;
  }
  HostBuilder& svc(const std::string& probe, uint16_t port, const std::string& protocol, const KV& obs,
                   Transport t = Transport::kTcp, bool tls = false, ProbeStatus st = ProbeStatus::kSuccess) {
    ServiceRecord r;
    r.probe = probe;
    r.port = port;
    r.transport = t;
    r.status = st;
    r.protocol = protocol;
    r.tls = tls;
    for (const auto& [k, v] : obs) r.observations.push_back({k, v, port, probe});
    h_.services.push_back(std::move(r));
    return *this;
  }
  HostBuilder& udp(const std::string& probe, uint16_t port, const KV& obs) {
    return svc(probe, port, probe, obs, Transport::kUdp);
  }
  HostRecord build() const { return h_; }

 private:
  HostRecord h_;
};

// ---------------------------------------------------------------------------------- Hikvision family
struct HikVars {
  std::string server = "App-webs/";
  std::string model = "DS-2CD2043G0-I";
  std::string firmware = "V5.5.0 build 170725";
  std::string sn = "DS-2CD2043G0-I20170725AAWRC4419B6000010";
  std::string mac = "44-19-b6-00-00-10";
  std::string sadp_type = "134755";
  std::string oem = "";
  std::string scope_name = "HIKVISION DS-2CD2043G0-I";
  std::string wsd_types = "dn:NetworkVideoTransmitter tds:Device";
  std::string namespace_uri = "http://www.hikvision.com/2011/event/topics";
  bool web = true;
  bool tls = true;
  bool wsd = true;
};

inline HostRecord hikvision_host(const HikVars& v, const char* address = "127.77.0.10") {
  HostBuilder b(address);
  std::vector<uint16_t> ports;
  if (v.web) {
    ports.push_back(80);
    if (v.tls) ports.push_back(443);
  }
  ports.push_back(554);
  ports.push_back(8000);
  b.tcp(ports);
  const std::string challenge = "Digest qop=\"auth\", realm=\"Hikvision\", nonce=\"4e4455314d7a59304d7a5935\", stale=\"FALSE\"";
  if (v.web) {
    b.svc("http", 80, "http",
          {{"http.status", "200"},
           {"http.header.server", v.server},
           {"http.path.ok", "/doc/page/login.asp"},
           {"http.header.www_authenticate", challenge},
           {"http.auth.scheme", "Digest"},
           {"http.auth.realm", "Hikvision"},
           {"isapi.auth", "required"}});
    KV onvif = {{"onvif.device_info.auth", "required"}, {"onvif.system_time.utc", "2026-11-27T10:00:00Z"},
                {"onvif.namespace", "http://www.onvifext.com/onvif/ext/ver10/wsdl"}};
    if (!v.namespace_uri.empty()) onvif.push_back({"onvif.namespace", v.namespace_uri});
    b.svc("onvif", 80, "http", onvif);
    if (v.tls)
      b.svc("http", 443, "https",
            {{"http.status", "200"},
             {"http.header.server", v.server},
             {"tls.version", "TLSv1.2"},
             {"tls.cert.subject", "CN=www.hikvision.com,OU=DVRNVR,O=HIKVISION,L=HangZhou,ST=ZheJiang,C=CN"},
             {"tls.cert.self_signed", "true"},
             {"http.header.www_authenticate", challenge},
             {"http.auth.scheme", "Digest"},
             {"http.auth.realm", "Hikvision"}},
            Transport::kTcp, true);
  }
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.header.public", "OPTIONS, DESCRIBE, PLAY, PAUSE, SETUP, TEARDOWN, SET_PARAMETER, GET_PARAMETER"},
         {"rtsp.describe.status", "401"},
         {"rtsp.header.www_authenticate", "Digest realm=\"Hikvision\", nonce=\"abc\", stale=\"FALSE\""},
         {"rtsp.auth.scheme", "Digest"},
         {"rtsp.auth.realm", "Hikvision"}});
  KV sadp = {{"sadp.device_type", v.sadp_type},        {"sadp.device_description", v.model},
             {"sadp.device_sn", v.sn},                 {"sadp.mac", v.mac},
             {"sadp.software_version", v.firmware},    {"sadp.dsp_version", "V7.3 build 170710"},
             {"sadp.activated", "true"},               {"sadp.hc_platform_enable", "false"},
             {"sadp.http_port", "80"},                 {"sadp.command_port", "8000"}};
  if (!v.oem.empty()) sadp.push_back({"sadp.oem_info", v.oem});
  b.udp("sadp", 37020, sadp);
  if (v.wsd)
    b.udp("wsd", 3702,
          {{"onvif.types", v.wsd_types},
           {"onvif.scope.name", v.scope_name},
           {"onvif.scope.hardware", v.model},
           {"onvif.scope.location", "city/hangzhou"},
           {"onvif.xaddr", std::string("http://") + address + ":80/onvif/device_service"},
           {"onvif.endpoint", "urn:uuid:4d454930-0000-1000-8000-4419b6000010"}});
  return b.build();
}

// ------------------------------------------------------------------------------------- Dahua family
struct DahuaVars {
  std::string model = "IPC-HFW4431R-Z";
  std::string firmware = "2.622.0000000.31.R";
  std::string serial = "4G02C1EPAZ3CEF8C000020";
  std::string vendor = "General";
  std::string dh_class = "IPC";
  std::string onvif_manufacturer = "Dahua";
  std::string scope_name = "Dahua";
  std::string title = "WEB SERVICE";
  std::string mac = "3c:ef:8c:00:00:20";
  std::string wsd_types = "dn:NetworkVideoTransmitter tds:Device";
  bool magicbox = false;  // magicBox CGI answers without credentials (dahua-ipc)
};

inline HostRecord dahua_host(const DahuaVars& v, const char* address = "127.77.0.20") {
  HostBuilder b(address);
  b.tcp({80, 554, 37777});
  const std::string challenge = "Digest realm=\"Login to " + v.serial + "\", qop=\"auth\", nonce=\"1234\", opaque=\"a1b2c3d4e5f60718\"";
  KV http = {{"http.status", "200"},
             {"http.title", v.title},
             {"http.header.www_authenticate", challenge},
             {"http.auth.scheme", "Digest"},
             {"http.auth.realm", "Login to " + v.serial},
             {"dahua.rpc2.realm", "Login to " + v.serial},
             {"dahua.rpc2.encryption", "Default"}};
  if (v.magicbox) {
    http.push_back({"dahua.device_type", v.model});
    http.push_back({"dahua.software_version", v.firmware + ",build:2017-08-29"});
    http.push_back({"dahua.serial", v.serial});
    http.push_back({"dahua.vendor", v.vendor});
  }
  b.svc("http", 80, "http", http);
  b.svc("onvif", 80, "http", {{"onvif.device_info.auth", "required"}, {"onvif.system_time.utc", "2026-11-27T10:00:00Z"}});
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.header.server", "Rtsp Server/3.0"},
         {"rtsp.describe.status", "401"},
         {"rtsp.header.www_authenticate", "Digest realm=\"Login to " + v.serial + "\", nonce=\"x\""},
         {"rtsp.auth.scheme", "Digest"},
         {"rtsp.auth.realm", "Login to " + v.serial}});
  b.udp("dhip", 37810,
        {{"dhip.device_class", v.dh_class},
         {"dhip.device_type", v.model},
         {"dhip.serial_no", v.serial},
         {"dhip.version", v.firmware},
         {"dhip.vendor", v.vendor},
         {"dhip.manufacturer", v.vendor},
         {"dhip.mac", v.mac},
         {"dhip.init", "3222"},
         {"dhip.http_port", "80"},
         {"dhip.port", "37777"}});
  b.udp("wsd", 3702,
        {{"onvif.types", v.wsd_types},
         {"onvif.scope.name", v.scope_name},
         {"onvif.scope.hardware", v.model},
         {"onvif.xaddr", std::string("http://") + address + ":80/onvif/device_service"}});
  return b.build();
}

}  // namespace anshin::verdict::testing

namespace anshin::verdict::testing {

// ----------------------------------------------------------------------------------- other makers
inline HostRecord axis_host(const std::string& model = "P3245-LV", const std::string& fw = "10.12.153",
                            const std::string& mac_hex = "ACCC8E000030", const char* address = "127.77.0.30") {
  HostBuilder b(address);
  b.tcp({21, 80, 443, 554, 49152});
  const std::string challenge = "Digest realm=\"AXIS_" + mac_hex + "\", nonce=\"n\", algorithm=MD5, qop=\"auth\"";
  KV web = {{"http.status", "302"},
            {"http.redirect.location", "/camera/index.html"},
            {"http.title", "AXIS"},
            {"axis.brand", "AXIS"},
            {"axis.prod_nbr", model},
            {"axis.prod_full_name", "AXIS " + model + " Network Camera"},
            {"axis.prod_type", "Dome Camera"},
            {"axis.version", fw},
            {"axis.serial_number", mac_hex},
            {"axis.build_date", "Feb 16 2022 14:33"},
            {"http.path.ok", "/axis-cgi/basicdeviceinfo.cgi"}};
  b.svc("http", 80, "http", web);
  b.svc("axis", 80, "http", {});
  KV tls = web;
  tls.push_back({"tls.version", "TLSv1.3"});
  std::string lower = mac_hex;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  tls.push_back({"tls.cert.subject", "CN=axis-" + lower + ",O=Axis Communications AB"});
  tls.push_back({"tls.cert.self_signed", "true"});
  b.svc("http", 443, "https", tls, Transport::kTcp, true);
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.describe.status", "401"},
         {"rtsp.header.www_authenticate", "Digest realm=\"AXIS_" + mac_hex + "\", nonce=\"n\", stale=FALSE"},
         {"rtsp.auth.scheme", "Digest"},
         {"rtsp.auth.realm", "AXIS_" + mac_hex}});
  b.svc("banner", 21, "ftp", {{"ftp.banner", "220 AXIS " + model + " Network Camera " + fw + " (2022) ready."}});
  b.svc("http", 49152, "http", {{"http.status", "404"}});
  b.udp("ssdp", 1900,
        {{"ssdp.server", "Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.7"},
         {"ssdp.st", "urn:axis-com:service:BasicService:1"},
         {"ssdp.usn", "uuid:Upnp-BasicDevice-1_0-" + mac_hex + "::urn:axis-com:service:BasicService:1"},
         {"ssdp.location", std::string("http://") + address + ":49152/rootdesc1.xml"},
         {"upnp.device_type", "urn:schemas-upnp-org:device:Basic:1"},
         {"upnp.friendly_name", "AXIS " + model + " - " + mac_hex},
         {"upnp.manufacturer", "AXIS"},
         {"upnp.manufacturer_url", "http://www.axis.com/"},
         {"upnp.model_name", "AXIS " + model},
         {"upnp.model_number", model},
         {"upnp.model_description", "AXIS " + model + " Network Camera"},
         {"upnp.serial_number", mac_hex}});
  return b.build();
}

inline HostRecord xiongmai_host() {
  HostBuilder b("127.77.0.50");
  b.tcp({80, 554, 8899, 34567});
  b.svc("http", 80, "http",
        {{"http.status", "200"}, {"http.header.server", "uc-httpd 1.0.0"}, {"http.title", "NETSurveillance WEB"}});
  b.svc("onvif", 8899, "http",
        {{"onvif.device_info.auth", "open"},
         {"onvif.device.manufacturer", "H264DVR"},
         {"onvif.device.model", "50H20L"},
         {"onvif.device.firmware", "V4.02.R11.34500140.10010.140200"},
         {"onvif.device.serial", "0e4f001217000050"},
         {"onvif.device.hardware_id", "00001"},
         {"onvif.system_time.utc", "2026-11-27T10:00:00Z"}});
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.header.server", "H264DVR 1.0"},
         {"rtsp.describe.status", "200"},
         {"rtsp.describe.path", "/user=admin_password=_channel=1_stream=0.sdp"},
         {"rtsp.sdp.session_name", "RTSP Session"},
         {"rtsp.sdp.media_count", "1"}});
  b.udp("wsd", 3702,
        {{"onvif.types", "dn:NetworkVideoTransmitter tds:Device"},
         {"onvif.scope.name", "NVT"},
         {"onvif.scope.hardware", "50H20L"},
         {"onvif.scope.location", "country/china"}});
  return b.build();
}

inline HostRecord nginx_host() {
  HostBuilder b("127.77.0.100");
  b.tcp({22, 80});
  b.svc("http", 80, "http",
        {{"http.status", "200"}, {"http.header.server", "nginx/1.22.1"}, {"http.title", "Welcome to nginx!"}});
  b.svc("banner", 22, "ssh", {{"ssh.banner", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"}});
  return b.build();
}

inline HostRecord printer_host() {
  HostBuilder b("127.77.0.101");
  b.tcp({80, 631, 9100});
  b.svc("http", 80, "http",
        {{"http.status", "302"},
         {"http.header.server", "debut/1.30"},
         {"http.redirect.location", "/general/status.html"},
         {"http.title", "Brother HL-L2350DW series"}});
  b.udp("ssdp", 1900,
        {{"ssdp.server", "debut/1.30 UPnP/1.0"},
         {"ssdp.st", "urn:schemas-upnp-org:device:Printer:1"},
         {"upnp.device_type", "urn:schemas-upnp-org:device:Printer:1"},
         {"upnp.friendly_name", "Brother HL-L2350DW series"},
         {"upnp.manufacturer", "Brother"},
         {"upnp.model_name", "HL-L2350DW series"},
         {"upnp.model_number", "HL-L2350DW"},
         {"upnp.serial_number", "E782341J0N123456"}});
  return b.build();
}

inline HostRecord router_host() {
  HostBuilder b("127.77.0.1");
  b.tcp({23, 80});
  b.svc("http", 80, "http", {{"http.status", "200"}, {"http.header.server", "httpd"}, {"http.title", "Router Login"}});
  b.svc("banner", 23, "telnet", {{"telnet.banner", "\r\nlogin: "}});
  b.udp("ssdp", 1900,
        {{"ssdp.server", "Linux/3.4.0 UPnP/1.1 MiniUPnPd/2.1"},
         {"ssdp.st", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"},
         {"upnp.device_type", "urn:schemas-upnp-org:device:InternetGatewayDevice:1"},
         {"upnp.friendly_name", "Home Router"},
         {"upnp.manufacturer", "Generic"},
         {"upnp.model_name", "Router"},
         {"upnp.model_number", "1"},
         {"upnp.serial_number", "00000000"}});
  return b.build();
}

inline HostRecord hanwha_host() {
  HostBuilder b("127.77.0.40");
  b.tcp({80, 554});
  b.svc("http", 80, "http",
        {{"http.status", "302"}, {"http.redirect.location", "/home/monitoring.cgi"}, {"http.title", "Hanwha Techwin"}});
  b.svc("onvif", 80, "http", {{"onvif.device_info.auth", "required"}, {"onvif.system_time.utc", "2026-11-27T10:00:00Z"}});
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.describe.status", "401"},
         {"rtsp.header.www_authenticate", "Digest realm=\"NET-i\", nonce=\"n\""},
         {"rtsp.auth.scheme", "Digest"},
         {"rtsp.auth.realm", "NET-i"}});
  b.udp("wsd", 3702,
        {{"onvif.types", "dn:NetworkVideoTransmitter tds:Device"},
         {"onvif.scope.name", "XND-6080R"},
         {"onvif.scope.hardware", "XND-6080R"},
         {"onvif.scope.location", "country/korea"}});
  return b.build();
}

inline HostRecord uniview_host() {
  HostBuilder b("127.77.0.60");
  b.tcp({80, 554});
  b.svc("http", 80, "http",
        {{"http.status", "200"},
         {"http.title", "Web"},
         {"http.header.www_authenticate", "Digest realm=\"48ea63000060\", qop=\"auth\", nonce=\"n\""},
         {"http.auth.scheme", "Digest"},
         {"http.auth.realm", "48ea63000060"}});
  b.svc("rtsp", 554, "rtsp", {{"rtsp.status", "200"}, {"rtsp.describe.status", "401"}, {"rtsp.auth.realm", "48ea63000060"}});
  b.udp("wsd", 3702,
        {{"onvif.types", "dn:NetworkVideoTransmitter tds:Device"},
         {"onvif.scope.name", "IPC"},
         {"onvif.scope.hardware", "IPC2124LR3-PF40M-D"},
         {"onvif.scope.location", "country/china"}});
  return b.build();
}

inline HostRecord bosch_host() {
  HostBuilder b("127.77.0.61");
  b.tcp({23, 80, 443, 554});
  const std::string challenge = "Digest realm=\"Use 'live' as User Name in order to log in to the respective level\", nonce=\"n\", qop=\"auth\"";
  b.svc("http", 80, "http",
        {{"http.status", "200"},
         {"http.header.server", "VCS-VideoJet-Webserver"},
         {"http.title", "DINION IP 5000 HD"},
         {"http.header.www_authenticate", challenge},
         {"http.auth.realm", "Use 'live' as User Name in order to log in to the respective level"}});
  b.svc("http", 443, "https",
        {{"http.status", "200"},
         {"http.header.server", "VCS-VideoJet-Webserver"},
         {"tls.cert.subject", "CN=0004630000061.myboschcam.net,O=Bosch Sicherheitssysteme"},
         {"tls.cert.issuer", "CN=Bosch ST Root CA,O=Bosch Sicherheitssysteme"}},
        Transport::kTcp, true);
  b.svc("rtsp", 554, "rtsp", {{"rtsp.status", "200"}, {"rtsp.describe.status", "200"}, {"rtsp.sdp.session_name", "LIVE VIEW"}});
  b.svc("banner", 23, "telnet", {{"telnet.banner", "\r\nWelcome to AutoDome 800 HD 7.10.0095 from 127.77.0.61\r\n\r\nlogin: "}});
  return b.build();
}

inline HostRecord panasonic_host() {
  HostBuilder b("127.77.0.62");
  b.tcp({80});
  b.svc("http", 80, "http", {{"http.status", "200"}, {"http.title", "WV-NS202A Network Camera"}});
  b.svc("onvif", 80, "http", {{"onvif.device_info.auth", "required"}});
  return b.build();
}

inline HostRecord sony_host() {
  HostBuilder b("127.77.0.63");
  b.tcp({80, 554});
  b.svc("http", 80, "http", {{"http.status", "200"}, {"http.title", "Sony Network Camera"}});
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.header.server", "Linux/2.6.35.14_nl-xarina+ Ze-PRO"},
         {"rtsp.describe.status", "401"},
         {"rtsp.header.www_authenticate", "Basic realm=\"Sony Network Camera\""},
         {"rtsp.auth.scheme", "Basic"},
         {"rtsp.auth.realm", "Sony Network Camera"}});
  return b.build();
}

inline HostRecord reolink_host() {
  HostBuilder b("127.77.0.64");
  b.tcp({80, 554, 8000, 9000});
  b.svc("http", 80, "http", {{"http.status", "200"}, {"http.title", "Reolink"}});
  b.svc("onvif", 8000, "http", {{"onvif.device_info.auth", "required"}, {"onvif.system_time.utc", "2026-11-27T10:00:00Z"}});
  b.svc("rtsp", 554, "rtsp",
        {{"rtsp.status", "200"},
         {"rtsp.describe.status", "401"},
         {"rtsp.header.www_authenticate", "Digest realm=\"BC Streaming Media\", nonce=\"n\""},
         {"rtsp.auth.scheme", "Digest"},
         {"rtsp.auth.realm", "BC Streaming Media"}});
  b.udp("wsd", 3702,
        {{"onvif.types", "dn:NetworkVideoTransmitter tds:Device"},
         {"onvif.scope.name", "RLC-810A"},
         {"onvif.scope.hardware", "RLC-810A"}});
  return b.build();
}

}  // namespace anshin::verdict::testing
