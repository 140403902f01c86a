#!/usr/bin/python3
"""anshin diff, scans, report and serve's alerts with traffic captures in the inventory.

A capture lists only the devices that talked while it ran. Compared with an active scan, every quiet device
would look "gone"; so a stored scan has a kind (an active scan, or a traffic capture made by `anshin
traffic --db`) and diff compares scans of one kind. The lab (the first three devices of the default fleet,
loopback 127.77.236.0/24) is scanned twice; then two captures, written here with scapy, show the first
camera reaching Hik-Connect (and, in the second, also an unnamed outside address). Asserted:
- `diff` (no numbers) compares the two active scans, says on stderr that the newer captures were left out,
  and lists nothing gone;
- `diff 2 3` (an active scan and a capture) is refused with exit 1 and says why, in en and ja;
- after the second capture, `diff` compares the two captures: the header says so, and the camera's
  findings changed (traffic.outbound added); nothing is gone;
- `scans --json` gives each scan's kind; the terminal list shows it;
- the capture attached to the inventory: the camera is identified from its active scan's observations and
  its traffic together, with no finding only active probes can show;
- the report of a capture says that devices that did not talk are not listed (HTML card note).

usage: traffic_diff.py ANSHIN_BINARY      (exit 77 when scapy is missing)
"""
import json
import os
import subprocess
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402

try:
    from scapy.all import DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, Raw, wrpcap
except ImportError:
    print("skipped: python3-scapy is not installed")
    sys.exit(77)

ANSHIN = sys.argv[1]
SRC = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
NET = "127.77.236"
CAM = f"{NET}.10"
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, lang="C.UTF-8", timeout=180):
    env = dict(os.environ, LC_ALL=lang, LANG=lang, NO_COLOR="1")
    return subprocess.run([ANSHIN, *args], capture_output=True, text=True, env=env, timeout=timeout)


def lab_scan(work, db, fleet_path):
    with running_lab(ANSHIN, f"{NET}.0/24", work, fleet=fleet_path):
        r = run("scan", f"{NET}.0/24", "--db", db, "-q")
        assert r.returncode == 0, r.stderr


def capture(path, names, unnamed=()):
    pkts, t = [], 1764979200.0
    for i, address in enumerate(unnamed):  # an outside address reached without a name: traffic.outbound
        pkts.append(Ether() / IP(src=CAM, dst=address) / TCP(sport=42000 + i, dport=8080, flags="S"))
    for i, (name, relay) in enumerate(names):
        q = Ether() / IP(src=CAM, dst=f"{NET}.1") / UDP(sport=40000 + i, dport=53) / DNS(id=i, rd=1, qd=DNSQR(qname=name))
        a = (Ether() / IP(src=f"{NET}.1", dst=CAM) / UDP(sport=53, dport=40000 + i) /
             DNS(id=i, qr=1, qd=DNSQR(qname=name), an=DNSRR(rrname=name, rdata=relay, ttl=60)))
        c = Ether() / IP(src=CAM, dst=relay) / TCP(sport=41000 + i, dport=443, flags="S")
        pkts += [q, a, c]
    for p in pkts:
        p.time = t
        t += 0.5
    wrpcap(path, pkts)


