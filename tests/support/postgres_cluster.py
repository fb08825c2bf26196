"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temporary
folder, start on loopback with a private socket folder, stop and delete at the end.

Real PostgreSQL, never a mock. The server binaries are looked for on PATH and in
Debian's ``/usr/lib/postgresql/<version>/bin``. PostgreSQL refuses to run as root, so
when the tests run as root the cluster runs as the ``postgres`` system user
(``runuser``), in a folder handed to that user.

Host connections need a password (``scram-sha-256``): team mode's rep roles log in with
generated passwords exactly as they would against a real server.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

SUPERUSER = "postgres"
#: Settings for a cluster whose data may be lost: no fsync, small memory.
THROWAWAY_SETTINGS = (
    "fsync=off",
    "synchronous_commit=off",
    "full_page_writes=off",
    "shared_buffers=64MB",
    "max_connections=200",
)


#: Set to "off" to run without PostgreSQL even where it is installed (a quicker run).
SWITCH_ENV = "WORKBENCH_TEST_POSTGRES"


def find_binaries() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    if os.environ.get(SWITCH_ENV, "").strip().lower() in ("off", "0", "no"):
        return None
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), key=lambda p: _version(p), reverse=True)
    for pg_ctl in debian:
        if (pg_ctl.parent / "initdb").exists():
            return pg_ctl.parent
    return None


def _version(pg_ctl: Path) -> int:
    try:
        return int(pg_ctl.parent.parent.name)
    except ValueError:
        return 0


def missing_reason() -> str:
    if os.environ.get(SWITCH_ENV, "").strip().lower() in ("off", "0", "no"):
        return f"{SWITCH_ENV}=off: the tests on PostgreSQL (team mode) are skipped."
    return (
        "PostgreSQL server binaries (initdb, pg_ctl) not found: the tests on PostgreSQL (team mode) "
        "are skipped. Install Debian's 'postgresql' package (.ci/run does) to run them."
    )


#: Stops the cluster when the process that started it is gone without stopping it (a test
#: run killed by a timeout): pg_ctl starts the server as a daemon that would outlive it.
_WATCHDOG = """
import os, shutil, subprocess, sys, time
parent, folder, stop = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
while os.path.isdir(folder):
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        subprocess.run(stop, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        shutil.rmtree(folder, ignore_errors=True)
        break
    except PermissionError:
        pass
    time.sleep(2)
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bin_dir: Path
    folder: Path
    port: int
    password: str
    as_user: str | None
    watchdog: subprocess.Popen[bytes] | None = None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres", user: str = SUPERUSER, password: str | None = None) -> str:
        """A SQLAlchemy URL for ``database`` as ``user`` (the superuser by default)."""
        from sqlalchemy.engine import URL

        pw = self.password if password is None and user == SUPERUSER else password
        return URL.create(
            "postgresql+psycopg",
            username=user,
            password=pw,
            host="127.0.0.1",
            port=self.port,
            database=database,
        ).render_as_string(hide_password=False)

    def _run(self, *args: str) -> None:
        subprocess.run(
            self._command(*args),
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.folder,
        )

    def start(self) -> None:
        options = f"-k {self.folder} -p {self.port} -c listen_addresses=127.0.0.1 " + " ".join(
            f"-c {s}" for s in THROWAWAY_SETTINGS
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "start",
        )

    def _command(self, *args: str) -> list[str]:
        cmd = [str(self.bin_dir / args[0]), *args[1:]]
        return ["runuser", "-u", self.as_user, "--", *cmd] if self.as_user else cmd

    def watch_parent(self) -> None:
        stop = self._command("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        self.watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(self.folder), *stop],
            start_new_session=True,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError, FileNotFoundError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def create_database(self, name: str, *, template: str | None = None) -> str:
        """Create database ``name`` (optionally a copy of ``template``); returns its superuser URL."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            quoted = f'"{name}"'
            if template:
                conn.execute(f'CREATE DATABASE {quoted} TEMPLATE "{template}"'.encode())
            else:
                conn.execute(f"CREATE DATABASE {quoted}".encode())
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'.encode())

    def drop_team(self, name: str) -> None:
        """Drop database ``name`` and the team roles made for it (roles outlive databases)."""
        import psycopg

        self.drop_database(name)
        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            groups = [
                r[0]
                for r in conn.execute(
                    "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
                    ([f"{name.lower()}_reps", f"{name.lower()}_managers"],),
                )
            ]
            for group in groups:
                for (member,) in conn.execute(
                    "SELECT m.rolname FROM pg_auth_members a JOIN pg_roles m ON m.oid = a.member "
                    "JOIN pg_roles g ON g.oid = a.roleid WHERE g.rolname = %s",
                    (group,),
                ).fetchall():
                    conn.execute(f'DROP ROLE IF EXISTS "{member}"'.encode())
                conn.execute(f'DROP ROLE IF EXISTS "{group}"'.encode())

    def dsn(self, database: str = "postgres") -> str:
        return f"host=127.0.0.1 port={self.port} dbname={database} user={SUPERUSER} password={self.password}"


def start_cluster(bin_dir: Path | None = None) -> Cluster:
    """initdb + start a new cluster in a temporary folder (stop it with :func:`remove_cluster`)."""
    bin_dir = bin_dir or find_binaries()
    if bin_dir is None:
        raise RuntimeError(missing_reason())
    folder = Path(tempfile.mkdtemp(prefix="wb-pg-"))
    as_user = "postgres" if os.geteuid() == 0 else None
    password = secrets.token_urlsafe(16)
    pwfile = folder / "pw"
    pwfile.write_text(password + "\n")
    if as_user:
        shutil.chown(folder, user=as_user)
        shutil.chown(pwfile, user=as_user)
    folder.chmod(0o700)
    cluster = Cluster(bin_dir, folder, _free_port(), password, as_user)
    try:
        cluster._run(
            "initdb",
            "-D",
            str(cluster.data),
            "-U",
            SUPERUSER,
            f"--pwfile={pwfile}",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        pwfile.unlink()
        cluster.start()
        cluster.watch_parent()
    except BaseException:
        remove_cluster(cluster)
        raise
    return cluster


def remove_cluster(cluster: Cluster) -> None:
    cluster.stop()
    shutil.rmtree(cluster.folder, ignore_errors=True)
    watchdog = cluster.watchdog
    if watchdog is not None:  # it sees the folder gone and ends within its poll interval
        try:
            watchdog.wait(timeout=10)
        except subprocess.TimeoutExpired:
            watchdog.kill()
            watchdog.wait()
