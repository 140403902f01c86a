#!/usr/bin/env python3
"""The dashboard in a real browser: tests/browser/dashboard.mjs (playwright-core from build/tools/node, installed
by scripts/install-browser-tools, driving Debian's Chromium) over two stored scans of the lab (loopback only:
127.120.20.0/24 default fleet, 127.120.21.0/24 hostile fleet, the server on 127.120.0.3) with a user, so login
is required. Then tests/browser/schedules.mjs, once per language: a site on a third lab (127.127.2.0/24) whose
fleet is changed before each run (a replaced unit, firmware up and down, a device gone); an administrator starts
its scan from the Schedules page, follows the job and sees the diff with the replaced unit and the alerts.
Screenshots are kept in build/test-artefacts/dashboard/. Exit 77 (skipped) when node, the tools or Chromium
are missing."""
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from ready import wait_for  # noqa: E402
from lab import start_lab  # noqa: E402

anshin = sys.argv[1]
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
build = os.path.dirname(os.path.abspath(anshin))
tools = os.environ.get("ANSHIN_TOOLS_DIR", os.path.join(build, "tools", "node"))
chromium = shutil.which("chromium")
if not shutil.which("node") or not chromium or not os.path.isdir(os.path.join(tools, "node_modules", "playwright-core")):
    print("node, Chromium or playwright-core missing (scripts/install-browser-tools): skipped", file=sys.stderr)
    sys.exit(77)

work = tempfile.mkdtemp(prefix="anshin-browser-")
db = os.path.join(work, "inv.db")
shots = os.path.join(build, "test-artefacts", "dashboard")
os.makedirs(shots, exist_ok=True)


def lab(fleet, net):
    return start_lab(anshin, f"{net}.0/24", work, fleet=fleet)


def scan(*targets):
    out = subprocess.run([anshin, "scan", *targets, "--db", db, "-q"], capture_output=True, text=True, timeout=180)
    assert out.returncode == 0, out.stderr


labs = [lab("default", "127.120.20")]
try:
    scan("127.120.20.0/24")
    labs.append(lab("hostile", "127.120.21"))
    scan("127.120.20.0/24", "127.120.21.0/24")
finally:
    for p in labs:
        p.send_signal(signal.SIGINT)
        p.wait(10)

password = "browser test password"
admin_password = "browser admin password"
for name, role, secret in (("tester", "viewer", password), ("boss", "admin", admin_password)):
    out = subprocess.run([anshin, "serve", "--db", db, "--add-user", name, "--role", role], input=secret + "\n",
                         capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr

# The fleet of the scheduled site before and after a change (as tests/integration/diff_lab.py).
with open(os.path.join(src, "lab", "fleets", "default.yaml")) as f:
    fleet = yaml.safe_load(f)
fleet_before = os.path.join(work, "before.yaml")
with open(fleet_before, "w") as f:
    yaml.safe_dump(fleet, f, sort_keys=False)
devices = {d["id"]: d for d in fleet["devices"]}
fleet["devices"].pop()
devices["hikvision-nvr"]["vars"].update(firmware="V4.21.000 build 190101", isapi_fw="V4.21.000",
                                        isapi_fw_date="build 190101")
devices["hikvision-ipc"]["mac_oui"] = "a4:14:37"
devices["hikvision-ipc"]["vars"] = dict(devices["hikvision-ipc"]["vars"],
                                        sadp_sn="DS-2CD2043G0-I20190101BBXYZ{{mac_hex}}")
fleet_after = os.path.join(work, "after.yaml")
with open(fleet_after, "w") as f:
    yaml.safe_dump(fleet, f, sort_keys=False)
SITE_NET = "127.127.2"
SITE = "store 12 <img src=x onerror=alert(1)>"  # markup in a site name stays text (a dialog fails)

ready = os.path.join(work, "serve-ready")
server = subprocess.Popen([anshin, "serve", "--db", db, "--listen", "127.120.0.3:0", "--ready-file", ready,
                           "--schedule-tick-ms", "300", "--alert-interval", "1"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
site_lab = None
codes = []
try:
    address = wait_for(ready, server, "serve")
    env = dict(os.environ, ANSHIN_TOOLS_DIR=os.path.join(tools, "node_modules"), CHROMIUM=chromium)
    run = subprocess.run(["node", os.path.join(src, "tests", "browser", "dashboard.mjs"), f"http://{address}",
                          "tester", password, shots], env=env, capture_output=True, text=True, timeout=240)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    codes.append(run.returncode)

    # The scheduled site: saved and scanned once through the API as the administrator.
    host, port = address.rsplit(":", 1)

    def call(method, path, body=None, cookie="", csrf=""):
        c = http.client.HTTPConnection(host, int(port), timeout=20)
        headers = {"Host": address, "Content-Type": "application/json"}
        if cookie:
            headers["Cookie"] = cookie
        if csrf:
            headers["X-CSRF-Token"] = csrf
        c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
        r = c.getresponse()
        return r.status, r.getheader("Set-Cookie") or "", json.loads(r.read() or b"null")

    _, set_cookie, who = call("POST", "/api/v1/login", {"user": "boss", "password": admin_password})
    cookie = set_cookie.split(";")[0]
    site_path = "/api/v1/sites/" + urllib.parse.quote(SITE, safe="")
    status, _, saved = call("PUT", site_path, {"targets": [f"{SITE_NET}.0/24"], "schedule": "@daily", "settings":
                            {"rate": 3000, "concurrency": 256, "timeout_ms": 500, "retries": 1, "no_multicast": True}},
                            cookie, who["csrf"])
    assert status == 200, saved
    site_lab = lab(fleet_before, SITE_NET)
    status, _, started = call("POST", site_path + "/scan", {}, cookie, who["csrf"])
    assert status == 202, started
    t0 = time.time()
    while call("GET", "/api/v1/jobs", None, cookie)[2]["jobs"][0]["state"] in ("queued", "running"):
        assert time.time() - t0 < 150, "the first scan of the site did not end"
        time.sleep(0.3)
    # Each language: change the fleet, then start the scan from the dashboard.
    for lang, fleet_path in (("en", fleet_after), ("ja", fleet_before)):
        site_lab.send_signal(signal.SIGINT)
        site_lab.wait(10)
        site_lab = lab(fleet_path, SITE_NET)
        run = subprocess.run(["node", os.path.join(src, "tests", "browser", "schedules.mjs"), f"http://{address}",
                              "boss", admin_password, shots, lang, SITE, f"{SITE_NET}.10"],
                             env=env, capture_output=True, text=True, timeout=300)
        sys.stdout.write(run.stdout)
        sys.stderr.write(run.stderr)
        codes.append(run.returncode)
finally:
    if site_lab:
        site_lab.send_signal(signal.SIGINT)
        site_lab.wait(10)
    server.send_signal(signal.SIGINT)
    server.wait(10)
print(f"screenshots: {shots}")
sys.exit(0 if codes and all(c == 0 for c in codes) else 1)
