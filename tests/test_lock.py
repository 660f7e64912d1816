"""The lock: both README commands install exactly the locked set, and a lock that disagrees
with pyproject.toml fails the check CI runs first (.ci/check_lock.py)."""

import importlib.util
import os
import shutil
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check_lock", ROOT / ".ci" / "check_lock.py")
check_lock = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_lock)

HASH = "    --hash=sha256:" + "0" * 64


def _pin(name: str, version: str | None = None) -> str:
    return f"{name}=={version or metadata.version(name)} \\\n{HASH}\n    # via something\n"


def _project(folder: Path, dependencies=("django>=5.2",), dev=("six",), load=("six",)) -> None:
    quoted = ", ".join(f'"{name}"' for name in dependencies)
    (folder / "pyproject.toml").write_text(
        f'[project]\nname = "x"\nversion = "1"\ndependencies = [{quoted}]\n'
        "[project.optional-dependencies]\n"
        f"dev = {list(dev)!r}\nload = {list(load)!r}\n".replace("'", '"')
    )


def _locks(folder: Path, product: str, dev: str | None = None, load: str | None = None) -> None:
    """The lock files; the dev and load sets default to the product's and six, the installer's
    set is six alone."""
    (folder / "requirements-uv.in").write_text("# the installer\nsix\n")
    (folder / "requirements-uv.txt").write_text(_pin("six"))
    (folder / "requirements.txt").write_text(product)
    (folder / "requirements-dev.txt").write_text(product + _pin("six") if dev is None else dev)
    (folder / "requirements-load.txt").write_text(product + _pin("six") if load is None else load)


# Django and what it needs on Linux, at the versions installed here.
PRODUCT = _pin("django") + _pin("asgiref") + _pin("sqlparse")
ALL_INSTALLED = list(check_lock.LOCKS)


def _check(folder: Path) -> str:
    """The check's complaint, or "" when the lock agrees."""
    try:
        check_lock.check(folder, ALL_INSTALLED)
    except check_lock.LockError as error:
        return str(error)
    return ""


