#!/usr/bin/env python3
"""Command-line messages in the user's language (issue 5): the real binary over a table of bad inputs,
in Japanese (LANG=ja_JP.UTF-8, LC_ALL=ja_JP.UTF-8, and --lang ja under an English LANG) and in English.
Every case must exit 1 with nothing on stdout and exactly one line on stderr that names the offending
value; the Japanese line holds Japanese text, the English line is ASCII and says what it always said.
--help follows the same language choice.

Nothing is sent anywhere: every case fails before the scan starts (the scan cases add --dry-run), the
public address is only input that the scope guard refuses, and the one inventory is made by
`scan --resume` on a new file, which opens the database and stops (no interrupted scan)."""
import os
import shutil
import subprocess
import sys
import tempfile

anshin = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="anshin-i18n-")
empty_db = os.path.join(work, "empty.db")
creds_open = os.path.join(work, "creds-0644.yaml")
with open(creds_open, "w") as f:
    f.write("credentials:\n  - {host: 127.90.0.1, username: admin, password: x}\n")
os.chmod(creds_open, 0o644)
LOCAL = "127.90.0.1"


def run(args, lang_env=None, lc_all=None):
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["LANG"] = lang_env or "C.UTF-8"
    if lc_all:
        env["LC_ALL"] = lc_all
    return subprocess.run([anshin] + args, capture_output=True, text=True, timeout=60, cwd=work, env=env)


# The empty inventory: `scan --resume` creates it, finds nothing to resume, exits 1 (also a case below).
r = run(["scan", "--resume", "--db", empty_db])
assert r.returncode == 1 and os.path.exists(empty_db), (r.returncode, r.stderr)

# (name, command, args after the command, text the line must hold in every language, English fragment,
#  command takes --lang)
CASES = [
    ("no targets", "scan", ["--dry-run"], "--import-nmap", "scan: no targets given", True),
    ("bad CIDR", "scan", ["10.1.0.0/33", "--dry-run"], "10.1.0.0/33", "prefix /33 is out of range for IPv4", True),
    ("bad address", "scan", ["10.0.0.300", "--dry-run"], "10.0.0.300", "not an IPv4 address", True),
    ("bad range", "scan", ["10.0.0.9-1", "--dry-run"], "10.0.0.9-1", "range is reversed", True),
    ("bad --lang", "scan", [LOCAL, "--lang", "fr", "--dry-run"], '"fr"', "--lang: expected ja or en", False),
    ("unknown option", "scan", ["--frobnicate", LOCAL], "--frobnicate", "unknown option", True),
    ("public address", "scan", ["198.51.100.7", "--dry-run"], "198.51.100.7", "pass --allow-public", True),
    ("public range", "scan", ["198.51.100.0/30", "--dry-run"], "198.51.100.0/30", "contains public addresses", True),
    ("all excluded", "scan", ["10.9.0.0/24", "--exclude", "10.9.0.0/24", "--dry-run"], "", "no addresses left", True),
    ("missing @FILE", "scan", ["@" + os.path.join(work, "nope.txt"), "--dry-run"], "nope.txt",
     "cannot read target file", True),
    ("missing nmap XML", "scan", ["--import-nmap", os.path.join(work, "missing.xml"), "--dry-run"], "missing.xml",
     "cannot read nmap XML file", True),
    ("unreadable credentials", "scan", [LOCAL, "--dry-run", "--credentials", os.path.join(work, "none.yaml")],
     "none.yaml", "cannot be read", True),
    ("credentials mode", "scan", [LOCAL, "--dry-run", "--credentials", creds_open], "0600", "has mode 0644", True),
    ("bad --ports", "scan", [LOCAL, "--dry-run", "--ports", "80,http"], '"http"', "--ports: invalid port", True),
    ("port out of range", "scan", [LOCAL, "--dry-run", "--ports", "70000"], '"70000"', "ports are 1-65535", True),
    ("--ports without value", "scan", [LOCAL, "--ports"], "--ports", "--ports needs a value", True),
    ("bad number", "scan", [LOCAL, "--dry-run", "--concurrency", "lots"], '"lots"', "expected a number", True),
    ("out of range", "scan", [LOCAL, "--dry-run", "--retries", "9"], '"9"', "--retries: expected a number", True),
    ("bad choice", "scan", [LOCAL, "--dry-run", "--fail-on", "severe"], '"severe"', "expected one of", True),
    ("bad policy", "lookup", ["Annke C800", "--policy", "mars"], "mars", "unknown policy jurisdiction", True),
    ("lookup without text", "lookup", [], "TEXT", "is required", True),
    ("resume, nothing to resume", "scan", ["--resume", "--db", empty_db], empty_db, "no interrupted scan", True),
    ("report on an empty inventory", "report", ["--db", empty_db, "--format", "json"], empty_db,
     "no finished scan", True),
    ("report without inventory", "report", ["--db", os.path.join(work, "none.db"), "--format", "csv"], "none.db",
     "no inventory at", True),
    ("report format", "report", ["--db", empty_db, "--format", "pdf"], '"pdf"', "--format: expected one of", True),
    ("report, bad scan id", "report", ["--db", empty_db, "--format", "json", "--scan", "42"], "42",
     "no scan 42", True),
    ("diff on an empty inventory", "diff", ["--db", empty_db], empty_db, "diff needs two finished scans", False),
    ("diff, three scans", "diff", ["1", "2", "3"], "3", "at most 2 values", False),
    ("unknown command", "frobnicate", [], "frobnicate", "unknown command", False),
    ("kb without subcommand", "kb", [], "verify", "needs a subcommand", False),
]


