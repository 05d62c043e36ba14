"""Wheels for a container build: ferris-says from this checkout and all it needs, for one Python.

    python containers/wheelhouse.py --python-version 3.9 --out build/wheels/py3.9 [REQ ...]

A container build installs from this directory with ``pip install --no-index``: pip inside a
container cannot verify the package index's TLS certificate on these machines, so the wheels
are fetched here, on the host, for the container's Python.

- ferris-says' own wheel is built from a copy of the package's files (setuptools' ``build/``
  and ``*.egg-info`` never land in the checkout, and a module deleted from the tree cannot
  linger in the wheel) with a fixed SOURCE_DATE_EPOCH: the same sources give the same bytes,
  so an image build's layer cache holds.
- ``pip download --python-version`` picks wheels that the target Python accepts, but it
  evaluates environment markers against the Python running pip: on 3.11 it never fetches
  pytest's ``exceptiongroup; python_version < "3.11"``, which 3.9 needs. So the wheels'
  metadata is read back, the markers are evaluated for the target, and what is still missing
  is downloaded, until nothing is.
- The dependencies are fetched again only when pyproject.toml, the Python version or the
  requirements change (``.dependencies`` in the directory records them).
"""

from __future__ import annotations

import argparse
import email.parser
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--quiet"]
REPRODUCIBLE_EPOCH = "315532800"  # 1980-01-01, the earliest time a zip file can hold


def build_ferris_says_wheel(out: Path) -> Path:
    for old in out.glob("ferris_says-*.whl"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="ferris-says-wheel-") as tmp:
        src = Path(tmp)
        for name in ("pyproject.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"):
            shutil.copy2(ROOT / name, src / name)
        for package_dir in ("ferris_says", "man"):  # the modules; the manual pages, as data
            shutil.copytree(
                ROOT / package_dir,
                src / package_dir,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
        env = dict(os.environ, SOURCE_DATE_EPOCH=REPRODUCIBLE_EPOCH)
        subprocess.run(
            [*PIP, "wheel", "--no-deps", "--wheel-dir", str(out), str(src)], check=True, env=env
        )
    [wheel] = out.glob("ferris_says-*.whl")
    return wheel


def target_environment(python_version: str) -> dict:
    """Marker variables of CPython `python_version` on this machine's OS and architecture."""
    env = default_environment()
    env.update(
        python_version=python_version,
        python_full_version=f"{python_version}.0",
        implementation_name="cpython",
        implementation_version=f"{python_version}.0",
        platform_python_implementation="CPython",
        platform_machine=platform.machine(),
        sys_platform="linux",
        platform_system="Linux",
        os_name="posix",
    )
    return env


def wheel_metadata(path: Path):
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        return email.parser.BytesParser().parsebytes(archive.read(name), headersonly=True)


def missing_requirements(out: Path, wanted: list[str], env: dict) -> list[str]:
    """Requirements reachable from `wanted` (markers evaluated for `env`) that no wheel in
    `out` satisfies."""
    wheels = {}
    for path in out.glob("*.whl"):
        name, version, _, _ = parse_wheel_filename(path.name)
        wheels.setdefault(name, []).append((version, path))
    missing, seen = [], set()
    todo = [Requirement(text) for text in wanted]
    while todo:
        req = todo.pop()
        key = (canonicalize_name(req.name), str(req.specifier), tuple(sorted(req.extras)))
        if key in seen:
            continue
        seen.add(key)
        candidates = wheels.get(key[0], [])
        found = [p for v, p in candidates if req.specifier.contains(v, prereleases=True)]
        if not found:
            missing.append(str(req))
            continue
        for line in wheel_metadata(found[0]).get_all("Requires-Dist") or []:
            dep = Requirement(line)
            extras = [""] + sorted(req.extras)
            marker = dep.marker
            if marker is None or any(marker.evaluate({**env, "extra": e}) for e in extras):
                todo.append(Requirement(str(dep).split(";")[0]))
    return missing


def download(out: Path, python_version: str, requirements: list[str]) -> None:
    subprocess.run(
        [
            *PIP,
            "download",
            "--only-binary=:all:",  # wheels only, chosen for the target Python
            "--python-version",
            python_version,
            "--implementation",
            "cp",
            "--dest",
            str(out),
            *requirements,
        ],
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-version", required=True, help="the container's, e.g. 3.9")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument(
        "--extras", default="", help="ferris-says' extras to include, e.g. s3,gcs (--pipes-store)"
    )
    parser.add_argument("requirements", nargs="*", help="more to install, e.g. pytest")
    args = parser.parse_args()
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    wheel = build_ferris_says_wheel(out)

    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(repr((args.python_version, args.requirements, args.extras)).encode())
    stamp = out / ".dependencies"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return 0
    for old in out.glob("*.whl"):
        if old != wheel:
            old.unlink()
    stamp.unlink(missing_ok=True)

    extras = f"[{args.extras}]" if args.extras else ""
    wanted = [f"ferris-says{extras}=={wheel_version(wheel)}", *args.requirements]
    env = target_environment(args.python_version)
    download(out, args.python_version, [f"{wheel}{extras}", *args.requirements])
    for _ in range(10):
        missing = missing_requirements(out, wanted, env)
        if not missing:
            stamp.write_text(digest.hexdigest())
            return 0
        print(
            f"wheelhouse: Python {args.python_version} also needs {', '.join(missing)}",
            file=sys.stderr,
        )
        download(out, args.python_version, missing)
    print(f"wheelhouse: still missing after 10 rounds: {', '.join(missing)}", file=sys.stderr)
    return 1


def wheel_version(path: Path) -> str:
    return str(parse_wheel_filename(path.name)[1])


if __name__ == "__main__":
    sys.exit(main())
