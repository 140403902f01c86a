#!/usr/bin/env python3
"""The Debian package (issue 17 items 1 and 3): `cpack -G DEB` builds anshin_<version>_amd64.deb with the files a
Debian tool has; lintian reports no error; the package installs into a clean Debian 12 root made here, `anshin
demo` runs there against the lab fleet (loopback 127.122.20.0/24) and reads the installed knowledge base; the
systemd units verify; `dpkg --purge` removes every file it installed, the conffile included.

The clean root is made by mmdebstrap (Debian 12 "bookworm", variant apt, with the package's Depends) from the
Debian mirror apt uses, and cached as a folder in the build folder (build/test-roots/) for later runs; each run
works on a copy. Without a
reachable mirror the test is skipped (exit 77) and says so."""
import glob
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

anshin = os.path.abspath(sys.argv[1])
build = os.path.dirname(anshin)
work = tempfile.mkdtemp(prefix="anshin-deb-")
failures = []
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, timeout=600, **kw):
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=timeout, **kw)


def finish():
    shutil.rmtree(work, ignore_errors=True)
    print(f"{0 if failures else 1} passed, {len(failures)} failed")
    sys.exit(1 if failures else 0)


# 1. The package.
r = run(["cpack", "-G", "DEB", "-B", work, "--config", os.path.join(build, "CPackConfig.cmake")], timeout=900)
debs = glob.glob(os.path.join(work, "anshin_*_amd64.deb"))
check(r.returncode == 0 and len(debs) == 1, f"cpack builds one anshin_<version>_amd64.deb: {r.stdout[-500:]} {r.stderr[-500:]}")
if not debs:
    finish()
deb = debs[0]
version = run([anshin, "--version"]).stdout.strip()
check(os.path.basename(deb) == f"anshin_{version}_amd64.deb", f"named after the program's version {version}: {deb}")
listing = run(["dpkg-deb", "-c", deb]).stdout
paths = {line.split()[-1].lstrip(".") for line in listing.splitlines()}
for path in ["/usr/bin/anshin", "/usr/share/anshin/kb/i18n/en.yaml", "/usr/share/man/man1/anshin.1.gz",
             "/usr/share/man/man1/anshin-scan.1.gz", "/usr/share/man/ja/man1/anshin-report.1.gz",
             "/usr/share/bash-completion/completions/anshin", "/usr/share/zsh/vendor-completions/_anshin",
             "/usr/share/fish/vendor_completions.d/anshin.fish", "/lib/systemd/system/anshin-serve.service",
             "/lib/systemd/system/anshin-scan@.service", "/lib/systemd/system/anshin-scan@.timer",
             "/etc/anshin/anshin.yaml", "/usr/share/doc/anshin/copyright", "/usr/share/doc/anshin/changelog.gz"]:
    check(path in paths, f"the package holds {path}")
check(any(p.startswith("/usr/share/anshin/kb/cves/") for p in paths), "the knowledge base's CVE files are installed")
control = run(["dpkg-deb", "-f", deb, "Depends", "Package", "Version"]).stdout
depends = re.search(r"Depends: (.*)", control)
check(depends and "libyaml-cpp" in depends.group(1) and "libsqlite3" in depends.group(1), f"runtime Depends: {control}")
check("/etc/anshin/anshin.yaml" in run(["sh", "-c", f"dpkg-deb -I {deb} conffiles"]).stdout,
      "/etc/anshin/anshin.yaml is a conffile")

# 2. lintian: no error.
r = run(["lintian", "--fail-on", "error", deb], timeout=900)
errors = [line for line in r.stdout.splitlines() if line.startswith("E:")]
check(r.returncode == 0 and not errors, f"lintian: no error: {errors or r.stderr[-300:]}")
print("lintian:", r.stdout.strip() or "(nothing to report)")

# 3. A clean Debian 12 root with the package's runtime dependencies (cached).
dep_names = sorted({re.split(r"[ (]", d.strip())[0] for d in depends.group(1).split(",")}) if depends else []
key = hashlib.sha1(" ".join(dep_names).encode()).hexdigest()[:12]
cache = os.path.join(build, "test-roots", f"bookworm-apt-{key}")
if not os.path.exists(cache):
    if not shutil.which("mmdebstrap"):
        check(False, "mmdebstrap is installed (scripts/install-deps --test)")
        finish()
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    shutil.rmtree(cache + ".part", ignore_errors=True)
    r = run(["mmdebstrap", "--variant=apt", "--include=" + ",".join(dep_names), "bookworm", cache + ".part"],
            timeout=1500)
    if r.returncode != 0:
        print("SKIP: mmdebstrap could not make a Debian 12 root (no reachable mirror?):", r.stderr[-600:])
        shutil.rmtree(work, ignore_errors=True)
        sys.exit(77)
    os.rename(cache + ".part", cache)
