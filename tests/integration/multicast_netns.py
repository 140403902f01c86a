#!/usr/bin/env python3
"""Multicast UDP discovery on a local segment, inside a private network namespace this test creates.

The multicast fleet (lab/fleets/multicast.yaml) has no TCP port open: a Hikvision camera whose SADP
answers only the group and answers *to the group*, a Dahua camera answering DHIP only on
239.255.255.251, an Amcrest (Dahua OEM) camera answering WS-Discovery only on the group, and a fourth
SADP camera on the same link but on no subnet of the scanner's (127.77.1.200: a camera still on a
factory address). In the namespace lo carries multicast (shared/peers/netns_run.sh); this test gives lo
the single address 127.77.0.1/24 (127.0.0.1/8 removed) and a local route for 127.77.1.0/24, so the plan
127.77.0.0/24 covers every subnet of the link.

1. `anshin scan 127.77.0.0/24`: exactly the three cameras in the plan, each named as the fleet's
   ground truth says (manufacturer, brand, model, firmware, serial), from udp/37020, 37810, 3702; the
   camera outside the plan received the multicast probe (lab log) and is not reported.
2. `anshin scan 127.77.0.0/24 --no-multicast`: no device, although the lab log shows the unicast
   probes reached all three (and were ignored, as those stacks do): (1) is multicast's doing.
3. `anshin scan 127.77.0.0/26`: the plan names only part of the segment, so no multicast is sent
   (it would reach devices the user did not name): no group probe in the lab log, no device.
4. With a second subnet on lo (127.77.2.1/24), 127.77.0.0/24 no longer covers the link: no multicast.

usage: multicast_netns.py ANSHIN [--netns-inner WORKDIR]   (env ANSHIN_SOURCE_DIR: the source tree)
Exit 77 (ctest: skipped) when network namespaces are unavailable (not root, no unshare/ip).
Loopback rule: every packet stays inside the private namespace, which has only lo.
"""
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import start_lab, stop_lab  # noqa: E402
from netns import run_inner_half  # noqa: E402

BIND = "127.77.0.0/23"
PLAN = "127.77.0.0/24"
GROUP = {"sadp": "239.255.255.250", "wsd": "239.255.255.250", "dhip": "239.255.255.251"}


