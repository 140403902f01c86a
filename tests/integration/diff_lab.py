#!/usr/bin/env python3
"""anshin diff over two stored scans of the lab with a changed fleet: a device removed (gone), one
added (new), one moved to another address (same serial), one upgraded (firmware changed), and the
findings that follow. Loopback only: the lab on 127.77.234.0/24."""
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

import yaml

anshin = sys.argv[1]
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
work = tempfile.mkdtemp(prefix="anshin-diff-")
db = os.path.join(work, "inv.db")
net = "127.77.234"


def run_lab_and_scan(fleet_path):
    ready = os.path.join(work, "ready")
    if os.path.exists(ready):
        os.remove(ready)
    lab = subprocess.Popen([anshin, "lab", "--fleet", fleet_path, "--bind", f"{net}.0/24", "--ready-file", ready],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        t0 = time.time()
        while not os.path.exists(ready):
            assert lab.poll() is None, f"lab exited: {lab.stderr.read()}"
            assert time.time() - t0 < 30, "lab not ready"
            time.sleep(0.05)
        out = subprocess.run([anshin, "scan", f"{net}.0/24", "--db", db, "-q"], capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr
    finally:
        lab.send_signal(signal.SIGINT)
        lab.wait(10)


with open(os.path.join(src, "lab", "fleets", "default.yaml")) as f:
    fleet = yaml.safe_load(f)
before = os.path.join(work, "before.yaml")
with open(before, "w") as f:
    yaml.safe_dump(fleet, f, sort_keys=False)

devices = {d["id"]: d for d in fleet["devices"]}
# The lab derives MACs from a personality's position: change the list only at its end.
gone_suffix = fleet["devices"].pop()["suffix"]                                     # gone: the last one
axis = devices["axis-p3245"]                                                        # upgraded: .30
axis["vars"]["firmware"] = "11.5.64"
axis["expect"]["firmware"] = "11.5.64"
devices["axis-m3106"]["suffix"] = 32                                                # moved: .31 -> .32
sony2 = json.loads(json.dumps(devices["sony-snc"]))                                 # new: .91
sony2["id"] = "sony-snc-2"
sony2["suffix"] = 91
fleet["devices"].append(sony2)
after = os.path.join(work, "after.yaml")
with open(after, "w") as f:
    yaml.safe_dump(fleet, f, sort_keys=False)

run_lab_and_scan(before)
run_lab_and_scan(after)
d = subprocess.run([anshin, "diff", "--db", db, "--json"], capture_output=True, text=True, timeout=60)
assert d.returncode == 0, d.stderr
diff = json.loads(d.stdout)
assert diff["schema"] == "anshin.diff/1"
new = {x["address"] for x in diff["new_devices"]}
gone = {x["address"] for x in diff["gone"]}
moved = {(x["from"], x["to"]) for x in diff["moved"]}
fw = {(x["address"], x["firmware_from"], x["firmware_to"]) for x in diff["firmware_changed"]}
assert new == {f"{net}.91"}, f"new: {new}"
assert gone == {f"{net}.{gone_suffix}"}, f"gone: {gone}"
assert moved == {(f"{net}.31", f"{net}.32")}, f"moved: {moved}"
assert fw == {(f"{net}.30", "10.12.153", "11.5.64")}, f"firmware changed: {fw}"
text = subprocess.run([anshin, "diff", "--db", db], capture_output=True, text=True, timeout=60)
assert text.returncode == 0 and f"{net}.91" in text.stdout, text.stdout
print(f"diff over two lab scans: new {sorted(new)}, gone {sorted(gone)}, moved {sorted(moved)}, firmware {sorted(fw)}, "
      f"findings changed on {len(diff['findings_changed'])} devices")
