"""A throwaway PostgreSQL cluster for integration tests, through tests/support/pg_cluster (the script the C++
store tests use too): initdb and pg_ctl in a temporary directory as an unprivileged user, password login over
TCP on 127.0.0.1 and a free port; stopped and removed by stop(), or by the script's watcher when this process
dies first. Exits the test with 77 (skipped) when PostgreSQL 15 is not installed.

    from pg_cluster import PgCluster
    with PgCluster(src) as pg:
        uri = pg.createdb("inv")      # postgresql://anshin:PASSWORD@127.0.0.1:PORT/inv
"""
import os
import subprocess
import sys
import tempfile


class PgCluster:
    def __init__(self, src):
        self.script = os.path.join(src, "tests", "support", "pg_cluster")
        self.dir = tempfile.mkdtemp(prefix="anshin-pg-")
        out = subprocess.run([self.script, "start", self.dir, str(os.getpid())], capture_output=True, text=True)
        if out.returncode == 77:
            print("SKIP: " + out.stderr.strip(), file=sys.stderr)
            sys.exit(77)
        assert out.returncode == 0, f"pg_cluster start: {out.stderr}"
        self.uri = out.stdout.strip()
        self.password = self.uri.split("://", 1)[1].split("@", 1)[0].split(":", 1)[1]

    def createdb(self, name):
        out = subprocess.run([self.script, "createdb", self.dir, name], capture_output=True, text=True, check=True)
        return out.stdout.strip()

    def stop(self):
        subprocess.run([self.script, "stop", self.dir], capture_output=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
