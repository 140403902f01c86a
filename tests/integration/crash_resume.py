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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import start_lab, stop_lab  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-crash-")
db = os.path.join(work, "inv.db")
rng = random.Random(int(os.environ.get("ANSHIN_CRASH_SEED", "20261127")))


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


def newest_scan_unfinished():
    """Whether `scan --resume` has a scan to resume: the newest stored scan (not a reassessed copy) is not completed."""
    if not os.path.exists(db):
        return False
    con = sqlite3.connect(db)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "scans" not in tables:
            return False
        row = con.execute("SELECT completed FROM scans WHERE reassessed_from IS NULL "
                          "ORDER BY number DESC LIMIT 1").fetchone()
        return row is not None and not row[0]
    finally:
        con.close()


lab = start_lab(anshin, "127.89.5.0/24", work)
try:
    pace = ["--rate", "2500", "-p", "80,554", "-q"]
    kills = mid_scan = resumed = 0
    previous = 0
    while kills < 20:
        # What `scan --resume` would find decides the next run, not what the killed process said (a run
        # killed before it stored its scan, or before it printed, leaves nothing to resume).
        if newest_scan_unfinished():
            cmd = [anshin, "scan", "--resume", "--db", db] + pace
            resumed += 1
        else:
            cmd = [anshin, "scan", "127.89.0.0/20", "--db", db, "--seed", "11"] + pace
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.2))
        if p.poll() is None:
            p.send_signal(signal.SIGKILL)
            mid_scan += 1
        p.wait()
        kills += 1
        now = stored_devices()
        assert now >= previous, f"kill {kills}: stored devices went from {previous} to {now}"
        previous = now
    # Finish: the interrupted scan resumed to its end, or a new scan run to its end when none is left.
    if newest_scan_unfinished():
        finish = [anshin, "scan", "--resume", "--db", db, "-p", "80,554", "-q"]
    else:
        finish = [anshin, "scan", "127.89.0.0/20", "--db", db, "--seed", "11", "-p", "80,554", "-q"]
    out = subprocess.run(finish, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, (finish, out.stderr)
    assert not newest_scan_unfinished(), "the finishing run left its scan unfinished"
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
    assert resumed > 0, f"none of {kills} runs found a scan to resume (each was killed before it stored its scan)"
    print(f"{kills} SIGKILLs ({mid_scan} mid-scan, {resumed} runs resumed): integrity ok after each, "
          f"no stored device lost; "
          f"--resume completed the scan with all {len(lab_addrs)} lab devices")
finally:
    stop_lab(lab)
