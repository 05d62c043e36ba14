"""What `make test-dagster-matrix` runs: the test suite on every Dagster minor ferris-says admits.

The range comes from ferris-says' own requirements, read from its installed metadata:
- the command needs `dagster-pipes>=1.8.4`, so every Dagster minor from 1.8 on gets a *core* line:
  the newest patch of that minor with the Pipes, streams, signals and Dagster tests;
- the `dagster` extra (FerrisSaysComponent) admits `dagster>=1.11`, so each minor it admits also
  gets a *component* line: the component tests with the matching dagster-dg-cli and
  dagster-docker.

Which minors exist is asked of the package index at run time (`pip index versions dagster`, the
index pip is configured with); each line then installs `dagster==1.N.*` and lets the resolver pick
the newest patch that installs, so a new release is tested without an edit, and a patch whose
companions do not exist yet (dagster-docker pins its dagster exactly) resolves to the newest set
that does. Virtualenvs are made by uv, whose cache keeps the wheels between lines and runs.

Usage: python tools/dagster_matrix.py --uv UV --python PYTHON [--jobs 2] [--out build/...]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "ferris-says"
COMMAND_PROTOCOL = "dagster-pipes"
COMPONENT_EXTRA = "dagster"
# Dagster's libraries (dagster-docker, dagster-k8s...) are versioned 0.(N+16).x beside dagster
# 1.N.x: 1.11 <-> 0.27, 1.12 <-> 0.28, 1.13 <-> 0.29. dagster-dg-cli shares dagster's version.
LIBRARY_MINOR_OFFSET = 16
# dagster 1.8 imports six without declaring it.
UNDECLARED_BEFORE = {(1, 8): ["six"]}
TEST_TOOLS = ["pytest", "hypothesis"]
# Where Dagster's side of the protocol is in play: the sessions, their messages on every
# channel, on broken streams, under signals, over megabytes.
CORE_TESTS = [
    "tests/test_dagster.py",
    "tests/test_pipes.py",
    "tests/test_pipes_channel.py",
    "tests/test_streams.py",
    "tests/test_signals.py",
    "tests/test_streaming.py",
]
COMPONENT_TESTS = [
    "tests/test_component.py",
    "tests/test_component_looks.py",
    "tests/test_component_checks.py",
]
# Installed versions the table reports for each line.
REPORTED = ["dagster", "dagster-pipes", "dagster-dg-cli", "dagster-docker"]
# The steps running now, and whether a signal asked the matrix to stop: a stopped matrix ends
# its children too, and still prints the table of what it did.
RUNNING: set[subprocess.Popen[bytes]] = set()
STOPPING = threading.Event()
STOPPED_BY: list[int] = []
PYTEST_SUMMARY = re.compile(r"^=*\s*(\d+ (passed|failed|error|errors|skipped)\b.*?)\s*=*$")


@dataclass
class Line:
    """One virtualenv and the tests run in it."""

    name: str
    minor: tuple[int, int]
    requirements: list[str]
    tests: list[str]
    # ferris-says itself, editable; with the extra on component lines, so the extra's own
    # specifier constrains the resolution too.
    project: str = "."
    versions: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    ok: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0


def requirement_floor(name: str, extra: str | None) -> Requirement:
    """ferris-says' requirement on `name` (in `extra`, or unconditional when None)."""
    for text in metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(text)
        in_extra = requirement.marker is not None and requirement.marker.evaluate(
            {"extra": extra or ""}
        )
        unconditional = requirement.marker is None
        if requirement.name == name and (in_extra if extra else unconditional):
            return requirement
    raise SystemExit(f"dagster-matrix: {DISTRIBUTION} declares no requirement on {name}")


def lower_bound(requirement: Requirement) -> Version:
    floors = [Version(spec.version) for spec in requirement.specifier if ">" in spec.operator]
    if not floors:
        raise SystemExit(f"dagster-matrix: {requirement} has no lower bound to start from")
    return max(floors)


