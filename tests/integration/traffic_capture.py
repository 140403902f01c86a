#!/usr/bin/python3
"""anshin traffic on captures this test writes itself (Debian's python3-scapy; nothing is sent anywhere).

The site: a Hikvision camera (192.168.1.64, Hikvision MAC prefix) that asks DHCP for its address, resolves
and reaches a Hik-Connect name (DNS, then a TLS ClientHello naming it), talks to an unknown outside host,
and is logged into with HTTP Basic auth by a PC (it answers with Server: App-webs/); a Dahua unit
(192.168.1.65) that announces itself with DHIP and asks for the Dahua P2P rendezvous name; a PC
(192.168.1.10) that browses the web. Written as pcap and as pcapng, then as Zeek logs in TSV and JSON.
Asserted: every traffic.* finding and its evidence, the passive identifications, that the PC is not
reported, that the Basic credentials appear in no output, and that --db stores a scan.
Hostile captures (cut, an oversized record, garbage frames) end in bounded memory.

usage: traffic_capture.py ANSHIN_BINARY      (exit 77 when scapy is missing)
"""
import json
import os
import resource
import sqlite3
import struct
import subprocess
import sys
import tempfile

try:
    from scapy.all import (BOOTP, DHCP, DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, Raw, wrpcap,
                           wrpcapng)
    from scapy.layers.tls.extensions import ServerName, TLS_Ext_ServerName
    from scapy.layers.tls.handshake import TLSClientHello
    from scapy.layers.tls.record import TLS
except ImportError:
    print("skipped: python3-scapy is not installed")
    sys.exit(77)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from traffic_fixtures import device, dhcp_request, finding, stamp  # noqa: E402

ANSHIN = sys.argv[1]
CAM, CAM_MAC = "192.168.1.64", "04:03:12:0a:0b:0c"      # 04:03:12 = Hangzhou Hikvision (IEEE MA-L)
DAHUA, DAHUA_MAC = "192.168.1.65", "08:ed:ed:01:02:03"  # 08:ED:ED = Zhejiang Dahua (IEEE MA-L)
PC, PC_MAC = "192.168.1.10", "02:00:00:00:00:10"
GW, GW_MAC = "192.168.1.1", "02:00:00:00:00:01"
HIK_RELAY, OTHER, WEB = "203.0.113.7", "198.51.100.20", "192.0.2.80"
SECRET = "admin:Sup3rSecret!"
BASIC = "YWRtaW46U3VwM3JTZWNyZXQh"  # base64 of SECRET: must never appear in any output

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)



def tcp_session(client, cmac, server, smac, sport, dport, request, reply=b""):
    """A whole TCP connection: handshake, one request, one reply, close."""
    c = lambda **kw: Ether(src=cmac, dst=smac) / IP(src=client, dst=server) / TCP(sport=sport, dport=dport, **kw)
    s = lambda **kw: Ether(src=smac, dst=cmac) / IP(src=server, dst=client) / TCP(sport=dport, dport=sport, **kw)
    out = [c(flags="S", seq=1000), s(flags="SA", seq=5000, ack=1001), c(flags="A", seq=1001, ack=5001),
           c(flags="PA", seq=1001, ack=5001) / Raw(request)]
    if reply:
        out.append(s(flags="PA", seq=5001, ack=1001 + len(request)) / Raw(reply))
    out += [c(flags="FA", seq=1001 + len(request), ack=5001 + len(reply)), s(flags="FA", seq=5001 + len(reply))]
    return out



def dns_exchange(client, cmac, name, answer, sport):
    q = Ether(src=cmac, dst=GW_MAC) / IP(src=client, dst=GW) / UDP(sport=sport, dport=53) / DNS(id=sport, rd=1, qd=DNSQR(qname=name))
    a = (Ether(src=GW_MAC, dst=cmac) / IP(src=GW, dst=client) / UDP(sport=53, dport=sport) /
         DNS(id=sport, qr=1, ra=1, qd=DNSQR(qname=name), an=DNSRR(rrname=name, rdata=answer, ttl=300)))
    return [q, a]


