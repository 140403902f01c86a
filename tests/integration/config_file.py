#!/usr/bin/env python3
"""The configuration file (issue 13 item 9; docs/contract.md "Configuration file"): /etc/anshin/anshin.yaml
(ANSHIN_CONFIG_SYSTEM here), then $XDG_CONFIG_HOME/anshin/anshin.yaml (else ~/.config/anshin/anshin.yaml), then
$ANSHIN_CONFIG set defaults for long options; later files override earlier ones and the command line overrides
them all; `scan:`-style sections apply to one command; an unknown key, a bad value or broken YAML is one line
naming the file and the key, exit 1. Observed through dry runs (seed, ports, targets, excludes), the message
language and `report`; nothing is sent (127.122.19.0/29 only)."""
import os
import subprocess
import sys
import tempfile

anshin = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="anshin-config-")
system = os.path.join(work, "etc-anshin.yaml")
home = os.path.join(work, "home")
xdg = os.path.join(work, "xdg")
user_home = os.path.join(home, ".config", "anshin", "anshin.yaml")
user_xdg = os.path.join(xdg, "anshin", "anshin.yaml")
site = os.path.join(work, "site.yaml")
for d in (os.path.dirname(user_home), os.path.dirname(user_xdg)):
    os.makedirs(d)
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(*args, xdg_set=True, extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE", "XDG_CONFIG_HOME", "ANSHIN_CONFIG")}
    env.update({"LANG": "C.UTF-8", "NO_COLOR": "1", "HOME": home, "ANSHIN_CONFIG_SYSTEM": system})
    if xdg_set:
        env["XDG_CONFIG_HOME"] = xdg
    env.update(extra or {})
    return subprocess.run([anshin, *args], env=env, capture_output=True, text=True, timeout=60)


def seed_of(out):
    for line in out.splitlines():
        if "(seed 0x" in line:
            return line.split("(seed ")[1].rstrip("):")
    return None


dry = ["--dry-run", "--no-db"]
write(system, "# the site's defaults\nseed: 17\nports: 554\n")
r = run("scan", "127.122.19.1", *dry)
check(r.returncode == 0 and seed_of(r.stdout) == "0x11", f"system file sets --seed: {r.stdout[:300]} {r.stderr}")
check(" ports 554\n" in r.stdout, f"system file sets --ports: {r.stdout[:300]}")

write(user_xdg, "seed: 18\n")
r = run("scan", "127.122.19.1", *dry)
check(seed_of(r.stdout) == "0x12", f"the user's file overrides the system's: {seed_of(r.stdout)}")
check(" ports 554\n" in r.stdout, "keys the user's file does not set keep the system's value")
r = run("scan", "127.122.19.1", "--seed", "19", *dry)
check(seed_of(r.stdout) == "0x13", f"the command line wins: {seed_of(r.stdout)}")

write(user_home, "seed: 20\n")
r = run("scan", "127.122.19.1", *dry, xdg_set=False)
check(seed_of(r.stdout) == "0x14", f"without XDG_CONFIG_HOME, ~/.config/anshin/anshin.yaml: {seed_of(r.stdout)}")

write(site, "scan:\n  targets: [127.122.19.0/29]\n  exclude:\n    - 127.122.19.1\n    - 127.122.19.2\n  seed: 21\n")
r = run("scan", *dry, extra={"ANSHIN_CONFIG": site})
check(r.returncode == 0 and "6 addresses" in r.stdout and seed_of(r.stdout) == "0x15",
      f"ANSHIN_CONFIG last; a scan: section gives targets and excludes: {r.stdout[:200]} {r.stderr}")
r = run("scan", "127.122.19.7", *dry, extra={"ANSHIN_CONFIG": site})
check("1 addresses" in r.stdout, f"targets on the command line replace the configured ones: {r.stdout[:120]} {r.stderr}")

with open(os.path.join(work, "list.txt"), "w") as f:
    f.write("127.122.19.5\n")
r = run("scan", "-iL", os.path.join(work, "list.txt"), *dry, extra={"ANSHIN_CONFIG": site})
check("1 addresses" in r.stdout, f"-iL on the command line replaces the configured targets: {r.stdout[:120]}")
r = run("scan", "--resume", "--db", os.path.join(work, "none.db"), extra={"ANSHIN_CONFIG": site})
check(r.returncode == 1 and "give no targets" not in r.stderr,
      f"--resume ignores the configured targets (it keeps the stored scan's): {r.stderr}")

write(user_xdg, "lang: ja\n")
r = run("scan", "127.122.19.1", *dry)
check("ドライラン" in r.stdout, f"lang from the configuration: {r.stdout[:120]}")
r = run("scan", "127.122.19.1", "--lang", "en", *dry)
check(r.stdout.startswith("dry run"), f"--lang on the command line wins: {r.stdout[:120]}")

write(user_xdg, "report:\n  format: jsonl\ndb: " + os.path.join(work, "absent.db") + "\n")
r = run("report")
check(r.returncode != 0 and "absent.db" in r.stderr and "--format" not in r.stderr,
      f"report: --format and --db from the configuration: {r.stderr}")
r = run("lookup", "Annke C800", "--json")
check(r.returncode in (0, 3) and r.stdout.startswith("{"), f"db: is ignored by commands without --db: {r.stderr}")

write(user_xdg, "quiet: true\nno-multicast: false\n")
r = run("scan", "127.122.19.1", *dry)
check(r.returncode == 0, f"flags take true/false: {r.stderr}")


def one_line_error(text, path, key, what):
    r = run("scan", "127.122.19.1", *dry) if text is not None else None
    lines = r.stderr.strip().splitlines()
    check(r.returncode == 1 and len(lines) == 1 and path in lines[0] and key in lines[0] and not r.stdout,
          f"{what}: one line naming {path} and {key}, exit 1: {r.returncode} {r.stderr!r}")


for text, key, what in [
        ("ratee: 5\n", "ratee", "an unknown key"),
        ("scan:\n  format: json\n", "scan.format", "an option of another command under scan:"),
        ("rate: fast\n", "rate", "a value the option refuses"),
        ("timeout: 1\n", "timeout", "a value outside the option's range"),
        ("lang: fr\n", "lang", "an unknown language"),
        ("quiet: maybe\n", "quiet", "a flag that is not true or false"),
        ("exclude: {a: 1}\n", "exclude", "a mapping where a value belongs"),
        ("seed: [1\n", "line", "broken YAML"),
        ("- 1\n- 2\n", "YAML", "a list instead of a mapping")]:
    write(user_xdg, text)
    one_line_error(text, user_xdg, key, what)

write(user_xdg, "")
write(system, "bogus: 1\n")
one_line_error("", system, "bogus", "an unknown key in the system file")

print(f"{0 if failures else 1} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
