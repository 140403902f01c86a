#!/usr/bin/env python3
"""Secrets never leak (docs/reliability.md, Secrets): a credentialed scan of the lab (--credentials FILE
with the password of the hikvision-ipc personality, plus --check-default-creds), then the password is
searched for in the database file, --json, --observations, every `anshin report` format (json, csv,
html), the scan's stdout and stderr, the lab's request log, and the process list (/proc/*/cmdline read
while the scan runs): it must be nowhere. Also: a credentials file that is not mode 0600 is refused
with a one-line error and exit 1, and ANSHIN_CREDENTIALS names the file instead of the option.
Loopback only: the lab on 127.88.27.0/24."""
import glob
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import start_lab, stop_lab  # noqa: E402

anshin = sys.argv[1]
PASSWORD = "Hik12345!"  # lab/fleets/default.yaml hikvision-ipc (suffix 10)
NET = "127.88.27"
work = tempfile.mkdtemp(prefix="anshin-secrets-")
lab_log = os.path.join(work, "lab.jsonl")


def leaks(path_or_text, what):
    data = path_or_text
    if os.path.exists(path_or_text):
        with open(path_or_text, "rb") as f:
            data = f.read().decode("utf-8", "replace")
    return PASSWORD in data


lab = start_lab(anshin, f"{NET}.0/24", work, log=lab_log)
try:

    creds = os.path.join(work, "creds.yaml")
    with open(creds, "w") as f:
        f.write(f'credentials:\n  - {{host: {NET}.10, username: admin, password: "{PASSWORD}"}}\n')

    # A world-readable file is refused: one line, exit 1, nothing scanned, no secret echoed.
    os.chmod(creds, 0o644)
    r = subprocess.run([anshin, "scan", f"{NET}.10", "--no-db", "--credentials", creds],
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 1, f"mode 0644 accepted: exit {r.returncode}"
    assert len(r.stderr.strip().splitlines()) == 1 and "0600" in r.stderr, r.stderr
    assert PASSWORD not in r.stderr + r.stdout
    os.chmod(creds, 0o600)

    db = os.path.join(work, "inv.db")
    out_json = os.path.join(work, "scan.json")
    out_obs = os.path.join(work, "obs.jsonl")
    seen_cmdlines = []
    stop = threading.Event()

    def watch_proc():
        while not stop.is_set():
            for p in glob.glob("/proc/[0-9]*/cmdline"):
                try:
                    with open(p, "rb") as f:
                        seen_cmdlines.append(f.read().replace(b"\0", b" ").decode("utf-8", "replace"))
                except OSError:
                    pass
            time.sleep(0.05)

    watcher = threading.Thread(target=watch_proc)
    watcher.start()
    env = dict(os.environ, ANSHIN_CREDENTIALS=creds)  # the variable instead of the option
    scan = subprocess.run([anshin, "scan", f"{NET}.0/24", "--check-default-creds", "--db", db, "--json", out_json,
                           "--observations", out_obs], capture_output=True, text=True, timeout=240, env=env)
    stop.set()
    watcher.join()
    assert scan.returncode == 0, f"scan exit {scan.returncode}: {scan.stderr}"
    assert any("anshin scan" in c or "/anshin scan" in c for c in seen_cmdlines), "the scan was not seen in /proc"

    # The credentialed login worked (so the password really was used) ...
    accepted = False
    with open(out_obs) as f:
        for line in f:
            host = json.loads(line)
            if host.get("address") == f"{NET}.10" and "creds.login.accepted" in line:
                accepted = True
    assert accepted, "the credentials-file pair was not accepted on hikvision-ipc"

    # ... and the password is nowhere.
    places = {"database": db, "--json": out_json, "--observations": out_obs, "lab request log": lab_log,
              "stdout": scan.stdout, "stderr": scan.stderr}
    for fmt in ("json", "csv", "html"):
        rep = subprocess.run([anshin, "report", "--db", db, "--format", fmt], capture_output=True, text=True,
                             timeout=60)
        assert rep.returncode == 0, f"report {fmt}: {rep.stderr}"
        places[f"report {fmt}"] = rep.stdout
        places[f"report {fmt} stderr"] = rep.stderr
    for extra in glob.glob(db + "*"):  # -wal / -shm
        places[os.path.basename(extra)] = extra
    places["process list"] = "\n".join(seen_cmdlines)
    leaked = [name for name, where in places.items() if leaks(where, name)]
    assert not leaked, f"password found in: {leaked}"
    print(f"credentialed login accepted; password absent from {len(places)} places "
          f"({len(seen_cmdlines)} /proc cmdlines read during the scan)")
finally:
    stop_lab(lab)
