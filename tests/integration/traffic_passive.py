#!/usr/bin/python3
"""anshin traffic: passive identification from the knowledge base's rules, telnet logins, DNS over TCP.

Captures written by this test with Debian's python3-scapy (nothing is sent anywhere). Every device uses a
locally administered MAC, so no OUI names its maker: what identifies it is what its traffic reveals.
- 192.168.2.20 announces "AXIS M1065-LW - ACCC8E123456._axis-video._tcp.local" over mDNS
  (data/fingerprints/mdns_name.yaml) and is logged into over telnet by a PC, twice (typed one byte a
  segment, and in one segment);
- 192.168.2.21 asks DHCP for an address as "Reolink" (dhcp_hostname.yaml) and resolves p2p.reolink.com
  over TCP (two queries in one segment, the answer split over two segments), then reaches it;
- 192.168.2.22 asks DHCP as "axis-accc8e0a1b2c";
- 192.168.2.10, a PC (DHCP vendor class "MSFT 5.0"), must not be reported.
Asserted: makers and the model, traffic.cleartext-auth for the telnet login, traffic.vendor-cloud from the
TCP DNS answer, and that the telnet password is in no output (JSON, terminal, the inventory, report HTML,
CSV and JSONL).

usage: traffic_passive.py ANSHIN_BINARY      (exit 77 when scapy is missing; KEEP_DIR=DIR keeps the files)
"""
import json
import os
import sqlite3
import struct
import subprocess
import sys
import tempfile

try:
    from scapy.all import BOOTP, DHCP, DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, Raw, wrpcap
except ImportError:
    print("skipped: python3-scapy is not installed")
    sys.exit(77)
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from traffic_fixtures import device, dhcp_request, finding, stamp  # noqa: E402

ANSHIN = sys.argv[1]
AXIS_CAM, AXIS_MAC = "192.168.2.20", "02:00:00:00:02:20"
REOLINK, REOLINK_MAC = "192.168.2.21", "02:00:00:00:02:21"
AXIS_DHCP, AXIS_DHCP_MAC = "192.168.2.22", "02:00:00:00:02:22"
PC, PC_MAC = "192.168.2.10", "02:00:00:00:02:10"
GW, GW_MAC = "192.168.2.1", "02:00:00:00:02:01"
REOLINK_RELAY = "203.0.113.77"
PASSWORD = b"Tel9netSecret"          # must appear in no output
PASSWORD2 = b"0therTelnetPw"

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)




def mdns_announcement():
    instance = "AXIS M1065-LW - ACCC8E123456._axis-video._tcp.local"
    answer = DNSRR(rrname="_axis-video._tcp.local", type="PTR", rdata=instance, ttl=4500)
    return (Ether(src=AXIS_MAC, dst="01:00:5e:00:00:fb") / IP(src=AXIS_CAM, dst="224.0.0.251") /
            UDP(sport=5353, dport=5353) / DNS(qr=1, aa=1, an=answer))


def telnet_session(sport, typed_one_by_one, password):
    """PC -> camera:23: negotiation, login prompt, user name, password prompt, password, shell prompt."""
    seq = {"c": 1000, "s": 5000}
    out = []

    def c(payload=b"", flags="PA"):
        p = (Ether(src=PC_MAC, dst=AXIS_MAC) / IP(src=PC, dst=AXIS_CAM) /
             TCP(sport=sport, dport=23, flags=flags, seq=seq["c"], ack=seq["s"]) / Raw(payload))
        seq["c"] += len(payload)
        out.append(p)

    def s(payload=b"", flags="PA"):
        p = (Ether(src=AXIS_MAC, dst=PC_MAC) / IP(src=AXIS_CAM, dst=PC) /
             TCP(sport=23, dport=sport, flags=flags, seq=seq["s"], ack=seq["c"]) / Raw(payload))
        seq["s"] += len(payload)
        out.append(p)

    out.append(Ether(src=PC_MAC, dst=AXIS_MAC) / IP(src=PC, dst=AXIS_CAM) / TCP(sport=sport, dport=23, flags="S", seq=999))
    out.append(Ether(src=AXIS_MAC, dst=PC_MAC) / IP(src=AXIS_CAM, dst=PC) / TCP(sport=23, dport=sport, flags="SA", seq=4999, ack=1000))
    s(b"\xff\xfd\x18\xff\xfd\x20\xff\xfb\x01\xff\xfb\x03")
    c(b"\xff\xfc\x18\xff\xfc\x20\xff\xfd\x01\xff\xfd\x03")
    s(b"\r\nAxis login: ")
    for ch in b"root":
        c(bytes([ch]))
        s(bytes([ch]))  # echoed
    c(b"\r\n")
    s(b"\r\nPassword: ")
    if typed_one_by_one:
        for ch in password:
            c(bytes([ch]))  # not echoed
    else:
        c(password)
    c(b"\r\n")
    s(b"\r\n# ")
    c(flags="FA")
    s(flags="FA")
    return out


