"""Running a test's inner half inside a private network namespace (only lo; nothing sent there leaves).

    from netns import run_inner_half
    run_inner_half(["unshare", "--net"], __file__, [anshin, "--inner"], "anshin-accept-any-")

The inner half is the same script started again with `args` and a fresh work directory as its last argument;
the directory is removed afterwards. Fails the test when the inner half exits non-zero.
"""
import os
import shutil
import subprocess
import sys
import tempfile


def run_inner_half(namespace_command, script, args, prefix, timeout=300):
    work = tempfile.mkdtemp(prefix=prefix)
    try:
        r = subprocess.run([*namespace_command, sys.executable, os.path.abspath(script), *args, work], timeout=timeout)
        assert r.returncode == 0, f"inner half failed (exit {r.returncode})"
    finally:
        shutil.rmtree(work, ignore_errors=True)
