"""Starting and stopping `anshin lab` for an integration test: one place instead of a copy per test.

    from lab import running_lab
    with running_lab(anshin, "127.88.1.0/24", work, fleet="hostile", log=log_path) as lab:
        ...                      # the lab answers on every address of the block until the block ends

start_lab() returns once the lab has written its --ready-file (every listener is bound) and fails the test
with the lab's own error text when it exits first or is not ready in `timeout` seconds; stop_lab() ends it
with SIGINT (the lab's clean stop) and kills it when it does not stop. The lab's stderr goes to a file in
`work`, never to a pipe nobody reads (a full pipe would block the lab).
"""
import contextlib
import os
import signal
import subprocess

from ready import wait_for


def start_lab(anshin, bind, work, fleet=None, log=None, env=None, extra=(), stdout=subprocess.DEVNULL, timeout=60):
    """A running `anshin lab --bind BIND` (with --fleet, --log and `extra` arguments when given)."""
    tag = bind.replace("/", "_")
    ready = os.path.join(work, f"lab-ready-{tag}")
    if os.path.exists(ready):
        os.remove(ready)
    cmd = [anshin, "lab", "--bind", bind, "--ready-file", ready]
    if fleet:
        cmd += ["--fleet", fleet]
    if log:
        cmd += ["--log", log]
    cmd += list(extra)
    err_path = os.path.join(work, f"lab-{tag}.err")
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(cmd, stdout=stdout, stderr=err, env=env)
    try:
        wait_for(ready, proc, "anshin lab", timeout)
    except AssertionError as e:
        stop_lab(proc)
        with open(err_path, encoding="utf-8", errors="replace") as f:
            raise AssertionError(f"{e}: {f.read().strip()}") from None
    return proc


def stop_lab(proc, timeout=10):
    """Stops a lab from start_lab(); a lab that does not stop in `timeout` seconds is killed."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextlib.contextmanager
def running_lab(anshin, bind, work, **kwargs):
    """start_lab() for the duration of a `with` block."""
    proc = start_lab(anshin, bind, work, **kwargs)
    try:
        yield proc
    finally:
        stop_lab(proc)
