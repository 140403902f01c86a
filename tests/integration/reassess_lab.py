#!/usr/bin/env python3
"""`anshin reassess` (issue 11 item 4): a scan of the lab stored with an OLDER knowledge-base fixture is judged
again with a NEWER one, offline, and prints exactly the changes the newer knowledge makes.

Both fixtures are the shipped data/ changed here: the older one has no KEV date for CVE-2017-7923 and
still carries CVE-2017-7927; the newer one has CVE-2017-7923 in KEV (a test date, 2026-03-05) and no
CVE-2017-7927 (Dahua). The expected lines follow from the stored scan itself: every device the old scan gave
CVE-2017-7923 at "high" (a firmware hit) goes to "critical" (one step up when in KEV), every device with
CVE-2017-7927 loses it, nothing else changes.

"Sends no packet": the lab is stopped before `reassess`, and a listener is bound on the address of a
stored device's web port; it must accept no connection while `reassess` runs. Loopback only
(127.77.246.0/24)."""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402

anshin = os.path.abspath(sys.argv[1])
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
work = tempfile.mkdtemp(prefix="anshin-reassess-")
db = os.path.join(work, "inv.db")
net = "127.77.246"
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "NO_COLOR": "1", "XDG_DATA_HOME": os.path.join(work, "xdg"),
            "ANSHIN_KB_SYSTEM_DIR": os.path.join(work, "none")})
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def edit_cves(path, edit):
    with open(path) as f:
        blocks = re.split(r"(?m)^(?=  - id: CVE-)", f.read())
    with open(path, "w") as f:
        f.write("".join(b for b in (edit(b) for b in blocks) if b is not None))


def fixture(name, kev_7923, keep_7927):
    d = os.path.join(work, name)
    shutil.copytree(os.path.join(src, "data"), d)
    edit_cves(os.path.join(d, "cves", "hikvision.yaml"), lambda b: re.sub(
        r'(?m)^(    kev_added: )"[^"]*"', r'\g<1>"' + kev_7923 + '"', b, count=1) if b.startswith("  - id: CVE-2017-7923") else b)
    edit_cves(os.path.join(d, "cves", "dahua.yaml"),
              lambda b: None if b.startswith("  - id: CVE-2017-7927") and not keep_7927 else b)
    return d


older = fixture("older-kb", "", True)
newer = fixture("newer-kb", "2026-03-05", False)
for d in (older, newer):
    r = subprocess.run([anshin, "kb", "verify", "--kb", d], env=env, capture_output=True, text=True, timeout=120)
    check(r.returncode == 0, f"fixture {d} verifies: {r.stdout[-400:]}")

# The scan, with the older knowledge.
with running_lab(anshin, f"{net}.0/24", work, env=env):
    r = subprocess.run([anshin, "scan", f"{net}.0/24", "--db", db, "-q", "--kb", older], env=env,
                       capture_output=True, text=True, timeout=240)
    check(r.returncode == 0, f"scan: {r.stderr}")

r = subprocess.run([anshin, "report", "--db", db, "--format", "json"], env=env, capture_output=True, text=True, timeout=60)
old = json.loads(r.stdout)


def with_finding(doc, fid, severity=None):
    return [d["address"] for d in doc["devices"]
            if any(f["id"] == fid and (severity is None or f["severity"] == severity) for f in d["findings"])]


high_7923 = with_finding(old, "cve.CVE-2017-7923", "high")
had_7927 = with_finding(old, "cve.CVE-2017-7927")
check(len(high_7923) >= 1, f"the lab has a firmware hit of CVE-2017-7923 ({high_7923})")
check(len(had_7927) >= 1, f"the lab has CVE-2017-7927 ({had_7927})")


def devices(n):
    return "1 device" if n == 1 else f"{n} devices"


expected = []
if high_7923:
    expected.append(f"CVE-2017-7923: high → critical on {devices(len(high_7923))} (now in CISA KEV, since 2026-03-05)")
severities = [f["severity"] for d in old["devices"] for f in d["findings"] if f["id"] == "cve.CVE-2017-7927"]
order = ["info", "low", "medium", "high", "critical"]
if had_7927:
    top = max(severities, key=order.index)
    expected.append(f"- CVE-2017-7927 ({top}) on {devices(len(had_7927))}")

# Reassess with the newer knowledge while a listener holds a stored device's web port: no packet.
victim = next(d for d in old["devices"] if any(s["port"] == 80 for s in d.get("services", [])))
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((victim["address"], 80))
listener.listen(16)
listener.setblocking(False)
r = subprocess.run([anshin, "reassess", "--db", db, "--kb", newer], env=env, capture_output=True, text=True, timeout=120)
accepted = 0
try:
    while True:
        listener.accept()[0].close()
        accepted += 1
except BlockingIOError:
    pass
listener.close()
check(accepted == 0, f"reassess connected to {victim['address']}:80 {accepted} time(s)")
check(r.returncode == 0, f"reassess: exit {r.returncode} {r.stderr}")
lines = r.stdout.strip().split("\n")
check(lines[0].startswith("scan 1 (knowledge base 2026") and "stored as scan 2" in lines[0], f"header: {lines[0]}")
check(lines[1:] == expected, f"changes:\n{chr(10).join(lines[1:])}\nexpected:\n{chr(10).join(expected)}")

# The new scan is stored, marked, and its report has the new severities.
r = subprocess.run([anshin, "report", "--db", db, "--scan", "2", "--format", "json"], env=env, capture_output=True,
                   text=True, timeout=60)
new = json.loads(r.stdout)
check(sorted(with_finding(new, "cve.CVE-2017-7923", "critical")) == sorted(high_7923), "stored severities")
check(with_finding(new, "cve.CVE-2017-7927") == [], "CVE-2017-7927 gone from the new scan")
check(len(new["devices"]) == len(old["devices"]), "same devices")

# The same changes in Japanese (scan 1 judged again as scan 3): the reports' severity words.
r = subprocess.run([anshin, "reassess", "--db", db, "--scan", "1", "--kb", newer, "--lang", "ja"], env=env,
                   capture_output=True, text=True, timeout=120)
ja = r.stdout.strip().split("\n")
check(r.returncode == 0 and len(ja) == len(expected) + 1, f"ja reassess: {r.stdout}")
check(any(l.startswith("CVE-2017-7923：重要 → 緊急") and "CISA KEV" in l for l in ja), f"ja severity line: {ja}")

# Reassessing with the same knowledge again changes nothing; Japanese output.
r = subprocess.run([anshin, "reassess", "--db", db, "--kb", newer, "--lang", "ja"], env=env, capture_output=True,
                   text=True, timeout=120)
check(r.returncode == 0 and r.stdout.strip().split("\n")[1:] == ["変更なし"], f"second reassess: {r.stdout}")

shutil.rmtree(work)
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
