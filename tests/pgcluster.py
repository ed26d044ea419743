"""A throwaway PostgreSQL server for the team desk's tests and benchmark (no mock anywhere).

:class:`Cluster` runs the machine's own ``initdb`` and ``pg_ctl`` (Debian's ``postgresql``
package puts them under ``/usr/lib/postgresql/*/bin``) in a temporary folder, listening only
on a Unix socket in that folder. PostgreSQL refuses to run as root: when the tests run as
root, the server runs as ``nobody`` (through ``runuser``) and the folder is handed to it.
Local connections are trusted; the superuser is ``postgres``.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

SUPERUSER = "postgres"
RUN_AS = "nobody"


def find_bin() -> Path | None:
    """The folder of the newest PostgreSQL's server programs, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parent.parent.name) if Path(p).parent.parent.name
                   .isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """One PostgreSQL cluster in a temporary folder; :meth:`start`, :meth:`stop`."""

    def __init__(self) -> None:
        bin_dir = find_bin()
        if bin_dir is None:
            raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
        self.bin = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="claims-desk-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.socket_dir = self.root
        self.port = 5432
        self._as_root = os.geteuid() == 0
        if self._as_root:
            shutil.chown(self.root, RUN_AS)

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = list(args)
        if self._as_root:
            command = ["runuser", "-u", RUN_AS, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True,
                              cwd=self.root, timeout=120)

    def start(self) -> Cluster:
        """initdb, then pg_ctl start on a socket in the folder (no TCP); waits until ready."""
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", SUPERUSER,
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync")
        self._start()
        return self

    def _start(self) -> None:
        options = (f"-k {self.socket_dir} -p {self.port} -c listen_addresses='' "
                   "-c fsync=off -c max_connections=60 -c shared_buffers=64MB")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l",
                  str(self.root / "server.log"), "-o", options, "-w", "-t", "60", "start")
        self.wait()

    def wait(self, timeout: float = 30.0) -> None:
        """Until the server answers (after a start or a restart)."""
        deadline = time.monotonic() + timeout
        while True:
            done = self._run(str(self.bin / "pg_isready"), "-h", str(self.socket_dir), "-p",
                             str(self.port), check=False)
            if done.returncode == 0:
                return
            if time.monotonic() > deadline:
                raise RuntimeError("PostgreSQL did not start: " + self.log())
            time.sleep(0.1)

    def restart(self) -> None:
        """Stop the server at once (in-flight transactions are cut off) and start it again."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w",
                  "stop")
        self._start()

    def stop(self) -> None:
        """Stop the server and remove the folder."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop",
                  check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def url(self, user: str = SUPERUSER, dbname: str = "postgres") -> str:
        """A libpq URL for ``user`` on ``dbname`` over the socket."""
        return f"postgresql://{user}@/{dbname}?host={self.socket_dir}&port={self.port}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns the superuser's URL of it."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(dbname=name)

    def create_role(self, name: str) -> None:
        """A login role without rights of its own (``server grant`` gives them)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone()
            if not exists:
                conn.execute(f'CREATE ROLE "{name}" LOGIN')
