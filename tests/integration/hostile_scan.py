#!/usr/bin/env python3
"""The hostile fleet (lab/fleets/hostile.yaml) against `anshin scan`: no crash, exit 0, within a
wall-clock bound, under a memory cap, every hostile device present with its problem recorded, nothing
attributed outside the plan, and every output escaped (terminal summary, JSON, observations, and the
HTML and CSV reports rendered from the database). Loopback only: 127.77.243.0/24 (+ 127.77.244.x as
the foreign reply sources). Bounds and how they were measured: docs/reliability.md.

Usage: hostile_scan.py ANSHIN [--keep]   (ctest passes the binary; env ANSHIN_SOURCE_DIR)
"""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import start_lab, stop_lab  # noqa: E402

ANSHIN = sys.argv[1]
KEEP = "--keep" in sys.argv
NET = "127.77.243.0/24"
PREFIX = "127.77.243."
WALL_BOUND_S = 60          # whole scan of the /24; measured ~7 s (docs/reliability.md)
RSS_CAP_MB = 64            # peak RSS of the scan process (/usr/bin/time %M); measured ~16-24 MiB

# suffix -> (id, check). Every device must be in the JSON; `check` gets (json device, observation host).
def addr(s):
    return PREFIX + str(s)


def services(host, probe=None, port=None):
    return [s for s in host.get("services", []) if (probe is None or s["probe"] == probe) and (port is None or s["port"] == port)]


def statuses(host, probe, port):
    return {s["status"] for s in services(host, probe, port)}


FAILED_STATES = {"timeout", "closed", "protocol-mismatch", "app-error", "skipped"}


def expect_failed(host, probe, port, what):
    st = statuses(host, probe, port)
    assert st, f"{what}: no {probe}:{port} record in the observations"
    assert st <= FAILED_STATES, f"{what}: {probe}:{port} status {st}, expected a failure status ({sorted(FAILED_STATES)})"


def no_udp(host, probe, what):
    bad = [s for s in services(host, probe) if s["status"] == "success"]
    assert not bad, f"{what}: a {probe} reply was accepted: {bad}"


def check_flood(host, what):
    for s in host["services"]:
        assert len(s["observations"]) <= 256, f"{what}: {s['probe']} kept {len(s['observations'])} observations"


def check_foreign_location(host, what):
    for s in services(host, "ssdp"):
        keys = {o["key"] for o in s["observations"]}
        assert not any(k.startswith("upnp.") and k != "upnp.location" for k in keys), \
            f"{what}: a UPnP description was fetched from a LOCATION outside the plan: {sorted(keys)}"


CASES = {
    10: ("html-in-http", lambda h: None),
    11: ("html-in-onvif", lambda h: None),
    12: ("html-in-upnp", lambda h: None),
    13: ("html-in-sadp", lambda h: None),
    14: ("terminal-escapes", lambda h: None),
    15: ("invalid-utf8", lambda h: None),
    20: ("huge-body", lambda h: None),
    21: ("endless-headers", lambda h: expect_failed(h, "http", 80, "endless-headers")),
    22: ("slowloris", lambda h: expect_failed(h, "http", 80, "slowloris")),
    23: ("reset-mid", lambda h: [expect_failed(h, "http", p, "reset-mid") for p in (80, 81, 8080)]),
    24: ("deep-xml", lambda h: expect_failed(h, "onvif", 80, "deep-xml")),
    25: ("huge-xml", lambda h: expect_failed(h, "onvif", 80, "huge-xml")),
    30: ("dhip-lying", lambda h: no_udp(h, "dhip", "dhip-lying")),
    31: ("dhip-mismatch", lambda h: no_udp(h, "dhip", "dhip-mismatch")),
    32: ("sadp-lying", lambda h: no_udp(h, "sadp", "sadp-lying")),
    33: ("discovery-flood", lambda h: check_flood(h, "discovery-flood")),
    34: ("foreign-source", lambda h: [no_udp(h, "wsd", "foreign-source"), no_udp(h, "sadp", "foreign-source")]),
    35: ("foreign-location", lambda h: check_foreign_location(h, "foreign-location")),
}

