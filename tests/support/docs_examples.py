"""The shell examples of README.md and docs/pages/*.md, read and run as tests.

The format (docs/README.md says it for writers): a fenced block whose info string is `console`.
A line starting with `$ ` is a command (a line ending in `\\` continues on the next one); the
lines after it, up to the next `$ `, are what the terminal shows: stdout and stderr as one
stream, byte for byte. A line that is exactly `...` stands for any number of lines. An HTML
comment on the line just before the fence changes how the block runs:

    <!-- console: in-clone -->      run in ~/ferris-says, a copy of the checkout (fake_temp/...)
    <!-- console: slow -->          run only by `make test-docs-slow` (installs, dg)
    <!-- console: slow, in-clone -->  both
    <!-- console: not run: WHY -->  shown, never run (WHY is required: a container push...)

Each block runs in a fresh scratch directory, which is also HOME (an in-clone block runs in
its ferris-says/); commands run one by one with `bash -c` from that directory, so files carry
over between the commands of a block but `cd` does not. The path of the scratch directory
shows as `~` in the output.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PROMPT = "$ "
ELLIPSIS = "..."
FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>```+|~~~+)\s*(?P<info>[^\s`]*)")
MARKER = re.compile(r"^\s*<!--\s*console:\s*(?P<what>.*?)\s*-->\s*$")
MARKERS = ("in-clone", "slow")  # and `not run: WHY`, alone
COMMAND_TIMEOUT_S = 120
SLOW_COMMAND_TIMEOUT_S = 900
# Output that depends on where the example ran: the scratch directory reads as `~`.
HOME_SHOWN_AS = "~"
# An in-clone block's clone, in HOME: its output shows where a reader's own clone would be.
CLONE = "ferris-says"
DAGSTER_HOME = ".dagster"  # in the scratch directory


class ExampleFormatError(ValueError):
    """A console block that does not follow the format (a marker misspelt, no command...)."""


@dataclasses.dataclass(frozen=True)
class Step:
    command: str
    expected: tuple[str, ...]
    line: int  # where the command starts in the page, 1-based


@dataclasses.dataclass(frozen=True)
class Example:
    page: Path
    line: int  # the fence's line, 1-based
    steps: tuple[Step, ...]
    in_clone: bool = False
    slow: bool = False
    not_run: str | None = None

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"


def documentation_pages() -> list[Path]:
    """README.md and every page of the site: pages added later are picked up by the glob."""
    return [REPO / "README.md", *sorted((REPO / "docs" / "pages").glob("**/*.md"))]


def _markers(lines: list[str], fence_index: int) -> tuple[str, ...]:
    """The markers of the comment just before the fence: `slow, in-clone`, or `not run: WHY`."""
    if fence_index == 0 or (match := MARKER.match(lines[fence_index - 1])) is None:
        return ()
    what = match["what"]
    if what.startswith("not run:"):
        if not what[len("not run:") :].strip():
            raise ExampleFormatError("`<!-- console: not run: WHY -->` needs its WHY")
        return (what,)
    markers = tuple(part.strip() for part in what.split(","))
    unknown = [m for m in markers if m not in MARKERS]
    if unknown:
        raise ExampleFormatError(
            f"unknown console marker {unknown[0]!r} (known: {', '.join(MARKERS)})"
        )
    return markers


def _steps(body: list[str], first_line: int, where: str) -> tuple[Step, ...]:
    steps: list[Step] = []
    index = 0
    if body and not body[0].startswith(PROMPT):
        raise ExampleFormatError(f"{where}: a console block starts with a `$ ` command")
    while index < len(body):
        start = index
        command = body[index][len(PROMPT) :]
        while command.endswith("\\") and index + 1 < len(body):
            index += 1
            command = command[:-1] + "\n" + body[index]
        index += 1
        expected = []
        while index < len(body) and not body[index].startswith(PROMPT):
            expected.append(body[index])
            index += 1
        steps.append(Step(command, tuple(expected), first_line + start))
    return tuple(steps)


def parse_page(page: Path, text: str | None = None) -> list[Example]:
    """Every `console` block of one Markdown page."""
    lines = (page.read_text(encoding="utf-8") if text is None else text).split("\n")
    examples: list[Example] = []
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, info, indent = opening["fence"], opening["info"], len(opening["indent"])
        end = index + 1
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        if info == "console":
            where = f"{page}:{index + 1}"
            if end >= len(lines):
                raise ExampleFormatError(f"{where}: the console block is never closed")
            markers = _markers(lines, index)
            not_run = [m[len("not run:") :].strip() for m in markers if m.startswith("not run:")]
            body = [
                line[indent:] if line[:indent].isspace() else line
                for line in lines[index + 1 : end]
            ]
            examples.append(
                Example(
                    page=page,
                    line=index + 1,
                    steps=_steps(body, index + 2, where),
                    in_clone="in-clone" in markers,
                    slow="slow" in markers,
                    not_run=not_run[0] if not_run else None,
                )
            )
        index = end + 1
    return examples


def all_examples() -> list[Example]:
    return [example for page in documentation_pages() for example in parse_page(page)]


# How this machine reaches package registries (proxies, certificates, indexes): passed on
# so that the install examples install; nothing of it shows in an example's output.
NETWORK_SETTINGS = re.compile(
    r"(?i)^(.*_proxy|SSL_CERT_(FILE|DIR)|(REQUESTS|CURL)_CA_BUNDLE|PIP_.*|UV_.*)$"
)


def example_environment(scratch: Path) -> dict[str, str]:
    """The same environment for every run, whoever runs `make test` and from where."""
    venv_bin = str(Path(sys.executable).parent)
    network = {name: value for name, value in os.environ.items() if NETWORK_SETTINGS.match(name)}
    return {
        **network,
        "PATH": os.pathsep.join([venv_bin, "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "COLUMNS": "80",
        "LINES": "24",
        "NO_COLOR": "1",
        "TERM": "dumb",
        "TZ": "UTC",
        "PYTHONHASHSEED": "0",
        "PYTHONDONTWRITEBYTECODE": "1",
        # pip and uv keep their caches where they always do, not in the scratch HOME.
        "PIP_CACHE_DIR": os.environ.get("PIP_CACHE_DIR", str(Path.home() / ".cache" / "pip")),
        "UV_CACHE_DIR": os.environ.get("UV_CACHE_DIR", str(Path.home() / ".cache" / "uv")),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "DAGSTER_HOME": str(scratch / DAGSTER_HOME),
    }


def checkout_files() -> list[str]:
    """The checkout's files as a clone would hold them (committed or new, never ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    return [name for name in listed.decode().split("\0") if name and (REPO / name).is_file()]


