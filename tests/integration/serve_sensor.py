#!/usr/bin/env python3
"""Site sensors end to end, loopback only: a lab fleet on 127.128.1.0/24 (site shop-01), an `anshin serve` on
127.128.0.1 and `anshin sensor` processes. Checks, each with every lab device under the site exactly once
(nothing lost, nothing duplicated) in the server's inventory:
  1. a manual job taken, scanned, uploaded (HTTPS with --ca-file; http:// to a non-loopback address refused);
  2. the sensor killed (SIGKILL) mid-scan, restarted: the scan resumes;
  3. mid-upload: the server stopped after the first chunks, the sensor killed while it retries, both restarted;
  4. the server unreachable when the sensor starts, back after a while: the sensor catches up;
  5. scope and trust: a job outside the sensor's --allow is refused (job failed, nothing scanned); a sensor of
     another site cannot touch the job; a chunk with an address outside the site's targets is refused whole;
     a revoked token is refused on the very next request."""
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ready import wait_for  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-sensor-")
db = os.path.join(work, "inv.db")
LAB_NET = "127.128.1"
SERVER_IP = "127.128.0.1"
failures = []
procs = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)
    else:
        print("ok:", what)


def free_port():
    s = socket.socket()
    s.bind((SERVER_IP, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_lab():
    ready = os.path.join(work, "lab-ready")
    out = open(os.path.join(work, "lab.out"), "w")
    lab = subprocess.Popen([anshin, "lab", "--fleet", "default", "--bind", f"{LAB_NET}.0/24", "--ready-file", ready],
                           stdout=out, stderr=subprocess.DEVNULL, text=True)
    procs.append(lab)
    wait_for(ready, lab, "lab")
    addresses = set()
    for line in open(os.path.join(work, "lab.out")):
        first = line.split()[0] if line.split() else ""
        if first.startswith(LAB_NET + "."):
            addresses.add(first)
    return lab, addresses


class Server:
    def __init__(self, port, cert, key):
        self.port, self.cert, self.key, self.proc = port, cert, key, None

    def start(self):
        ready = os.path.join(work, "serve-ready")
        if os.path.exists(ready):
            os.remove(ready)
        self.proc = subprocess.Popen([anshin, "serve", "--db", db, "--listen", f"{SERVER_IP}:{self.port}",
                                      "--tls-cert", self.cert, "--tls-key", self.key, "--ready-file", ready],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        procs.append(self.proc)
        wait_for(ready, self.proc, "serve")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(15)


def sql(query, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        rows = con.execute(query, args).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def queue_job(site):
    # The sites API (scheduler branch) queues jobs too; the store's own table is what both write.
    sql("INSERT INTO scan_jobs (site, reason, due, created) VALUES (?, 'manual', ?, ?)", site, now(), now())
    return sql("SELECT MAX(id) FROM scan_jobs WHERE site = ?", site)[0][0]


def add_sensor(name, site):
    out = subprocess.run([anshin, "serve", "--db", db, "--add-sensor", name, "--site", site],
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    token = out.stdout.strip()
    path = os.path.join(work, f"{name}.token")
    with open(path, "w") as f:
        f.write(token + "\n")
    return token, path


def sensor(token_file, spool, *extra, wait=True, timeout=240):
    args = [anshin, "sensor", "--server", f"https://{SERVER_IP}:{server.port}", "--token-file", token_file,
            "--spool", spool, "--ca-file", server.cert, "--heartbeat", "1", *extra]
    if wait:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    procs.append(p)
    return p


def job_row(job):
    return sql("SELECT state, scan, runner, error FROM scan_jobs WHERE id = ?", job)[0]


def inventory_check(job, truth, what):
    state, scan, runner, error = job_row(job)
    check(state == "done", f"{what}: job done (state {state}, error {error})")
    if scan is None:
        check(False, f"{what}: job has a scan")
        return
    site, completed = sql("SELECT site, completed FROM scans WHERE number = ?", scan)[0]
    check(site == "shop-01" and completed == 1, f"{what}: scan {scan} completed under site shop-01")
    addrs = [r[0] for r in sql("SELECT address FROM observations WHERE scan = ?", scan)]
    check(sorted(addrs) == sorted(truth), f"{what}: every lab device once ({len(addrs)} stored, {len(truth)} in the lab)")
    records = sql("SELECT COUNT(*) FROM host_records WHERE scan = ?", scan)[0][0]
    check(records == len(truth), f"{what}: a host record per device ({records})")
    orphans = sql("SELECT COUNT(*) FROM devices d WHERE NOT EXISTS (SELECT 1 FROM observations o WHERE o.device = d.id)")[0][0]
    check(orphans == 0, f"{what}: no device identity without an observation ({orphans})")
    scans_of_job = sql("SELECT COUNT(*) FROM scans WHERE id LIKE ?", f"%-job{job}")[0][0]
    check(scans_of_job == 1, f"{what}: one server scan for the job ({scans_of_job})")


def spool_state(spool, job):
    path = os.path.join(spool, f"job-{job}.json")
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return None


def post(token, path, body):
    ctx = ssl.create_default_context(cafile=server.cert)
    c = http.client.HTTPSConnection(SERVER_IP, server.port, context=ctx, timeout=30)
    c.request("POST", path, body=json.dumps(body), headers={"Authorization": f"Bearer {token}",
                                                              "Content-Type": "application/json"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def setup():
    key, cert = os.path.join(work, "key.pem"), os.path.join(work, "cert.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "1", "-subj", f"/CN={SERVER_IP}",
                    "-addext", f"subjectAltName=IP:{SERVER_IP}"], check=True, capture_output=True)
    out = subprocess.run([anshin, "serve", "--db", db, "--add-user", "boss", "--role", "admin"],
                         input="boss password 1\n", capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr  # makes the inventory
    settings = json.dumps({"rate": 2000, "concurrency": 128, "ports": "80,443,554,8000,8080,37777"})
    for name, net in (("shop-01", f"{LAB_NET}.0/24"), ("shop-02", "127.128.2.0/24")):
        sql("INSERT INTO sites (name, targets, settings, runner, updated) VALUES (?, ?, ?, 'sensor', ?)",
            name, json.dumps([net]), settings, now())
    return Server(free_port(), cert, key)


def basic(truth, token_file):
    bad = subprocess.run([anshin, "sensor", "--server", "http://192.0.2.1:8741", "--token-file", token_file],
                         capture_output=True, text=True, timeout=30)
    check(bad.returncode == 1 and "loopback" in bad.stderr, "http:// to a non-loopback server refused")
    idle = sensor(token_file, os.path.join(work, "spool-x"), "--once")
    check(idle.returncode == 0, f"no job queued: --once exits 0 ({idle.stderr.strip()})")
    # Without --ca-file the self-signed certificate is not trusted: exit 2 before any job is taken.
    refused = subprocess.run([anshin, "sensor", "--server", f"https://{SERVER_IP}:{server.port}", "--token-file",
                              token_file, "--spool", os.path.join(work, "spool-y"), "--once"],
                             capture_output=True, text=True, timeout=60)
    check(refused.returncode == 2, f"an unverified server certificate stops the sensor ({refused.stderr.strip()})")
    job = queue_job("shop-01")
    out = sensor(token_file, os.path.join(work, "spool-1"), "--once", "--site", "shop-01")
    check(out.returncode == 0, f"sensor --once: exit 0 ({out.stderr.strip()[-300:]})")
    inventory_check(job, truth, "basic")
    check(not os.path.exists(os.path.join(work, "spool-1", f"job-{job}.db")), "the spool's scan removed once uploaded")


def killed_mid_scan(truth, token_file):
    job = queue_job("shop-01")
    spool = os.path.join(work, "spool-2")
    sql("UPDATE sites SET settings = ? WHERE name = 'shop-01'",
        json.dumps({"rate": 150, "concurrency": 16, "ports": "80,443,554,8000,8080,37777"}))
    p = sensor(token_file, spool, wait=False)
    t0 = time.time()
    while time.time() - t0 < 60:
        if os.path.exists(os.path.join(spool, f"job-{job}.db")) and time.time() - t0 > 3:
            break
        time.sleep(0.1)
    p.send_signal(signal.SIGKILL)
    p.wait()
    state = spool_state(spool, job)
    check(state is not None and state["phase"] == "scanning", f"killed while scanning ({state and state['phase']})")
    sql("UPDATE sites SET settings = ? WHERE name = 'shop-01'",
        json.dumps({"rate": 2000, "concurrency": 128, "ports": "80,443,554,8000,8080,37777"}))
    out = sensor(token_file, spool, "--once")
    check(out.returncode == 0 and "resumed" in out.stderr, f"restarted sensor resumes the job ({out.stderr.strip()[-300:]})")
    inventory_check(job, truth, "killed mid-scan")


def killed_mid_upload(truth, token_file):
    job = queue_job("shop-01")
    spool = os.path.join(work, "spool-3")
    p = sensor(token_file, spool, "--chunk", "1", wait=False)
    t0 = time.time()
    state = None
    while time.time() - t0 < 120:
        state = spool_state(spool, job)
        if state and state["phase"] == "uploading" and state["chunks_sent"] >= 2:
            break
        time.sleep(0.005)
    p.send_signal(signal.SIGSTOP)
    sent = spool_state(spool, job)["chunks_sent"]
    check(0 < sent < len(truth), f"stopped mid-upload ({sent} of {len(truth)} chunks sent)")
    server.stop()  # the server restarts during the upload
    p.send_signal(signal.SIGCONT)
    time.sleep(2)  # the sensor retries against a closed port
    p.send_signal(signal.SIGKILL)
    p.wait()
    state = spool_state(spool, job)
    check(state["phase"] == "uploading" and state["chunks_sent"] >= sent, "killed while uploading, progress kept")
    server.start()
    out = sensor(token_file, spool, "--once", "--chunk", "7")  # the job's chunk size stays the spool's
    check(out.returncode == 0, f"restarted sensor finishes the upload ({out.stderr.strip()[-300:]})")
    chunks = sql("SELECT COUNT(*), SUM(devices) FROM sensor_chunks WHERE job = ?", job)[0]
    check(chunks == (len(truth), len(truth)), f"one chunk per device, each applied once ({chunks})")
    inventory_check(job, truth, "killed mid-upload, server restarted")


def server_unreachable(truth, token_file):
    job = queue_job("shop-01")
    server.stop()
    p = sensor(token_file, os.path.join(work, "spool-4"), "--once", wait=False)
    time.sleep(4)
    check(p.poll() is None, "the sensor waits for an unreachable server")
    server.start()
    try:
        _, err = p.communicate(timeout=180)
    except subprocess.TimeoutExpired:
        p.kill()
        _, err = p.communicate()
    check(p.returncode == 0 and "reachable again" in err, f"the sensor catches up ({err.strip()[-300:]})")
    inventory_check(job, truth, "server unreachable then back")


def device_json(address):
    return {"address": address, "mac": None, "category": "camera", "maker_proof": "none",
            "possible_manufacturer": None, "possible_manufacturer_id": None, "manufacturer": None, "brand": None,
            "manufacturer_id": None, "brand_id": None, "model": None, "firmware": None, "serial": None,
            "confidence": 0.0, "evidence": [], "conflicts": [], "clues": [], "services": [], "findings": []}


def host_json(address):
    return {"address": address, "ports": [80], "mac": None, "services": [], "dropped": 0}


def scope_and_trust(token, token_file):
    job = queue_job("shop-01")
    out = sensor(token_file, os.path.join(work, "spool-5"), "--once", "--allow", "127.128.9.0/24")
    state, scan, _, error = job_row(job)
    check(state == "failed" and scan is None and "allow" in (error or ""),
          f"a job outside --allow is refused and nothing scanned ({state}, {error})")
    check(out.returncode == 0, "the refusing sensor exits 0")

    other_token, _ = add_sensor("back-office", "shop-02")
    job = queue_job("shop-01")
    status, body = post(token, "/api/v1/sensor/claim", {})
    check(status == 200 and json.loads(body)["job"]["id"] == job, "the shop sensor takes its job")
    status, _ = post(other_token, f"/api/v1/sensor/jobs/{job}/begin", {"scan": {"id": "x", "started": now()}})
    check(status == 404, f"another site's sensor cannot begin the job ({status})")
    status, body = post(other_token, "/api/v1/sensor/claim", {})
    check(status == 200 and json.loads(body)["job"] is None, "another site's sensor gets no job of shop-01")
    status, body = post(token, f"/api/v1/sensor/jobs/{job}/begin", {"scan": {"id": "manual", "started": now()}})
    check(status == 200, "begin")
    outside = {"devices": [{"device": device_json(f"{LAB_NET}.200"), "host": host_json(f"{LAB_NET}.200")},
                           {"device": device_json("127.128.2.5"), "host": host_json("127.128.2.5")}]}
    status, body = post(token, f"/api/v1/sensor/jobs/{job}/chunks/0", outside)
    check(status == 403, f"a chunk with an address outside the site refused ({status} {body[:100]})")
    scan = job_row(job)[1]
    stored = sql("SELECT COUNT(*) FROM observations WHERE scan = ?", scan)[0][0]
    check(stored == 0, "nothing of the refused chunk stored")
    inside = {"devices": [{"device": device_json(f"{LAB_NET}.200"), "host": host_json(f"{LAB_NET}.200")}]}
    status, _ = post(token, f"/api/v1/sensor/jobs/{job}/chunks/0", inside)
    status2, body2 = post(token, f"/api/v1/sensor/jobs/{job}/chunks/0", inside)
    check(status == 200 and status2 == 200 and json.loads(body2)["duplicate"], "the same chunk twice: applied once")
    status, _ = post(token, f"/api/v1/sensor/jobs/{job}/chunks/0", {"devices": []})
    check(status == 409, "other contents under an applied chunk number: conflict")
    status, _ = post(other_token, f"/api/v1/sensor/jobs/{job}/chunks/1", inside)
    check(status == 404, "another site's sensor cannot upload to the job")

    wrong = sensor(token_file, os.path.join(work, "spool-7"), "--once", "--site", "shop-02")
    check(wrong.returncode == 1 and "does not act for site" in wrong.stderr, "a sensor told to act for another site refuses")
    free = queue_job("shop-02")
    status, _ = post(other_token, "/api/v1/sensor/claim", {"site": "shop-01"})
    check(status == 403 and job_row(free)[0] == "queued", "a claim naming another site takes nothing")
    hashed = sql("SELECT token_hash FROM sensors WHERE name = 'shop-sensor'")[0][0]
    check(hashed == hashlib.sha256(token.encode()).hexdigest() and token not in open(db, "rb").read().decode("latin-1"),
          "the server keeps the token's SHA-256, not the token")
    revoke = subprocess.run([anshin, "serve", "--db", db, "--revoke-sensor", "shop-sensor"], capture_output=True,
                            text=True, timeout=30)
    check(revoke.returncode == 0, "revoke")
    status, _ = post(token, f"/api/v1/sensor/jobs/{job}/heartbeat", {})
    check(status == 401, f"a revoked token is refused on its next request ({status})")
    out = sensor(token_file, os.path.join(work, "spool-6"), "--once")
    check(out.returncode == 2 and "revoked" in out.stderr, "the sensor with a revoked token stops (exit 2)")


try:
    lab, truth = start_lab()
    assert len(truth) >= 20, f"lab addresses: {len(truth)}"
    server = setup()
    server.start()
    token, token_file = add_sensor("shop-sensor", "shop-01")
    basic(truth, token_file)
    killed_mid_scan(truth, token_file)
    killed_mid_upload(truth, token_file)
    server_unreachable(truth, token_file)
    scope_and_trust(token, token_file)
finally:
    for p in procs:
        if p.poll() is None:
            p.kill()
            p.wait()
    if not failures:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print("kept", work, file=sys.stderr)

print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