# Device strings that must never reach an output unescaped.
RAW_MARKUP = ["<script>alert", "<img src=x", "<svg onload", "</title><script>", "</td></tr></table><script>"]


def run_bounded(args, bound_s):
    """Runs args, returns (rc, stdout, stderr, wall seconds, peak RSS MiB).

    The peak RSS comes from /usr/bin/time -f %M (package time), not from os.wait4: a child forked from
    this Python process inherits Python's RSS high-water mark through fork+exec, so after the first
    pass parsed its JSON, wait4 reported ~110 MiB for a scan that peaks at 24 MiB."""
    with tempfile.NamedTemporaryFile("r") as rss:
        t0 = time.time()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M", "-o", rss.name] + list(args), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        out, err = [], []
        readers = [threading.Thread(target=lambda f, b: b.append(f.read()), args=(p.stdout, out)),
                   threading.Thread(target=lambda f, b: b.append(f.read()), args=(p.stderr, err))]
        for r in readers:
            r.start()
        timer = threading.Timer(bound_s * 3, lambda: p.kill())  # hard stop far beyond the bound, to report it
        timer.start()
        rc = p.wait()
        timer.cancel()
        wall = time.time() - t0
        for r in readers:
            r.join()
        text = rss.read().split()
        # time reports "Command terminated by signal N" first when the scan dies: keep its exit code.
        if text and text[0] == "Command" and "signal" in text:
            rc = -int(text[text.index("signal") + 1])
        kib = int(text[-1]) if text and text[-1].isdigit() else 0
    return rc, b"".join(out), b"".join(err), wall, kib / 1024.0


def start_hostile_lab(work):
    return start_lab(ANSHIN, NET, work, fleet="hostile", log=os.path.join(work, "lab.jsonl"))


terminal_markup_noted = []


def check_terminal(stdout, stderr):
    for name, data in (("stdout", stdout), ("stderr", stderr)):
        esc = data.find(b"\x1b")
        assert esc < 0, f"{name} contains an ESC byte: {data[max(0, esc - 40):esc + 80]!r}"
        assert b"\x07" not in data, f"{name} contains a BEL byte"
        data.decode("utf-8")  # valid UTF-8 (raises otherwise)
        # Markup is inert in a terminal (the control bytes above are what matter there), and the summary
        # shows the device's own text on purpose. Reported, not failed: see docs/reliability.md.
        raw = [m for m in RAW_MARKUP if m.encode() in data]
        if raw and not terminal_markup_noted:
            terminal_markup_noted.append(True)
            print(f"NOTE: {name} shows device markup verbatim (inert in a terminal): {raw}")


def check_html(path):
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")
    assert "\x1b" not in text and "\x07" not in text, "HTML contains control characters from device strings"
    for m in RAW_MARKUP:
        assert m not in text, f"HTML contains raw device markup {m!r}"
    assert "javascript:alert" not in text or "href=\"javascript:" not in text, "device URL rendered as a link"


FORMULA = ("=", "+", "-", "@", "\t", "\r")


def check_csv(path):
    text = open(path, "rb").read().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows, "empty CSV"
    for row in rows:
        for cell in row:
            if cell.startswith(FORMULA):
                try:
                    float(cell)
                    continue  # a plain negative number is fine
                except ValueError:
                    raise AssertionError(f"CSV cell not defused: {cell[:80]!r}")
            assert "\x1b" not in cell, f"CSV cell with ESC: {cell[:80]!r}"


def sanitized_build():
    """True for an ASan/UBSan binary (build-asan): its memory figures are the sanitizer's, not anshin's."""
    with open(ANSHIN, "rb") as f:
        return b"__asan_init" in f.read()