def dhip_announcement():
    body = json.dumps({"mac": DAHUA_MAC, "method": "client.notifyDevInfo", "params": {"deviceInfo": {
        "DeviceClass": "IPC", "DeviceType": "IPC-HFW2431S-S-S2", "SerialNo": "7K0A1B2PAZ12345",
        "Vendor": "Dahua", "Manufacturer": "Dahua", "Version": "2.800.0000000.25.R", "HttpPort": 80,
        "Port": 37777}}}).encode() + b"\n\0"
    header = struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, len(body), 0, len(body), 0)
    return (Ether(src=DAHUA_MAC, dst="01:00:5e:7f:ff:fb") / IP(src=DAHUA, dst="239.255.255.251") /
            UDP(sport=37810, dport=37810) / Raw(header + body))


def site_packets():
    hello = TLS(msg=[TLSClientHello(ext=[TLS_Ext_ServerName(servernames=[ServerName(servername=b"litedev.hik-connect.com")])])])
    basic = (b"GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: " + CAM.encode() +
             b"\r\nUser-Agent: Mozilla/5.0\r\nAuthorization: Basic " + BASIC.encode() + b"\r\n\r\n")
    reply = b"HTTP/1.1 200 OK\r\nServer: App-webs/\r\nContent-Type: application/xml\r\nContent-Length: 0\r\n\r\n"
    pkts = [dhcp_request(CAM_MAC, "IPC", "udhcp 1.20.2", CAM, 0x1234, [1, 3, 6, 15, 28, 42])]
    pkts += dns_exchange(CAM, CAM_MAC, "litedev.hik-connect.com", HIK_RELAY, 40001)
    pkts += tcp_session(CAM, CAM_MAC, HIK_RELAY, GW_MAC, 40002, 443, bytes(hello), b"\x16\x03\x03\x00\x02\x02\x00")
    pkts += tcp_session(CAM, CAM_MAC, OTHER, GW_MAC, 40003, 8080, b"\x00\x01binary-heartbeat", b"\x00\x02ok")
    pkts += tcp_session(PC, PC_MAC, CAM, CAM_MAC, 50001, 80, basic, reply)
    pkts += [dhip_announcement()]
    pkts += dns_exchange(DAHUA, DAHUA_MAC, "www.easy4ipcloud.com", "203.0.113.50", 40010)
    pkts += tcp_session(PC, PC_MAC, WEB, GW_MAC, 50002, 443, b"\x16\x03\x01\x00\x05hello", b"\x16\x03\x03\x00\x02ok")
    return stamp(pkts, step=0.5)


def run(args, env_lang="C.UTF-8"):
    env = dict(os.environ, LC_ALL=env_lang, LANG=env_lang, NO_COLOR="1")
    return subprocess.run([ANSHIN, "traffic", *args], capture_output=True, text=True, env=env, timeout=120)




def assert_site(doc, text, label, passive_identity=True):
    cam = device(doc, CAM)
    check(cam is not None, f"{label}: the camera {CAM} is a device")
    cloud = finding(cam, "traffic.vendor-cloud")
    check(cloud is not None, f"{label}: traffic.vendor-cloud on the camera")
    if cloud:
        ev = " ".join(e["value"] for e in cloud["evidence"])
        check("Hik-Connect" in cloud["detail"] and "hik-connect.com" in ev, f"{label}: vendor-cloud names Hik-Connect: {ev}")
        check(HIK_RELAY in ev, f"{label}: vendor-cloud evidence has the relay address")
        check("2025-12-06T00:00" in cloud["detail"], f"{label}: vendor-cloud first seen: {cloud['detail']}")
    out = finding(cam, "traffic.outbound")
    check(out is not None and OTHER in " ".join(e["value"] for e in out["evidence"]), f"{label}: traffic.outbound to {OTHER}")
    check(out is None or HIK_RELAY not in " ".join(e["value"] for e in out["evidence"]), f"{label}: the vendor relay is not 'outbound'")
    auth = finding(cam, "traffic.cleartext-auth")
    check(auth is not None and auth["severity"] == "high", f"{label}: traffic.cleartext-auth on the camera")
    if auth:
        check("Basic over http" in " ".join(e["value"] for e in auth["evidence"]), f"{label}: cleartext evidence names Basic/http")
    check(device(doc, PC) is None, f"{label}: the PC {PC} is not reported")
    check(all(d.get("source") == "passive" for d in doc["devices"]), f"{label}: every device is marked source: passive")
    dahua = device(doc, DAHUA)
    check(dahua is not None and finding(dahua, "traffic.vendor-cloud") is not None, f"{label}: Dahua unit reaches Dahua P2P")
    if passive_identity:
        check(cam and cam["manufacturer"] == "Hikvision", f"{label}: camera identified as Hikvision: {cam and cam['manufacturer']}")
        check(cam and cam["mac"] == CAM_MAC, f"{label}: camera MAC from its frames/DHCP")
        sources = {e["source"] for e in (cam or {}).get("evidence", [])}
        check("http.header.server" in sources and "mac.oui" in sources, f"{label}: camera evidence {sources}")
        check(dahua and dahua["manufacturer"] == "Dahua" and dahua["model"] == "IPC-HFW2431S-S-S2",
              f"{label}: Dahua identified from DHIP: {dahua and (dahua['manufacturer'], dahua['model'])}")
    else:  # reaching the maker's cloud alone is clone-tier evidence: "possibly", never a proven maker
        check(cam and cam["manufacturer"] is None and finding(cam, "identity.weak-evidence") is not None,
              f"{label}: Hik-Connect alone makes Hikvision only possible")
        check(not any(f["id"].startswith("policy.") for f in (cam or {}).get("findings", [])), f"{label}: no policy finding")
    for where, blob in (("json", json.dumps(doc)), ("terminal", text)):
        check(BASIC not in blob and "Sup3rSecret" not in blob, f"{label}: credentials absent from {where}")