def prepare_scratch(example: Example, scratch: Path) -> None:
    # Dagster's instance: telemetry off, so no first-run banner in `dg`'s output.
    dagster_home = scratch / DAGSTER_HOME
    dagster_home.mkdir(exist_ok=True)
    (dagster_home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    if example.in_clone:
        for name in checkout_files():
            target = scratch / CLONE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, target)


def expected_pattern(expected: tuple[str, ...]) -> re.Pattern[str]:
    parts = [
        r"(?:[^\n]*\n)*?" if line == ELLIPSIS else re.escape(line) + r"\n" for line in expected
    ]
    return re.compile("".join(parts))


def run_step(step: Step, scratch: Path, timeout: float, cwd: Path | None = None) -> str:
    """The step's output as the terminal shows it, the scratch path as `~`."""
    done = subprocess.run(
        ["bash", "-c", step.command],
        cwd=cwd or scratch,
        env=example_environment(scratch),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=timeout,
    )
    shown = done.stdout.decode("utf-8", errors="backslashreplace")
    if shown and not shown.endswith("\n"):
        shown += "\n"  # a Markdown block cannot show a missing final newline
    return shown.replace(str(scratch.resolve()), HOME_SHOWN_AS).replace(str(scratch), HOME_SHOWN_AS)


def mismatch(step: Step, shown: str) -> str | None:
    """None when the output is what the page shows, else a readable difference."""
    if expected_pattern(step.expected).fullmatch(shown):
        return None
    import difflib

    expected = "".join(line + "\n" for line in step.expected)
    diff = difflib.unified_diff(
        expected.splitlines(keepends=True),
        shown.splitlines(keepends=True),
        "shown in the page",
        "what the command printed",
    )
    return f"line {step.line}: $ {step.command}\n" + "".join(diff)


def run_example(example: Example, scratch: Path) -> Iterator[str]:
    """Runs every step; yields one difference per step whose output is not the page's."""
    prepare_scratch(example, scratch)
    timeout = SLOW_COMMAND_TIMEOUT_S if example.slow else COMMAND_TIMEOUT_S
    cwd = scratch / CLONE if example.in_clone else scratch
    for step in example.steps:
        difference = mismatch(step, run_step(step, scratch, timeout, cwd))
        if difference is not None:
            yield difference


# What pytest itself and the virtualenvs write; anything else new in the checkout is an example's.
# build/ is where the Makefile's targets write by design, some while tests run (the Dagster
# matrix's per-line logs, from its other lines): not a test's doing.
NOT_WATCHED = {
    ".git",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    "build",
}


def checkout_snapshot(root: Path = REPO) -> dict[str, tuple[int, int]]:
    """Every file under the checkout, ignored ones too (fake_temp/messages.json), with its size
    and modification time: an example must neither add nor change one."""
    seen: dict[str, tuple[int, int]] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [
            name
            for name in subfolders
            if name not in NOT_WATCHED
            # virtualenvs, and the metadata an editable install rewrites (the matrix installs
            # into one line's venv while another line tests)
            and not name.startswith(".venv")
            and not name.endswith(".egg-info")
        ]
        for name in names:
            path = os.path.join(folder, name)
            status = os.lstat(path)
            seen[os.path.relpath(path, root)] = (status.st_size, status.st_mtime_ns)
    return seen
