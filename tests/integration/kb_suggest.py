#!/usr/bin/env python3
"""`anshin kb suggest` (issue 10 item 3): drafts for unidentified devices are valid rules once finished.

1. An observations file with an unidentified RTSP camera (strings no rule knows), an identified Hikvision
   unit and a printer-like host: drafts only for the camera, one per clue, its own strings as examples.
2. Filling the vendor (TODO -> a vendor id) and adding the drafts to a copy of data/ passes `kb verify`:
   every draft's pattern matches its example; and the copy then names the camera's maker.
3. Hostile bytes (an escape sequence) in a clue are never echoed; a bad file is one line, exit 1.

usage: kb_suggest.py ANSHIN   (env ANSHIN_SOURCE_DIR: the source tree)
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SRC = os.environ.get("ANSHIN_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def host(address, services):
    return json.dumps({"address": address, "open_tcp_ports": [554, 80], "services": services})


def rtsp(obs):
    return {"probe": "rtsp", "port": 554, "transport": "tcp", "status": "success", "protocol": "rtsp", "tls": False,
            "observations": [{"key": k, "value": v} for k, v in obs]}


def main():
    anshin = os.path.abspath(sys.argv[1])
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        obs = os.path.join(tmp, "obs.jsonl")
        with open(obs, "w") as f:
            f.write(host("127.0.0.10", [rtsp([("rtsp.describe.status", "401"),
                                               ("rtsp.header.server", "Zorblax Streamer 7.2"),
                                               ("rtsp.auth.realm", "ZRB-4410 Login"),
                                               ("rtsp.sdp.session_name", "ZRB camera \x1b[31mred")])]) + "\n")
            f.write(host("127.0.0.11", [rtsp([("rtsp.auth.realm", "IP Camera(C1214)"),
                                               ("rtsp.content_base.path", "/Streaming/Channels/101/")])]) + "\n")
            f.write(host("127.0.0.12", [{"probe": "http", "port": 80, "transport": "tcp", "status": "success",
                                         "protocol": "http", "observations": [{"key": "http.header.server", "value": "nginx/1.22.1"}]}]) + "\n")
        run = subprocess.run([anshin, "kb", "suggest", obs], capture_output=True, text=True, timeout=60)
        out = run.stdout
        if run.returncode != 0:
            failures.append("kb suggest exited %d: %s" % (run.returncode, run.stderr))
        if "127.0.0.10" not in out:
            failures.append("no draft for the unidentified camera")
        if "127.0.0.11" in out or "127.0.0.12" in out:
            failures.append("drafts for a device that is identified or not surveillance equipment")
        if "\x1b" in out + run.stderr:
            failures.append("an escape byte from a device string reached the output")
        drafts = re.findall(r"^# data/fingerprints/(\w+)\.yaml \(matches: ([\w.]+)\)\n((?:  .*\n|    .*\n|      .*\n)+)", out, re.M)
        if len(drafts) < 2:
            failures.append("expected drafts for the server string and the realm, got %d:\n%s" % (len(drafts), out))
        # finish the drafts: a vendor id, then kb verify on a copy of data/
        data = os.path.join(tmp, "data")
        shutil.copytree(os.path.join(SRC, "data"), data)
        for fname, key, body in drafts:
            body = body.replace("hw.vendor: TODO", "hw.vendor: vstarcam")
            path = os.path.join(data, "fingerprints", fname + ".yaml")
            if os.path.exists(path):
                with open(path, "a") as f:
                    f.write(body)
            else:
                with open(path, "w") as f:
                    f.write("matches: %s\nfingerprints:\n%s" % (key, body))
        verify = subprocess.run([anshin, "kb", "verify", "--kb", data], capture_output=True, text=True, timeout=120)
        if verify.returncode != 0:
            failures.append("finished drafts fail kb verify:\n" + verify.stdout[-2000:])
        again = subprocess.run([anshin, "kb", "suggest", obs, "--kb", data], capture_output=True, text=True, timeout=60)
        if "127.0.0.10" in again.stdout:
            failures.append("with the finished rules the camera is still unidentified")
        bad = subprocess.run([anshin, "kb", "suggest", os.path.join(tmp, "missing.jsonl")], capture_output=True,
                             text=True, timeout=30)
        if bad.returncode != 1 or len(bad.stderr.strip().splitlines()) != 1:
            failures.append("a missing file: exit %d, stderr %r" % (bad.returncode, bad.stderr))
        with open(os.path.join(tmp, "junk.jsonl"), "w") as f:
            f.write("{not json\n")
        junk = subprocess.run([anshin, "kb", "suggest", os.path.join(tmp, "junk.jsonl")], capture_output=True,
                              text=True, timeout=30)
        if junk.returncode != 1 or "line 1" not in junk.stderr:
            failures.append("a malformed line: exit %d, stderr %r" % (junk.returncode, junk.stderr))
    for f in failures:
        print("FAIL: " + f)
    print("kb_suggest: %d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