def zeek_logs(folder, as_json):
    t0 = 1764979200.0
    logs = {
        "conn": (["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "service", "duration",
                  "orig_bytes", "resp_bytes", "conn_state", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"],
                 [[t0 + 1, "C1", CAM, 40002, HIK_RELAY, 443, "tcp", "ssl", 2.5, 517, 7, "SF", 5, 777, 4, 215],
                  [t0 + 2, "C2", CAM, 40003, OTHER, 8080, "tcp", "-", 1.0, 18, 4, "SF", 4, 226, 3, 164],
                  [t0 + 3, "C3", PC, 50001, CAM, 80, "tcp", "http", 0.2, 140, 90, "SF", 4, 348, 3, 254],
                  [t0 + 4, "C4", PC, 50002, WEB, 443, "tcp", "ssl", 0.2, 10, 8, "SF", 4, 218, 3, 180]]),
        "dns": (["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto", "query", "qtype_name", "answers"],
                [[t0, "D1", CAM, 40001, GW, 53, "udp", "litedev.hik-connect.com", "A", [HIK_RELAY]],
                 [t0 + 5, "D2", DAHUA, 40010, GW, 53, "udp", "www.easy4ipcloud.com", "A", ["203.0.113.50"]]]),
        "ssl": (["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "version", "server_name"],
                [[t0 + 1, "C1", CAM, 40002, HIK_RELAY, 443, "TLSv12", "litedev.hik-connect.com"]]),
        "http": (["ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "method", "host", "uri", "user_agent",
                  "status_code", "username", "password"],
                 [[t0 + 3, "C3", PC, 50001, CAM, 80, "GET", CAM, "/ISAPI/System/deviceInfo", "Mozilla/5.0", 200, "admin",
                   "Sup3rSecret!"]]),
    }
    for name, (fields, rows) in logs.items():
        path = os.path.join(folder, f"{name}.log")
        with open(path, "w") as f:
            if as_json:
                for r in rows:
                    f.write(json.dumps(dict(zip(fields, r))) + "\n")
            else:
                f.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n")
                f.write(f"#path\t{name}\n#fields\t" + "\t".join(fields) + "\n#types\t" + "\t".join("string" for _ in fields) + "\n")
                for r in rows:
                    f.write("\t".join(",".join(map(str, v)) if isinstance(v, list) else str(v) for v in r) + "\n")
                f.write("#close\t2025-12-06-00-10-00\n")


def hostile_files(tmp):
    """(name, path): a capture cut mid-packet, a record claiming 2 GiB, frames of garbage and lies."""
    good = os.path.join(tmp, "site.pcap")
    with open(good, "rb") as f:
        data = f.read()
    cut = os.path.join(tmp, "cut.pcap")
    with open(cut, "wb") as f:
        f.write(data[: len(data) - 37])
    huge = os.path.join(tmp, "huge.pcap")
    with open(huge, "wb") as f:
        f.write(data[:24] + struct.pack("<IIII", 1764979200, 0, 0x7FFFFFF0, 0x7FFFFFF0) + b"\0" * 64)
    garbage = os.path.join(tmp, "garbage.pcap")
    import random
    rnd = random.Random(16)
    pkts = []
    for i in range(3000):
        body = bytes(rnd.getrandbits(8) for _ in range(rnd.randint(0, 300)))
        if i % 3 == 0:
            pkts.append(Ether(src=CAM_MAC) / IP(src=CAM, dst="203.0.113.9", ihl=15) / Raw(body))
        elif i % 3 == 1:
            pkts.append(Ether(src=CAM_MAC) / IP(src=CAM, dst=GW) / UDP(sport=53, dport=53) / Raw(b"\x00\x01\x81\x80\x00\x01" + body))
        else:
            pkts.append(Ether(src=CAM_MAC) / IP(src=CAM, dst="203.0.113.9") / TCP(sport=1234, dport=443, flags="PA") /
                        Raw(b"\x16\x03\x01\xff\xff\x01" + body))
    wrpcap(garbage, stamp(pkts, step=0.5))
    return [("cut", cut), ("huge record", huge), ("garbage", garbage)]


def main():
    with tempfile.TemporaryDirectory(prefix="anshin-traffic-") as tmp:
        pkts = site_packets()
        for ext, writer in (("pcap", wrpcap), ("pcapng", wrpcapng)):
            path = os.path.join(tmp, f"site.{ext}")
            writer(path, pkts)
            out = os.path.join(tmp, f"site-{ext}.json")
            r = run(["--pcap", path, "--json", out])
            check(r.returncode == 0, f"{ext}: exit {r.returncode}: {r.stderr}")
            if r.returncode == 0:
                with open(out) as f:
                    assert_site(json.load(f), r.stdout + r.stderr, ext)
        # Japanese texts, and --db: a stored scan with the devices and no credentials.
        db = os.path.join(tmp, "inv.db")
        ja_json = os.path.join(tmp, "ja.json")
        r = run(["--pcap", os.path.join(tmp, "site.pcap"), "--db", db, "--lang", "ja", "--json", ja_json], "ja_JP.UTF-8")
        check(r.returncode == 0 and "内部ホスト" in r.stderr, f"ja + db: {r.returncode} {r.stderr}")
        with open(ja_json) as f:
            cam = device(json.load(f), CAM)
        check(finding(cam, "traffic.vendor-cloud")["title"] == "メーカーのクラウド・P2P 中継サーバーと通信しています",
              "ja title of traffic.vendor-cloud")
        with sqlite3.connect(db) as con:
            dump = "\n".join(con.iterdump())
        check(CAM in dump and "traffic.vendor-cloud" in dump, "the inventory holds the camera and its finding")
        check(BASIC not in dump and "Sup3rSecret" not in dump, "credentials absent from the inventory")
        # Zeek logs: TSV and JSON (no DHCP/announcements there: findings only, no maker).
        for as_json in (False, True):
            label = "zeek-json" if as_json else "zeek-tsv"
            folder = os.path.join(tmp, label)
            os.mkdir(folder)
            zeek_logs(folder, as_json)
            out = os.path.join(tmp, f"{label}.json")
            r = run(["--zeek", folder, "--json", out])
            check(r.returncode == 0, f"{label}: exit {r.returncode}: {r.stderr}")
            if r.returncode == 0:
                with open(out) as f:
                    assert_site(json.load(f), r.stdout + r.stderr, label, passive_identity=False)
                check("4 records" not in r.stderr, f"{label}: {r.stderr.strip()}")
        # Hostile captures: handled (no crash), memory bounded.
        for name, path in hostile_files(tmp):
            r = run(["--pcap", path, "--json", os.path.join(tmp, "hostile.json")])
            check(r.returncode in (0, 1) and "Traceback" not in r.stderr, f"hostile {name}: exit {r.returncode} {r.stderr}")
            if name == "cut":
                check(r.returncode == 0 and "ends early" in r.stderr, f"hostile cut: read up to the cut: {r.stderr}")
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        check(peak_kib < 200 * 1024, f"peak RSS of anshin traffic {peak_kib} KiB")
        r = run(["--pcap", os.path.join(tmp, "site.pcap"), "--zeek", tmp])
        check(r.returncode == 1, f"--pcap with --zeek refused: {r.returncode}")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("traffic_capture: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