def dns_over_tcp():
    """REOLINK -> GW:53 over TCP: two queries in one segment; the answer to the first split in two."""
    q1 = bytes(DNS(id=7, rd=1, qd=DNSQR(qname="p2p.reolink.com")))
    q2 = bytes(DNS(id=8, rd=1, qd=DNSQR(qname="p2p.reolink.com", qtype="AAAA")))
    a1 = bytes(DNS(id=7, qr=1, ra=1, qd=DNSQR(qname="p2p.reolink.com"),
                   an=DNSRR(rrname="p2p.reolink.com", rdata=REOLINK_RELAY, ttl=60)))
    a2 = bytes(DNS(id=8, qr=1, ra=1, qd=DNSQR(qname="p2p.reolink.com", qtype="AAAA")))
    framed_q = struct.pack(">H", len(q1)) + q1 + struct.pack(">H", len(q2)) + q2
    framed_a = struct.pack(">H", len(a1)) + a1 + struct.pack(">H", len(a2)) + a2
    cut = 9  # inside the first answer
    c = lambda seq, payload, flags="PA": (Ether(src=REOLINK_MAC, dst=GW_MAC) / IP(src=REOLINK, dst=GW) /
                                          TCP(sport=41000, dport=53, flags=flags, seq=seq) / Raw(payload))
    s = lambda seq, payload, flags="PA": (Ether(src=GW_MAC, dst=REOLINK_MAC) / IP(src=GW, dst=REOLINK) /
                                          TCP(sport=53, dport=41000, flags=flags, seq=seq) / Raw(payload))
    return [
        Ether(src=REOLINK_MAC, dst=GW_MAC) / IP(src=REOLINK, dst=GW) / TCP(sport=41000, dport=53, flags="S", seq=99),
        Ether(src=GW_MAC, dst=REOLINK_MAC) / IP(src=GW, dst=REOLINK) / TCP(sport=53, dport=41000, flags="SA", seq=699, ack=100),
        c(100, framed_q),
        s(700, framed_a[:cut]),
        s(700, framed_a[:cut]),                   # a retransmission: read once
        s(700 + cut, framed_a[cut:]),
        c(100 + len(framed_q), b"", "FA"),
    ]


def relay_contact():
    c = Ether(src=REOLINK_MAC, dst=GW_MAC) / IP(src=REOLINK, dst=REOLINK_RELAY) / UDP(sport=42000, dport=9999) / Raw(b"\x10\x20hello")
    s = Ether(src=GW_MAC, dst=REOLINK_MAC) / IP(src=REOLINK_RELAY, dst=REOLINK) / UDP(sport=9999, dport=42000) / Raw(b"\x10\x21")
    return [c, s]


def site():
    pkts = [dhcp_request(PC_MAC, "OFFICE-PC", "MSFT 5.0", PC, 0x2222),
            dhcp_request(REOLINK_MAC, "Reolink", "udhcp 1.24.2", REOLINK, 0x2222),
            dhcp_request(AXIS_DHCP_MAC, "axis-accc8e0a1b2c", "udhcp 1.24.2", AXIS_DHCP, 0x2222),
            mdns_announcement()]
    pkts += dns_over_tcp() + relay_contact()
    pkts += telnet_session(51000, True, PASSWORD)
    pkts += telnet_session(51001, False, PASSWORD2)
    # the DHCP-only Axis unit also sends a frame from its address, so its MAC ties to it
    pkts.append(Ether(src=AXIS_DHCP_MAC, dst=GW_MAC) / IP(src=AXIS_DHCP, dst=GW) / UDP(sport=123, dport=123) / Raw(b"\x23" + b"\0" * 47))
    return stamp(pkts)