def main():
    work = tempfile.mkdtemp(prefix="anshin-hostile-")
    lab = start_hostile_lab(work)
    try:
        js, obs = os.path.join(work, "scan.json"), os.path.join(work, "obs.jsonl")
        rc, stdout, stderr, wall, rss = run_bounded(
            [ANSHIN, "scan", NET, "--no-db", "--json", js, "--observations", obs, "-q", "--seed", "11"], WALL_BOUND_S)
        print(f"scan: exit {rc}, {wall:.1f} s (bound {WALL_BOUND_S} s), peak RSS {rss:.1f} MiB (cap {RSS_CAP_MB} MiB)")
        assert rc >= 0, f"scan killed by signal {-rc}: {stderr.decode(errors='replace')[-2000:]}"
        assert rc == 0, f"scan exit {rc}: {stderr.decode(errors='replace')[-2000:]}"
        assert wall <= WALL_BOUND_S, f"scan took {wall:.1f} s > {WALL_BOUND_S} s"
        if sanitized_build():
            print("  (peak RSS not checked: AddressSanitizer's shadow memory and quarantine are in it)")
        else:
            assert rss <= RSS_CAP_MB, f"scan peak RSS {rss:.1f} MiB > {RSS_CAP_MB} MiB"
        check_terminal(stdout, stderr)

        doc = json.loads(open(js, "rb").read().decode("utf-8"))  # strict UTF-8 and JSON
        devices = {d["address"]: d for d in doc["devices"]}
        outside = [a for a in devices if not a.startswith(PREFIX)]
        assert not outside, f"devices attributed outside the plan: {outside}"
        hosts = {}
        for line in open(obs, "rb").read().decode("utf-8").splitlines():
            h = json.loads(line)
            hosts[h["address"]] = h
        assert not [a for a in hosts if not a.startswith(PREFIX)], "observations outside the plan"
        failures = []
        for suffix, (name, check) in CASES.items():
            a = addr(suffix)
            try:
                assert a in devices, f"{name} ({a}) missing from the JSON"
                assert a in hosts, f"{name} ({a}) missing from the observations"
                check(hosts[a])
            except AssertionError as e:
                failures.append(str(e))
        extra = sorted(set(devices) - {addr(s) for s in CASES})
        assert not extra, f"devices the fleet does not have: {extra}"
        assert not failures, "\n".join(failures)
        print(f"json: {len(devices)} devices, all {len(CASES)} hostile cases present and recorded")

        # Second pass with a database: the HTML and CSV reports rendered from it.
        db = os.path.join(work, "inv.db")
        rc2, out2, err2, wall2, rss2 = run_bounded([ANSHIN, "scan", NET, "--db", db, "-q", "--seed", "12"], WALL_BOUND_S)
        if rc2 != 0 and (b"--db" in err2 or b"not implemented" in err2 or b"not yet" in err2):
            print("SKIP report checks: scan --db not wired yet: " + err2.decode(errors="replace").strip()[:200])
        else:
            assert rc2 == 0, f"scan --db exit {rc2}: {err2.decode(errors='replace')[-2000:]}"
            assert wall2 <= WALL_BOUND_S, f"scan --db: {wall2:.1f} s"
            assert sanitized_build() or rss2 <= RSS_CAP_MB, f"scan --db: {rss2:.1f} MiB"
            check_terminal(out2, err2)
            for fmt, check in (("html", check_html), ("csv", check_csv), ("json", None)):
                path = os.path.join(work, "report." + fmt)
                r = subprocess.run([ANSHIN, "report", "--db", db, "--format", fmt, "-o", path],
                                   capture_output=True, timeout=60)
                if r.returncode != 0 and b"not implemented" in r.stderr:
                    print(f"SKIP report --format {fmt}: " + r.stderr.decode(errors="replace").strip()[:200])
                    continue
                assert r.returncode == 0, f"report --format {fmt}: exit {r.returncode}: {r.stderr.decode(errors='replace')}"
                check_terminal(r.stdout, r.stderr)
                if check:
                    check(path)
                else:
                    json.loads(open(path, "rb").read().decode("utf-8"))
            print(f"db scan {wall2:.1f} s, {rss2:.1f} MiB; html/csv/json reports escaped")
        assert lab.poll() is None, "the lab died during the scan"
    finally:
        stop_lab(lab)
        if not KEEP:
            subprocess.run(["rm", "-rf", work])
        else:
            print("kept", work)
    print("PASS")


if __name__ == "__main__":
    main()