root = os.path.join(work, "root")
r = run(["cp", "-a", cache, root])
check(r.returncode == 0, f"a copy of the clean root: {r.stderr[-300:]}")
check(not os.path.exists(os.path.join(root, "usr/bin/anshin")), "the root starts without anshin")
shutil.copy(deb, os.path.join(root, "tmp", "anshin.deb"))


def in_root(command, timeout=300):
    """`command` (a shell line) inside the root: its own mount namespace with /proc and /dev, the host network
    (loopback only is used)."""
    script = (f"mount --rbind /dev {root}/dev && mount -t proc proc {root}/proc && "
              f"exec chroot {root} /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 HOME=/root "
              f"/bin/sh -c {shlex_quote(command)}")
    return run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script], timeout=timeout)


def shlex_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


r = in_root("dpkg -i /tmp/anshin.deb")
check(r.returncode == 0, f"dpkg -i in the clean root: {r.stdout[-600:]} {r.stderr[-600:]}")
r = in_root("cd /tmp && anshin demo --bind 127.122.20.0/24 --json /tmp/demo.json --html /tmp/report.html", timeout=300)
check(r.returncode == 0, f"anshin demo in the clean root: {r.stderr[-800:]}")
demo = os.path.join(root, "tmp", "demo.json")
if os.path.exists(demo):
    with open(demo, encoding="utf-8") as f:
        doc = json.load(f)
    check(len(doc["devices"]) >= 10 and doc["schema"] == "anshin.scan/1", f"the demo found the fleet: {len(doc['devices'])}")
    check(os.path.getsize(os.path.join(root, "tmp", "report.html")) > 10000, "the demo wrote its HTML report")
r = in_root("anshin kb info --json")
try:
    info = json.loads(r.stdout)
    check(info.get("loaded_from") == "/usr/share/anshin/kb" and info.get("place") == "system",
          f"the installed knowledge base is the one in use: {info.get('loaded_from')} {info.get('place')}")
except json.JSONDecodeError:
    check(False, f"anshin kb info --json in the root: {r.stdout[:300]} {r.stderr[:300]}")
r = in_root("anshin kb verify")
check(r.returncode == 0, f"anshin kb verify passes on the installed knowledge base: {r.stdout[-300:]}")
r = in_root("anshin report --db /nonexistent.db --format jsonl")
check(r.returncode != 0 and "nonexistent.db" in r.stderr, f"the conffile (all commented) sets nothing: {r.stderr}")

if shutil.which("systemd-analyze"):
    # The root has no systemd: the host's verifies the installed units, with ExecStart pointing at the root's
    # binary (the only change), and a site instance of the template.
    unit_dir = os.path.join(work, "units")
    os.makedirs(unit_dir)
    for name, as_name in (("anshin-serve.service", "anshin-serve.service"),
                          ("anshin-scan@.service", "anshin-scan@store12.service"),
                          ("anshin-scan@.timer", "anshin-scan@store12.timer")):
        with open(os.path.join(root, "lib/systemd/system", name), encoding="utf-8") as f:
            text = f.read().replace("ExecStart=/usr/bin/anshin", f"ExecStart={root}/usr/bin/anshin")
        with open(os.path.join(unit_dir, as_name), "w", encoding="utf-8") as f:
            f.write(text)
    r = run(["systemd-analyze", "verify", "--man=no"] +
            [os.path.join(unit_dir, u) for u in ("anshin-serve.service", "anshin-scan@store12.service",
                                                 "anshin-scan@store12.timer")])
    check(r.returncode == 0 and not r.stderr.strip(), f"systemd-analyze verify the units: {r.stderr[-600:]}")

installed = in_root("dpkg -L anshin").stdout.split()
check(len(installed) > 50, f"dpkg -L lists the package's files ({len(installed)})")
r = in_root("dpkg --purge anshin")
check(r.returncode == 0, f"dpkg --purge anshin: {r.stderr[-400:]}")
left = [p for p in installed if os.path.isfile(os.path.join(root, p.lstrip("/")))]
check(not left, f"every installed file is gone after purge: {left[:5]}")
check(not os.path.exists(os.path.join(root, "etc/anshin")), "the conffile and /etc/anshin are gone after purge")
check(in_root("dpkg -s anshin").returncode != 0, "dpkg no longer knows anshin")
finish()
