#!/usr/bin/env python3
"""An output file that cannot be written is refused before the scan starts (issue 13 item 8): one line with the
operating system's reason, exit 1, at once, nothing sent; in Japanese too. Loopback only: the target is
127.88.44.1 (nothing listens there; the refusal comes before any packet).

usage: scan_output_checked.py ANSHIN
"""
import os
import subprocess
import sys
import tempfile
import time


def run(anshin, args, env=None):
    t0 = time.time()
    r = subprocess.run([anshin, "scan", "127.88.44.1", "--no-db", "-q"] + args, capture_output=True, text=True,
                       timeout=60, env=env)
    return r, time.time() - t0


def main():
    anshin = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as work:
        cases = [
            (["--json", os.path.join(work, "missing-dir", "scan.json")], "No such file or directory"),
            (["--json", work], "Is a directory"),
            (["--observations", os.path.join(work, "missing-dir", "obs.jsonl")], "No such file or directory"),
        ]
        for args, reason in cases:
            r, secs = run(anshin, args)
            lines = r.stderr.strip().splitlines()
            if r.returncode != 1 or len(lines) != 1 or reason not in lines[0] or secs > 5:
                failures.append("%s: exit %d in %.1f s, stderr %r (want one line with %r)" % (args, r.returncode, secs,
                                                                                           r.stderr, reason))
        env = dict(os.environ, LANG="ja_JP.UTF-8", LC_ALL="ja_JP.UTF-8")
        r, _ = run(anshin, ["--json", os.path.join(work, "missing-dir", "scan.json")], env)
        if r.returncode != 1 or "書き込めません" not in r.stderr:
            failures.append("Japanese: exit %d, stderr %r" % (r.returncode, r.stderr))
        ok = os.path.join(work, "scan.json")
        r, _ = run(anshin, ["--json", ok, "-p", "80", "--timeout", "200"])
        if r.returncode != 0 or not os.path.exists(ok):
            failures.append("a writable output: exit %d, stderr %r" % (r.returncode, r.stderr))
    for f in failures:
        print("FAIL: " + f)
    print("scan_output_checked: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
