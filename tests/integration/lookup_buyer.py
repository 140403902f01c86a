#!/usr/bin/env python3
"""`anshin lookup` as a Japanese buyer uses it (issue 11 item 5), with the real binary: katakana, kanji,
full-width and half-width spellings and models without hyphens find the maker (exit 0); a text that
matches nothing exits 3 and says so (contract); --json carries the policy dates and scopes, the CVEs with
their KEV dates, and the OEM chain. Offline: no packet is sent."""
import json
import os
import subprocess
import sys

anshin = os.path.abspath(sys.argv[1])
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "ANSHIN_KB_SYSTEM_DIR": "/nonexistent", "XDG_DATA_HOME": "/nonexistent"})
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def lookup(*args):
    return subprocess.run([anshin, "lookup", *args], env=env, capture_output=True, text=True, timeout=60)


queries = {"ハイクビジョン ＤＳ２ＣＤ２０４３Ｇ０Ｉ": "Hikvision", "海康威视": "Hikvision", "ﾀﾞｰﾌｧ": "Dahua",
           "大华 IPC-HFW4431R-Z": "Dahua", "パナソニック": "i-PRO (Panasonic)", "アクシス P3245LVE": "Axis"}
r = lookup("--json", *queries)
check(r.returncode == 0, f"known spellings: exit {r.returncode} {r.stderr}")
doc = json.loads(r.stdout)
for res, (q, maker) in zip(doc["results"], queries.items()):
    check(res["known"] and res["manufacturer"] == maker, f"{q}: {res.get('manufacturer')}")
hik = doc["results"][0]
check(hik["model"] == "DS2CD2043G0I" and hik["category"] == "camera", f"model {hik['model']}")
check(any(c["id"] == "CVE-2021-36260" and c["kev_added"] for c in hik["cves"]), "CVE-2021-36260 with its KEV date")
check(all(p["since"] and p["scope"] and p["effective"] for p in hik["policies"]) and hik["policies"],
      "policies carry since, scope and effective")

r = lookup("--json", "Lorex E891AB")
lorex = json.loads(r.stdout)["results"][0]
check(lorex["oem_chain"] and lorex["oem_chain"][0]["from"] == "Lorex" and "since" in lorex["oem_chain"][0],
      f"OEM chain: {lorex['oem_chain']}")

r = lookup("ハイクビジョン", "Frobnicator 3000")
check(r.returncode == 3, f"an unknown text exits 3, got {r.returncode}")
check("Not in the knowledge base" in r.stdout, "the unknown text is answered")
r = lookup("--json", "Frobnicator 3000")
check(r.returncode == 3 and json.loads(r.stdout)["results"][0]["known"] is False, "--json unknown exits 3")

if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
