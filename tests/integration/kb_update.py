#!/usr/bin/env python3
"""`anshin kb bundle | update | info` end to end (issue 11 item 3), with the real binary and a key pair made
here by openssl (no private key in the repository). The user's data folder, the installed data folder
and the trusted-key folder are temporary (XDG_DATA_HOME, ANSHIN_KB_SYSTEM_DIR, ANSHIN_KB_KEYS_DIR).

- a good bundle is taken: `kb info --json` then names the user's folder and the new version;
- a flipped byte, a bundle signed by an untrusted key, an older version and a bundle failing `kb verify`
  are refused with exit 1 and exactly one line on stderr (en and ja), and the KB in use does not change;
- `kb update` killed (SIGKILL, ANSHIN_TEST_KB_UPDATE_CRASH_AT) before the switch leaves the old KB in use;
- a KB older than 90 days makes `scan --dry-run` and `report` say so in one line on stderr.
Network: `scan --dry-run` sends nothing; the one real scan connects to 127.0.0.1:9 (loopback)."""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

anshin = os.path.abspath(sys.argv[1])
source = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
if shutil.which("openssl") is None:
    print("openssl not installed: skipped")
    sys.exit(77)

work = tempfile.mkdtemp(prefix="anshin-kbupdate-")
keys_dir = os.path.join(work, "keys")
os.makedirs(keys_dir)
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "XDG_DATA_HOME": os.path.join(work, "xdg"),
            "ANSHIN_KB_SYSTEM_DIR": os.path.join(work, "no-system-kb"), "ANSHIN_KB_KEYS_DIR": keys_dir, "NO_COLOR": "1"})
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(*args, extra_env=None):
    e = dict(env)
    e.update(extra_env or {})
    return subprocess.run([anshin, *args], env=e, capture_output=True, text=True, timeout=120)


def make_key(name, trusted):
    key = os.path.join(work, name + ".key")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", key], check=True, capture_output=True)
    if trusted:
        subprocess.run(["openssl", "pkey", "-in", key, "-pubout", "-out", os.path.join(keys_dir, name + ".pem")],
                       check=True, capture_output=True)
    return key


def data_copy(version, name, mutate=None):
    d = os.path.join(work, name)
    shutil.copytree(os.path.join(source, "data"), d, ignore=shutil.ignore_patterns("i18n"))
    with open(os.path.join(d, "kb.yaml"), "w") as f:
        f.write(f'kb_version: "{version}"\nformat_version: 1\n')
    if mutate:
        mutate(d)
    return d


def bundle(version, key, name, mutate=None, allow_failing=False):
    d = data_copy(version, name, mutate)
    out = os.path.join(work, name + ".bundle")
    if allow_failing:  # `kb bundle` verifies first; a failing bundle is built from good data, then altered
        return out, d
    r = run("kb", "bundle", "--key", key, "--data", d, "-o", out)
    check(r.returncode == 0, f"kb bundle {name}: {r.stderr}")
    return out, d


def info():
    r = run("kb", "info", "--json")
    check(r.returncode == 0, f"kb info: {r.stderr}")
    return json.loads(r.stdout)


def refused(path, what, *extra):
    before = info()
    for lang in ("C.UTF-8", "ja_JP.UTF-8"):
        r = run("kb", "update", path, *extra, extra_env={"LANG": lang})
        lines = r.stderr.strip().split("\n")
        check(r.returncode == 1, f"{what} ({lang}): exit {r.returncode}, want 1")
        check(len(lines) == 1 and "refused" in lines[0] if lang == "C.UTF-8" else len(lines) == 1 and "拒否" in lines[0],
              f"{what} ({lang}): stderr {r.stderr!r}")
    after = info()
    check(after["kb_version"] == before["kb_version"] and after["loaded_from"] == before["loaded_from"],
          f"{what}: the KB in use changed")


trusted = make_key("trusted", True)
stranger = make_key("stranger", False)

# The built-in KB before anything is installed.
first = info()
check(first["place"] == "built-in", f"built-in first: {first}")
check(first["counts"]["cves"] >= 11 and first["counts"]["kev"] >= 3, f"counts: {first['counts']}")

# A good bundle is taken.
good, _ = bundle("2999.01.01", trusted, "good")
r = run("kb", "update", good)
check(r.returncode == 0, f"good bundle: {r.stderr}")
now = info()
check(now["kb_version"] == "2999.01.01" and now["place"] == "user", f"after update: {now}")
check(now["loaded_from"] == os.path.join(work, "xdg", "anshin", "kb"), f"loaded_from: {now['loaded_from']}")
check(now["counts"] == first["counts"], "same data, same counts")

