#!/usr/bin/env python3
"""anshin diff over two stored scans of one site of the lab with a changed fleet: a device removed (gone),
one added (new), one moved to another address (same serial), one upgraded (firmware changed), one
downgraded, one replaced by another unit of the same model (new serial and MAC), and the findings that
follow, named by their titles in the reader's language; `scans` lists them; --fail-on-change exits 3; a
scan of another site is not compared. Loopback only: the lab on 127.77.234.0/24."""
import json
import re
import os
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402

anshin = sys.argv[1]
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
work = tempfile.mkdtemp(prefix="anshin-diff-")
db = os.path.join(work, "inv.db")
net = "127.77.234"


def run_lab_and_scan(fleet_path, site="tokyo-01"):
    with running_lab(anshin, f"{net}.0/24", work, fleet=fleet_path):
        out = subprocess.run([anshin, "scan", f"{net}.0/24", "--db", db, "-q", "--site", site],
                             capture_output=True, text=True, timeout=180)
        assert out.returncode == 0, out.stderr


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
nvr = devices["hikvision-nvr"]["vars"]                                               # downgraded: .11
nvr.update(firmware="V4.21.000 build 190101", isapi_fw="V4.21.000", isapi_fw_date="build 190101",
           hc_enable="false")                                                       # ... and Hik-Connect off
ipc = devices["hikvision-ipc"]                                                      # replaced: .10
ipc["mac_oui"] = "a4:14:37"
ipc["vars"] = dict(ipc["vars"], sadp_sn="DS-2CD2043G0-I20190101BBXYZ{{mac_hex}}")
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
assert fw == {(f"{net}.30", "10.12.153", "11.5.64"), (f"{net}.11", "V4.22.005 build 191126", "V4.21.000 build 190101")}, \
    f"firmware changed: {fw}"
replaced = {(x["address"], x["before"]["serial"] != x["serial"]) for x in diff["replaced"]}
assert replaced == {(f"{net}.10", True)}, f"replaced: {diff['replaced']}"
down = {x["address"] for x in diff["firmware_changed"] if x["downgrade"]}
assert down == {f"{net}.11"}, f"downgrades: {diff['firmware_changed']}"
assert diff["new"]["site"] == "tokyo-01", diff["new"]
text = subprocess.run([anshin, "diff", "--db", db], capture_output=True, text=True, timeout=60)
assert text.returncode == 0 and f"{net}.91" in text.stdout, text.stdout
assert "replaced (1)" in text.stdout and "(downgrade)" in text.stdout, text.stdout
# Findings by title, not by id.
changed = {x["address"]: x["removed"] for x in diff["findings_changed"]}
assert "exposure.p2p-cloud" in changed.get(f"{net}.11", []), diff["findings_changed"]
assert "findings changed" in text.stdout and "exposure.p2p-cloud" not in text.stdout, text.stdout
ja = subprocess.run([anshin, "diff", "--db", db, "--lang", "ja"], capture_output=True, text=True, timeout=60)
assert ja.returncode == 0 and "入れ替わった機器（1 台" in ja.stdout and "（ダウングレード）" in ja.stdout, ja.stdout
# The scans ran under LANG=C (English); the findings read in Japanese: title and severity from the Japanese texts.
p2p_ja = [l for l in ja.stdout.splitlines() if "127.77.234.11" in l and "解消" in l]
assert p2p_ja and re.search(r"解消 [^a-z\[]+［[^］]+］", p2p_ja[0]), ja.stdout
fail = subprocess.run([anshin, "diff", "--db", db, "--fail-on-change", "--json"], capture_output=True, text=True, timeout=60)
assert fail.returncode == 3, (fail.returncode, fail.stderr)
same = subprocess.run([anshin, "diff", "--db", db, "2", "2", "--fail-on-change"], capture_output=True, text=True, timeout=60)
assert same.returncode == 0 and "no changes" in same.stdout, (same.returncode, same.stdout, same.stderr)

# A scan of another site: `diff` with no scans still compares tokyo-01's two; naming the two sites is refused.
run_lab_and_scan(after, site="osaka-02")
other = subprocess.run([anshin, "diff", "--db", db, "--site", "tokyo-01", "--json"], capture_output=True, text=True, timeout=60)
assert other.returncode == 0 and json.loads(other.stdout)["new"]["id"] == diff["new"]["id"], other.stderr
lonely = subprocess.run([anshin, "diff", "--db", db], capture_output=True, text=True, timeout=60)
assert lonely.returncode == 1 and "two finished scans of site" in lonely.stderr, (lonely.returncode, lonely.stderr)
cross = subprocess.run([anshin, "diff", "--db", db, "2", "3"], capture_output=True, text=True, timeout=60)
assert cross.returncode == 1 and "one site" in cross.stderr and len(cross.stderr.strip().splitlines()) == 1, cross.stderr
scans = json.loads(subprocess.run([anshin, "scans", "--db", db, "--json"], capture_output=True, text=True,
                                  timeout=60, check=True).stdout)
assert scans["schema"] == "anshin.scans/1" and [s["site"] for s in scans["scans"]] == ["tokyo-01", "tokyo-01", "osaka-02"]
assert all(s["status"] == "completed" and s["devices"] > 20 for s in scans["scans"]), scans
assert scans["scans"][0]["findings"]["critical"] > 0, scans["scans"][0]
listing = subprocess.run([anshin, "scans", "--db", db, "--site", "osaka-02"], capture_output=True, text=True,
                         timeout=60, env=dict(os.environ, COLUMNS="80"))
lines = listing.stdout.splitlines()
assert listing.returncode == 0 and len(lines) == 2 and "osaka-02" in lines[1], listing.stdout
print(f"diff over two lab scans: new {sorted(new)}, gone {sorted(gone)}, moved {sorted(moved)}, firmware {sorted(fw)}, "
      f"findings changed on {len(diff['findings_changed'])} devices")
