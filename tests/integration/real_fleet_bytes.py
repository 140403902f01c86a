#!/usr/bin/env python3
"""lab/fleets/real.yaml against the real-devices corpus it was written from (scripts/gen-real-fleet).

Starts the corpus's own replay (its fleet.py, 127.96.0.NN) and `anshin lab --fleet real` (127.77.228.NN),
sends both the same requests (every recorded HTTP route, every recorded ONVIF operation plus one that was not
recorded, an unknown path, RTSP OPTIONS/DESCRIBE/SETUP, the WS-Discovery, SADP and DHIP probes), and requires
byte-identical replies; also that every corpus device is a personality with the same id and suffix.
So the lab serves what the real units sent, framed as the corpus frames it, and nothing else.

usage: real_fleet_bytes.py ANSHIN   (env ANSHIN_SOURCE_DIR: the source tree; ANSHIN_REAL_DEVICES: the corpus,
default: corpora/real-devices in the shared folder beside the source tree). Exit 77 (skipped) when the corpus is absent.
Loopback only; both servers are stopped by their PID in a finally block.
"""
import glob
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

CORPUS_BASE = "127.96.0"
LAB_CIDR, LAB_BASE = "127.77.228.0/24", "127.77.228"


def complete(reply):
    """True once an RTSP reply's head and its Content-Length body have arrived (RTSP sessions stay open)."""
    head, sep, body = reply.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(body) >= int(value.strip() or 0)
    return True


def tcp(ip, port, req):
    rtsp = req.split(b"\r\n", 1)[0].endswith(b"RTSP/1.0")
    with socket.create_connection((ip, port), timeout=3) as s:
        s.sendall(req)
        out = b""
        try:
            while not (rtsp and complete(out)):
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
        except socket.timeout:
            pass
        return out


def udp(ip, port, data):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(1.5)
        s.bind(("127.0.0.1", 0))
        s.sendto(data, (ip, port))
        try:
            return s.recv(65536)
        except socket.timeout:
            return b"(no reply)"


def soap(op):
    return ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><tds:%s '
            'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>' % op).encode()


def requests(dev):
    out = []
    h = dev.get("http")
    if h:
        for r in h.get("routes", []):
            q = "&".join("%s=%s" % kv for kv in r.get("query", {}).items())
            out.append(("tcp", h["port"], ("%s %s%s HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"
                                            % (r["method"], r["path"], "?" + q if q else "")).encode()))
        for op in list(h.get("onvif", {})) + ["GetNetworkInterfaces"]:
            body = soap(op)
            out.append(("tcp", h["port"], b"POST /onvif/device_service HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n"
                        % len(body) + body))
        out.append(("tcp", h["port"], b"GET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"))
    if dev.get("rtsp"):
        for cseq, method in enumerate((b"OPTIONS", b"DESCRIBE", b"SETUP"), 1):
            out.append(("tcp", 554, b"%s rtsp://x/ RTSP/1.0\r\nCSeq: %d\r\n\r\n" % (method, cseq)))
    u = dev.get("udp", {})
    if "wsd" in u:
        out.append(("udp", 3702, b'<?xml version="1.0"?><e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
                    b'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
                    b'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"><e:Header><w:MessageID>'
                    b'uuid:00000000-0000-4000-8000-000000000001</w:MessageID></e:Header><e:Body><d:Probe/></e:Body>'
                    b'</e:Envelope>'))
    if "sadp" in u:
        out.append(("udp", 37020, b'<?xml version="1.0" encoding="utf-8"?><Probe><Uuid>X</Uuid><Types>inquiry</Types></Probe>'))
    if "dhip_body" in u:
        body = b'{"method":"DHDiscover.search","params":{"mac":"","uni":1}}\n'
        out.append(("udp", 37810, struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, len(body), 0, len(body), 0) + body))
    return out


def wait_for(path, proc, what):
    for _ in range(100):
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return
        if proc.poll() is not None:
            sys.exit("%s exited early (%s)" % (what, proc.returncode))
        time.sleep(0.1)
    sys.exit("%s not ready" % what)


def main():
    anshin = sys.argv[1]
    src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
    corpus = os.environ.get("ANSHIN_REAL_DEVICES", os.path.join(src, "..", "shared", "corpora", "real-devices"))
    if not os.path.exists(os.path.join(corpus, "fleet.py")):
        print("SKIP: the real-devices corpus is not at %s (set ANSHIN_REAL_DEVICES)" % corpus)
        return 77
    devices = [json.load(open(f, encoding="utf-8")) for f in sorted(glob.glob(os.path.join(corpus, "devices", "*.json")))]
    procs = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            ready_corpus, ready_lab = os.path.join(tmp, "corpus.out"), os.path.join(tmp, "lab.ready")
            procs.append(subprocess.Popen([sys.executable, os.path.join(corpus, "fleet.py"), "--base", CORPUS_BASE],
                                          stdout=open(ready_corpus, "w"), stderr=subprocess.STDOUT))
            wait_for(ready_corpus, procs[-1], "corpus replay")
            lab_out = os.path.join(tmp, "lab.out")
            procs.append(subprocess.Popen([anshin, "lab", "--fleet", "real", "--bind", LAB_CIDR, "--ready-file", ready_lab],
                                          stdout=open(lab_out, "w"), stderr=subprocess.STDOUT))
            wait_for(ready_lab, procs[-1], "anshin lab")
            time.sleep(0.2)
            listed = {tuple(line.split()[:2]) for line in open(lab_out, encoding="utf-8") if line.startswith(LAB_BASE + ".")}
            same = differ = 0
            for dev in devices:
                for kind, port, req in requests(dev):
                    send = tcp if kind == "tcp" else udp
                    a = send("%s.%d" % (CORPUS_BASE, dev["suffix"]), port, req)
                    b = send("%s.%d" % (LAB_BASE, dev["suffix"]), port, req)
                    if a == b:
                        same += 1
                        continue
                    differ += 1
                    print("DIFFER %s %s/%d %r\n  corpus %r\n  lab    %r" % (dev["id"], kind, port, req[:50], a[:400], b[:400]))
            print("real fleet bytes: %d/%d replies identical to the corpus replay over %d devices"
                  % (same, same + differ, len(devices)))
            missing = [d["id"] for d in devices if ("%s.%d" % (LAB_BASE, d["suffix"]), d["id"]) not in listed]
            for m in missing:
                print("MISSING personality for corpus device %s" % m)
            return 1 if differ or missing or same == 0 else 0
        finally:
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
                    try:
                        p.wait(5)
                    except subprocess.TimeoutExpired:
                        p.kill()


if __name__ == "__main__":
    sys.exit(main())
