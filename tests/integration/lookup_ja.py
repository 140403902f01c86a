#!/usr/bin/env python3
"""`anshin lookup --lang ja` is Japanese throughout (issue 13 item 10): every label, the severity in brackets,
the category, the scope of each rule and the CVE lines; English remains only inside quoted originals
(原文："…"), names (companies, models, rules) and the relation's sources. The OEM relation's sources are not
in the finding prose. Offline: no packet is sent."""
import re
import subprocess
import sys

anshin = sys.argv[1]
out = subprocess.run([anshin, "lookup", "--lang", "ja", "Annke C800", "DS-2CD2043G0-I", "Lorex E891AB"],
                     capture_output=True, text=True, timeout=60)
assert out.returncode == 0, out.stderr
text = out.stdout
problems = []

JA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
LABELS = {"製造元", "ブランド", "型番", "種別", "OEM 関係", "根拠", "規制", "CVE"}
for line in text.splitlines():
    m = re.match(r"^  (\S.*?)\s{2,}\S", line)  # "  label   value" lines of the result blocks
    if m and not line.startswith("  [") and not line.startswith("  CVE-"):
        if m.group(1) not in LABELS:
            problems.append(f"label not translated: {line!r}")
    if line.startswith("  ["):
        sev = line[3:line.index("]")]
        if sev not in ("緊急", "重要", "警告", "注意", "情報"):
            problems.append(f"severity not translated: {line!r}")
    if line.startswith("  種別") and not JA.search(line[4:]):
        problems.append(f"category not translated: {line!r}")
    if "を対象、範囲：" in line:
        scope = line.split("範囲：", 1)[1].split("、規制の日付", 1)[0]
        if not JA.search(scope):
            problems.append(f"scope not translated: {line!r}")
    if line.startswith("  CVE-") and not re.match(r"^  CVE-\d+-\d+（CVSS \d+\.\d(、\d{4}-\d\d-\d\d から CISA KEV に掲載)?）：", line):
        problems.append(f"CVE line not in Japanese form: {line!r}")
    if line.startswith("      ") and "OEM 関係" in line and re.search(r"PR #\d+|#\d+", line.split("原文")[0]):
        problems.append(f"relation sources in the prose: {line[:120]!r}")

# English wording of the en catalog must not appear anywhere.
for english in ("manufacturer ", "recognised by", "scope:", "rule dated", "in CISA KEV since", "[high]", "[medium]",
                "built by", "none of the selected"):
    if english in text:
        problems.append(f"English left: {english!r}")
for needed in ("[重要]", "種別           ネットワークカメラ", "範囲：規制が定める用途で使う場合に対象", "CISA KEV に掲載）："):
    if needed not in text:
        problems.append(f"missing: {needed!r}")

for p in problems:
    print("FAIL " + p)
print(f"lookup --lang ja: {len(text.splitlines())} lines, {len(problems)} problems")
sys.exit(1 if problems else 0)
