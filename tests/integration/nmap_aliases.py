#!/usr/bin/env python3
"""nmap habits (issue 17 item 5): `scan -iL FILE` reads targets from FILE and `--excludefile FILE` removes the
addresses FILE lists, exactly as `@FILE` and `--exclude @FILE` do (same dry-run plan, same stored targets); a
missing list is one line, exit 1. Dry runs send nothing; the one real scan is of an empty loopback range
(127.122.18.0/29, nothing listens there)."""
import json
import os
import subprocess
import sys
import tempfile

anshin = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="anshin-nmap-aliases-")
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "NO_COLOR": "1", "XDG_CONFIG_HOME": os.path.join(work, "config"),
            "ANSHIN_CONFIG_SYSTEM": os.path.join(work, "none.yaml")})
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args):
    return subprocess.run([anshin, *args], env=env, capture_output=True, text=True, timeout=120)


targets = os.path.join(work, "targets.txt")
excludes = os.path.join(work, "excludes.txt")
with open(targets, "w") as f:
    f.write("# cameras of store 12\n127.122.18.1\n127.122.18.2-6\n")
with open(excludes, "w") as f:
    f.write("127.122.18.3\n127.122.18.5\n")

common = ["--dry-run", "--no-db", "--seed", "7"]
nmap_style = run("scan", "-iL", targets, "--excludefile", excludes, *common)
anshin_style = run("scan", "@" + targets, "--exclude", "@" + excludes, *common)
check(nmap_style.returncode == 0, f"-iL/--excludefile dry run: {nmap_style.stderr}")
def plan(out):  # the dry run's plan, without its timing and memory line
    return [line for line in out.splitlines() if not line.startswith("walked ")]


check(plan(nmap_style.stdout) and plan(nmap_style.stdout) == plan(anshin_style.stdout),
      "-iL/--excludefile plan the same scan as @FILE/--exclude @FILE")
check("4 addresses" in nmap_style.stdout, f"6 listed, 2 excluded: {nmap_style.stdout[:200]}")
for gone in ("127.122.18.3 ", "127.122.18.5 "):
    check(gone not in nmap_style.stdout, f"{gone.strip()} is excluded")

mixed = run("scan", "127.122.18.7", "-iL", targets, *common)
check("7 addresses" in mixed.stdout, f"-iL adds to the targets given: {mixed.stdout[:200]}")

missing = run("scan", "-iL", os.path.join(work, "absent.txt"), *common)
check(missing.returncode == 1 and len(missing.stderr.strip().splitlines()) == 1 and "absent.txt" in missing.stderr,
      f"a missing -iL file is one line, exit 1: {missing.stderr!r}")

# Stored as the @FILE expressions (scan.targets of the JSON), on an empty loopback range.
doc = os.path.join(work, "scan.json")
r = run("scan", "-iL", targets, "--excludefile", excludes, "--no-db", "-q", "--timeout", "100", "--json", doc)
check(r.returncode == 0, f"scan -iL: {r.stderr}")
if r.returncode == 0:
    with open(doc) as f:
        scan = json.load(f)["scan"]
    check(scan["addresses"] == 4, f"4 addresses in scope: {scan['addresses']}")

print(f"{0 if failures else 1} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