def released_versions(package: str, pip_python: str) -> list[Version]:
    """Every final release of `package` on the index pip is configured with."""
    done = subprocess.run(
        [pip_python, "-m", "pip", "index", "versions", package, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )
    for line in done.stdout.splitlines():
        if line.startswith("Available versions:"):
            versions = []
            for text in line.split(":", 1)[1].split(","):
                try:
                    version = Version(text.strip())
                except InvalidVersion:
                    continue
                if not version.is_prerelease:
                    versions.append(version)
            return versions
    raise SystemExit(f"dagster-matrix: pip could not list {package}'s versions:\n{done.stderr}")


def core_line(name: str, minor: tuple[int, int], dagster: str) -> Line:
    undeclared = UNDECLARED_BEFORE.get(minor, [])
    return Line(name, minor, [dagster, *undeclared, *TEST_TOOLS], CORE_TESTS)


def component_line(name: str, minor: tuple[int, int], pattern: str) -> Line:
    """Dagster, dagster-dg-cli and dagster-docker at the same `pattern` (`*` or a patch)."""
    major, dagster_minor = minor
    library = f"0.{dagster_minor + LIBRARY_MINOR_OFFSET}.{pattern}"
    release = f"{major}.{dagster_minor}.{pattern}"
    requirements = [f"dagster=={release}", f"dagster-dg-cli=={release}"]
    requirements += [f"dagster-docker=={library}", *UNDECLARED_BEFORE.get(minor, [])]
    return Line(name, minor, [*requirements, *TEST_TOOLS], COMPONENT_TESTS, f".[{COMPONENT_EXTRA}]")


def plan(versions: list[Version], protocol: Requirement, extra: Requirement) -> list[Line]:
    """Lines for every minor from the protocol's floor on, and for both floors themselves.

    Per minor: a core line at its newest patch, and a component line when the extra admits
    the minor. The exact floor releases (dagster-pipes' for the command, the extra's for the
    component) get lines of their own, unless a minor's newest patch is the floor already.
    """
    first, extra_floor = lower_bound(protocol), lower_bound(extra)
    minors = sorted(
        {(v.major, v.minor) for v in versions if (v.major, v.minor) >= (first.major, first.minor)}
    )
    lines = []
    for minor in minors:
        of_minor = [v for v in versions if (v.major, v.minor) == minor]
        newest = max(of_minor)
        name = f"{minor[0]}.{minor[1]}"
        if minor == (first.major, first.minor) and first != newest:
            lines.append(core_line(f"core-{first}", minor, f"dagster=={first}"))
        lines.append(core_line(f"core-{name}", minor, f"dagster=={name}.*"))
        if minor == (extra_floor.major, extra_floor.minor) and extra_floor != newest:
            lines.append(component_line(f"component-{extra_floor}", minor, str(extra_floor.micro)))
        if any(extra.specifier.contains(v) for v in of_minor):
            lines.append(component_line(f"component-{name}", minor, "*"))
    return lines


def installed_versions(python: Path) -> dict[str, str]:
    script = (
        "import json, sys\nfrom importlib import metadata\nfound = {}\n"
        "for name in sys.argv[1:]:\n"
        "    try:\n        found[name] = metadata.version(name)\n"
        "    except metadata.PackageNotFoundError:\n        pass\n"
        "print(json.dumps(found))\n"
    )
    done = subprocess.run(
        [str(python), "-c", script, *REPORTED], capture_output=True, text=True, check=True
    )
    found: dict[str, str] = json.loads(done.stdout)
    return found


def test_files(patterns: list[str]) -> list[str]:
    files: list[str] = []
    for pattern in patterns:
        matches = sorted(str(path.relative_to(ROOT)) for path in ROOT.glob(pattern))
        files.extend(matches if "*" in pattern else [pattern])
    return files


def run_line(line: Line, uv: str, python: str, venvs: Path, logs: Path) -> Line:
    """Makes the line's virtualenv, runs its tests, fills in versions, summary and result."""
    start = time.monotonic()
    venv = venvs / line.name
    log_path = logs / f"{line.name}.log"
    shutil.rmtree(venv, ignore_errors=True)
    with log_path.open("w") as log, tempfile.TemporaryDirectory(prefix="ferris-matrix-") as scratch:

        def step(command: list[str], env: dict[str, str] | None = None) -> int:
            if STOPPING.is_set():
                return 1
            log.write("$ " + " ".join(command) + "\n")
            log.flush()
            process = subprocess.Popen(
                command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, env=env
            )
            RUNNING.add(process)
            if STOPPING.is_set():
                process.terminate()
            # wait4: the CPU time of this step and all it waited for, whatever else runs.
            _, status, usage = os.wait4(process.pid, 0)
            RUNNING.discard(process)
            process.returncode = os.waitstatus_to_exitcode(status)
            line.cpu_seconds += usage.ru_utime + usage.ru_stime
            return process.returncode

        built = step([uv, "venv", "--quiet", "--python", python, str(venv)]) == 0 and (
            step([uv, "pip", "install", "--python", str(venv / "bin" / "python"),
                  *line.requirements, "-e", line.project]) == 0
        )  # fmt: skip
        if not built:
            line.summary = "stopped" if STOPPING.is_set() else "install failed"
        else:
            line.versions = installed_versions(venv / "bin" / "python")
            # Each line has its own temporary directories and Hypothesis database: two lines
            # run at once in the same checkout.
            env = {**os.environ, "HYPOTHESIS_STORAGE_DIRECTORY": f"{scratch}/hypothesis"}
            # What make test runs of them, as it runs it: the slow tests and every example run
            # on the newest Dagster in make test-slow; here each line checks the protocol.
            status = step(
                [str(venv / "bin" / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "-m", "not slow", "--hypothesis-profile=quick",
                 "--basetemp", f"{scratch}/pytest", *test_files(line.tests)],
                env,
            )  # fmt: skip
            line.ok = status == 0
            line.summary = last_pytest_summary(log_path) or f"pytest exited {status}"
            if STOPPING.is_set():
                line.ok = False
                line.summary = "stopped: " + line.summary
    line.seconds = time.monotonic() - start
    return line


def last_pytest_summary(log_path: Path) -> str:
    summary = ""
    for text in log_path.read_text(errors="replace").splitlines():
        match = PYTEST_SUMMARY.match(text.strip())
        if match:
            summary = match.group(1)
    return summary


def table(lines: list[Line]) -> str:
    header = ["line", *REPORTED, "tests", "result", "seconds", "CPU seconds"]
    rows = [header, ["---"] * len(header)]
    for line in lines:
        versions = [line.versions.get(name, "—") for name in REPORTED]
        tests = " ".join(test_files(line.tests)).replace("tests/", "")
        result = ("passed: " if line.ok else "FAILED: ") + line.summary
        rows.append(
            [line.name, *versions, tests, result, f"{line.seconds:.0f}", f"{line.cpu_seconds:.0f}"]
        )
    return "\n".join("| " + " | ".join(row) + " |" for row in rows) + "\n"


def stop(signum: int, frame: object) -> None:
    """SIGTERM or SIGINT: end the running steps; the lines not started yet do not start."""
    STOPPED_BY.append(signum)
    STOPPING.set()
    for process in list(RUNNING):
        process.terminate()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uv", required=True, help="the uv executable that makes the venvs")
    parser.add_argument("--python", required=True, help="the interpreter every line runs on")
    parser.add_argument("--jobs", type=int, default=2, help="lines run at once (default 2)")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "dagster-matrix")
    parser.add_argument("--venvs", type=Path, default=ROOT / ".venv-matrix")
    parser.add_argument("--only", help="run only these lines (comma-separated names)")
    options = parser.parse_args(argv)

    protocol = requirement_floor(COMMAND_PROTOCOL, None)
    extra = requirement_floor("dagster", COMPONENT_EXTRA)
    versions = released_versions("dagster", sys.executable)
    lines = plan(versions, protocol, extra)
    if options.only:
        wanted = set(options.only.split(","))
        unknown = wanted - {line.name for line in lines}
        if unknown:
            names = ", ".join(line.name for line in lines)
            raise SystemExit(
                f"dagster-matrix: no line {', '.join(sorted(unknown))}; lines: {names}"
            )
        lines = [line for line in lines if line.name in wanted]
    print(
        f"dagster-matrix: {protocol} -> core lines from "
        f"{lower_bound(protocol)}; extra [{COMPONENT_EXTRA}] "
        f"{extra.specifier} -> component lines; {len(lines)} lines, {options.jobs} at a time",
        file=sys.stderr,
    )
    options.out.mkdir(parents=True, exist_ok=True)
    options.venvs.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    # The component lines are the longest: start them first so the pool ends evenly.
    ordered = sorted(lines, key=lambda line: not line.name.startswith("component"))
    with concurrent.futures.ThreadPoolExecutor(max_workers=options.jobs) as pool:
        futures = {
            pool.submit(
                run_line, line, options.uv, options.python, options.venvs, options.out
            ): line
            for line in ordered
        }
        for future in concurrent.futures.as_completed(futures):
            done = future.result()
            verdict = "passed" if done.ok else "FAILED"
            print(
                f"  {done.name}: dagster {done.versions.get('dagster', '?')}: {verdict}, "
                f"{done.summary} ({done.seconds:.0f} s, {done.cpu_seconds:.0f} s CPU)",
                file=sys.stderr,
            )
    report = table(lines)
    elapsed = time.monotonic() - start
    cpu = sum(line.cpu_seconds for line in lines)
    report += (
        f"\n{len(lines)} lines in {elapsed:.0f} s, {options.jobs} at a time "
        f"({cpu:.0f} CPU seconds; load average at the end {os.getloadavg()[0]:.1f}).\n"
    )
    (options.out / "table.md").write_text(report)
    (options.out / "results.json").write_text(
        json.dumps(
            [
                {"line": line.name, "versions": line.versions, "tests": test_files(line.tests),
                 "passed": line.ok, "summary": line.summary, "seconds": round(line.seconds),
                 "cpu_seconds": round(line.cpu_seconds)}
                for line in lines
            ],
            indent=2,
        )
        + "\n"
    )  # fmt: skip
    print(report, end="")
    if STOPPING.is_set():
        print("dagster-matrix: stopped by a signal", file=sys.stderr)
        return 128 + STOPPED_BY[0]
    failed = [line.name for line in lines if not line.ok]
    if failed:
        print(
            f"dagster-matrix: failed: {', '.join(failed)}; logs in {options.out}", file=sys.stderr
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
