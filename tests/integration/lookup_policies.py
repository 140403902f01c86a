#!/usr/bin/env python3
"""anshin lookup against data/policies: rules that name vendors become findings through the OEM chain, a
Lorex model line decides the Dahua relation, context records are listed once and never as a finding, and
--policy accepts exactly the jurisdictions of the data. Offline: no packet is sent."""
import json
import subprocess
import sys

anshin = sys.argv[1]
CONTEXT = {"policy.jp.it-procurement-2018", "policy.jp.esp-act-prenotification", "policy.us.fcc-test-labs-2025",
           "policy.in.cctv-stqc-2025", "policy.us-tx.ga-48", "policy.eu.parliament-hikvision"}


def lookup(*args):
    out = subprocess.run([anshin, "lookup", "--json", "--lang", "en", *args], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


doc = lookup("Lorex E891AB", "Lorex W881AA", "DS-2CD2043G0-I")
assert {c["id"] for c in doc["context"]} == CONTEXT, doc["context"]
for c in doc["context"]:
    assert c["label"] and c["issuer"] and c["scope"] and c["effective"] and c["sources"], c
built, other, hik = doc["results"]
ids = lambda r: {p["id"] for p in r["policies"]}
for r in doc["results"]:
    assert not ids(r) & CONTEXT, r["query"]
assert built["manufacturer"] == "Dahua", built
assert "policy.us.ndaa-805-1260h" in ids(built), ids(built)
assert "relation dated 2018-02-06 to 2022-11-23" in built["relation"], built["relation"]
assert other["manufacturer"] is None, other
assert "policy.us.ndaa-805-1260h" not in ids(other), ids(other)
assert all(p["severity"] in ("low", "info") for p in other["policies"]), other["policies"]
assert {"policy.us.fcc-covered", "policy.us.entity-list", "policy.ca.ica-order-hikvision",
        "policy.us-la.rs-39-1753-1"} <= ids(hik), ids(hik)
sev = {p["id"]: p["severity"] for p in hik["policies"]}
assert sev["policy.us.entity-list"] == "info" and sev["policy.ca.ica-order-hikvision"] == "high", sev

# --policy takes the data's jurisdictions: "us" includes Louisiana, "jp" names no vendor.
us = lookup("--policy", "us", "DS-2CD2043G0-I")
assert "policy.us-la.rs-39-1753-1" in ids(us["results"][0]), ids(us["results"][0])
assert not any(i.startswith(("policy.uk.", "policy.ca.")) for i in ids(us["results"][0]))
jp = lookup("--policy", "jp", "DS-2CD2043G0-I")
assert jp["results"][0]["policies"] == [], jp["results"][0]["policies"]
assert {c["id"] for c in jp["context"]} == {"policy.jp.it-procurement-2018", "policy.jp.esp-act-prenotification"}
bad = subprocess.run([anshin, "lookup", "--policy", "mars", "x"], capture_output=True, text=True, timeout=60,
                     env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
assert bad.returncode != 0 and "us-la" in bad.stderr, bad.stderr
print("lookup policies: ok")