def non_ascii(s):
    return any(ord(c) > 127 for c in s)


def check_line(name, how, r, value):
    assert r.returncode == 1, f"{name} ({how}): exit {r.returncode}, stderr {r.stderr!r}"
    assert r.stdout == "", f"{name} ({how}): stdout {r.stdout!r}"
    lines = r.stderr.splitlines()
    assert len(lines) == 1, f"{name} ({how}): {len(lines)} lines on stderr: {r.stderr!r}"
    line = lines[0]
    assert line.startswith("anshin: "), f"{name} ({how}): {line!r}"
    assert value in line, f"{name} ({how}): {value!r} not in {line!r}"
    return line


failures = []
for name, command, rest, value, english, has_lang in CASES:
    try:
        en = check_line(name, "LANG=C.UTF-8", run([command] + rest), value)
        assert not non_ascii(en), f"{name}: the English line has non-ASCII text: {en!r}"
        assert english in en, f"{name}: {english!r} not in the English line {en!r}"
        variants = [("LANG=ja_JP.UTF-8", run([command] + rest, lang_env="ja_JP.UTF-8")),
                    ("LC_ALL=ja_JP.UTF-8", run([command] + rest, lc_all="ja_JP.UTF-8"))]
        if has_lang:
            variants.append(("--lang ja", run([command, "--lang", "ja"] + rest)))
        for how, r in variants:
            ja = check_line(name, how, r, value)
            assert non_ascii(ja), f"{name} ({how}): no Japanese in {ja!r}"
            assert english not in ja, f"{name} ({how}): the English text is still there: {ja!r}"
        # --lang en wins over a Japanese LANG.
        if has_lang:
            again = check_line(name, "--lang en", run([command, "--lang", "en"] + rest, lang_env="ja_JP.UTF-8"), value)
            assert again == en, f"{name}: --lang en under LANG=ja gave {again!r}, not {en!r}"
    except AssertionError as e:
        failures.append(str(e))

# --help in the chosen language, --no-multicast included.
for how, r in (("LANG=ja_JP.UTF-8", run(["scan", "--help"], lang_env="ja_JP.UTF-8")),
               ("--lang ja", run(["scan", "--lang", "ja", "--help"]))):
    if not (r.returncode == 0 and "使い方" in r.stdout and "オプション" in r.stdout
            and "ユニキャスト" in r.stdout and "discover, identify" not in r.stdout):
        failures.append(f"scan --help ({how}) is not in Japanese: {r.stdout[:400]!r}")
r = run(["scan", "--help"])
if not (r.returncode == 0 and "Usage" in r.stdout and "unicast only" in r.stdout and not non_ascii(r.stdout)):
    failures.append(f"scan --help in English: {r.stdout[:400]!r}")
r = run(["--help"], lang_env="ja_JP.UTF-8")
if not (r.returncode == 0 and "サブコマンド" in r.stdout and "lookup" in r.stdout):
    failures.append(f"--help (LANG=ja) is not in Japanese: {r.stdout[:400]!r}")

shutil.rmtree(work, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s):\n" + "\n".join(failures))
    sys.exit(1)
print(f"cli messages: {len(CASES)} bad inputs, one line each, in Japanese and English; --help in both")
