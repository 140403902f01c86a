#!/usr/bin/env python3
"""Command-line messages in the user's language (issue 5): the real binary over a table of bad inputs,
in Japanese (LANG=ja_JP.UTF-8, LC_ALL=ja_JP.UTF-8, and --lang ja under an English LANG) and in English.
Every case must exit 1 with nothing on stdout and exactly one line on stderr that names the offending
value; the Japanese line holds Japanese text, the English line is ASCII and says what it always said.
--help follows the same language choice. So do the outputs that are not errors: `scan --dry-run`, the
text of `anshin diff` (its --json is the same in every language) and the lab's bind errors.

Network: the bad-input cases fail before anything is sent (the scan cases add --dry-run; the public and
private addresses are only input that is refused or only planned), and the one inventory for them is made
by `scan --resume` on a new file, which opens the database and stops (no interrupted scan). The diff
cases scan 127.90.0.0/24 twice, once with nothing listening and once with `anshin lab` serving there;
the bind case holds one port of 127.90.0.11 so that the lab cannot bind it. Loopback only."""
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

anshin = os.path.abspath(sys.argv[1])
work = tempfile.mkdtemp(prefix="anshin-i18n-")
empty_db = os.path.join(work, "empty.db")
creds_open = os.path.join(work, "creds-0644.yaml")
with open(creds_open, "w") as f:
    f.write("credentials:\n  - {host: 127.90.0.1, username: admin, password: x}\n")
os.chmod(creds_open, 0o644)
LOCAL = "127.90.0.1"


def environment(lang_env=None, lc_all=None):
    env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env["LANG"] = lang_env or "C.UTF-8"
    if lc_all:
        env["LC_ALL"] = lc_all
    return env


def run(args, lang_env=None, lc_all=None):
    return subprocess.run([anshin] + args, capture_output=True, text=True, timeout=60, cwd=work,
                          env=environment(lang_env, lc_all))


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
    ("resume an unknown scan", "scan", ["--resume-scan", "7", "--db", empty_db], "7", "no scan 7", True),
    ("report on an empty inventory", "report", ["--db", empty_db, "--format", "json"], empty_db,
     "no finished scan", True),
    ("report without inventory", "report", ["--db", os.path.join(work, "none.db"), "--format", "csv"], "none.db",
     "no inventory at", True),
    ("report format", "report", ["--db", empty_db, "--format", "pdf"], '"pdf"', "--format: expected one of", True),
    ("report, bad scan id", "report", ["--db", empty_db, "--format", "json", "--scan", "42"], "42",
     "no scan 42", True),
    ("diff on an empty inventory", "diff", ["--db", empty_db], empty_db, "diff needs two finished scans", True),
    ("diff, three scans", "diff", ["1", "2", "3"], "3", "at most 2 values", True),
    ("diff --lang", "diff", ["--db", empty_db, "--lang", "fr"], '"fr"', "--lang: expected ja or en", False),
    # The lab refuses these before it binds anything (it has no --lang: LANG decides).
    ("lab outside loopback", "lab", ["--bind", "10.0.0.0/24"], "10.0.0.0/24", "is outside 127.0.0.0/8", False),
    ("lab --bind syntax", "lab", ["--bind", "127.90.0.0/x"], "127.90.0.0/x", "expected a CIDR like", False),
    ("lab --bind prefix", "lab", ["--bind", "127.90.0.0/40"], "127.90.0.0/40", "prefix above 32", False),
    ("lab --bind not IPv4", "lab", ["--bind", "nope/24"], "nope/24", "expected an IPv4 CIDR", False),
    ("lab --scale too large", "lab", ["--bind", "127.90.0.0/30", "--scale", "10"], "127.90.0.0/30",
     "--scale 10 does not fit", False),
    ("lab fleet does not fit", "lab", ["--bind", "127.90.0.0/29"], "127.90.0.0/29", "suffix 10 does not fit", False),
    ("lab unknown fleet", "lab", ["--fleet", "nosuch", "--bind", "127.90.0.0/24"], "nosuch", "no built-in fleet",
     False),
    ("lab missing fleet file", "lab", ["--fleet", os.path.join(work, "nosuch.yaml"), "--bind", "127.90.0.0/24"],
     "nosuch.yaml", "cannot read fleet file", False),
    ("unknown command", "frobnicate", [], "frobnicate", "unknown command", False),
    ("kb without subcommand", "kb", [], "verify", "needs a subcommand", False),
    # std::regex recursed per character on CLI11's message and overflowed the stack (exit 139).
    ("huge argument", "scan", [LOCAL, "--dry-run", "--rate", "a" * 30000], "a" * 50, "expected a number", True),
    ("huge unknown option", "scan", [LOCAL, "--bogus" + "a" * 40000], "--bogus" + "a" * 40, "unknown option", True),
]

