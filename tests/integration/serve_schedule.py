#!/usr/bin/env python3
"""Scheduled audits in `anshin serve` against a real lab fleet (loopback only: the lab on 127.127.1.0/24, the
server on 127.127.0.7, the HTTPS webhook receiver on 127.127.0.6 with a CA made here by openssl):
a site saved over the API is scanned when an administrator starts it (the server runs `anshin scan` as a child);
the fleet changes (a device gone, one replaced by another unit, firmware up and down, a new one) and the second
scan's diff shows the replaced unit; its alerts reach the receiver over verified TLS, signed; a run missed while
the server was down is caught up exactly once after a restart (and not again after the next restart); a scan
running when the server is killed ends as failed after the restart, and its child process is gone; a scan
running when the server is stopped (SIGTERM) resumes after the restart: the same job ends done once, the same
scan completes with each device stored once, and its interrupted half raises no alert."""
import hashlib
import hmac
import http.client
import json
import os
import signal
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, HTTPServer

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ready import wait_for  # noqa: E402
from lab import start_lab  # noqa: E402

anshin = sys.argv[1]
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
work = tempfile.mkdtemp(prefix="anshin-schedule-")
db = os.path.join(work, "inv.db")
secret = "the webhook secret of this test"
with open(os.path.join(work, "secret"), "w") as f:
    f.write(secret + "\n")
NET = "127.127.1"
SITE = "lab site 東京"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def openssl(*args):
    subprocess.run(["openssl", *args], cwd=work, check=True, capture_output=True)


# A private CA and a certificate for the receiver's address, made now (nothing secret in the repository).
openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
        "-subj", "/CN=anshin test CA", "-keyout", "ca.key", "-out", "ca.pem")
openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=receiver",
        "-keyout", "hook.key", "-out", "hook.csr")
with open(os.path.join(work, "ext"), "w") as f:
    f.write("subjectAltName=IP:127.127.0.6\n")
openssl("x509", "-req", "-in", "hook.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "2",
        "-extfile", "ext", "-out", "hook.pem")

posts = []
lock = threading.Lock()