def source_dir():
    return os.environ.get("ANSHIN_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def ground_truth():
    """The fleet's expectations; templated serials are checked by their literal prefix."""
    fleet = yaml.safe_load(open(os.path.join(source_dir(), "lab", "fleets", "multicast.yaml")))
    base = ipaddress.ip_network(BIND).network_address
    return {str(base + d["suffix"]): dict(d["expect"], id=d["id"], kind=d["services"][0]["kind"])
            for d in fleet["devices"]}


def lab_log(path):
    with open(path) as f:
        return [json.loads(l) for l in f if l.strip()]


def scan(anshin, work, name, extra=(), plan=PLAN):
    out = os.path.join(work, f"{name}.json")
    t0 = time.time()
    r = subprocess.run([anshin, "scan", plan, "--json", out, "--no-db", *extra],
                       capture_output=True, text=True, timeout=120)
    secs = time.time() - t0
    assert r.returncode == 0, f"{name}: exit {r.returncode}: {r.stderr.strip()[:500]}"
    # The scan says where it multicast (one line per segment), and says nothing when it did not.
    said = [l for l in r.stderr.splitlines() if "multicast" in l]
    return json.load(open(out))["devices"], secs, said


def inner(anshin, work):
    assert os.environ.get("ANSHIN_NETNS") == "1", "inner half outside netns_run.sh"
    with open("/proc/net/dev") as f:
        ifaces = [l.split(":")[0].strip() for l in f.readlines()[2:]]
    assert ifaces == ["lo"], f"namespace is not private: {ifaces}"
    for cmd in (["ip", "addr", "del", "127.0.0.1/8", "dev", "lo"], ["ip", "addr", "add", "127.77.0.1/24", "dev", "lo"],
                ["ip", "route", "add", "local", "127.77.1.0/24", "dev", "lo", "table", "local"]):
        subprocess.run(cmd, check=True)
    truth = ground_truth()
    in_plan = {a: t for a, t in truth.items() if ipaddress.ip_address(a) in ipaddress.ip_network(PLAN)}
    outside = {a: t for a, t in truth.items() if a not in in_plan}
    assert len(in_plan) == 3 and len(outside) == 1, "multicast.yaml changed: update this test"

    log = os.path.join(work, "lab.jsonl")
    lab = start_lab(anshin, BIND, work, fleet="multicast", log=log, timeout=20)
    try:

        # 1. Multicast on (the default).
        devices, secs, said = scan(anshin, work, "multicast")
        assert said == ["anshin: discovery also multicast on lo 127.77.0.1/24: the targets cover that segment "
                        "(--no-multicast turns it off)"], f"multicast note: {said}"
        by_addr = {d["address"]: d for d in devices}
        print(f"multicast: {len(devices)} devices in {secs:.2f} s: "
              f"{[(d['address'], d['manufacturer'], d['brand'], d['model']) for d in devices]}")
        assert set(by_addr) == set(in_plan), f"expected exactly {sorted(in_plan)}, got {sorted(by_addr)}"
        for addr, t in in_plan.items():
            d = by_addr[addr]
            for field in ("category", "manufacturer", "brand", "model", "firmware"):
                assert d[field] == t[field], f"{t['id']}: {field} {d[field]!r} != {t[field]!r}"
            if t["serial"] is None:
                assert d["serial"] is None, f"{t['id']}: serial {d['serial']!r}"
            else:
                prefix = t["serial"].split("{{")[0]
                assert d["serial"] and d["serial"].startswith(prefix), f"{t['id']}: serial {d['serial']!r}"
            ports = {(s["transport"], s["port"]) for s in d["services"]}
            want = {"sadp": 37020, "dhip": 37810, "wsd": 3702}[t["kind"]]
            assert ("udp", want) in ports, f"{t['id']}: no udp/{want} in {ports}"
            assert not any(p[0] == "tcp" for p in ports), f"{t['id']}: tcp ports in {ports}"
        entries = lab_log(log)
        for addr, t in truth.items():
            got = [e for e in entries if e["address"] == addr and e["target"] == GROUP[t["kind"]]]
            assert got, f"{t['id']}: the lab saw no probe sent to {GROUP[t['kind']]}"
        addr_out = next(iter(outside))
        assert any(e["address"] == addr_out and e["status"] == 1 for e in entries), "outside device did not answer"
        print(f"multicast: {outside[addr_out]['id']} at {addr_out} answered the group and was not reported")

        # 2. Multicast off: the same devices ignore unicast probes, so nothing is found.
        open(log, "w").close()
        devices, secs, said = scan(anshin, work, "unicast", ["--no-multicast"])
        assert said == [], f"--no-multicast, yet: {said}"
        print(f"--no-multicast: {len(devices)} devices in {secs:.2f} s")
        assert devices == [], f"--no-multicast found {[d['address'] for d in devices]}"
        entries = lab_log(log)
        for addr, t in in_plan.items():
            uni = [e for e in entries if e["address"] == addr and e["target"] == ""]
            assert uni, f"{t['id']}: no unicast probe reached it"
            assert all(e["status"] == 0 for e in uni), f"{t['id']}: answered a unicast probe"
            assert not any(e["target"] for e in entries if e["address"] == addr), f"{t['id']}: multicast sent"

        # 3. A plan that covers only part of the segment: no multicast at all.
        open(log, "w").close()
        devices, secs, said = scan(anshin, work, "partial", [], plan="127.77.0.0/26")
        assert said == [], f"partial segment, yet: {said}"
        print(f"127.77.0.0/26 (part of the segment): {len(devices)} devices in {secs:.2f} s")
        entries = lab_log(log)
        assert not [e for e in entries if e["target"]], "multicast sent for a plan that does not cover the segment"
        assert [e for e in entries if e["address"] == "127.77.0.10"], "no unicast probe reached 127.77.0.10"
        assert devices == [], f"found {[d['address'] for d in devices]} without multicast"

        # 4. A second subnet on the link: the plan no longer covers everything multicast would reach.
        subprocess.run(["ip", "addr", "add", "127.77.2.1/24", "dev", "lo"], check=True)
        open(log, "w").close()
        devices, secs, said = scan(anshin, work, "two-subnets")
        print(f"{PLAN} with 127.77.2.1/24 also on lo: {len(devices)} devices in {secs:.2f} s")
        assert said == [], f"two subnets on lo, yet: {said}"
        assert not [e for e in lab_log(log) if e["target"]], "multicast sent although 127.77.2.0/24 is not covered"
        assert devices == [], f"found {[d['address'] for d in devices]} without multicast"
    finally:
        stop_lab(lab)
    print("multicast discovery: ok")


def main():
    anshin = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--netns-inner":
        inner(anshin, sys.argv[3])
        return 0
    netns_run = os.path.normpath(os.path.join(source_dir(), "..", "shared", "peers", "netns_run.sh"))
    assert os.path.exists(netns_run), f"{netns_run} not found (the shared folder beside the clone)"
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        print("SKIP: unshare/ip not installed (util-linux, iproute2)")
        return 77
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"SKIP: network namespaces unavailable here (unshare --net: {probe.stderr.strip()[:200]})")
        return 77
    run_inner_half(["sh", netns_run], __file__, [anshin, "--netns-inner"], "anshin-multicast-", timeout=240)
    return 0


if __name__ == "__main__":
    sys.exit(main())