# English lines that must stay exactly as they were before the catalogs.
EXACT_EN = {
    "lab outside loopback": "anshin: --bind 10.0.0.0/24 is outside 127.0.0.0/8: the lab serves on loopback only",
    "lab --bind syntax": "anshin: bad --bind '127.90.0.0/x': expected a CIDR like 127.77.0.0/24",
    "lab --bind prefix": "anshin: bad --bind '127.90.0.0/40': prefix above 32",
    "lab --bind not IPv4": "anshin: bad --bind 'nope/24': expected an IPv4 CIDR like 127.77.0.0/24",
    "lab --scale too large": "anshin: lab: --scale 10 does not fit in 127.90.0.0/30",
    "lab fleet does not fit": "anshin: lab: device 'hikvision-ipc' suffix 10 does not fit in 127.90.0.0/29",
    "lab unknown fleet": "anshin: no built-in fleet 'nosuch' (built in: default, hostile, multicast, real)",
    "lab missing fleet file": "anshin: cannot read fleet file " + os.path.join(work, "nosuch.yaml"),
}


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
        if name in EXACT_EN:
            assert en == EXACT_EN[name], f"{name}: the English line changed: {en!r}"
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


def check(ok, message):
    if not ok:
        failures.append(message)
    return ok


# scan --dry-run: the same listing in both languages, English as it always was. Nothing is sent.
DRY = ["scan", "127.90.0.0/28", "127.90.0.32/30", "--exclude", "127.90.0.4", "-p", "80,554,8000-8003",
       "--dry-run", "--seed", "7"]
HOST_EN = re.compile(r"^  127\.90\.0\.\d+ ports 80,554,8000,8001,8002,8003$")
WALKED_EN = re.compile(r"^walked 19 hosts / 114 attempts in \d+\.\d{3} s \(checksum [0-9a-f]+\); peak RSS \d+ KiB$")
r = run(DRY)
dry_en = r.stdout.splitlines()
if check(r.returncode == 0 and len(dry_en) == 25, f"dry run (English): exit {r.returncode}, {r.stdout!r} {r.stderr!r}"):
    check(dry_en[:5] == ["dry run: 19 addresses, 114 connection attempts (at most 4 per host at once), nothing sent",
                         "  127.90.0.0/30 ports 80,554,8000-8003",
                         "  127.90.0.5-127.90.0.15 ports 80,554,8000-8003",
                         "  127.90.0.32/30 ports 80,554,8000-8003",
                         "first hosts in scan order (seed 0x7):"], f"dry run (English) changed: {dry_en[:5]!r}")
    check(all(HOST_EN.match(line) for line in dry_en[5:24]), f"dry run (English) host lines: {dry_en[5:24]!r}")
    check(WALKED_EN.match(dry_en[24]) is not None, f"dry run (English) last line: {dry_en[24]!r}")
    check(not non_ascii(r.stdout), f"dry run (English) has non-ASCII text: {r.stdout!r}")


def addresses_and_numbers(line):
    return re.findall(r"\d+(?:\.\d+)*(?:/\d+)?", line)


