#!/usr/bin/env python3
"""`scan --resume` keeps the interrupted scan's settings (docs/contract.md): a scan started with `--rate 50` and
SIGKILLed partway resumes at 50 new connections/s although the resume command line does not repeat --rate; a
conflicting `--rate 5000` on the resume command line is refused with one line, exit 1, before anything is sent;
the same value repeated is accepted. Loopback only: the lab and the scan on 127.88.41.0/24 (no other test uses it)."""
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
work = tempfile.mkdtemp(prefix="anshin-resume-pace-")
db = os.path.join(work, "inv.db")
log = os.path.join(work, "lab.jsonl")
BLOCK = "127.88.41.0/24"
HOSTS, PORTS, RATE = 256, 2, 50
env = dict(os.environ, LANG="C", LC_ALL="C")


def hosts_done():
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT hosts_done FROM scan_resume ORDER BY rowid DESC LIMIT 1").fetchone()[0]
    finally:
        con.close()


def lab_lines():
    if not os.path.exists(log):
        return 0
    with open(log, "rb") as f:
        return sum(1 for _ in f)


lab = start_lab(anshin, BLOCK, work, log=log)
try:
    # 256 hosts x 2 ports at 50 connections/s: about 10 s; killed after 3 s.
    first = subprocess.Popen([anshin, "scan", BLOCK, "-p", "80,554", "--rate", str(RATE), "--db", db, "--seed", "5",
                              "-q"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    time.sleep(3)
    assert first.poll() is None, "the paced scan finished before it could be interrupted"
    first.send_signal(signal.SIGKILL)
    first.wait()
    done = hosts_done()
    assert done < HOSTS // 2, f"{done} hosts done after 3 s at {RATE}/s: the first scan was not paced"

    # A different pace on the resume command line: refused, one line, exit 1, nothing sent.
    before = lab_lines()
    refused = subprocess.run([anshin, "scan", "--resume", "--db", db, "--rate", "5000", "-q"],
                             capture_output=True, text=True, timeout=30, env=env)
    time.sleep(0.5)
    assert refused.returncode == 1, f"exit {refused.returncode}: {refused.stderr}"
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1 and "--rate" in lines[0] and "50" in lines[0] and "5000" in lines[0], refused.stderr
    assert lab_lines() == before, "the refused resume sent requests to the lab"
    assert hosts_done() == done, "the refused resume changed the stored scan"

    # The same value repeated is accepted (a dry run: nothing sent).
    same = subprocess.run([anshin, "scan", "--resume", "--db", db, "--rate", str(RATE), "-p", "80,554", "--dry-run"],
                          capture_output=True, text=True, timeout=30, env=env)
    assert same.returncode == 0, f"repeating --rate {RATE}: exit {same.returncode}: {same.stderr}"

    # Resume without --rate: the stored pace applies, so the rest takes at least most of rest/RATE seconds.
    # (Unpaced, the rest of this /24 takes well under a second on loopback.)
    rest_connections = (HOSTS - done) * PORTS
    t_resume = time.time()
    resumed = subprocess.run([anshin, "scan", "--resume", "--db", db, "-q"], capture_output=True, text=True,
                             timeout=120, env=env)
    took = time.time() - t_resume
    assert resumed.returncode == 0, f"resume: exit {resumed.returncode}: {resumed.stderr}"
    floor = 0.6 * rest_connections / RATE  # less the few lab devices stored beyond the low-water mark
    assert took >= floor, f"resume swept {rest_connections} connections in {took:.1f} s: faster than {RATE}/s"
    assert hosts_done() == HOSTS, "the resumed scan did not finish"
    print(f"first scan killed at {done}/{HOSTS} hosts; --rate 5000 on resume refused (one line, nothing sent); "
          f"resume without --rate took {took:.1f} s for {rest_connections} connections "
          f"({rest_connections / took:.0f}/s, stored pace {RATE}/s)")
finally:
    stop_lab(lab)
