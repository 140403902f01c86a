#!/usr/bin/env python3
"""The same lab scans stored in an SQLite file and in a PostgreSQL database (`--db postgresql://...`, a throwaway
cluster of tests/support/pg_cluster) read back the same: `scans`, `report`, `diff`, `reassess`, and `anshin serve`
answering /api/v1 over each; the hostile fleet's device strings come back from PostgreSQL as from SQLite.
The server's users and audit log work on PostgreSQL. Connection errors are one line without the password.
Prints the scan times into each backend. Loopback only:
labs on 127.126.15.0/24 (default fleet, then it changed) and 127.126.16.0/24 (hostile fleet)."""
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

import yaml

anshin = sys.argv[1]
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(src, "tests", "integration", "lib"))
from pg_cluster import PgCluster  # noqa: E402
from ready import wait_for  # noqa: E402
from lab import running_lab  # noqa: E402

work = tempfile.mkdtemp(prefix="anshin-pg-inventory-")
net, hostile_net = "127.126.15", "127.126.16"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


def run(*args, timeout=180):
    return subprocess.run([anshin, *args], capture_output=True, text=True, timeout=timeout)


def scan_lab(fleet, block, site, dbs, timings):
    with running_lab(anshin, f"{block}.0/24", work, fleet=fleet):
        for name, db in dbs:
            t0 = time.monotonic()
            out = run("scan", f"{block}.0/24", "--db", db, "-q", "--site", site)
            timings.setdefault(name, []).append(time.monotonic() - t0)
            assert out.returncode == 0, f"scan into {name}: {out.stderr}"


def scans_of(db):
    out = run("scans", "--db", db, "--json")
    assert out.returncode == 0, out.stderr
    keep = ("number", "site", "targets", "addresses", "devices", "findings", "status", "reassessed_from", "kb_version")
    return [{k: s[k] for k in keep} for s in json.loads(out.stdout)["scans"]]


def report_devices(db, number):
    """The report's devices; the lab's per-request nonces (RTSP and HTTP digest challenges) made equal."""
    out = run("report", "--db", db, "--scan", str(number), "--format", "json")
    assert out.returncode == 0, out.stderr
    return json.loads(re.sub(r'nonce=(\\"|\\\\\\")[0-9A-Za-z+/=._-]*', "nonce=N", out.stdout))["devices"]


def identity(device):
    keys = ("address", "mac", "category", "manufacturer", "brand", "model", "firmware", "serial")
    return [device[k] for k in keys] + sorted(f["id"] for f in device["findings"])