for how, r in (("LANG=ja_JP.UTF-8", run(DRY, lang_env="ja_JP.UTF-8")),
               ("LC_ALL=ja_JP.UTF-8", run(DRY, lc_all="ja_JP.UTF-8")),
               ("--lang ja", run(DRY + ["--lang", "ja"]))):
    ja = r.stdout.splitlines()
    if not check(r.returncode == 0 and len(ja) == 25, f"dry run ({how}): exit {r.returncode}, {r.stdout!r}"):
        continue
    check(ja[0].startswith("ドライラン：19 アドレス、接続試行 114 回") and "送信していません" in ja[0],
          f"dry run ({how}) header: {ja[0]!r}")
    check(ja[4] == "スキャン順の先頭ホスト（シード 0x7）：", f"dry run ({how}) order line: {ja[4]!r}")
    check(ja[1:4] + ja[5:24] == [line.replace(" ports ", " ポート ") for line in dry_en[1:4] + dry_en[5:24]],
          f"dry run ({how}) port lines differ from English: {ja[1:24]!r}")
    check(non_ascii(ja[24]) and addresses_and_numbers(ja[24])[:2] == ["19", "114"], f"dry run ({how}): {ja[24]!r}")
    check(not any(w in r.stdout for w in ("dry run", "first hosts", "walked", "nothing sent")),
          f"dry run ({how}) still has English: {r.stdout!r}")
r = run(DRY + ["--lang", "en"], lang_env="ja_JP.UTF-8")
check(r.stdout.splitlines()[:24] == dry_en[:24], f"dry run --lang en under LANG=ja: {r.stdout!r}")

