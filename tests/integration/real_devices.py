#!/usr/bin/env python3
"""anshin on replies recorded from 60 real devices (../shared/corpora/real-devices, issue 10).

Runs the corpus scorer (its fleet replays the recorded replies on 127.97.0.0/24, anshin scans it) and
requires, over the fields the replies reveal (tests/integration/real_devices_not_on_wire.yaml lists the
few a source states only outside the bytes, with the reason):
  manufacturer, model, firmware (full build), category: 95% or more each;
  relabel brands: 90% or more;
  no policy finding on a device whose source names no Hikvision- or Dahua-family (or other listed) maker.
Skipped (exit 77) with a message when ../shared is absent or ports 80/554 cannot be bound.

usage: real_devices.py ANSHIN   (env ANSHIN_SOURCE_DIR: the source tree)
"""
import os
import re
import subprocess
import sys
import tempfile

import yaml

SRC = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SCORER = os.path.join(SRC, "..", "shared", "corpora", "real-devices", "score.py")
MIN_RATE = {"manufacturer": 0.95, "model": 0.95, "firmware": 0.95, "category": 0.95, "brand": 0.90}
ROW = re.compile(r"^(127\.97\.0\.\d+)\s+(\S+)\s+(found|NOT-FOUND)\s+(.*)$")
CELL = re.compile(r"(\w+)=(ok|n/a|guess:.*?|MISS\(.*?\))(?=\s{2}\w+=|\s*$)")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: real_devices.py ANSHIN")
    anshin = os.path.abspath(sys.argv[1])
    if not os.path.exists(SCORER):
        print("skipped: the real-devices corpus is not here (%s); it ships in ../shared" % SCORER)
        return 77
    with open(os.path.join(SRC, "tests", "integration", "real_devices_not_on_wire.yaml")) as f:
        off_wire = {(e["device"], e["field"]) for e in yaml.safe_load(f)}
    with tempfile.TemporaryDirectory() as keep:
        run = subprocess.run([sys.executable, SCORER, "--anshin", anshin, "--keep", keep], cwd=SRC,
                             capture_output=True, text=True, timeout=240)
    out = run.stdout
    if run.returncode == 2:
        print("skipped: the corpus fleet or the scan could not run (ports 80/554 need root): " +
              (run.stderr or out)[-400:])
        return 77
    if run.returncode != 0:
        print(out + run.stderr)
        return 1
    counts = {f: [0, 0] for f in ("manufacturer", "model", "category", "brand")}
    misses = []
    rows = 0
    for line in out.splitlines():
        m = ROW.match(line)
        if not m:
            continue
        rows += 1
        ip, dev, found, cells = m.groups()
        if found != "found":
            misses.append("%s %s not found" % (ip, dev))
        for field, value in CELL.findall(cells):
            if field not in counts or value == "n/a" or value.startswith("guess:"):
                continue
            if (dev, field) in off_wire:
                continue
            counts[field][1] += 1
            if value == "ok":
                counts[field][0] += 1
            else:
                misses.append("%s %s %s=%s" % (ip, dev, field, value))
    fw = re.search(r"firmware_full=(\d+)/(\d+)", out)
    counts["firmware"] = [int(fw.group(1)), int(fw.group(2))] if fw else [0, 1]
    flags = [l for l in out.splitlines() if l.startswith("FALSE POLICY FLAG")]
    summary = [l for l in out.splitlines() if l.startswith(("fields:", "real:"))]
    print("\n".join(summary))
    failed = rows != 60 or bool(flags)
    for field, (ok, total) in sorted(counts.items()):
        rate = ok / total if total else 0.0
        verdict = "ok" if rate >= MIN_RATE[field] else "BELOW %.0f%%" % (100 * MIN_RATE[field])
        print("%-12s %d/%d = %.1f%% %s" % (field, ok, total, 100 * rate, verdict))
        failed |= rate < MIN_RATE[field]
    for l in misses + flags:
        print("  " + l)
    if rows != 60:
        print("expected 60 device rows from the scorer, got %d" % rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