class Hook(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with lock:
            posts.append((dict(self.headers), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


hook = HTTPServer(("127.127.0.6", 0), Hook)
tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
tls.load_cert_chain(os.path.join(work, "hook.pem"), os.path.join(work, "hook.key"))
hook.socket = tls.wrap_socket(hook.socket, server_side=True)
threading.Thread(target=hook.serve_forever, daemon=True).start()


def fleets():
    with open(os.path.join(src, "lab", "fleets", "default.yaml")) as f:
        fleet = yaml.safe_load(f)
    before = os.path.join(work, "before.yaml")
    with open(before, "w") as f:
        yaml.safe_dump(fleet, f, sort_keys=False)
    devices = {d["id"]: d for d in fleet["devices"]}
    fleet["devices"].pop()                                              # gone
    devices["axis-p3245"]["vars"]["firmware"] = "11.5.64"                # upgraded
    nvr = devices["hikvision-nvr"]["vars"]                              # downgraded
    nvr.update(firmware="V4.21.000 build 190101", isapi_fw="V4.21.000", isapi_fw_date="build 190101")
    ipc = devices["hikvision-ipc"]                                      # replaced: another unit, same model
    ipc["mac_oui"] = "a4:14:37"
    ipc["vars"] = dict(ipc["vars"], sadp_sn="DS-2CD2043G0-I20190101BBXYZ{{mac_hex}}")
    after = os.path.join(work, "after.yaml")
    with open(after, "w") as f:
        yaml.safe_dump(fleet, f, sort_keys=False)
    return before, after


def lab_with(fleet_path):
    return start_lab(anshin, f"{NET}.0/24", work, fleet=fleet_path)


def stop(p, sig=signal.SIGINT):
    p.send_signal(sig)
    p.wait(20)


class Server:
    def __init__(self):
        ready = os.path.join(work, "serve-ready")
        if os.path.exists(ready):
            os.remove(ready)
        env = dict(os.environ, TZ="UTC")
        self.proc = subprocess.Popen(
            [anshin, "serve", "--db", db, "--listen", "127.127.0.7:0", "--ready-file", ready,
             "--webhook", f"https://127.127.0.6:{hook.server_port}/hook", "--webhook-ca", os.path.join(work, "ca.pem"),
             "--webhook-secret-file", os.path.join(work, "secret"), "--alert-interval", "1",
             "--schedule-tick-ms", "300"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
        self.host, port = wait_for(ready, self.proc, "serve").rsplit(":", 1)
        self.port = int(port)
        self.csrf = self.call("GET", "/api/v1/session")[1]["csrf"]

    def call(self, method, path, body=None):
        c = http.client.HTTPConnection(self.host, self.port, timeout=20)
        headers = {"Host": f"{self.host}:{self.port}"}
        if method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, json.loads(r.read() or b"null")

    def jobs(self):
        return self.call("GET", "/api/v1/jobs?limit=100")[1]["jobs"]

    def wait_job(self, job_id, timeout=150):
        t0 = time.time()
        while time.time() - t0 < timeout:
            job = next(j for j in self.jobs() if j["id"] == job_id)
            if job["state"] not in ("queued", "running"):
                return job
            time.sleep(0.3)
        raise AssertionError(f"job {job_id} did not end")


def scan_rows(number):
    """(finished, interrupted, completed) of a scan and its observations' addresses, read from the inventory."""
    with sqlite3.connect(db) as c:
        row = c.execute("SELECT finished, interrupted, completed FROM scans WHERE number = ?", (number,)).fetchone()
        addresses = [a for (a,) in c.execute("SELECT address FROM observations WHERE scan = ?", (number,))]
    return row, addresses


def resume_after_sigterm(old, reference_scan):
    """Stops server `old` with SIGTERM while its scan of the site runs, starts another; returns it and the
    seconds from its start to the resumed job's end."""
    with sqlite3.connect(db) as c:
        last = c.execute("SELECT MAX(number) FROM scans").fetchone()[0]
    alerts_before = len(old.call("GET", "/api/v1/alerts")[1]["alerts"])
    old.call("PUT", SITE_PATH, {"targets": [f"{NET}.0/24"], "settings": dict(settings, rate=150),
                                          "schedule": None, "runner": "server"})
    status, started = old.call("POST", SITE_PATH + "/scan")
    check(status == 202, f"the scan to stop started ({status} {started})")
    partial = None
    t0 = time.time()
    while time.time() - t0 < 60 and partial is None:
        with sqlite3.connect(db) as c:
            partial = c.execute("SELECT s.number FROM scans s JOIN observations o ON o.scan = s.number "
                                "WHERE s.number > ? AND s.finished IS NULL GROUP BY s.number "
                                "HAVING COUNT(*) >= 2", (last,)).fetchone()
        time.sleep(0.05)
    check(partial is not None, "the scan stored some devices before the stop")
    number = partial[0] if partial else -1
    children = subprocess.run(["pgrep", "-P", str(old.proc.pid)], capture_output=True, text=True).stdout.split()
    stop(old.proc, signal.SIGTERM)
    check(old.proc.returncode == 0, f"the server stopped cleanly ({old.proc.returncode})")
    check(not any(os.path.exists(f"/proc/{p}") for p in children), "the scan process stopped with the server")
    (finished, interrupted, completed), stored = scan_rows(number)
    check(finished and interrupted == 1 and completed == 0 and stored,
          f"the stopped scan is stored interrupted ({finished} {interrupted} {completed}, {len(stored)} devices)")
    with sqlite3.connect(db) as c:
        state, job_scan = c.execute("SELECT state, scan FROM scan_jobs WHERE id = ?", (started["job"],)).fetchone()
    check(state == "queued" and job_scan == number, f"the job went back to the queue with its scan ({state} {job_scan})")

    t0 = time.time()
    server = Server()
    try:
        job = server.wait_job(started["job"])
        seconds = time.time() - t0
        check(job["state"] == "done" and job["scan"] == number and job["error"] is None, f"the job ended once, done ({job})")
        mine = [j for j in server.jobs() if j["site"] == SITE and j["id"] >= started["job"]]
        check(len(mine) == 1, f"no other job for the site ({mine})")
        scans = server.call("GET", "/api/v1/scans")[1]["scans"]
        check(max(s["number"] for s in scans) == number, "the stopped scan continued; no new scan began")
        resumed = next(s for s in scans if s["number"] == number)
        reference = next(s for s in scans if s["number"] == reference_scan)
        check(resumed["completed"] and not resumed["interrupted"], f"the resumed scan is complete ({resumed})")
        (_, _, _), stored = scan_rows(number)
        check(len(stored) == len(set(stored)), "each device stored once")
        check(len(stored) == reference["devices"] == resumed["devices"],
              f"every device of the fleet is in the resumed scan ({len(stored)}, {resumed['devices']}, "
              f"{reference['devices']} in the earlier full scan of the same fleet)")
        time.sleep(2.5)  # two alert intervals: the completed scan has been compared
        alerts = server.call("GET", "/api/v1/alerts")[1]["alerts"]
        check(len(alerts) == alerts_before, f"the interrupted half raised no alert ({alerts[:3]})")
    except BaseException:
        stop(server.proc)
        raise
    return server, seconds


SITE_PATH = "/api/v1/sites/" + "lab%20site%20%E6%9D%B1%E4%BA%AC"
settings = {"rate": 3000, "concurrency": 256, "timeout_ms": 500, "retries": 1, "no_multicast": True}
before, after = fleets()
lab = lab_with(before)
subprocess.run([anshin, "scan", "127.127.0.250", "--db", db, "-q", "--no-multicast"], check=True,
               capture_output=True, timeout=60)  # makes the inventory (nothing there)
server = Server()
timings = {}
try:
    status, saved = server.call("PUT", SITE_PATH, {"targets": [f"{NET}.0/24"], "settings": settings,
                                                   "schedule": "0 0 1 1 *", "runner": "server"})
    check(status == 200 and saved["name"] == SITE, f"site saved ({status} {saved})")
    check(saved.get("next_run", "").endswith("-01-01T00:00:00Z"), f"next run shown ({saved.get('next_run')})")
    bad = server.call("PUT", "/api/v1/sites/x", {"targets": ["8.8.8.0/24"]})
    check(bad[0] == 400, "a public target is refused when the site is saved")

    # 1. A scan started over the API runs in the server; a second start while it runs is refused.
    t0 = time.time()
    status, started = server.call("POST", SITE_PATH + "/scan")
    check(status == 202, f"scan started ({status} {started})")
    again = server.call("POST", SITE_PATH + "/scan")
    check(again[0] == 409, f"never two scans of one site ({again})")
    job = server.wait_job(started["job"])
    timings["first scan"] = time.time() - t0
    check(job["state"] == "done" and job["scan"] is not None and job["reason"] == "manual", f"first job {job}")
    scans = server.call("GET", "/api/v1/scans")[1]["scans"]
    mine = [s for s in scans if s["site"] == SITE]
    check(len(mine) == 1 and mine[0]["number"] == job["scan"], f"the job's scan is stored for the site ({mine})")
    devices = server.call("GET", f"/api/v1/devices?site={SITE_PATH.rsplit('/', 1)[1]}")[1]
    check(devices.get("total", 0) >= 10, f"the lab's devices found ({devices.get('total')})")

    # 2. The fleet changes; the next scan's diff shows the replaced unit and its alerts arrive over HTTPS.
    stop(lab)
    lab = lab_with(after)
    status, started = server.call("POST", SITE_PATH + "/scan")
    job = server.wait_job(started["job"])
    check(job["state"] == "done", f"second job {job}")
    second_scan = job["scan"]
    diff = server.call("GET", f"/api/v1/diff?site={SITE_PATH.rsplit('/', 1)[1]}")[1]
    replaced = [r["address"] for r in diff.get("replaced", [])]
    check(replaced == [f"{NET}.10"], f"the diff shows the replaced unit ({replaced})")
    t0 = time.time()
    while time.time() - t0 < 30:
        alerts = server.call("GET", "/api/v1/alerts")[1]["alerts"]
        if alerts and all(a["webhook"] == "delivered" for a in alerts):
            break
        time.sleep(0.5)
    kinds = {a["kind"] for a in alerts}
    check({"device.gone", "device.new", "firmware.downgraded"} <= kinds, f"alerts raised ({sorted(kinds)})")
    check(all(a["webhook"] == "delivered" for a in alerts), "every alert delivered over HTTPS")
    check(len(posts) == len(alerts), f"one POST per alert ({len(posts)} for {len(alerts)})")
    for h, b in posts:
        expected = "sha256=" + hmac.new(secret.encode(), b, hashlib.sha256).hexdigest()
        check(h.get("X-Anshin-Signature") == expected, "the HMAC signature matches the body")
    check(any(json.loads(b)["kind"] == "device.gone" and json.loads(b)["device"]["address"] == f"{NET}.10"
              for _, b in posts), "the replaced unit's old device is reported gone")

    # 3. A missed run is caught up once: the server is down across the site's yearly fire time.
    before_restart = len(server.jobs())
    stop(server.proc)
    missed = datetime.now(timezone.utc) - timedelta(hours=2)
    with sqlite3.connect(db) as c:
        c.execute("UPDATE sites SET schedule = ?, updated = ?, last_due = ? WHERE name = ?",
                  (f"{missed.minute} {missed.hour} {missed.day} {missed.month} *",
                   (missed - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                   (missed - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"), SITE))
    server = Server()
    time.sleep(1.5)
    catch = [j for j in server.jobs() if j["reason"] == "catch-up"]
    check(len(catch) == 1, f"one catch-up job ({catch})")
    if catch:
        check(catch[0]["due"] == missed.strftime("%Y-%m-%dT%H:%M:00Z"), f"due at the missed time ({catch[0]['due']})")
        done = server.wait_job(catch[0]["id"])
        check(done["state"] == "done", f"the catch-up scan ran ({done})")
    stop(server.proc)
    server = Server()
    time.sleep(1.5)
    check(len(server.jobs()) == before_restart + 1, "no second catch-up after the next restart")

    # 4. A scan running when the server dies ends as failed after the restart, and its process is gone.
    server.call("PUT", SITE_PATH, {"targets": [f"{NET}.0/24"], "settings": dict(settings, rate=20),
                                   "schedule": None, "runner": "server"})
    status, started = server.call("POST", SITE_PATH + "/scan")
    t0 = time.time()
    while next(j for j in server.jobs() if j["id"] == started["job"])["state"] != "running" and time.time() - t0 < 10:
        time.sleep(0.1)
    children = subprocess.run(["pgrep", "-P", str(server.proc.pid)], capture_output=True, text=True).stdout.split()
    check(len(children) == 1, f"the scan runs as a child process ({children})")
    stop(server.proc, signal.SIGKILL)

    def alive(pid):
        try:
            with open(f"/proc/{pid}/status") as f:
                return "State:\tZ" not in f.read()
        except FileNotFoundError:
            return False

    t0 = time.time()
    while any(alive(p) for p in children) and time.time() - t0 < 10:
        time.sleep(0.1)
    check(not any(alive(p) for p in children), "the scan process ended with the server")
    server = Server()
    job = next(j for j in server.jobs() if j["id"] == started["job"])
    check(job["state"] == "failed" and "restarted" in (job["error"] or ""), f"the orphaned job failed ({job})")
    in_japanese = next(j for j in server.call("GET", "/api/v1/jobs?limit=100&lang=ja")[1]["jobs"] if j["id"] == job["id"])
    check(in_japanese["error"] == "スキャンの実行中にサーバーが再起動されました", f"the job's error in Japanese ({in_japanese})")
    time.sleep(1)
    check(not [j for j in server.jobs() if j["state"] in ("queued", "running")], "nothing stuck, nothing re-run")
    audit = [e["action"] for e in server.call("GET", "/api/v1/audit")[1]["entries"]]
    check(audit.count("site.scan") >= 3 and "site.put" in audit, f"starts and saves audit-logged ({audit})")

    # 5. A scan running when the server is stopped (SIGTERM) resumes once after the restart.
    server, timings["resumed scan"] = resume_after_sigterm(server, second_scan)
    stop(server.proc)
finally:
    if server.proc.poll() is None:
        stop(server.proc)
    stop(lab)

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print(f"serve_schedule: ok; first scan of the lab /24 through the server took {timings['first scan']:.1f} s; "
      f"the scan stopped with the server ended {timings['resumed scan']:.1f} s after the restart")