# diff over two real scans of 127.90.0.0/24: first nothing listens, then the lab serves the default fleet.
diff_db = os.path.join(work, "diff.db")
SCAN = ["scan", "127.90.0.0/24", "--db", diff_db, "-q", "--no-multicast", "-p", "80,554,8000", "--timeout", "300"]
r = run(SCAN)
check(r.returncode == 0, f"scan with nothing listening: exit {r.returncode}, {r.stderr!r}")
ready = os.path.join(work, "lab.ready")
lab = subprocess.Popen([anshin, "lab", "--bind", "127.90.0.0/24", "--ready-file", ready], cwd=work,
                       env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    deadline = time.time() + 30
    while not os.path.exists(ready) and lab.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    if not os.path.exists(ready):
        print(f"the lab did not start on 127.90.0.0/24 (exit {lab.poll()})")
        sys.exit(1)
    r = run(SCAN)
    check(r.returncode == 0, f"scan of the lab: exit {r.returncode}, {r.stderr!r}")
finally:
    lab.terminate()
    lab.wait(timeout=30)

r = run(["diff", "--db", diff_db])
diff_en = r.stdout
m = re.match(r"from (\S+) to (\S+)\n\nnew \((\d+)\):\n", diff_en)
if check(r.returncode == 0 and r.stderr == "" and m is not None and int(m.group(3)) >= 5,
         f"diff (English): exit {r.returncode}, {diff_en!r} {r.stderr!r}"):
    old_id, new_id, count = m.group(1), m.group(2), m.group(3)
    added_en = [line for line in diff_en.splitlines() if line.startswith("  + ")]
    check(len(added_en) == int(count) and "  + 127.90.0.10 Hikvision DS-2CD2043G0-I" in added_en,
          f"diff (English) device lines: {added_en!r}")
    check(not non_ascii(diff_en), f"diff (English) has non-ASCII text: {diff_en!r}")
    json_en = run(["diff", "--db", diff_db, "--json"]).stdout
    for how, r in (("LANG=ja_JP.UTF-8", run(["diff", "--db", diff_db], lang_env="ja_JP.UTF-8")),
                   ("LC_ALL=ja_JP.UTF-8", run(["diff", "--db", diff_db], lc_all="ja_JP.UTF-8")),
                   ("--lang ja", run(["diff", "--db", diff_db, "--lang", "ja"]))):
        ja = r.stdout
        check(r.returncode == 0 and ja.startswith(f"比較対象：スキャン {old_id} → {new_id}\n\n新しく見つかった機器（{count} 台）：\n"),
              f"diff ({how}): {ja!r}")
        added_ja = [line for line in ja.splitlines() if line.startswith("  + ")]
        check([line.split()[1] for line in added_ja] == [line.split()[1] for line in added_en],
              f"diff ({how}) lists other devices: {added_ja!r}")
        check("  + 127.90.0.10 Hikvision DS-2CD2043G0-I" in added_ja, f"diff ({how}) device label: {added_ja!r}")
        check(not re.search(r"\b(from|new|gone|moved|changed|added|removed)\b", ja), f"diff ({how}) has English: {ja!r}")
    check(run(["diff", "--db", diff_db, "--lang", "en"], lang_env="ja_JP.UTF-8").stdout == diff_en,
          "diff --lang en under LANG=ja differs from English")
    # The reverse: every device is gone.
    r = run(["diff", "--db", diff_db, new_id, old_id])
    check(r.returncode == 0 and f"\ngone ({count}):\n" in r.stdout and "  - 127.90.0.10 Hikvision DS-2CD2043G0-I" in r.stdout,
          f"diff NEW OLD (English): {r.stdout!r}")
    r = run(["diff", "--db", diff_db, new_id, old_id], lang_env="ja_JP.UTF-8")
    check(r.returncode == 0 and f"\n見つからなくなった機器（{count} 台）：\n" in r.stdout
          and "  - 127.90.0.10 Hikvision DS-2CD2043G0-I" in r.stdout, f"diff NEW OLD (LANG=ja): {r.stdout!r}")
    # --json is a machine format: byte for byte the same in every language.
    check(json_en.startswith('{\n  "schema": "anshin.diff/1"'), f"diff --json: {json_en[:200]!r}")
    for how, r in (("LANG=ja_JP.UTF-8", run(["diff", "--db", diff_db, "--json"], lang_env="ja_JP.UTF-8")),
                   ("--lang ja", run(["diff", "--db", diff_db, "--json", "--lang", "ja"]))):
        check(r.returncode == 0 and r.stdout == json_en, f"diff --json ({how}) differs from English")

# A listener the lab cannot bind: 127.90.0.11:554 (the default fleet's second device) is taken.
blocker = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
blocker.bind(("127.90.0.11", 554))
blocker.listen(1)
try:
    for how, kwargs in (("LANG=C.UTF-8", {}), ("LANG=ja_JP.UTF-8", {"lang_env": "ja_JP.UTF-8"})):
        try:
            r = run(["lab", "--bind", "127.90.0.0/24"], **kwargs)
        except subprocess.TimeoutExpired:
            failures.append(f"lab on a taken port ({how}) did not fail: it is serving")
            continue
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and r.stdout == "" and len(lines) == 1, f"lab on a taken port ({how}): {r!r}")
        if not lines:
            continue
        if how == "LANG=C.UTF-8":
            check(lines[0] == "anshin: lab: cannot bind 127.90.0.11:554/tcp: already in use",
                  f"lab on a taken port (English) changed: {lines[0]!r}")
        else:
            check(lines[0] == "anshin: lab: 127.90.0.11:554/tcp で待ち受けできません：すでに使用されています。",
                  f"lab on a taken port ({how}): {lines[0]!r}")
finally:
    blocker.close()

# An option's value is not a command: `anshin --lang ja` lacks a command; it does not name one called "ja".
for args in (["--lang", "ja"], ["--lang", "en"]):
    r = run(args)
    lines = r.stderr.splitlines()
    if not (r.returncode == 1 and len(lines) == 1 and '"ja"' not in lines[0] and '"en"' not in lines[0]):
        failures.append(f"anshin {' '.join(args)}: {r.returncode} {r.stderr!r}")

shutil.rmtree(work, ignore_errors=True)
if failures:
    print(f"{len(failures)} failure(s):\n" + "\n".join(failures))
    sys.exit(1)
print(f"cli messages: {len(CASES)} bad inputs, one line each, in Japanese and English; --help, scan --dry-run, "
      "diff and a lab bind error in both")
