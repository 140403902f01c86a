#!/usr/bin/env python3
"""Reports read in their reader's language whatever language the scan ran in (issue 13 items 1, 7, 8):
a scan run under LANG=C (English), reported with --lang ja, gives Japanese findings in HTML, CSV and
(asked for) JSON; a scan run in Japanese reports in English the same way; JSON without --lang keeps the
scan's language. The terminal table of `scan` fits 80 columns. Loopback only: the lab on 127.124.1.0/24."""
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402

anshin = sys.argv[1]
work = tempfile.mkdtemp(prefix="anshin-lang-")
net = "127.124.1"


def width(line):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def run(*args, env=None, check=True):
    out = subprocess.run([anshin, *args], capture_output=True, text=True, timeout=180, env=env)
    assert not check or out.returncode == 0, (args, out.returncode, out.stderr)
    return out


with running_lab(anshin, f"{net}.0/24", work):
    english_db = os.path.join(work, "en.db")
    narrow = dict(os.environ, LANG="C", LC_ALL="C", COLUMNS="80")
    scan = run("scan", f"{net}.0/24", "--db", english_db, "--site", "Store 7", env=narrow)
    table = [l for l in scan.stdout.splitlines() if l.startswith(("ADDRESS", net))]  # the table, not the prose after
    assert len(table) > 20, scan.stdout
    too_wide = [l for l in table if width(l) > 80]
    assert not too_wide, f"lines wider than 80 columns: {too_wide[:3]}"
    japanese_db = os.path.join(work, "ja.db")
    run("scan", f"{net}.0/24", "--db", japanese_db, "--lang", "ja", "-q")

# English scan, Japanese report.
html = run("report", "--db", english_db, "--format", "html", "--lang", "ja").stdout
assert "ファームウェアを更新" in html, "a CVE remediation in Japanese"
assert "Update the firmware" not in html, "no English remediation left in the Japanese report"
rows = list(csv.reader(io.StringIO(run("report", "--db", english_db, "--format", "csv", "--lang", "ja").stdout)))
header = rows[0]
titles = header.index("指摘事項")
assert header[:2] == ["スキャン日時", "サイト"] and all(r[1] == "Store 7" for r in rows[1:]), rows[:2]
assert any("（CVE-" in r[titles] or "CVE-" in r[titles] for r in rows[1:]), [r[titles] for r in rows[1:4]]
assert not any("Update the firmware" in c for r in rows for c in r)
assert any(r[header.index("種別")] == "カメラ" for r in rows[1:]), "category in Japanese"
scan_json = json.loads(run("report", "--db", english_db, "--format", "json").stdout)
titles_en = [f["title"] for d in scan_json["devices"] for f in d["findings"]]
assert any(t.startswith("CVE-") for t in titles_en) and not any("ファームウェア" in f["remediation"]
                                                                 for d in scan_json["devices"] for f in d["findings"])
assert scan_json["scan"]["site"] == "Store 7"
ja_json = json.loads(run("report", "--db", english_db, "--format", "json", "--lang", "ja").stdout)
assert any("ファームウェア" in f["remediation"] for d in ja_json["devices"] for f in d["findings"])
assert [f["id"] for d in ja_json["devices"] for f in d["findings"]] == \
       [f["id"] for d in scan_json["devices"] for f in d["findings"]], "ids never change with the language"

# Japanese scan, English report.
html_en = run("report", "--db", japanese_db, "--format", "html", "--lang", "en").stdout
assert "Update the firmware" in html_en and "ファームウェアを更新" not in html_en
print(f"report language: {len(rows) - 1} CSV rows in Japanese from an English scan; HTML both ways; "
      f"scan table {max(width(l) for l in table)} columns wide at COLUMNS=80")