def test_the_committed_locks_agree_with_pyproject_and_with_what_is_installed():
    """What `make check-lock` (CI's first step) runs, on this checkout."""
    result = subprocess.run(  # noqa: S603 - this interpreter and our own script
        [sys.executable, ".ci/check_lock.py", "--installed", "requirements.txt"]
        + ["--installed", "requirements-dev.txt", "--installed", "requirements-uv.txt"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "The lock matches pyproject.toml" in result.stdout


def test_a_lock_that_matches_passes(tmp_path):
    _project(tmp_path)
    _locks(tmp_path, PRODUCT)
    assert _check(tmp_path) == ""


@pytest.mark.parametrize(
    "change, complaint",
    [
        ({"dependencies": ("django>=5.2", "segno")}, "segno (pyproject.toml) is not pinned"),
        ({"dependencies": ("django>=99",)}, "does not satisfy django>=99 (pyproject.toml)"),
        ({"dev": ("six", "pytest")}, "requirements-dev.txt: pytest (pyproject.toml) is not"),
    ],
)
def test_a_requirement_pyproject_adds_or_tightens_fails_until_locked(tmp_path, change, complaint):
    _project(tmp_path, **change)
    _locks(tmp_path, PRODUCT)
    assert complaint in _check(tmp_path)
    assert "run `make lock`" in _check(tmp_path)


def test_a_dependency_missing_from_the_lock_fails(tmp_path):
    """Django needs sqlparse: its own metadata says so, whatever pyproject.toml names."""
    _project(tmp_path)
    _locks(tmp_path, _pin("django") + _pin("asgiref"))
    assert "requirements.txt: sqlparse" in _check(tmp_path)
    assert "(django) is not pinned" in _check(tmp_path)


def test_a_stray_pin_fails(tmp_path):
    """six stays in the product's lock after pyproject.toml stopped asking for it."""
    _project(tmp_path)
    _locks(tmp_path, PRODUCT + _pin("six"), dev=PRODUCT + _pin("six"), load=PRODUCT + _pin("six"))
    assert "requirements.txt: pinned but not needed: six" in _check(tmp_path)


def test_two_locks_pinning_one_package_differently_fail(tmp_path):
    """Switching from one set to the other must not change what is installed."""
    _project(tmp_path)
    dev = _pin("django") + _pin("asgiref") + _pin("sqlparse", "0.1") + _pin("six")
    _locks(tmp_path, PRODUCT, dev=dev)
    complaint = _check(tmp_path)
    assert f"sqlparse is {metadata.version('sqlparse')} in requirements.txt" in complaint
    assert "but 0.1 in requirements-dev.txt" in complaint


def test_a_package_pinned_twice_in_one_lock_fails(tmp_path):
    _project(tmp_path)
    _locks(tmp_path, PRODUCT + _pin("sqlparse", "0.1"))
    assert "requirements.txt: sqlparse is pinned twice" in _check(tmp_path)


def test_a_pin_not_installed_at_its_version_fails_the_closure(tmp_path):
    _project(tmp_path)
    _locks(tmp_path, _pin("django") + _pin("asgiref", "0.0.1") + _pin("sqlparse"))
    assert "asgiref is pinned at 0.0.1 but" in _check(tmp_path)


@pytest.mark.parametrize(
    "line, complaint",
    [
        ("six==1.17.0\n", "six has no hash"),
        ("six>=1\n", "not a pin with hashes: six>=1"),
        ("six @ https://example.org/six.whl\n", "not a pin with hashes"),
        ("--index-url https://example.org/simple\n", "not a pin with hashes"),
    ],
)
def test_every_line_is_a_pin_with_hashes(tmp_path, line, complaint):
    _project(tmp_path)
    _locks(tmp_path, PRODUCT, dev=line)
    assert complaint in _check(tmp_path)


# --- the Makefile installs one set or the other, and notices changes ------------------------


@pytest.fixture
def checkout(tmp_path):
    """The Makefile, the locks and pyproject.toml, with a venv that has the product's set."""
    for name in ("Makefile", "pyproject.toml", *check_lock.LOCKS):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    _installed_now(tmp_path / ".venv" / "bin" / "uv")
    _installed_now(tmp_path / ".venv" / ".installed-run")
    return tmp_path


def _installed_now(marker: Path) -> None:
    """The marker the Makefile leaves after installing, newer than every file it depends on."""
    marker.touch()
    os.utime(marker, (time.time() + 10,) * 2)


def _would_run(folder: Path, target: str) -> str:
    """The commands `make TARGET` would run (make -n), without running them."""
    make = shutil.which("make")
    # Not as a sub-make of `make test`: none of its flags, no "Entering directory" lines.
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    result = subprocess.run(  # noqa: S603 - make, on the copied Makefile
        [make, "-n", "--no-print-directory", target],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_installs_only_the_products_lock_and_make_test_adds_the_test_tools(checkout):
    (checkout / ".venv" / ".installed-run").unlink()
    run = _would_run(checkout, "setup-run")
    assert "--require-hashes --no-deps -r requirements.txt" in run
    assert "requirements-dev.txt" not in run
    _installed_now(checkout / ".venv" / ".installed-run")
    assert "pip install" not in _would_run(checkout, "setup-run")  # installed: nothing to do
    test = _would_run(checkout, "setup")  # what make test, lint, bandit, pip-audit need
    assert "--require-hashes --no-deps -r requirements-dev.txt" in test
    assert "check_lock.py --installed requirements-dev.txt" in test


def test_a_fresh_checkout_installs_the_installer_from_its_lock_first(checkout):
    (checkout / ".venv" / "bin" / "uv").unlink()
    (checkout / ".venv" / ".installed-run").unlink()
    commands = _would_run(checkout, "setup-run").splitlines()
    first_install = next(line for line in commands if " install " in line)
    assert "--require-hashes --no-deps -r requirements-uv.txt" in first_install


def test_a_changed_lock_or_pyproject_installs_again(checkout):
    assert "pip install" not in _would_run(checkout, "setup-run")
    for changed in ("requirements.txt", "pyproject.toml"):
        os.utime(checkout / changed, (time.time() + 20,) * 2)
        assert "-r requirements.txt" in _would_run(checkout, "setup-run")
        os.utime(checkout / changed, (time.time() - 20,) * 2)


def test_ci_checks_the_lock_first():
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip().startswith("make ")
    ]
    assert commands[0] == "make check-lock"
