#!/usr/bin/python3
"""(Debian's python3 and python3-jsonschema, not whatever python3 is first on PATH.)
`report --format cyclonedx` and `--format jsonl` (issue 17 item 4): the CycloneDX export of a lab scan and the
golden CycloneDX files validate against the official CycloneDX 1.6 JSON schema (tests/schemas/cyclonedx, with the
SPDX and JSF schemas it references, resolved locally: no network), and a document the schema must refuse is
refused (the validator is really on). The JSON-lines export has one parseable line per finding of the same scan.
Loopback only (127.122.17.0/24)."""
import json
import os
import subprocess
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
from lab import running_lab  # noqa: E402

warnings.filterwarnings("ignore", category=DeprecationWarning)  # RefResolver: Debian 12 has no `referencing`
try:
    import jsonschema
except ImportError:
    print("FAIL: python3-jsonschema is missing (scripts/install-deps --test installs it)")
    sys.exit(1)

anshin = os.path.abspath(sys.argv[1])
src = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
schemas = os.path.join(src, "tests", "schemas", "cyclonedx")
work = tempfile.mkdtemp(prefix="anshin-exports-")
db = os.path.join(work, "inv.db")
net = "127.122.17"
env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL", "LC_MESSAGES", "LANGUAGE")}
env.update({"LANG": "C.UTF-8", "NO_COLOR": "1", "XDG_DATA_HOME": os.path.join(work, "xdg"),
            "XDG_CONFIG_HOME": os.path.join(work, "config"), "ANSHIN_CONFIG_SYSTEM": os.path.join(work, "none.yaml"),
            "ANSHIN_KB_SYSTEM_DIR": os.path.join(work, "none")})
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def load(name):
    with open(os.path.join(schemas, name), encoding="utf-8") as f:
        return json.load(f)


bom_schema = load("bom-1.6.schema.json")
store = {s["$id"]: s for s in (bom_schema, load("spdx.schema.json"), load("jsf-0.82.schema.json"))}
resolver = jsonschema.RefResolver(base_uri=bom_schema["$id"], referrer=bom_schema, store=store)
validator = jsonschema.Draft7Validator(bom_schema, resolver=resolver)


def errors_of(doc):
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in validator.iter_errors(doc)]


# The validator refuses what CycloneDX 1.6 does not allow.
check(errors_of({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "camera", "name": "x"}]}),
      "a component of type 'camera' is refused")
check(errors_of({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"type": "device"}]}),
      "a component without a name is refused")

for golden in ("scan.cdx.json", "hostile.cdx.json"):
    with open(os.path.join(src, "tests", "golden", golden), encoding="utf-8") as f:
        errs = errors_of(json.load(f))
    check(not errs, f"tests/golden/{golden} is valid CycloneDX 1.6: {errs[:5]}")

with running_lab(anshin, f"{net}.0/24", work, env=env):
    r = subprocess.run([anshin, "scan", f"{net}.0/24", "--db", db, "-q"], env=env, capture_output=True, text=True,
                       timeout=240)
    check(r.returncode == 0, f"scan: {r.stderr}")


def report(fmt, *extra):
    r = subprocess.run([anshin, "report", "--db", db, "--format", fmt, *extra], env=env, capture_output=True,
                       timeout=60)
    check(r.returncode == 0, f"report --format {fmt}: {r.stderr.decode(errors='replace')}")
    return r.stdout.decode("utf-8")


scan = json.loads(report("json"))
devices = scan["devices"]
check(len(devices) >= 10, f"the lab scan found devices ({len(devices)})")

bom = json.loads(report("cyclonedx"))
errs = errors_of(bom)
check(not errs, f"the lab scan's CycloneDX is valid CycloneDX 1.6: {errs[:5]}")
check(len(bom.get("components", [])) == len(devices), "one component per device")
cves = {f["id"][4:] for d in devices for f in d["findings"] if f["id"].startswith("cve.")}
check(cves, "the lab scan has CVE findings")
check({v["id"] for v in bom.get("vulnerabilities", [])} == cves, "one vulnerability per CVE found")
refs = {c["bom-ref"] for c in bom.get("components", [])}
for v in bom.get("vulnerabilities", []):
    check(v["affects"] and all(a["ref"] in refs for a in v["affects"]), f"{v['id']} affects components of the BOM")
out = os.path.join(work, "bom.json")
report("cyclonedx", "-o", out)
with open(out, encoding="utf-8") as f:
    check(json.load(f) == bom, "-o FILE writes the same document")

lines = report("jsonl").splitlines()
findings = [(d["address"], f["id"]) for d in devices for f in d["findings"]]
check(len(lines) == len(findings), f"one line per finding ({len(lines)} lines, {len(findings)} findings)")
parsed = [json.loads(line) for line in lines]
check([(p["address"], p["finding_id"]) for p in parsed] == findings, "the lines follow the scan's findings")
keys = ["time", "scan_id", "site", "address", "mac", "category", "manufacturer", "brand", "model", "firmware",
        "finding_id", "severity", "title"]
check(all(list(p) == keys for p in parsed), f"every line has the contract's fields: {list(parsed[0]) if parsed else []}")
check(all(p["scan_id"] == scan["scan"]["id"] for p in parsed), "every line names the scan")

r = subprocess.run([anshin, "report", "--db", db, "--format", "xml"], env=env, capture_output=True, text=True)
check(r.returncode == 1 and "jsonl" in r.stderr and "cyclonedx" in r.stderr and len(r.stderr.splitlines()) == 1,
      f"an unknown format is one line naming the formats: {r.stderr!r}")

print(f"{len(lines)} jsonl lines, {len(bom.get('components', []))} components, "
      f"{len(bom.get('vulnerabilities', []))} vulnerabilities")
print(f"{0 if failures else 1} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