def diff_of(db):
    out = run("diff", "--db", db, "1", "2", "--json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    d.pop("old"), d.pop("new")  # scan ids and times of two different runs
    return without_volatile(d)


def without_volatile(value):
    """Drops what differs between two runs of the same scan: scan ids and times, device ids."""
    def volatile(key, v):
        if key in ("started", "finished"):
            return True
        return key in ("id", "device", "device_id") and (isinstance(v, int) or str(v)[:1].isdigit())
    if isinstance(value, dict):
        return {k: without_volatile(v) for k, v in value.items() if not volatile(k, v)}
    if isinstance(value, list):
        return [without_volatile(v) for v in value]
    return value


def api(addr, path):
    host, port = addr.rsplit(":", 1)
    c = http.client.HTTPConnection(host, int(port), timeout=10)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    c.close()
    return r.status, json.loads(body) if body else None


def serve_answers(db):
    ready = os.path.join(work, "serve-ready")
    if os.path.exists(ready):
        os.remove(ready)
    proc = subprocess.Popen([anshin, "serve", "--db", db, "--listen", "127.0.0.1:0", "--ready-file", ready],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        addr = wait_for(ready, proc, "serve")
        answers = {}
        for path in ("/api/v1/scans", "/api/v1/sites", "/api/v1/overview", "/api/v1/findings", "/api/v1/policies",
                     "/api/v1/devices?limit=1000", "/api/v1/diff?old=1&new=2"):
            status, body = api(addr, path)
            check(status == 200, f"serve {path} on {db.split(':')[0]}: {status}")
            answers[path] = without_volatile(body)
        status, devices = api(addr, "/api/v1/devices?limit=1000")
        axis = [d for d in devices["devices"] if d["address"] == f"{net}.30"]
        check(len(axis) == 1, f"serve /api/v1/devices: {net}.30 not listed once")
        status, one = api(addr, f"/api/v1/devices/{axis[0]['id']}") if axis else (0, {})
        check(status == 200, f"serve /api/v1/devices/ID: {status}")
        answers["history of .30"] = [(h["scan"], h["address"], h["firmware"]) for h in one.get("history", [])]
        return answers
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)


pg = PgCluster(src)
try:
    uri = pg.createdb("inventory")
    sqlite_db = os.path.join(work, "inv.db")
    dbs = [("sqlite", sqlite_db), ("postgresql", uri)]
    timings = {}

    # Two scans of one site with a changed fleet between them (gone, firmware changed), then the hostile fleet.
    with open(os.path.join(src, "lab", "fleets", "default.yaml")) as f:
        fleet = yaml.safe_load(f)
    before = os.path.join(work, "before.yaml")
    with open(before, "w") as f:
        yaml.safe_dump(fleet, f, sort_keys=False)
    gone_suffix = fleet["devices"].pop()["suffix"]
    axis = next(d for d in fleet["devices"] if d["id"] == "axis-p3245")
    axis["vars"]["firmware"] = "11.5.64"
    after = os.path.join(work, "after.yaml")
    with open(after, "w") as f:
        yaml.safe_dump(fleet, f, sort_keys=False)
    scan_lab(before, net, "tokyo-01", dbs, timings)
    scan_lab(after, net, "tokyo-01", list(reversed(dbs)), timings)
    scan_lab("hostile", hostile_net, "hostile", dbs, timings)

    listed = {name: scans_of(db) for name, db in dbs}
    check(listed["sqlite"] == listed["postgresql"], f"scans differ: {listed}")
    check([s["site"] for s in listed["postgresql"]] == ["tokyo-01", "tokyo-01", "hostile"], f"sites: {listed}")
    check(all(s["devices"] > 5 and s["status"] == "completed" for s in listed["postgresql"]), f"scans: {listed}")
    for number in (1, 2, 3):
        a, b = (report_devices(db, number) for _, db in dbs)
        if number == 3:  # the hostile fleet: its UDP answers (WS-Discovery) vary between runs, its strings do not
            a, b = ([identity(d) for d in devices] for devices in (a, b))
        check(a == b, f"report of scan {number} differs between SQLite and PostgreSQL")
        check(len(b) == listed["postgresql"][number - 1]["devices"], f"report of scan {number}: {len(b)} devices")
    hostile_devices = report_devices(uri, 3)
    check(any("\\u001b" in json.dumps(d) or "<" in json.dumps(d) for d in hostile_devices),
          "the hostile fleet's strings did not reach the report")

    diffs = {name: diff_of(db) for name, db in dbs}
    check(diffs["sqlite"] == diffs["postgresql"], f"diff differs: {diffs}")
    gone = {x["address"] for x in diffs["postgresql"]["gone"]}
    fw = {(x["address"], x["firmware_to"]) for x in diffs["postgresql"]["firmware_changed"]}
    check(gone == {f"{net}.{gone_suffix}"}, f"gone: {gone}")
    check((f"{net}.30", "11.5.64") in fw, f"firmware changed: {fw}")

    reassessed = {name: run("reassess", "--db", db, "--scan", "2") for name, db in dbs}
    for name, out in reassessed.items():
        check(out.returncode == 0, f"reassess on {name}: {out.returncode} {out.stderr}")
    check(reassessed["sqlite"].stdout == reassessed["postgresql"].stdout,
          f"reassess differs: {reassessed['sqlite'].stdout!r} / {reassessed['postgresql'].stdout!r}")
    after_reassess = scans_of(uri)
    check(len(after_reassess) == 4 and after_reassess[3]["reassessed_from"] == 2, f"reassessed: {after_reassess}")
    check(after_reassess == scans_of(sqlite_db), "scans differ after reassess")

    served = {name: serve_answers(db) for name, db in dbs}
    for path in served["sqlite"]:
        check(served["sqlite"][path] == served["postgresql"][path], f"serve {path} differs between the backends")
    check(served["postgresql"]["/api/v1/overview"]["devices"] > 20, f"overview: {served['postgresql']['/api/v1/overview']}")
    check([f for _, _, f in served["postgresql"]["history of .30"]][:2] == ["10.12.153", "11.5.64"],
          f"history: {served['postgresql']['history of .30']}")

    # The server's own tables on PostgreSQL: a user (Argon2id hash), a login, the audit log ("user" column).
    added = subprocess.run([anshin, "serve", "--db", uri, "--add-user", "alice", "--role", "admin"],
                           input="a long enough password 123\n", capture_output=True, text=True, timeout=60)
    check(added.returncode == 0, f"serve --add-user: {added.stderr}")
    ready = os.path.join(work, "serve-ready")
    if os.path.exists(ready):
        os.remove(ready)
    proc = subprocess.Popen([anshin, "serve", "--db", uri, "--listen", "127.0.0.1:0", "--ready-file", ready],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        host, port = wait_for(ready, proc, "serve").rsplit(":", 1)
        c = http.client.HTTPConnection(host, int(port), timeout=10)
        c.request("POST", "/api/v1/login", body=json.dumps({"user": "alice", "password": "a long enough password 123"}),
                  headers={"Content-Type": "application/json"})
        r = c.getresponse()
        cookie = (r.getheader("Set-Cookie") or "").split(";", 1)[0]
        login = json.loads(r.read())
        check(r.status == 200 and login.get("role") == "admin", f"login on PostgreSQL: {r.status} {login}")
        c.request("GET", "/api/v1/audit?limit=5", headers={"Cookie": cookie})
        r = c.getresponse()
        audit = json.loads(r.read())
        actions = [(e["action"], e["user"]) for e in audit.get("entries", [])]
        check(r.status == 200 and ("login", "alice") in actions and ("user.put", "cli") in actions, f"audit: {audit}")
        c.close()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(10)

    # Errors: one line, the contract's exit status, never the password.
    host_port = uri.split("@", 1)[1].split("/", 1)[0]
    wrong = run("scans", "--db", f"postgresql://anshin:not-the-password@{host_port}/inventory")
    check(wrong.returncode == 2 and len(wrong.stderr.strip().splitlines()) == 1 and "not-the-password" not in wrong.stderr
          and "password authentication failed" in wrong.stderr, f"wrong password: {wrong.returncode} {wrong.stderr!r}")
    missing = run("report", "--db", uri.rsplit("/", 1)[0] + "/no_such_db", "--format", "json")
    check(missing.returncode == 1 and pg.password not in missing.stderr and "does not exist" in missing.stderr,
          f"missing database: {missing.returncode} {missing.stderr!r}")
    empty = run("report", "--db", pg.createdb("empty"), "--format", "json")
    check(empty.returncode == 1 and "no inventory" in empty.stderr and pg.password not in empty.stderr,
          f"empty database: {empty.returncode} {empty.stderr!r}")
finally:
    pg.stop()

for name in ("sqlite", "postgresql"):
    print(f"scan into {name}: " + ", ".join(f"{t:.2f} s" for t in timings.get(name, [])))
if failures:
    print(f"{len(failures)} failed", file=sys.stderr)
    sys.exit(1)
print("SQLite and PostgreSQL inventories read back the same (scans, report, diff, reassess, serve); users and audit on PostgreSQL")
