"""Servers of a fault test's own, on ports of their own, that the test stops and starts: a
PostgreSQL cluster in a temporary folder, a Redis without persistence, gunicorn and Django's
management commands as a deployment runs them. Never the shared services on 5432/6379/5672."""

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.closing(socket.socket()) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"nothing listens on port {port} after {timeout} s")


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root (CI, this machine kind) run as `postgres`."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class PostgresServer:
    """A throwaway PostgreSQL cluster: initdb into a temporary folder, trust authentication."""

    def __init__(self) -> None:
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not versions:
            pytest.skip("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
        self.bin = Path(versions[-1]).parent
        # Not under pytest's tmp_path: its folders are root's alone, and the server runs as
        # postgres.
        self.folder = Path(tempfile.mkdtemp(prefix="navigator-fault-pg-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 -- PostgreSQL's own programs, arguments from this class
            _as_postgres([str(self.bin / program), *args]),
            check=True,
            capture_output=True,
            cwd=self.folder,
        )

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        log = str(self.folder / "server.log")
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", log, "-w", "start")

    def stop(self) -> None:
        """As an administrator's restart does: every session's transaction is rolled back and
        its connection closed at once (pg_ctl's fast mode)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def create_database(self, name: str) -> None:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


class RedisServer:
    """A throwaway Redis on a port of its own, nothing kept on disk: stopping it loses every
    message, as a broker that restarts without persistence does."""

    def __init__(self, folder: Path) -> None:
        self.program = shutil.which("redis-server")
        if self.program is None:
            pytest.skip("redis-server is not installed")
        self.folder = folder
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        command = [self.program, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(  # noqa: S603 -- a fixed command, no outside input
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


def project_environment(var_dir: Path, **overrides: str) -> dict[str, str]:
    """What a deployment's processes see: DEBUG off, their own var/, the given overrides."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DATABASE_", "CELERY_", "DJANGO_", "PYTEST_", "DEBUG"))
    }
    return environment | {
        "SECRET_KEY": "fault-test-only",
        "NAVIGATOR_VAR_DIR": str(var_dir),
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        **overrides,
    }


def manage(environment: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run `python manage.py ...` as a deployment would; its standard output."""
    result = subprocess.run(  # noqa: S603 -- the project's own manage.py
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def django_shell(environment: dict[str, str], code: str) -> str:
    """Run Python in `manage.py shell` against the environment's database; its last line."""
    return manage(environment, "shell", "--no-imports", "-c", code).strip().splitlines()[-1]


class Gunicorn:
    """gunicorn with the project's gunicorn.conf.py, as the Procfile's `web` runs it."""

    def __init__(self, environment: dict[str, str], log: Path, *, workers: int = 2) -> None:
        self.port = free_port()
        self.log = log
        self.environment = environment | {
            "PORT": str(self.port),
            "BIND_ADDRESS": "127.0.0.1",
            "WEB_CONCURRENCY": str(workers),
        }
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> "Gunicorn":
        command = [sys.executable, "-m", "gunicorn", "navigator.wsgi"]
        command += ["--config", "gunicorn.conf.py", "--timeout", "60"]
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(  # noqa: S603 -- a fixed command
                command, cwd=BASE_DIR, env=self.environment, stdout=log, stderr=log
            )
        wait_for_port(self.port)
        return self

    def __exit__(self, *exc_info) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def request(self, path: str, *, data: bytes | None = None, cookies: str = "", timeout=30):
        """(status, headers, body) of one request; redirects are not followed."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data)
        if cookies:
            request.add_header("Cookie", cookies)
        if data is not None:
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=timeout) as response:  # noqa: S310 -- loopback
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None
