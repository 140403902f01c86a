#!/usr/bin/env python3
"""Unknown devices are useful (issue 10 item 3), through the inventory: a scan of the real fleet stored in
a database, then `anshin report` in every format shows the clues of unidentified surveillance devices
(the clone claiming "IPCAM" with Hikvision's SDP header, the LIVE555-realm camera) and marks a maker that
only clone-prone tells suggest as possible, never as the manufacturer; the terminal summary does too.
Loopback only: the lab on 127.77.231.0/24.

usage: clues_report.py ANSHIN
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402

NET = "127.77.231"


def main():
    anshin = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as work:
        with running_lab(anshin, NET + ".0/24", work, fleet="real"):
            db = os.path.join(work, "a.db")
            scan = subprocess.run([anshin, "scan", NET + ".0/24", "--db", db, "--json", os.path.join(work, "s.json")],
                                  capture_output=True, text=True, timeout=120)
        if scan.returncode != 0:
            print("scan failed: " + scan.stderr[-1000:])
            return 1
        clone, live555, ipnc = NET + ".64", NET + ".68", NET + ".32"
        # the terminal summary: the clue, and the possible maker with a question mark
        if "? " not in scan.stdout + scan.stderr or "Hikvision?" not in scan.stdout + scan.stderr:
            failures.append("terminal summary shows no clue or no 'Hikvision?' for a clone-prone maker")
        rep = {}
        for fmt in ("json", "csv", "html"):
            out = os.path.join(work, "r." + fmt)
            r = subprocess.run([anshin, "report", "--db", db, "--format", fmt, "-o", out], capture_output=True,
                               text=True, timeout=60)
            if r.returncode != 0:
                failures.append("report --format %s: %s" % (fmt, r.stderr))
                continue
            rep[fmt] = open(out, encoding="utf-8").read()
        devices = {d["address"]: d for d in json.loads(rep.get("json", '{"devices": []}'))["devices"]}
        for addr in (clone, live555):
            d = devices.get(addr)
            if not d or d.get("manufacturer") is not None or not d.get("clues"):
                failures.append("JSON from the inventory: %s should have clues and no manufacturer: %r" % (addr, d))
        d = devices.get(ipnc) or {}
        if d.get("manufacturer") is not None or not any(f["id"] == "identity.weak-evidence" for f in d.get("findings", [])):
            failures.append("the ONVIF_IPNC clone: no manufacturer and identity.weak-evidence expected: %r" % d.get("findings"))
        if any(f["id"].startswith("policy.") for f in d.get("findings", [])):
            failures.append("a policy finding on the ONVIF_IPNC clone")
        table = list(csv.reader(io.StringIO(rep.get("csv", ""))))
        at = table[0].index("Address") if table else 0
        rows = {r[at]: r for r in table}
        if clone not in rows or "rtsp.sdp.session_name=RTSP Session" not in rows[clone][-1]:
            failures.append("CSV: no clues column for %s: %r" % (clone, rows.get(clone)))
        if 'class="clues"' not in rep.get("html", "") or "LIVE555 Streaming Media" not in rep.get("html", ""):
            failures.append("HTML: no clues section with the LIVE555 realm")
    for f in failures:
        print("FAIL: " + f)
    print("clues_report: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
