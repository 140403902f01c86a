#!/usr/bin/env python3
"""Addresses that accept a connection on every port (a firewall's SYN proxy, a tarpit) are not devices.

Inside a private network namespace of its own (only lo; every packet stays there), nftables redirects
  - every TCP port of 127.141.2.0/28 (16 addresses, nothing behind them) and
  - every TCP port of 127.141.3.13 except the four the lab's Hikvision DVR serves there (80, 554, 23, 8000)
to one listener that accepts and never says a byte. The default lab fleet runs on 127.141.3.0/24.

Asserted: none of the 16 silent addresses is listed as a device and the scan says how many it left out;
the DVR behind the "SYN proxy" is identified exactly as the fleet expects, its telnet (which speaks) still
raises exposure.telnet, and the ports that only accepted raise nothing (no exposure.ftp for port 21); the
rest of the lab fleet is identified as without the redirect.

usage: accept_any_netns.py ANSHIN [--inner WORKDIR]   (exit 77 when namespaces or nftables are unavailable)
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import threading

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402
from netns import run_inner_half  # noqa: E402

SILENT = "127.141.2.0/28"
LAB = "127.141.3"
PROXIED_SUFFIX = 13
TARPIT_PORT = 9999


def source_dir():
    return os.environ.get("ANSHIN_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))


def sh(*cmd, stdin=None):
    r = subprocess.run(list(cmd), input=stdin, capture_output=True, text=True)
    assert r.returncode == 0, f"{cmd}: {r.stderr}"


def tarpit():
    """Accepts every connection on TARPIT_PORT and keeps it open without sending anything."""
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("0.0.0.0", TARPIT_PORT))
    srv.listen(4096)
    held = []

    def loop():
        while True:
            conn, _ = srv.accept()
            held.append(conn)

    threading.Thread(target=loop, daemon=True).start()


def inner(anshin, work):
    fleet = yaml.safe_load(open(os.path.join(source_dir(), "lab", "fleets", "default.yaml")))
    devices = {d["suffix"]: d for d in fleet["devices"]}
    proxied = devices[PROXIED_SUFFIX]
    served = sorted({s["port"] for s in proxied["services"] if s.get("port") and s["kind"] not in ("sadp", "wsd", "dhip")})
    assert served == [23, 80, 554, 8000], f"default.yaml changed the DVR's ports: {served}"

    sh("ip", "link", "set", "lo", "up")
    ports = ", ".join(str(p) for p in served + [TARPIT_PORT])
    sh("nft", "-f", "-", stdin=f"""
table ip anshin_accept_any {{
  chain out {{
    type nat hook output priority -100; policy accept;
    ip daddr {SILENT} tcp dport != {TARPIT_PORT} redirect to :{TARPIT_PORT}
    ip daddr {LAB}.{PROXIED_SUFFIX} tcp dport != {{ {ports} }} redirect to :{TARPIT_PORT}
  }}
}}
""")
    tarpit()
    out = os.path.join(work, "scan.json")
    with running_lab(anshin, f"{LAB}.0/24", work):
        r = subprocess.run([anshin, "scan", SILENT, f"{LAB}.0/24", "--no-db", "--json", out, "--lang", "en"],
                           capture_output=True, text=True, timeout=240)
    assert r.returncode == 0, r.stderr
    found = {d["address"]: d for d in json.load(open(out))["devices"]}

    silent = [a for a in found if a.startswith("127.141.2.")]
    assert not silent, f"addresses that only accepted are listed as devices: {silent}"
    assert "16 addresses accepted a connection on every port tried" in r.stderr, r.stderr

    for suffix, d in devices.items():
        address = f"{LAB}.{suffix}"
        assert address in found, f"{d['id']} at {address} missing"
        got = found[address]
        for field in ("category", "manufacturer", "brand", "model", "firmware"):
            assert got[field] == d["expect"].get(field), f"{d['id']}: {field} {got[field]!r} != {d['expect'].get(field)!r}"

    dvr = found[f"{LAB}.{PROXIED_SUFFIX}"]
    tcp_ports = sorted({s["port"] for s in dvr["services"] if s["transport"] == "tcp"})
    assert set(tcp_ports) <= set(served), f"ports that only accepted are listed: {tcp_ports}"
    ids = {f["id"] for f in dvr["findings"]}
    assert "exposure.telnet" in ids, f"the DVR's telnet speaks, yet no exposure.telnet: {sorted(ids)}"
    assert "exposure.ftp" not in ids, "port 21 only accepted, yet exposure.ftp"
    print(f"accept-any: 16 silent addresses left out; the proxied DVR identified with tcp ports {tcp_ports}; "
          f"{len(found)} devices in all")


def main():
    anshin = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--inner":
        inner(anshin, sys.argv[3])
        return 0
    for tool in ("unshare", "ip", "nft"):
        if shutil.which(tool) is None:
            print(f"SKIP: {tool} not installed")
            return 77
    probe = subprocess.run(["unshare", "--net", "nft", "list", "ruleset"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"SKIP: no private network namespace with nftables here: {probe.stderr.strip()[:200]}")
        return 77
    run_inner_half(["unshare", "--net"], __file__, [anshin, "--inner"], "anshin-accept-any-")
    return 0


if __name__ == "__main__":
    sys.exit(main())