def main():
    with tempfile.TemporaryDirectory(prefix="anshin-traffic-diff-") as work:
        db = os.path.join(work, "inv.db")
        with open(os.path.join(SRC, "lab", "fleets", "default.yaml")) as f:
            fleet = yaml.safe_load(f)
        fleet["devices"] = fleet["devices"][:3]  # the list is cut at its end only (MACs follow positions)
        fleet_path = os.path.join(work, "fleet.yaml")
        with open(fleet_path, "w") as f:
            yaml.safe_dump(fleet, f, sort_keys=False)
        lab_scan(work, db, fleet_path)
        lab_scan(work, db, fleet_path)

        cap1, cap2 = os.path.join(work, "c1.pcap"), os.path.join(work, "c2.pcap")
        capture(cap1, [("litedev.hik-connect.com", "203.0.113.7")])
        capture(cap2, [("litedev.hik-connect.com", "203.0.113.7")], ["198.51.100.20"])
        t1 = os.path.join(work, "t1.json")
        r = run("traffic", "--pcap", cap1, "--db", db, "--json", t1)
        check(r.returncode == 0, f"traffic 1: {r.returncode} {r.stderr}")
        with open(t1) as f:
            doc = json.load(f)
        cam = next((d for d in doc["devices"] if d["address"] == CAM), None)
        check(cam is not None and any(f["id"] == "traffic.vendor-cloud" for f in cam["findings"]),
              "the capture's camera reaches Hik-Connect")
        # Known to the inventory: identified from the active scan's observations and its traffic together.
        check(cam is not None and cam["manufacturer"] == "Hikvision" and cam["model"],
              f"the capture's camera carries its identity from the active scan: {cam and (cam['manufacturer'], cam['model'])}")
        check(cam is not None and not any(f["id"].startswith("exposure.") for f in cam["findings"]),
              f"no finding the capture cannot show: {cam and [f['id'] for f in cam['findings']]}")
        check(len(doc["devices"]) == 1, f"only the camera that talked is in the capture: {[d['address'] for d in doc['devices']]}")
        check("internal hosts seen in the traffic" in r.stdout, f"terminal summary of a capture: {r.stdout[-400:]}")

        # diff without numbers: the two active scans; the capture is left out and said so.
        d = run("diff", "--db", db, "--json")
        check(d.returncode == 0, f"diff: {d.returncode} {d.stderr}")
        if d.returncode == 0:
            j = json.loads(d.stdout)
            check(j["old"]["kind"] == "active" and j["new"]["kind"] == "active", f"diff compares active scans: {j['old']}, {j['new']}")
            check(j["gone"] == [], f"nothing gone between the active scans: {j['gone']}")
        check("traffic capture(s) 3 are left out" in d.stderr, f"diff names the capture it left out: {d.stderr}")

        # An active scan and a capture: refused, in both languages.
        m = run("diff", "--db", db, "2", "3")
        check(m.returncode == 1 and "diff compares scans of one kind" in m.stderr and "a traffic capture" in m.stderr,
              f"diff 2 3 refused: {m.returncode} {m.stderr}")
        mj = run("diff", "--db", db, "2", "3", "--lang", "ja", lang="ja_JP.UTF-8")
        check(mj.returncode == 1 and "同じ種類の記録同士を比較します" in mj.stderr, f"ja refusal: {mj.stderr}")

        # The second capture: now two captures are compared with each other.
        r = run("traffic", "--pcap", cap2, "--db", db)
        check(r.returncode == 0, f"traffic 2: {r.returncode} {r.stderr}")
        d = run("diff", "--db", db)
        check(d.returncode == 0 and "both are traffic captures" in d.stdout, f"diff of captures says so: {d.stdout}")
        check("gone (" not in d.stdout and "findings changed (1)" in d.stdout and CAM in d.stdout, f"captures diff: {d.stdout}")
        dj = run("diff", "--db", db, "--json")
        if dj.returncode == 0:
            j = json.loads(dj.stdout)
            check(j["old"]["kind"] == "traffic" and j["new"]["kind"] == "traffic" and j["gone"] == [],
                  f"diff JSON of captures: {j['old']}, {j['new']}, gone {j['gone']}")
        dja = run("diff", "--db", db, "--lang", "ja", lang="ja_JP.UTF-8")
        check("どちらも通信のキャプチャーです" in dja.stdout, f"ja captures diff header: {dja.stdout}")

        s = run("scans", "--db", db, "--json")
        kinds = [x["kind"] for x in json.loads(s.stdout)["scans"]] if s.returncode == 0 else []
        check(kinds == ["active", "active", "traffic", "traffic"], f"scans kinds: {kinds}")
        st = run("scans", "--db", db)
        check("KIND" in st.stdout and "traffic" in st.stdout and "scan" in st.stdout, f"scans text: {st.stdout}")
        sj = run("scans", "--db", db, "--lang", "ja", lang="ja_JP.UTF-8")
        check("種類" in sj.stdout and "キャプチャー" in sj.stdout, f"scans ja: {sj.stdout}")

        h = run("report", "--db", db, "--format", "html", "--lang", "en")
        check(h.returncode == 0 and "a device that did not talk is not listed" in h.stdout, "HTML report of a capture says what it lists")
        h = run("report", "--db", db, "--scan", "2", "--format", "html", "--lang", "en")
        check(h.returncode == 0 and "a device that did not talk" not in h.stdout, "HTML report of an active scan does not")
    if failures:
        print(f"{len(failures)} failure(s)")
        return 1
    print("traffic_diff: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
