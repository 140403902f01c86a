#!/usr/bin/env python3
"""The dashboard in a real browser: tests/browser/dashboard.mjs (playwright-core from build/tools/node, installed
by scripts/install-browser-tools, driving Debian's Chromium) over two stored scans of the lab (loopback only:
127.120.20.0/24 default fleet, 127.120.21.0/24 hostile fleet, the server on 127.120.0.3) with a user, so login
is required. Screenshots are kept in build/test-artefacts/dashboard/. Exit 77 (skipped) when node, the tools
or Chromium are missing."""
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

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


def wait_for(path, proc, what):
    t0 = time.time()
    while not os.path.exists(path) or not open(path).read().strip():
        assert proc.poll() is None, f"{what} exited: {proc.stderr.read()}"
        assert time.time() - t0 < 30, f"{what} not ready"
        time.sleep(0.05)
    return open(path).read().strip()


def lab(fleet, net):
    ready = os.path.join(work, f"lab-{fleet}")
    p = subprocess.Popen([anshin, "lab", "--fleet", fleet, "--bind", f"{net}.0/24", "--ready-file", ready],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wait_for(ready, p, "lab")
    return p


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
out = subprocess.run([anshin, "serve", "--db", db, "--add-user", "tester", "--role", "viewer"], input=password + "\n",
                     capture_output=True, text=True, timeout=30)
assert out.returncode == 0, out.stderr
ready = os.path.join(work, "serve-ready")
server = subprocess.Popen([anshin, "serve", "--db", db, "--listen", "127.120.0.3:0", "--ready-file", ready],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
try:
    address = wait_for(ready, server, "serve")
    env = dict(os.environ, ANSHIN_TOOLS_DIR=os.path.join(tools, "node_modules"), CHROMIUM=chromium)
    run = subprocess.run(["node", os.path.join(src, "tests", "browser", "dashboard.mjs"), f"http://{address}",
                          "tester", password, shots], env=env, capture_output=True, text=True, timeout=240)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
finally:
    server.send_signal(signal.SIGINT)
    server.wait(10)
print(f"screenshots: {shots}")
sys.exit(run.returncode)
