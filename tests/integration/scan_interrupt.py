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

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-int-")
ready = os.path.join(work, "ready")
lab = subprocess.Popen([anshin, "lab", "--bind", "127.88.1.0/24", "--ready-file", ready],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    t0 = time.time()
    while not os.path.exists(ready):
        assert lab.poll() is None, "lab exited early"
        assert time.time() - t0 < 30, "lab not ready in 30 s"
        time.sleep(0.05)
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
    lab.send_signal(signal.SIGINT)
    lab.wait(10)
