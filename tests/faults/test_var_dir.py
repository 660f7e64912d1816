"""A data folder that cannot be written, or a disk that is full, on the embedded default: each
process of `make run` (migrate, the web server, the worker with beat) stops at start-up with
one message naming the folder and what to do, never a traceback at its first write.

The folder is a small tmpfs mounted for the test (as root, as CI runs), remounted read-only or
filled to the last byte. Without root, the read-only folder is one without write permission and
the full disk is skipped: only root can mount."""

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.faults.servers import BASE_DIR, project_environment

pytestmark = pytest.mark.faults

ROOT = os.geteuid() == 0

# The processes of Procfile.dev and the Makefile's run target, on the embedded default.
COMMANDS = {
    "migrate": [sys.executable, "manage.py", "migrate", "--noinput"],
    "runserver": [sys.executable, "manage.py", "runserver", "127.0.0.1:0"],
    "worker": [sys.executable, "-m", "celery", "-A", "navigator", "worker", "--beat"],
}


def run(program: str, *args: str) -> None:
    """mount(8) or umount(8), as root."""
    subprocess.run([shutil.which(program), *args], check=True)  # noqa: S603 -- fixed arguments


@contextlib.contextmanager
def small_disk(megabytes: int):
    """A tmpfs of `megabytes` of its own, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="navigator-fault-disk-"))
    run("mount", "-t", "tmpfs", "-o", f"size={megabytes}m", "tmpfs", str(folder))
    try:
        yield folder
    finally:
        run("umount", str(folder))
        folder.rmdir()


def start(command: str, var_dir: Path) -> subprocess.CompletedProcess:
    environment = project_environment(var_dir, DEBUG="1")
    return subprocess.run(  # noqa: S603 -- the project's own commands
        COMMANDS[command],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@contextlib.contextmanager
def read_only_folder():
    if ROOT:
        with small_disk(4) as disk:
            (disk / "var" / "celery").mkdir(parents=True)
            run("mount", "-o", "remount,ro", str(disk))
            yield disk / "var"
    else:
        folder = Path(tempfile.mkdtemp(prefix="navigator-fault-var-"))
        folder.chmod(0o555)
        try:
            yield folder
        finally:
            folder.chmod(0o755)
            shutil.rmtree(folder)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_read_only_data_folder_stops_each_process_with_what_to_do(command):
    with read_only_folder() as var_dir:
        result = start(command, var_dir)
    assert result.returncode == 1
    reason = "Read-only file system" if ROOT else "Permission denied"
    assert f"Navigator cannot start: its data folder {var_dir}" in result.stderr
    assert f"cannot be written ({reason})" in result.stderr
    assert "set NAVIGATOR_VAR_DIR to a folder" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.skipif(not ROOT, reason="a full disk needs a small tmpfs, and only root mounts one")
@pytest.mark.parametrize("command", COMMANDS)
def test_a_full_disk_stops_each_process_with_what_to_do(command):
    with small_disk(8) as disk:
        var_dir = disk / "var"
        var_dir.mkdir()
        with contextlib.suppress(OSError), open(disk / "filler", "wb") as filler:
            while True:
                filler.write(b"\0" * 2**20)
        result = start(command, var_dir)
    assert result.returncode == 1
    assert (
        f"Navigator cannot start: the disk holding its data folder {var_dir} is full "
        "(0 MB free, 50 MB needed). " in result.stderr
    )
    assert "Free space on that disk" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
