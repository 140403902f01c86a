#!/usr/bin/env python3
"""anshin against real protocol peers that anshin did not write (shared/reference/peers.md).

1. GStreamer gst-rtsp-server (no auth and Digest) on 127.77.244.x: found, service rtsp, product
   "GStreamer RTSP server" from the KB, category other, no manufacturer; the observations show
   DESCRIBE 200 with media, or 401 with the Digest realm "IP Camera(TEST)".
   A third instance on a port that is not a conventional RTSP port checks that the device is found
   (identifying RTSP there is a known gap, reported but not failed).
2. GUPnP 1.6 root device imitating a real router (TP-Link Archer C7, an InternetGatewayDevice) inside
   a network namespace this test creates; anshin runs inside the same namespace against 127.0.0.1:
   found, SSDP/UPnP observations, labelled TP-Link / Archer C7, not surveillance equipment.

usage: real_peers.py ANSHIN [--netns-inner WORKDIR]   (env ANSHIN_SOURCE_DIR: the source tree)

Loopback rule: every address is in 127.0.0.0/8; multicast (GSSDP NOTIFY, anshin's SSDP M-SEARCH) only
happens inside the private namespace. Every peer is stopped by its PID in a finally block.
"""
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

PY = "/usr/bin/python3"  # Debian's Python: the one with the gi bindings the peers need
STRICT = os.environ.get("ANSHIN_STRICT_PEERS") == "1"  # make known gaps fail


