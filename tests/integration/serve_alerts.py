#!/usr/bin/env python3
"""Alerts on change from `anshin serve` (loopback only: labs on 127.120.30.0/24 and 127.120.31.0/24, the server on
127.120.0.7, the test receivers on 127.120.0.6): scans stored before the server ran raise nothing; a scan that
finishes while it runs raises one alert per change, POSTed to the webhook signed with HMAC-SHA256 (the receiver
fails the first POST: it is retried) and sent to syslog as RFC 5424; each alert is delivered once, also across a
restart of the server. A traffic capture stored while it runs (`anshin traffic --db`) raises no alert: it lists
only the devices that talked, and it is compared with captures only, never with the active scans."""
import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ready import wait_for  # noqa: E402
from lab import start_lab  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-alerts-")
db = os.path.join(work, "inv.db")
secret = "a shared webhook secret of some length"
with open(os.path.join(work, "secret"), "w") as f:
    f.write(secret + "\n")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


posts = []          # (status answered, headers, body)
lock = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with lock:
            status = 500 if not posts else 200  # the very first delivery fails
            posts.append((status, dict(self.headers), body))
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


hook = HTTPServer(("127.120.0.6", 0), Hook)
threading.Thread(target=hook.serve_forever, daemon=True).start()
syslog = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
syslog.bind(("127.120.0.6", 0))
syslog.settimeout(0.2)
datagrams = []


def drain_syslog():
    while True:
        try:
            datagrams.append(syslog.recv(65536))
        except socket.timeout:
            return


def lab(fleet, net):
    return start_lab(anshin, f"{net}.0/24", work, fleet=fleet)


def scan(*targets):
    out = subprocess.run([anshin, "scan", *targets, "--db", db, "-q"], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr


def write_capture(path, client, name):
    """A pcap of one DNS query from `client` for `name` (Ethernet, IPv4, UDP), written by hand."""
    dns = struct.pack(">HHHHHH", 1, 0x0100, 1, 0, 0, 0)
    dns += b"".join(bytes([len(label)]) + label for label in name.encode().split(b".")) + b"\0" + struct.pack(">HH", 1, 1)
    udp = struct.pack(">HHHH", 40000, 53, 8 + len(dns), 0) + dns
    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, socket.inet_aton(client),
                     socket.inet_aton("127.120.30.1")) + udp
    frame = bytes.fromhex("020000000001020000000002") + b"\x08\x00" + ip
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        f.write(struct.pack("<IIII", 1764979200, 0, len(frame), len(frame)) + frame)


def start_server():
    ready = os.path.join(work, "serve-ready")
    if os.path.exists(ready):
        os.remove(ready)
    p = subprocess.Popen([anshin, "serve", "--db", db, "--listen", "127.120.0.7:0", "--ready-file", ready,
                          "--webhook", f"http://127.120.0.6:{hook.server_port}/hook",
                          "--webhook-secret-file", os.path.join(work, "secret"),
                          "--syslog", f"127.120.0.6:{syslog.getsockname()[1]}", "--alert-interval", "1"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return p, wait_for(ready, p, "serve")


labs = [lab("default", "127.120.30")]
try:
    scan("127.120.30.0/24")
    server, address = start_server()
    time.sleep(2.5)
    check(not posts, "scans stored before the server ran raise no alert")
    labs.append(lab("hostile", "127.120.31"))
    scan("127.120.30.0/24", "127.120.31.0/24")
    host, port = address.rsplit(":", 1)

    def listed():
        c = http.client.HTTPConnection(host, int(port), timeout=10)
        c.request("GET", "/api/v1/alerts")
        return json.loads(c.getresponse().read())["alerts"]

    t0 = time.time()
    while time.time() - t0 < 30:
        alerts = listed()
        if alerts and all(a["webhook"] == "delivered" and a["syslog"] == "delivered" for a in alerts):
            break
        time.sleep(0.5)
    alerts = listed()
    check(len(alerts) > 0, "the new scan raised alerts")
    check(all(a["webhook"] == "delivered" for a in alerts), "every alert reached the webhook")
    kinds = {a["kind"] for a in alerts}
    check("device.new" in kinds, f"new devices alerted ({sorted(kinds)})")
    capture = os.path.join(work, "capture.pcap")
    write_capture(capture, "127.120.30.10", "litedev.hik-connect.com")
    out = subprocess.run([anshin, "traffic", "--pcap", capture, "--db", db], capture_output=True, text=True, timeout=60)
    check(out.returncode == 0 and "stored as scan 3" in out.stderr, f"the capture is stored: {out.stderr}")
    time.sleep(2.5)
    after = listed()
    check(len(after) == len(alerts), f"a capture raises no alert ({len(alerts)} -> {len(after)}: "
                                     f"{sorted({a['kind'] for a in after[:len(after) - len(alerts)]})})")
    stop_at = len(posts)
    server.send_signal(signal.SIGINT)
    server.wait(10)
    server, address = start_server()  # restarted: nothing is sent twice
    time.sleep(3)
    check(len(posts) == stop_at, f"no alert is sent again after a restart ({stop_at} -> {len(posts)})")
    server.send_signal(signal.SIGINT)
    server.wait(10)
finally:
    for p in labs:
        p.send_signal(signal.SIGINT)
        p.wait(10)

ok = [(h, b) for s, h, b in posts if s == 200]
keys = [h.get("X-Anshin-Alert-Key") for h, b in ok]
check(posts and posts[0][0] == 500, "the first POST failed at the receiver")
check(len(keys) == len(set(keys)) == len(alerts), f"each alert delivered once ({len(keys)} posts, {len(set(keys))} keys, {len(alerts)} alerts)")
check(posts[0][1].get("X-Anshin-Alert-Key") in keys, "the failed POST was retried")
for h, b in ok:
    expected = "sha256=" + hmac.new(secret.encode(), b, hashlib.sha256).hexdigest()
    check(h.get("X-Anshin-Signature") == expected, "the HMAC signature matches the body")
    doc = json.loads(b)
    check(doc["schema"] == "anshin.alert/1" and doc["key"] == h.get("X-Anshin-Alert-Key"), "alert body")
drain_syslog()
check(len(datagrams) == len(alerts), f"one syslog datagram per alert ({len(datagrams)} for {len(alerts)})")
check(all(d.startswith(b"<1") and b">1 " in d[:8] and b" anshin - " in d for d in datagrams), "RFC 5424 header")
check(all(b"\x1b" not in d for d in datagrams), "no terminal escape reaches syslog")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print(f"serve_alerts: {len(alerts)} alerts delivered once each")