def run(*args, lang="C.UTF-8"):
    env = dict(os.environ, LC_ALL=lang, LANG=lang, NO_COLOR="1")
    return subprocess.run([ANSHIN, *args], capture_output=True, text=True, env=env, timeout=120)




def secret_free(blob, where):
    for secret in (PASSWORD, PASSWORD2):
        check(secret.decode() not in blob, f"{secret.decode()} absent from {where}")


def main():
    with tempfile.TemporaryDirectory(prefix="anshin-passive-") as tmp:
        tmp = os.environ.get("KEEP_DIR", tmp)
        pcap = os.path.join(tmp, "site.pcap")
        wrpcap(pcap, site())
        out, db = os.path.join(tmp, "site.json"), os.path.join(tmp, "inv.db")
        r = run("traffic", "--pcap", pcap, "--json", out, "--db", db)
        check(r.returncode == 0, f"exit {r.returncode}: {r.stderr}")
        if r.returncode != 0:
            return 1
        with open(out) as f:
            doc = json.load(f)
        secret_free(json.dumps(doc), "JSON")
        secret_free(r.stdout + r.stderr, "terminal")

        cam = device(doc, AXIS_CAM)
        check(cam is not None and cam["manufacturer"] == "Axis" and cam["model"] == "M1065-LW",
              f"mDNS names Axis M1065-LW: {cam and (cam['manufacturer'], cam['model'])}")
        check(cam is not None and any(e["source"] == "mdns.name" for e in cam.get("evidence", [])),
              f"the camera's evidence cites mdns.name: {cam and cam.get('evidence')}")
        auth = finding(cam, "traffic.cleartext-auth")
        check(auth is not None, "traffic.cleartext-auth on the telnet server")
        if auth:
            ev = " ".join(e["value"] for e in auth["evidence"])
            check("login/password over telnet" in ev and f"{PC} -> {AXIS_CAM}:23" in ev, f"telnet evidence: {ev}")
            check("2" in auth["detail"], f"two telnet logins counted: {auth['detail']}")

        reo = device(doc, REOLINK)
        check(reo is not None and reo["manufacturer"] == "Reolink", f"DHCP host name names Reolink: {reo and reo['manufacturer']}")
        cloud = finding(reo, "traffic.vendor-cloud")
        check(cloud is not None and "Reolink P2P" in cloud["detail"], f"vendor cloud from the TCP DNS answer: {cloud and cloud['detail']}")
        if cloud:
            ev = " ".join(e["value"] for e in cloud["evidence"])
            check("by dns" in ev and REOLINK_RELAY in ev and "p2p.reolink.com" in ev, f"vendor-cloud evidence: {ev}")
            check("2 DNS queries" in ev, f"both queries of the one segment were read: {ev}")

        ax2 = device(doc, AXIS_DHCP)
        check(ax2 is not None and ax2["manufacturer"] == "Axis", f"DHCP host name names Axis: {ax2 and ax2['manufacturer']}")
        check(device(doc, PC) is None, "the PC (MSFT 5.0) is not reported")

        with sqlite3.connect(db) as con:
            secret_free("\n".join(con.iterdump()), "the inventory")
        for fmt in ("html", "csv", "jsonl"):
            rr = run("report", "--db", db, "--format", fmt)
            check(rr.returncode == 0 and AXIS_CAM in rr.stdout, f"report {fmt}: exit {rr.returncode} {rr.stderr[:200]}")
            secret_free(rr.stdout + rr.stderr, f"report {fmt}")
        rj = run("traffic", "--pcap", pcap, "--lang", "ja", lang="ja_JP.UTF-8")
        check(rj.returncode == 0, f"ja run: {rj.returncode}")
        secret_free(rj.stdout + rj.stderr, "terminal (ja)")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("traffic_passive: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
