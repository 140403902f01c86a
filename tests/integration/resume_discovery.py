#!/usr/bin/env python3
"""A resumed scan hears UDP discovery too: every device the `--resume` run stores is identified exactly as an
uninterrupted scan of the same lab identifies it (maker, brand, model, firmware), including the devices only
SADP/DHIP/WS-Discovery name with ports 80 and 554. A scan is stopped with SIGINT mid-way, the addresses it
stored are read from the inventory, then `scan --resume` finishes it and the devices stored after the stop are
compared with a scan that was never stopped; no device is stored with its discovery records alone. Loopback only: the lab on 127.142.5.0/24, the scan over
127.142.0.0/20, paced so the stop lands mid-scan."""
import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import start_lab, stop_lab  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-resume-disc-")
db = os.path.join(work, "inv.db")
FIELDS = ("manufacturer", "brand", "model", "firmware")


def identities(doc):
    return {d["address"]: tuple(d.get(k) for k in FIELDS) for d in doc["devices"]
            if d["address"].startswith("127.142.5.")}


lab = start_lab(anshin, "127.142.5.0/24", work)
try:
    ports = ["-p", "80,554", "-q"]
    full_json = os.path.join(work, "full.json")
    full = subprocess.run([anshin, "scan", "127.142.5.0/24", "--no-db", "--json", full_json] + ports,
                          capture_output=True, text=True, timeout=120)
    assert full.returncode in (0, 3), full.stderr
    with open(full_json) as f:
        truth = identities(json.load(f))
    assert len(truth) >= 25, f"the uninterrupted scan found {len(truth)} lab devices"

    stored_before = None
    for delay in (1.5, 0.8, 3.0):  # a stop that lands after the scan ended proves nothing: try another moment
        if os.path.exists(db):
            os.remove(db)
        p = subprocess.Popen([anshin, "scan", "127.142.0.0/20", "--db", db, "--seed", "7", "--rate", "1000"] + ports,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        p.wait(60)
        con = sqlite3.connect(db)
        done = con.execute("SELECT completed FROM scans ORDER BY number DESC LIMIT 1").fetchone()
        stored = {r[0] for r in con.execute("SELECT address FROM observations")}
        con.close()
        if done and not done[0] and len(truth.keys() - stored) >= 10:
            stored_before = stored
            break
    assert stored_before is not None, "no stop landed mid-scan with at least 10 lab devices still to probe"

    out = subprocess.run([anshin, "scan", "--resume", "--db", db] + ports, capture_output=True, text=True, timeout=180)
    assert out.returncode in (0, 3), out.stderr
    rep = subprocess.run([anshin, "report", "--db", db, "--format", "json"], capture_output=True, text=True, timeout=60)
    assert rep.returncode == 0, rep.stderr
    resumed = identities(json.loads(rep.stdout))
    after = sorted(a for a in truth if a not in stored_before)
    missing = [a for a in after if a not in resumed]
    assert not missing, f"the resumed run did not store {missing}"
    wrong = [(a, truth[a], resumed[a]) for a in after if resumed[a] != truth[a]]
    assert not wrong, "devices stored by the resumed run are identified differently: " + "; ".join(
        f"{a}: expected {t}, got {r}" for a, t, r in wrong)
    # A device only discovery had heard from when the scan stopped is not stored then with its discovery alone:
    # the resumed run would skip it, its ports never probed. Every lab device has port 80 or 554 open.
    con = sqlite3.connect(db)
    without_tcp = [a for a, services in con.execute("SELECT address, services FROM observations")
                   if a in truth and not any(s["transport"] == "tcp" for s in json.loads(services))]
    con.close()
    assert not without_tcp, f"devices stored without their TCP ports: {without_tcp}"
    print(f"stopped with {len(truth) - len(after)} lab devices stored; the resumed run stored {len(after)}, "
          f"each identified as in an uninterrupted scan")
finally:
    stop_lab(lab)
