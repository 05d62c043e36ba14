"""The surface x value table's machinery, for `tests/test_surfaces.py`.

The hostile values; a `Cell` (one surface given one value, in one form); a `Family` of surfaces
(the ones the code declares, and how each is given a value); how an outcome is judged; and the
runners: the installed command in a fork server (`tests/support/fork_server.py`), or the console
script from scratch.
"""

from __future__ import annotations

import base64
import json
import os
import re
import resource
import subprocess
import sys
import threading
import zlib
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ferris_says import environment
from ferris_says.inputs import FIFO_WAIT_SECONDS
from support.fork_server import SHOW_MESSAGES, ForkServer, Ran
from support.run_command import CLEAN_ENV, FERRIS

HERE = Path(__file__).resolve().parent

#: The exit codes an input may end in (docs/pages/errors.md): spoke, runtime error, usage error.
DOCUMENTED_EXIT_CODES = (0, 1, 2)
#: Every stderr line is the program's: `ferris-says: ...`; an error's is `ferris-says: error: ...`
#: (show_messages speaks as ferris-says; the drop-in's errors are `ferris-cowsay: ...`, as
#: cowsay's `die` lines are, with no label).
PREFIX = b"ferris-says: "
ERROR_PREFIX = b"ferris-says: error: "
DROP_IN = ("ferris-cowsay", "ferris-cowthink")


def prefixes(entry: str) -> tuple[bytes, bytes]:
    """(how every stderr line of ``entry`` starts, how its error line starts)."""
    if entry in ("ferris-says", "show_messages"):
        return PREFIX, ERROR_PREFIX
    head = f"{entry}: ".encode()
    return head, head if entry in DROP_IN else head + b"error: "

#: An error line is capped at 4 KiB once encoded (docs/pages/errors.md), after its prefix; a
#: little room is left for the count of what was cut.
LINE_MAX_BYTES = len(ERROR_PREFIX) + 4096 + 64
#: Colour: ``error:`` is red on a terminal, or with --color always and FORCE_COLOR.
SGR = re.compile(rb"\x1b\[[0-9;]*m")
#: A case that has not ended by then hangs: longer than the longest wait the command itself
#: bounds (a named FIFO's writer, ferris_says.inputs.FIFO_WAIT_SECONDS).
TIMEOUT = FIFO_WAIT_SECONDS + 5.0
#: The longest string one argument or variable can be (Linux's MAX_ARG_STRLEN is 128 KiB,
#: `NAME=` and the final NUL included).
ARGUMENT_MAX = 128 * 1024 - 256
MIB = 1 << 20


@dataclass(frozen=True)
class Hostile:
    """A hostile value in the forms the surfaces take it.

    ``raw``: as an argument or a variable (bytes); None when neither can hold it (NUL ends a C
    string: the kernel cannot pass one). ``json``: as JSON text (Dagster's params, context and
    extras). ``content``: as the content of a file a surface names; None when the value is
    itself a path to something that is not a regular file.
    """

    name: str
    raw: bytes | None
    json: str
    content: bytes | None


def _deep(depth: int) -> str:
    return "[" * depth + "]" * depth


#: Paths relative to each case's working directory, made there before the case runs.
FIFO = "./fifo"
DIRECTORY = "./dir"

HOSTILE = (
    Hostile("NUL", None, '"a\\u0000b"', b"a\x00b"),
    # As argv and the environment carry one: its would-be UTF-8 bytes, which Python reads as
    # surrogate escapes (a surrogate is no character of UTF-8).
    Hostile("lone surrogate", b"a\xed\xa0\x80b", '"a\\ud800b"', b"a\xed\xa0\x80b"),
    # In JSON: the surrogate escapes Python's json.dumps writes for such bytes in a file name.
    Hostile("not UTF-8", b"a\xff\xfeb", '"a\\udcff\\udcfeb"', b"a\xff\xfeb"),
    Hostile("1 MiB", b"x" * ARGUMENT_MAX, '"' + "x" * MIB + '"', b"x" * MIB),
    Hostile("10,000 deep", _deep(10_000).encode(), _deep(10_000), _deep(10_000).encode()),
    Hostile("5,000 digits", b"1" * 5000, "1" * 5000, b"1" * 5000),
    Hostile("FIFO", FIFO.encode(), json.dumps(FIFO), None),
    Hostile("/dev/zero", b"/dev/zero", '"/dev/zero"', None),
    Hostile("a directory", DIRECTORY.encode(), json.dumps(DIRECTORY), None),
    Hostile("empty", b"", '""', b""),
)


@dataclass(frozen=True)
class Invocation:
    """One run: arguments and variables (bytes, on top of the clean environment), files made in
    the working directory first (name -> content), and which entry point."""

    argv: tuple[bytes, ...] = ()
    env: Mapping[bytes, bytes] = field(default_factory=dict)
    files: Mapping[str, bytes] = field(default_factory=dict)
    entry: str = "ferris-says"


@dataclass(frozen=True)
class Cell:
    """One surface of a family given one hostile value, in one form (``value``: the value
    itself; ``file``: a file holding it, named on the surface; or a form of the family's own).
    ``invocation`` is None when the surface cannot carry the value at all; ``verbose`` runs
    print a traceback on failure by design."""

    family: str
    surface: str
    value: str
    form: str
    invocation: Invocation | None
    verbose: bool = False

    @property
    def name(self) -> str:
        return f"{self.family} {self.surface} [{self.form}] = {self.value}"


