#!/usr/bin/env python3
"""Ctrl-C during a scan: anshin stops promptly, exits 0, and the JSON keeps what was found
(scan.interrupted = true). Loopback only: a lab fleet on 127.88.1.0/24, the scan paced over 127.88.0.0/20
(no other test may bind inside that /20: secrets_scan uses 127.88.27.0/24)."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import start_lab, stop_lab  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-int-")
lab = start_lab(anshin, "127.88.1.0/24", work)
try:
    out = os.path.join(work, "scan.json")
    # 127.88.1.0/24 first in the target list is not swept first (the order is permuted), so pace the
    # scan slowly enough that it is mid-way when interrupted: 4096 hosts x 2 ports at 2000 conn/s = 4 s.
    scan = subprocess.Popen([anshin, "scan", "127.88.0.0/20", "-p", "80,554", "--rate", "2000", "--json", out,
                             "--no-db", "-q", "--seed", "7"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    scan.send_signal(signal.SIGINT)
    t_int = time.time()
    stdout, stderr = scan.communicate(timeout=10)
    stop_secs = time.time() - t_int
    assert scan.returncode == 0, f"exit {scan.returncode}: {stderr}"
    assert stop_secs < 3, f"took {stop_secs:.1f} s to stop"
    doc = json.load(open(out))
    assert doc["scan"]["interrupted"] is True, "scan.interrupted not set"
    assert "interrupted" in stdout, "summary does not say the scan was interrupted"
    # Whatever was found is in the JSON, and only lab addresses can have open ports.
    for d in doc["devices"]:
        assert d["address"].startswith("127.88.1."), d["address"]
    print(f"interrupted after 1.5 s, stopped in {stop_secs:.2f} s, kept {len(doc['devices'])} devices")
finally:
    stop_lab(lab)
