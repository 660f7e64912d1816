"""Do the lock files and pyproject.toml agree? Offline: nothing is resolved or downloaded.

Usage: python .ci/check_lock.py [--installed LOCK ...]

Each lock is pip-compile's output for one dependency set (`make lock` writes them):

    requirements.txt       the product: [project] dependencies (what `make run` installs)
    requirements-dev.txt   the product and the test tools: + the `dev` extra (`make test`)
    requirements-load.txt  the product and the load generator: + the `load` extra (`make loadtest`)
    requirements-uv.txt    the installer the Makefile uses: what requirements-uv.in names

the first three with the build backend (`[build-system] requires`), as the project is
installed without build isolation. The check, for every lock:

1. every line is a pin (`name==version`) with at least one hash, or a comment: no unpinned
   name, no URL, no index option;
2. every requirement pyproject.toml (or the .in file) names for the set is pinned, at a
   version it allows;
3. a package pinned in two locks has the same version in both (switching sets changes nothing
   already installed);

and, for a lock named with --installed (its set installed in this interpreter's environment,
as after `make setup-dev`), the closure, from each installed package's own metadata:

4. every package is installed at its pinned version;
5. every dependency of a package the set needs is pinned, at a version it allows (nothing
   missing), and every pin is needed by the set (nothing stray).

A lock that passes installs exactly what pyproject.toml asks for on this machine kind (Python
3.11 on x86_64 Linux); one that fails says which package and what to do.
"""

import argparse
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
# Each lock and the extras its set adds to the product's dependencies, or the file it is
# compiled from when that is not pyproject.toml.
LOCKS = {
    "requirements.txt": (),
    "requirements-dev.txt": ("dev",),
    "requirements-load.txt": ("load",),
    "requirements-uv.txt": "requirements-uv.in",
}
FIX = "run `make lock` and commit the lock files"


class LockError(Exception):
    """The lock and pyproject.toml disagree; the message names the package."""


def read_pins(path: Path) -> dict[str, Version]:
    """The pins of one pip-compile output file, by canonical name (check 1)."""
    pins: dict[str, Version] = {}
    hashes: dict[str, int] = {}
    current = None
    for number, raw in enumerate(path.read_text().splitlines(), start=1):
        line = raw.split("#", 1)[0].strip().rstrip("\\").strip()
        if not line:
            continue
        if line.startswith("--hash=sha256:") and current is not None:
            hashes[current] += 1
            continue
        requirement = Requirement(line) if not line.startswith("-") else None
        specifiers = list(requirement.specifier) if requirement else []
        if requirement is None or requirement.url or len(specifiers) != 1:
            raise LockError(f"{path.name}:{number}: not a pin with hashes: {raw.strip()}")
        (specifier,) = specifiers
        if specifier.operator != "==" or "*" in specifier.version:
            raise LockError(f"{path.name}:{number}: not a pin with hashes: {raw.strip()}")
        current = canonicalize_name(requirement.name)
        if current in pins:
            raise LockError(f"{path.name}: {current} is pinned twice")
        pins[current] = Version(specifier.version)
        hashes[current] = 0
    for name, count in hashes.items():
        if not count:
            raise LockError(f"{path.name}: {name} has no hash")
    return pins


def roots(root: Path, lock: str) -> list[Requirement]:
    """What one set asks for: from pyproject.toml the dependencies, the set's extras and the
    build backend; or each line of the set's .in file."""
    source = LOCKS[lock]
    if isinstance(source, str):
        lines = (line.split("#", 1)[0].strip() for line in (root / source).read_text().splitlines())
        return [Requirement(line) for line in lines if line]
    pyproject = tomllib.loads((root / "pyproject.toml").read_text())
    project = pyproject["project"]
    names = list(project.get("dependencies", []))
    for extra in source:
        names += project.get("optional-dependencies", {}).get(extra, [])
    names += pyproject.get("build-system", {}).get("requires", [])
    return [Requirement(name) for name in names]


def _source(lock: str) -> str:
    return LOCKS[lock] if isinstance(LOCKS[lock], str) else "pyproject.toml"


def _applies(requirement: Requirement, extras: tuple[str, ...]) -> bool:
    """Does the requirement hold on this interpreter and platform (for one of these extras)?"""
    if requirement.marker is None:
        return True
    environment = default_environment()
    return any(
        requirement.marker.evaluate(environment | {"extra": extra}) for extra in ("", *extras)
    )


def _satisfied(requirement: Requirement, pins: dict[str, Version], lock: str, by: str) -> str:
    name = canonicalize_name(requirement.name)
    if name not in pins:
        raise LockError(f"{lock}: {requirement} ({by}) is not pinned; {FIX}")
    if not requirement.specifier.contains(pins[name], prereleases=True):
        raise LockError(
            f"{lock}: {name}=={pins[name]} does not satisfy {requirement} ({by}); {FIX}"
        )
    return name


def check_roots(root: Path, lock: str, pins: dict[str, Version]) -> None:
    """Check 2."""
    for requirement in roots(root, lock):
        if _applies(requirement, ()):
            _satisfied(requirement, pins, lock, _source(lock))


def check_agreement(all_pins: dict[str, dict[str, Version]]) -> None:
    """Check 3."""
    seen: dict[str, tuple[str, Version]] = {}
    for lock, pins in all_pins.items():
        for name, version in pins.items():
            other = seen.setdefault(name, (lock, version))
            if other[1] != version:
                raise LockError(
                    f"{name} is {other[1]} in {other[0]} but {version} in {lock}; {FIX}"
                )


def check_closure(root: Path, lock: str, pins: dict[str, Version]) -> None:
    """Checks 4 and 5, from the installed packages' metadata."""
    for name, version in pins.items():
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            raise LockError(f"{lock}: {name} is pinned but not installed here") from None
        if installed != version:
            raise LockError(f"{lock}: {name} is pinned at {version} but {installed} is installed")
    needed: set[str] = set()
    # (requirement, the extras asked of it, who asks): the set's roots first.
    queue = [
        (requirement, tuple(requirement.extras), _source(lock))
        for requirement in roots(root, lock)
        if _applies(requirement, ())
    ]
    visited: set[tuple[str, tuple[str, ...]]] = set()
    while queue:
        requirement, extras, by = queue.pop()
        name = _satisfied(requirement, pins, lock, by)
        needed.add(name)
        if (name, extras) in visited:
            continue
        visited.add((name, extras))
        for text in metadata.requires(name) or []:
            dependency = Requirement(text)
            if _applies(dependency, extras):
                queue.append((dependency, tuple(dependency.extras), name))
    stray = sorted(set(pins) - needed)
    if stray:
        raise LockError(f"{lock}: pinned but not needed: {', '.join(stray)}; {FIX}")


def check(root: Path, installed: list[str]) -> None:
    all_pins = {lock: read_pins(root / lock) for lock in LOCKS}
    for lock, pins in all_pins.items():
        check_roots(root, lock, pins)
    check_agreement(all_pins)
    for lock in installed:
        check_closure(root, lock, all_pins[lock])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--installed",
        action="append",
        default=[],
        choices=sorted(LOCKS),
        help="this lock's set is installed here: check its closure too",
    )
    arguments = parser.parse_args(argv)
    try:
        check(ROOT, arguments.installed)
    except LockError as error:
        print(f"The lock does not match pyproject.toml: {error}", file=sys.stderr)
        return 1
    checked = ", ".join(arguments.installed) or "none"
    print(f"The lock matches pyproject.toml ({len(LOCKS)} sets; closure checked: {checked}).")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
