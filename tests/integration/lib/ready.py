"""Waiting for a process the test started (`anshin lab`, `anshin serve`, ...) to write its --ready-file.

    from ready import wait_for
    address = wait_for(ready_file, proc, "serve")   # the file's text once it is non-empty
"""
import os
import time


def wait_for(path, proc, what, timeout=30):
    """The ready file's text once `proc` has written it; fails the test when `proc` exits first or after `timeout` s."""
    t0 = time.time()
    while not os.path.exists(path) or not open(path).read().strip():
        assert proc.poll() is None, f"{what} exited: {proc.stderr.read() if proc.stderr else ''}"
        assert time.time() - t0 < timeout, f"{what} not ready"
        time.sleep(0.05)
    return open(path).read().strip()