# Refusals: flipped byte, untrusted key, older version, failing verify.
with open(good, "rb") as f:
    raw = bytearray(f.read())
raw[len(raw) // 2] ^= 0x01
flipped = os.path.join(work, "flipped.bundle")
with open(flipped, "wb") as f:
    f.write(raw)
refused(flipped, "flipped byte")
wrong, _ = bundle("2999.02.01", stranger, "wrong-key")
refused(wrong, "untrusted key")
older, _ = bundle("2998.01.01", trusted, "older")
refused(older, "older version")


def break_an_example(d):
    p = os.path.join(d, "fingerprints", "http_header_server.yaml")
    with open(p) as f:
        text = f.read()
    at = text.index("- value: ") + len("- value: ")
    with open(p, "w") as f:
        f.write(text[:at] + "'no-rule-matches-this' #" + text[at:])


# `kb bundle` refuses to sign data that fails verify; a maintainer's own tool could still: sign it by hand.
failing_dir = data_copy("2999.03.01", "failing", break_an_example)
r = run("kb", "bundle", "--key", trusted, "--data", failing_dir, "-o", os.path.join(work, "x.bundle"))
check(r.returncode == 1, "kb bundle signs data that fails verify")
good_good, good_dir = bundle("2999.03.01", trusted, "failing-base")
with open(good_good, "rb") as f:
    body = f.read()
# Rebuild the payload with the broken file and sign it with openssl (the same format, independent code).
header, payload = body.split(b"\n\n", 1)
name = b"fingerprints/http_header_server.yaml"
with open(os.path.join(failing_dir, "fingerprints", "http_header_server.yaml"), "rb") as f:
    broken = f.read()
with open(os.path.join(good_dir, "fingerprints", "http_header_server.yaml"), "rb") as f:
    original = f.read()
old_entry = b"file %d " % len(original) + name + b"\n" + original + b"\n"
check(old_entry in payload, "payload layout as documented")
payload = payload.replace(old_entry, b"file %d " % len(broken) + name + b"\n" + broken + b"\n")
pfile = os.path.join(work, "payload.bin")
with open(pfile, "wb") as f:
    f.write(payload)
sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-rawin", "-inkey", trusted, "-in", pfile],
                     check=True, capture_output=True).stdout
key_line = header.split(b"\n")[1]
failing = os.path.join(work, "failing.bundle")
with open(failing, "wb") as f:
    f.write(b"ANSHIN-KB-BUNDLE/1\n" + key_line + b"\nsignature " + sig.hex().encode() + b"\n\n" + payload)
refused(failing, "fails kb verify")

# A kill at each step before the switch leaves the old KB in use; the next update goes through.
for point in ("staged", "verified", "renamed", "linked"):
    newer, _ = bundle("2999.04.01", trusted, "newer-" + point)
    r = run("kb", "update", newer, extra_env={"ANSHIN_TEST_KB_UPDATE_CRASH_AT": point})
    check(r.returncode == -signal.SIGKILL, f"crash at {point}: exit {r.returncode}")
    check(info()["kb_version"] == "2999.01.01", f"after a kill at {point} the old KB is in use")
r = run("kb", "update", newer)
check(r.returncode == 0 and info()["kb_version"] == "2999.04.01", f"update after kills: {r.stderr}")
r = run("kb", "verify")
check(r.returncode == 0, f"kb verify of the installed KB: {r.stdout[-300:]}")

# A stale KB (an allowed downgrade to a version more than 90 days old) is named by scan and report.
stale, _ = bundle("2020.01.01", trusted, "stale")
r = run("kb", "update", "--allow-downgrade", stale)
check(r.returncode == 0, f"allowed downgrade: {r.stderr}")
check(info()["stale"] is True, "kb info says stale")
r = run("scan", "127.0.0.1", "-p", "9", "--dry-run")
check(r.returncode == 0 and r.stderr.count("days old") == 1, f"scan --dry-run stale note: {r.stderr!r}")
db = os.path.join(work, "inv.db")
r = run("scan", "127.0.0.1", "-p", "9", "--db", db, "-q")
check(r.returncode == 0, f"scan: {r.stderr}")
r = run("report", "--db", db, "--format", "json", "-o", os.path.join(work, "r.json"))
check(r.returncode == 0 and r.stderr.count("days old") == 1, f"report stale note: {r.stderr!r}")

shutil.rmtree(work)
if failures:
    print(f"{len(failures)} failure(s)")
    sys.exit(1)
print("ok")
