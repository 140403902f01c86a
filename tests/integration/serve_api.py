#!/usr/bin/env python3
"""anshin serve over a real socket (loopback only: labs on 127.120.10.0/24 and 127.120.11.0/24, the server on
127.120.0.1 and 127.120.0.2): the JSON API over two scans (the default fleet, then it and the hostile fleet);
limits (oversized header and body, a slow request), path traversal and a foreign Host refused; a non-loopback
listen without TLS refused; then HTTPS with users: login, roles, CSRF, session cookie flags, audit log.
With Chromium present, every dashboard page is loaded in both languages and must hold no element or handler
that came from a device string (the hostile fleet's markup stays text)."""
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ready import wait_for  # noqa: E402
from lab import start_lab  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-serve-")
db = os.path.join(work, "inv.db")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def lab(fleet, net):
    return start_lab(anshin, f"{net}.0/24", work, fleet=fleet)


def scan(*targets):
    out = subprocess.run([anshin, "scan", *targets, "--db", db, "-q"], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr


def start_server(listen, *extra):
    ready = os.path.join(work, "serve-ready")
    if os.path.exists(ready):
        os.remove(ready)
    proc = subprocess.Popen([anshin, "serve", "--db", db, "--listen", listen, "--ready-file", ready, *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return proc, wait_for(ready, proc, "serve")


def stop(proc):
    proc.send_signal(signal.SIGINT)
    proc.wait(10)


def get(addr, path, headers=None):
    host, port = addr.rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    c.request("GET", path, headers=headers or {})
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, dict(r.getheaders()), body


def raw(addr, data, wait=5.0):
    """Sends bytes, returns what came back before the server closed (or `wait` passed)."""
    host, port = addr.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=wait)
    try:
        s.sendall(data)
    except OSError:
        pass
    got = b""
    t0 = time.time()
    try:
        while time.time() - t0 < wait:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except (socket.timeout, ConnectionResetError):
        pass
    s.close()
    return got, time.time() - t0


def api_checks(addr):
    status, headers, body = get(addr, "/api/v1/scans")
    check(status == 200, "scans 200")
    scans = json.loads(body)["scans"]
    check(len(scans) == 2, "two scans")
    check(headers.get("Cache-Control") == "no-store", "API answers are not cached")
    devices = json.loads(get(addr, "/api/v1/devices?limit=1000")[2])
    check(devices["total"] == scans[1]["devices"], "device total equals the scan's devices")
    old = json.loads(get(addr, "/api/v1/devices?scan=1&limit=1000")[2])
    check(old["total"] == scans[0]["devices"], "an older scan's devices")
    hik = json.loads(get(addr, "/api/v1/devices?maker=hikvision&severity=high&sort=severity")[2])
    check(hik["total"] > 0 and all(d["severity"] in ("high", "critical") for d in hik["devices"]), "filters")
    hostile = [d for d in devices["devices"] if d["address"].startswith("127.120.11.")]
    check(any("<script>" in (d["model"] or "") for d in hostile), "hostile strings are returned as data")
    one = json.loads(get(addr, f"/api/v1/devices/{hik['devices'][0]['id']}")[2])
    check(len(one["history"]) == 2 and one["timeline"][0]["event"] == "first_seen", "device history over both scans")
    check(one["device"]["evidence"], "device evidence")
    diff = json.loads(get(addr, "/api/v1/diff")[2])
    check(len(diff["new_devices"]) == len(hostile), "diff: the hostile fleet is new")
    check(json.loads(get(addr, "/api/v1/policies")[2])["devices_named"] > 0, "policy exposure")
    check(json.loads(get(addr, "/api/v1/findings")[2])["findings"], "findings")
    check(json.loads(get(addr, "/api/v1/overview")[2])["devices"] == devices["total"], "overview")
    # Errors in the request's language (?lang=, else Accept-Language), with a code that does not change.
    answers = [get(addr, "/api/v1/devices/999999?lang=en"), get(addr, "/api/v1/devices/999999?lang=ja"),
               get(addr, "/api/v1/devices/999999", {"Accept-Language": "ja,en;q=0.8"})]
    errors = [json.loads(body)["error"] for _, _, body in answers]
    check([status for status, _, _ in answers] == [404] * 3, "an unknown device is 404 in every language")
    check([e["code"] for e in errors] == ["no_such_device"] * 3, f"one code in every language ({errors})")
    check([e["message"] for e in errors] == ["no such device", "その機器はありません", "その機器はありません"],
          f"the message in the request's language ({errors})")


def limit_checks(addr):
    big_header = b"GET /api/v1/scans HTTP/1.1\r\nHost: " + addr.encode() + b"\r\nX-Pad: " + b"a" * 20000 + b"\r\n\r\n"
    got, _ = raw(addr, big_header)
    check(got.startswith(b"HTTP/1.1 431"), f"oversized header refused: {got[:40]!r}")
    big_body = (b"POST /api/v1/login HTTP/1.1\r\nHost: " + addr.encode() +
                b"\r\nContent-Type: application/json\r\nContent-Length: 200000\r\n\r\n" + b"x" * 200000)
    got, _ = raw(addr, big_body)
    check(got.startswith(b"HTTP/1.1 413"), f"oversized body refused: {got[:40]!r}")
    got, took = raw(addr, b"GET /api/v1/scans HTTP/1.1\r\nHost: " + addr.encode() + b"\r\nX-Slow:", wait=8)
    check(got == b"" and took < 6, f"a slow request is cut off after --request-timeout ({took:.1f}s)")
    got, _ = raw(addr, b"GET /static/../../../etc/passwd HTTP/1.1\r\nHost: " + addr.encode() + b"\r\nConnection: close\r\n\r\n")
    check(got.startswith(b"HTTP/1.1 400") and b"root:" not in got, "path traversal refused")
    got, _ = raw(addr, b"GET /static/%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nHost: " + addr.encode() + b"\r\nConnection: close\r\n\r\n")
    check(got.startswith(b"HTTP/1.1 400"), "encoded path traversal refused")
    status, _, _ = get(addr, "/api/v1/scans", {"Host": "rebind.example:8741"})
    check(status == 421, "a foreign Host (DNS rebinding) is refused")


class DomAudit(HTMLParser):
    """Counts what a device string must never become: elements that run code or load things."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self.foreign = 0, 0, 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag in ("img", "svg", "iframe", "object", "embed", "math"):
            self.foreign += 1
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.handlers += 1


def browser_checks(addr):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        print("chromium not found: dashboard XSS check skipped", file=sys.stderr)
        return
    devices = json.loads(get(addr, "/api/v1/devices?limit=1000")[2])["devices"]
    # The hostile devices whose identifying strings carry markup (each page load costs a browser start).
    hostile = [d["id"] for d in devices if d["address"].startswith("127.120.11.") and
               "<" in json.dumps([d["model"], d["firmware"], d["serial"], d["manufacturer"]])][:4]
    check(len(hostile) >= 2, "the hostile fleet has devices with markup in their strings")
    pages = ["#/", "#/devices?limit=1000", "#/diff"] + [f"#/device/{i}" for i in hostile]
    for lang in ("en", "ja"):
        for page in pages:
            url = f"http://{addr}/?lang={lang}{page}"
            out = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" +
                                  os.path.join(work, "chrome"), "--virtual-time-budget=8000", "--dump-dom", url],
                                 capture_output=True, text=True, timeout=90)
            dom = out.stdout
            check("data-ready=" in dom and 'data-ready="error"' not in dom, f"{url} rendered")
            audit = DomAudit()
            audit.feed(dom)
            check(audit.scripts == 1, f"{url}: only the dashboard's own script ({audit.scripts})")
            check(audit.handlers == 0 and audit.foreign == 0, f"{url}: no element or handler from device strings")
    dom = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--user-data-dir=" +
                          os.path.join(work, "chrome"), "--virtual-time-budget=8000", "--dump-dom",
                          f"http://{addr}/?lang=ja#/devices?limit=1000"], capture_output=True, text=True, timeout=90).stdout
    check("&lt;script&gt;alert(" in dom, "hostile markup shown as text in the device list")
    check("機器一覧" in dom, "the Japanese dashboard")


def https_checks():
    key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.120.0.2"],
                   check=True, capture_output=True)
    for name, role, password in (("boss", "admin", "boss password 1"), ("eve", "viewer", "eve password 12")):
        out = subprocess.run([anshin, "serve", "--db", db, "--add-user", name, "--role", role],
                             input=password + "\n", capture_output=True, text=True, timeout=30)
        check(out.returncode == 0, f"--add-user {name}: {out.stderr}")
    short = subprocess.run([anshin, "serve", "--db", db, "--add-user", "x", "--role", "viewer"], input="short\n",
                           capture_output=True, text=True, timeout=30)
    check(short.returncode == 1, "a short password is refused")
    proc, addr = start_server("127.120.0.2:0", "--tls-cert", cert, "--tls-key", key)
    try:
        host, port = addr.rsplit(":", 1)
        ctx = ssl.create_default_context(cafile=cert)
        ctx.check_hostname = False

        def call(method, path, body=None, cookie=None, csrf=None):
            c = http.client.HTTPSConnection(host, int(port), context=ctx, timeout=30)
            headers = {}
            if body is not None:
                headers["Content-Type"] = "application/json"
            if cookie:
                headers["Cookie"] = cookie
            if csrf:
                headers["X-CSRF-Token"] = csrf
            c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
            r = c.getresponse()
            data = r.read()
            c.close()
            return r.status, r.getheader("Set-Cookie"), data

        check(call("GET", "/api/v1/devices")[0] == 401, "HTTPS: unauthenticated refused")
        status, cookie, data = call("POST", "/api/v1/login", {"user": "eve", "password": "eve password 12"})
        check(status == 200 and cookie.startswith("__Host-anshin_session=") and "Secure" in cookie and
              "HttpOnly" in cookie and "SameSite=Strict" in cookie, f"HTTPS login cookie: {cookie}")
        eve = cookie.split(";")[0]
        eve_csrf = json.loads(data)["csrf"]
        check(call("GET", "/api/v1/devices", cookie=eve)[0] == 200, "viewer reads devices")
        check(call("GET", "/api/v1/audit", cookie=eve)[0] == 403, "viewer cannot read the audit log")
        check(call("POST", "/api/v1/users", {"name": "mallory", "role": "admin", "password": "mallory password"},
                   cookie=eve, csrf=eve_csrf)[0] == 403, "viewer cannot add users")
        status, cookie, data = call("POST", "/api/v1/login", {"user": "boss", "password": "boss password 1"})
        boss, boss_csrf = cookie.split(";")[0], json.loads(data)["csrf"]
        new_user = {"name": "carol", "role": "viewer", "password": "carol password"}
        check(call("POST", "/api/v1/users", new_user, cookie=boss)[0] == 403, "admin without CSRF token refused")
        check(call("POST", "/api/v1/users", new_user, cookie=boss, csrf=boss_csrf)[0] == 201, "admin adds a user")
        audit = json.loads(call("GET", "/api/v1/audit", cookie=boss)[2])["entries"]
        check([e["action"] for e in audit][:3] == ["user.put", "login", "login"], f"audit log: {audit[:3]}")
        check(call("GET", "/api/v1/devices")[0] == 401, "still refused without a cookie")
    finally:
        stop(proc)


labs = [lab("default", "127.120.10")]
try:
    scan("127.120.10.0/24")
    labs.append(lab("hostile", "127.120.11"))
    scan("127.120.10.0/24", "127.120.11.0/24")
finally:
    for lab in labs:
        stop(lab)

refused = subprocess.run([anshin, "serve", "--db", db, "--listen", "0.0.0.0:0"], capture_output=True, text=True, timeout=30)
check(refused.returncode == 1 and "TLS" in refused.stderr, "a non-loopback listen without TLS is refused")

server, address = start_server("127.120.0.1:0", "--request-timeout", "2")
try:
    api_checks(address)
    limit_checks(address)
    check(get(address, "/api/v1/scans")[0] == 200, "still serving after the refused requests")
    browser_checks(address)
finally:
    stop(server)
https_checks()

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("serve_api: all checks passed")