def shared_dir():
    src = os.environ.get("ANSHIN_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))
    d = os.path.normpath(os.path.join(src, "..", "shared", "peers"))
    if not os.path.isdir(d):
        sys.exit(f"real_peers: peer scripts not found at {d} (the shared folder beside the clone)")
    return d


def start_peer(cmd, ready_text, timeout=20, env=None):
    """Start a peer in the background; wait until its stdout prints a line containing ready_text."""
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    buf = b""
    deadline = time.time() + timeout
    while ready_text.encode() not in buf:
        left = deadline - time.time()
        if left <= 0 or proc.poll() is not None:
            stop(proc)
            raise AssertionError(f"peer {' '.join(cmd)} not ready (exit {proc.returncode}): "
                                 f"{buf.decode(errors='replace')[-800:]}")
        r, _, _ = select.select([proc.stdout], [], [], min(left, 0.2))
        if r:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                continue
            buf += chunk
    return proc


def stop(proc):
    """Stop one process we started, by its PID."""
    if proc is None or proc.poll() is not None:
        return
    os.kill(proc.pid, signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(5)


def scan(anshin, work, name, target, port, extra=()):
    out, obs = os.path.join(work, f"{name}.json"), os.path.join(work, f"{name}.obs.jsonl")
    t0 = time.time()
    r = subprocess.run([anshin, "scan", target, "-p", str(port), "--json", out, "--observations", obs,
                        "--no-db", "-q", *extra], capture_output=True, text=True, timeout=120)
    secs = time.time() - t0
    assert r.returncode == 0, f"{name}: anshin scan exit {r.returncode}: {r.stderr.strip()[:500]}"
    doc = json.load(open(out))
    hosts = [json.loads(l) for l in open(obs) if l.strip()]
    devs = [d for d in doc["devices"] if d["address"] == target]
    assert len(devs) == 1, f"{name}: {target} not in the scan result: {[d['address'] for d in doc['devices']]}"
    host = next((h for h in hosts if h["address"] == target), None)
    assert host is not None, f"{name}: no observations for {target}"
    print(f"{name}: scanned {target}:{port} in {secs:.2f} s -> category={devs[0]['category']} "
          f"manufacturer={devs[0]['manufacturer']} model={devs[0]['model']} "
          f"services={[(s['port'], s['protocol'], s['product']) for s in devs[0]['services']]}")
    return devs[0], host


def observations(host, probe=None, port=None):
    out = {}
    for s in host["services"]:
        if (probe is None or s["probe"] == probe) and (port is None or s["port"] == port):
            for o in s["observations"]:
                out.setdefault(o["key"], []).append(o["value"])
    return out


def service(dev, port, transport="tcp"):
    s = [s for s in dev["services"] if s["port"] == port and s["transport"] == transport]
    assert s, f"{dev['address']}: no {transport}/{port} service in {dev['services']}"
    return s[0]


def known_gap(what):
    if STRICT:
        raise AssertionError(f"known gap (ANSHIN_STRICT_PEERS=1): {what}")
    print(f"KNOWN GAP (not failed; ANSHIN_STRICT_PEERS=1 makes it fail): {what}")


# ------------------------------------------------------------------------------------------ RTSP
def rtsp_peers(anshin, peers, work):
    gst = os.path.join(peers, "gst_rtsp.py")
    mount = "/Streaming/Channels/101"
    # 8322 and 5554 are RTSP ports anshin probes with RTSP; 47554 is not one (see the gap below).
    open_addr, open_port = "127.77.244.11", 8322
    digest_addr, digest_port = "127.77.244.12", 5554
    odd_addr, odd_port = "127.77.244.13", 47554
    procs = []
    try:
        procs.append(start_peer([PY, gst, open_addr, str(open_port), mount], "rtsp://"))
        procs.append(start_peer([PY, gst, digest_addr, str(digest_port), mount, "digest"], "rtsp://"))
        procs.append(start_peer([PY, gst, odd_addr, str(odd_port), mount], "rtsp://"))

        for name, addr, port, mode in (("gst-rtsp-open", open_addr, open_port, "none"),
                                       ("gst-rtsp-digest", digest_addr, digest_port, "digest")):
            dev, host = scan(anshin, work, name, addr, port)
            svc = service(dev, port)
            assert svc["protocol"] == "rtsp", f"{name}: protocol {svc['protocol']}"
            assert svc["product"] == "GStreamer RTSP server", f"{name}: product {svc['product']!r}"
            assert dev["category"] == "other", f"{name}: category {dev['category']}"
            assert dev["manufacturer"] is None and dev["brand"] is None, \
                f"{name}: manufacturer {dev['manufacturer']!r} / brand {dev['brand']!r} without evidence"
            assert any(e.get("implies", {}).get("product") == "GStreamer RTSP server" for e in dev["evidence"]), \
                f"{name}: no KB evidence for the product: {dev['evidence']}"
            obs = observations(host, "rtsp", port)
            assert obs.get("rtsp.header.server") == ["GStreamer RTSP server"], f"{name}: {obs}"
            finding_ids = {f["id"] for f in dev["findings"]}
            if mode == "none":
                assert obs.get("rtsp.describe.status") == ["200"], f"{name}: DESCRIBE {obs.get('rtsp.describe.status')}"
                media = int(obs.get("rtsp.sdp.media_count", ["0"])[0])
                assert media >= 1, f"{name}: media_count {media}"
                assert "auth.rtsp-open" in finding_ids, f"{name}: no auth.rtsp-open finding: {finding_ids}"
            else:
                assert obs.get("rtsp.describe.status") == ["401"], f"{name}: DESCRIBE {obs.get('rtsp.describe.status')}"
                assert obs.get("rtsp.auth.realm") == ["IP Camera(TEST)"], f"{name}: realm {obs.get('rtsp.auth.realm')}"
                assert obs.get("rtsp.auth.scheme") == ["Digest"], f"{name}: scheme {obs.get('rtsp.auth.scheme')}"
                assert "auth.rtsp-open" not in finding_ids, f"{name}: auth.rtsp-open although Digest is required"

        # A real RTSP server on an unconventional port: found (the port is open) in any case.
        dev, host = scan(anshin, work, "gst-rtsp-odd-port", odd_addr, odd_port)
        svc = service(dev, odd_port)
        assert dev["manufacturer"] is None, f"odd port: manufacturer {dev['manufacturer']!r}"
        # The http probe gets no usable answer there; the RTSP fallback probe (ports nothing identified)
        # then recognises it.
        assert svc["protocol"] == "rtsp", \
            f"odd port {odd_port}: protocol {svc['protocol']!r} ({[s.get('error') for s in host['services']]})"
        assert svc["product"] == "GStreamer RTSP server", f"odd port: product {svc['product']!r}"
    finally:
        for p in procs:
            stop(p)


# ------------------------------------------------------------------------------------- GUPnP (netns)
ROUTER_DESC = """<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0">
<specVersion><major>1</major><minor>0</minor></specVersion>
<device>
<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>Archer C7</friendlyName>
<manufacturer>TP-LINK</manufacturer>
<manufacturerURL>http://www.tp-link.com</manufacturerURL>
<modelDescription>AC1750 Wireless Dual Band Gigabit Router</modelDescription>
<modelName>Archer C7</modelName>
<modelNumber>5.0</modelNumber>
<serialNumber>1.0</serialNumber>
<UDN>uuid:060b7353-fca6-4070-85f4-1fbfb9add62c</UDN>
</device>
</root>
"""
UPNP_PORT = 49213


def upnp_peer(anshin, peers, work):
    """Outer half: create the namespace and run this script's inner half inside it."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        print("SKIP upnp: unshare/ip not installed (util-linux, iproute2)")
        return
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        print(f"SKIP upnp: network namespaces unavailable here (unshare --net: {probe.stderr.strip()[:200]})")
        return
    # The peer script is copied (the shared folder may be read-only): its SSDP Server header says
    # "TestCam", which a router would not; the description is this test's own copy.
    desc_dir = os.path.join(work, "upnpdesc")
    os.makedirs(desc_dir)
    with open(os.path.join(desc_dir, "desc.xml"), "w") as f:
        f.write(ROUTER_DESC)
    script = open(os.path.join(peers, "gupnp_dev.py")).read()
    assert "Linux/3.10 UPnP/1.0 TestCam/1.0" in script, "gupnp_dev.py changed: update the Server id patch"
    with open(os.path.join(work, "gupnp_dev.py"), "w") as f:
        f.write(script.replace("Linux/3.10 UPnP/1.0 TestCam/1.0",
                               "Linux/2.6.36 UPnP/1.0 Portable SDK for UPnP devices/1.6.19"))
    inner = subprocess.Popen(["sh", os.path.join(peers, "netns_run.sh"), PY, os.path.abspath(__file__), anshin,
                              "--netns-inner", work])
    try:
        rc = inner.wait(180)
    finally:
        stop(inner)
    assert rc == 0, f"upnp: inner half failed (exit {rc})"


def upnp_inner(anshin, work):
    """Inner half: runs inside the private namespace (only lo, ANSHIN_NETNS=1)."""
    assert os.environ.get("ANSHIN_NETNS") == "1", "inner half outside netns_run.sh"
    with open("/proc/net/dev") as f:
        ifaces = [l.split(":")[0].strip() for l in f.readlines()[2:]]
    assert ifaces == ["lo"], f"namespace is not private: {ifaces}"
    peer = None
    try:
        peer = start_peer([PY, os.path.join(work, "gupnp_dev.py"), "lo", str(UPNP_PORT), os.path.join(work, "upnpdesc")],
                          "location")
        dev, host = scan(anshin, work, "gupnp-router", "127.0.0.1", UPNP_PORT)
        service(dev, UPNP_PORT)
        obs = observations(host)
        if not any(k.startswith(("ssdp.", "upnp.")) for k in obs):
            # UDP discovery (SSDP M-SEARCH to :1900 + description fetch) is what names this device.
            known_gap("no ssdp/upnp observations: this anshin has no UDP discovery yet")
            return
        service(dev, 1900, "udp")
        assert obs.get("upnp.manufacturer") == ["TP-LINK"], f"upnp: {obs.get('upnp.manufacturer')}"
        assert obs.get("upnp.model_name") == ["Archer C7"], f"upnp: {obs.get('upnp.model_name')}"
        loc = obs.get("ssdp.location", [""])[0]
        assert loc.startswith(f"http://127.0.0.1:{UPNP_PORT}/"), f"upnp: location {loc}"
        assert dev["manufacturer"] == "TP-Link", f"upnp: manufacturer {dev['manufacturer']!r}"
        assert dev["model"] == "Archer C7", f"upnp: model {dev['model']!r}"
        assert "exposure.upnp" in {f["id"] for f in dev["findings"]}, f"upnp: no exposure.upnp finding"
        # A router: never surveillance equipment.
        assert dev["category"] == "other", f"upnp: a router labelled {dev['category']!r}"
    finally:
        stop(peer)


def main():
    anshin = os.path.abspath(sys.argv[1])
    if len(sys.argv) > 3 and sys.argv[2] == "--netns-inner":
        upnp_inner(anshin, sys.argv[3])
        return 0
    peers = shared_dir()
    check = subprocess.run([PY, "-c", "import gi; gi.require_version('GstRtspServer', '1.0'); "
                            "gi.require_version('GUPnP', '1.6'); from gi.repository import GstRtspServer, GUPnP"],
                           capture_output=True, text=True)
    assert check.returncode == 0, ("real_peers: GStreamer RTSP server / GUPnP bindings missing (scripts/install-deps "
                                   f"installs them): {check.stderr.strip()[-300:]}")
    work = tempfile.mkdtemp(prefix="anshin-peers-")
    try:
        rtsp_peers(anshin, peers, work)
        upnp_peer(anshin, peers, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("real peers: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