@dataclass(frozen=True)
class Outcome:
    code: int | None  # None: killed after TIMEOUT
    stderr: bytes
    stdout_bytes: int
    cwd: Path  # where it ran: errors that name a path in full name it
    seconds: float = 0.0  # wall clock, in the fork server
    cpu: float = 0.0  # the case's own CPU time


#: How one surface of a family is given one value: the cells (one per form).
Delivery = Callable[[Hostile], list[Cell]]


@dataclass(frozen=True)
class Family:
    """A kind of input surface: ``found`` lists the surfaces the code declares (read from the
    code, so that a new one is found); ``table`` says how each is given a value; ``run`` runs
    cells (the installed command by default). Another kind of surface (the component's
    attributes, say) is one more Family, with its own ``run`` if the command is not how it is
    reached."""

    name: str
    found: Callable[[], set[str]]
    table: Mapping[str, Delivery]
    run: Callable[[Sequence[Cell], Path], list[Outcome]] | None = None

    def cells(self) -> list[Cell]:
        return [
            cell
            for surface in sorted(self.table)
            for v in HOSTILE
            for cell in self.table[surface](v)
        ]


# ---- judging ----------------------------------------------------------------------------------


def judge(cell: Cell, outcome: Outcome) -> str | None:
    """What is wrong with ``outcome`` (None: a normal run, or one bounded error line)."""
    if outcome.code is None:
        return f"hung: killed after {TIMEOUT:g} s"
    lines = [SGR.sub(b"", line) for line in outcome.stderr.splitlines()]  # `error:` in red
    prefix, error_prefix = prefixes(cell.invocation.entry if cell.invocation else "ferris-says")
    errors = [line for line in lines if line.startswith(error_prefix)]
    first = (lines or [b""])[0][:160]
    if outcome.code not in DOCUMENTED_EXIT_CODES:
        return f"exit {outcome.code}: {first!r}"
    if b"Traceback (most recent call last)" in outcome.stderr and not cell.verbose:
        return f"a traceback: {outcome.stderr[-160:]!r}"
    if any(line[len(error_prefix) :].startswith(b"unexpected") for line in errors):
        return f"{errors[-1][:160]!r}"
    if outcome.code != 0:
        if len(errors) != 1 or (not cell.verbose and len(lines) != 1):
            return (
                f"exit {outcome.code} with {len(errors)} error line(s) in {len(lines)}: {first!r}"
            )
    elif errors:
        return f"exit 0 with an error line: {errors[0][:160]!r}"
    if not cell.verbose:
        foreign = [line for line in lines if not line.startswith(prefix)]
        if foreign:
            return f"a line that is not the program's: {foreign[0][:160]!r}"
        long = [len(line) for line in lines if len(line) > LINE_MAX_BYTES]
        if long:
            return f"a line of {long[0]} bytes: {first!r}"
    return None


# ---- running ----------------------------------------------------------------------------------


def base_env() -> dict[bytes, bytes]:
    """The clean environment, without any variable the program reads."""
    return {
        os.fsencode(name): os.fsencode(value)
        for name, value in CLEAN_ENV.items()
        if name not in environment.VARIABLES
    }


def prepare(invocation: Invocation, directory: Path) -> None:
    """The case's working directory: a FIFO, a directory, the invocation's files."""
    directory.mkdir(parents=True)
    os.mkfifo(directory / FIFO)
    (directory / DIRECTORY).mkdir()
    for name, content in invocation.files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


#: Address space of each forked case: far above what the command needs (about 200 MiB with
#: dagster-pipes), far below the machine's memory, so that `--files /dev/zero` ends in the
#: command's "out of memory" without taking the memory of everything else on the machine.
ADDRESS_SPACE = 1 << 30


def run_forked(cells: Sequence[Cell], scratch: Path, workers: int = 3) -> list[Outcome]:
    """Every cell through fork servers (tests/support/fork_server.py), ``workers`` at a time."""
    local = threading.local()
    servers: list[ForkServer] = []
    lock = threading.Lock()

    def one(index: int) -> Outcome:
        invocation = cells[index].invocation
        assert invocation is not None
        if not hasattr(local, "server"):
            local.server = ForkServer(base_env())
            with lock:
                servers.append(local.server)
        directory = scratch / f"cell{index}"
        prepare(invocation, directory)
        ran: Ran = local.server.run(
            invocation.entry,
            invocation.argv,
            {**base_env(), **invocation.env},
            directory,
            timeout=TIMEOUT,
            address_space=ADDRESS_SPACE,
        )
        return Outcome(ran.code, ran.stderr, len(ran.stdout), directory, ran.seconds, ran.cpu)

    try:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            return list(pool.map(one, range(len(cells))))
    finally:
        for server in servers:
            server.close()


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def run_from_scratch(invocation: Invocation, directory: Path) -> Outcome:
    """The console script (or `python -m ferris_says.show_messages`), started afresh."""
    prepare(invocation, directory)
    entry = (
        [sys.executable, "-m", "ferris_says.show_messages"]
        if invocation.entry == SHOW_MESSAGES
        else [str(Path(FERRIS).with_name(invocation.entry))]  # the entry's own script
    )
    try:
        done = subprocess.run(
            [*map(os.fsencode, entry), *invocation.argv],
            cwd=directory,
            env={**base_env(), **invocation.env},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT,
            preexec_fn=_limit_address_space,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(None, b"", 0, directory)
    return Outcome(done.returncode, done.stderr, len(done.stdout), directory)


# ---- building cells ---------------------------------------------------------------------------


def encode(text: str) -> bytes:
    """JSON text as Dagster passes params: base64(zlib(...))."""
    return base64.b64encode(zlib.compress(text.encode("utf-8")))
