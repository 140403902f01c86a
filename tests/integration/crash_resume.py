#!/usr/bin/env python3
"""Crash safety: SIGKILL the scanner at random moments of a stored scan, twenty times.
After every kill the inventory passes PRAGMA integrity_check and no stored device disappears; then
`anshin scan --resume` finishes the interrupted scan and the stored scan holds every lab device.
Loopback only: the lab on 127.89.5.0/24, the scan over 127.89.0.0/20 (paced so kills land mid-scan)."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-crash-")
db = os.path.join(work, "inv.db")
ready = os.path.join(work, "ready")
rng = random.Random(int(os.environ.get("ANSHIN_CRASH_SEED", "20261127")))
lab = subprocess.Popen([anshin, "lab", "--bind", "127.89.5.0/24", "--ready-file", ready],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored_devices():
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", "integrity_check failed"
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "scans" not in tables:
            return 0  # killed before the first migration committed (seen under ASan's slow start)
        scan = con.execute("SELECT id FROM scans ORDER BY rowid DESC LIMIT 1").fetchone()
        if not scan:
            return 0
        table = next(t for t in ("observations", "scan_devices", "device_observations") if t in tables)
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


try:
    t0 = time.time()
    while not os.path.exists(ready):
        assert lab.poll() is None and time.time() - t0 < 30, "lab did not start"
        time.sleep(0.05)
    pace = ["--rate", "2500", "-p", "80,554", "-q"]
    kills = mid_scan = 0
    previous = 0
    first = True
    while kills < 20:
        if first:
            cmd = [anshin, "scan", "127.89.0.0/20", "--db", db, "--seed", "11"] + pace
        else:
            cmd = [anshin, "scan", "--resume", "--db", db] + pace
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.05, 1.2))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            mid_scan += 1
        p.wait()
        kills += 1
        first = False
        now = stored_devices()
        assert now >= previous, f"kill {kills}: stored devices went from {previous} to {now}"
        previous = now
        if p.returncode == 1 and "no interrupted scan" in p.stderr.read():
            first = True  # the previous run had finished: start a new stored scan
    # Finish: resume until the stored scan completes.
    out = subprocess.run([anshin, "scan", "--resume", "--db", db, "-p", "80,554", "-q"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    rep = subprocess.run([anshin, "report", "--db", db, "--format", "json"], capture_output=True, text=True, timeout=60)
    assert rep.returncode == 0, rep.stderr
    doc = json.loads(rep.stdout)
    addrs = {d["address"] for d in doc["devices"]}
    lab_addrs = {a for a in addrs if a.startswith("127.89.5.")}
    import yaml
    src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
    with open(os.path.join(src, "lab", "fleets", "default.yaml")) as f:
        expected = len(yaml.safe_load(f)["devices"])
    assert len(lab_addrs) == expected, f"stored scan has {len(lab_addrs)} lab devices, expected {expected}"
    assert not doc["scan"].get("interrupted"), "final scan still interrupted"
    print(f"{kills} SIGKILLs ({mid_scan} mid-scan): integrity ok after each, no stored device lost; "
          f"--resume completed the scan with all {len(lab_addrs)} lab devices")
finally:
    lab.send_signal(signal.SIGINT)
    lab.wait(10)
