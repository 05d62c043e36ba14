"""The standard streams, as the command uses them.

stdout gets UTF-8 bytes whatever the locale, in pieces, through short writes and non-blocking
descriptors. stderr gets whole lines, each written by `write_line`: escaped, one line, at most
STDERR_LINE bytes once encoded, best effort (a closed or full stderr never changes the exit
status). Every failure becomes a FerrisError that names the stream. (stdin and files are read by
the input gate, `ferris_says.inputs`.)
"""

from __future__ import annotations

import os
import sys

from ferris_says.color import color_decision
from ferris_says.errors import (
    PATH_SHOWN,
    STDERR_LINE,
    VALUE_SHOWN,
    FerrisOutputError,
    FerrisUsageError,
    shown,
)

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import TextIO

PROG = "ferris-says"
#: ferris-says --think under its own name.
THINKS = "ferris-thinks"
#: Who the running command is, as its error lines name it, and the word after the name:
#: `ferris-says: error: ...`. Each entry point sets them once (`set_program`).
program = PROG
error_label = "error: "


def set_program(name: str, label: str = "error: ") -> None:
    """Name the running command in its error lines (ferris-thinks, ferris-cowsay, ...); the
    drop-in prints cowsay's `NAME: message`, with no label."""
    global program, error_label
    program, error_label = name, label


#: What a reader of stdout that left (EPIPE, `| head -c 10`) is, with -v: the run ends quietly.
BROKEN_PIPE = "stdout was closed by its reader (broken pipe)"

# Text goes to stdout this many characters at a time: the picture, which can be hundreds of
# times larger than its input, is never held whole, encoded or not.
WRITE_CHUNK = 1 << 20


def is_terminal(stream: TextIO | None) -> bool:
    """True when `stream` is an open terminal; False for None, closed or odd streams."""
    if stream is None:
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def stdin_is_terminal() -> bool:
    return is_terminal(sys.stdin)


def stdout_is_terminal() -> bool:
    return is_terminal(sys.stdout)


def stderr_is_terminal() -> bool:
    return is_terminal(sys.stderr)


# What a terminal shows as bold red, the colour of `error:` (rich's "bold red").
BOLD_RED, RESET = "\x1b[1;31m", "\x1b[0m"


def line_bytes(
    head: str, text: str, encoding: str, limit: int = STDERR_LINE, escape: bool = True
) -> bytes:
    """``head`` + ``text`` + newline as the stream's encoding writes them (characters it cannot
    hold backslash-escaped), at most ``limit`` bytes: ``text`` is shown on one line, escaped,
    and cut once encoded, so no locale or encoding makes the line longer than ``limit``."""
    start = head.encode(encoding, "backslashreplace")
    budget = limit - len(start) - 1
    body = shown(text, budget, quote=False, escape=escape)
    data = body.encode(encoding, "backslashreplace")
    while len(data) > budget and budget > 0:  # an encoding that escapes makes more bytes
        budget -= len(data) - budget
        body = shown(text, max(budget, 0), quote=False, escape=escape)
        data = body.encode(encoding, "backslashreplace")
    return start + data + b"\n"


def write_line(head: str, text: str, escape: bool = True) -> None:
    """One line on stderr, best effort (see `line_bytes`)."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        encoding = getattr(stream, "encoding", None) or "utf-8"
        data = line_bytes(head, text, encoding, escape=escape)
        buffer = getattr(stream, "buffer", None)
        stream.flush()
        if buffer is None:  # an embedder's text-only stream
            stream.write(data.decode(encoding, "replace"))
        else:
            buffer.write(data)
            buffer.flush()
        stream.flush()
    except (OSError, ValueError, LookupError):
        silence(stream)  # stderr is gone too: the exit status is all that is left


def write_text(text: str) -> None:
    """The program's own fixed text on stderr as it is (the drop-in's usage, as Perl cowsay
    prints it), best effort; never input: what a user gave goes through `write_line`."""
    for line in text.splitlines():
        write_line("", line, escape=False)


def write_trace(message: str) -> None:
    """A -v line: ``ferris-says: <message>``, one bounded line with nothing a terminal acts on."""
    write_line(f"{program}: ", message)


def report_error(message: str, color: str = "auto") -> None:
    """`ferris-says: error: <message>` on stderr (the running command's name and label:
    `set_program`), one line of at most STDERR_LINE bytes; the label in bold red when colour is
    on. Written by us, not by rich: no COLUMNS, TERM or terminal width can change or lose it."""
    colored, _ = color_decision(color, stderr_is_terminal())
    label = error_label
    if colored and label:
        label = f"{BOLD_RED}{label.rstrip()}{RESET} "
    write_line(f"{program}: {label}", str(message) or "unknown error")


def report_traceback(error: BaseException) -> None:
    import traceback

    traceback.print_exception(type(error), error, error.__traceback__, file=sys.stderr)


def silence(stream: TextIO) -> None:
    """After a failed write (EPIPE, ENOSPC), point the stream's descriptor at /dev/null, so
    that Python's final flush of what is still buffered has nowhere to fail: otherwise it
    prints "Exception ignored ... BrokenPipeError" and exits 120."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, stream.fileno())
        finally:
            os.close(devnull)
    except (AttributeError, ValueError, OSError):
        pass


def silence_stdout() -> None:
    silence(sys.stdout)


def write_stdout(pieces: str | Iterable[str]) -> None:
    """Write `pieces` (one str, or str pieces as they come) to stdout as UTF-8 bytes, whatever
    the locale or PYTHONIOENCODING, a chunk at a time: never all of it at once.

    Failures become FerrisOutputError: stdout closed (`>&-`) or full (`>/dev/full`) name
    what was wrong; a reader that left (EPIPE, `| head -c 10`) is quiet.
    """
    stream = sys.stdout
    if stream is None:
        raise FerrisOutputError("stdout is closed: nowhere to print the picture")
    if isinstance(pieces, str):
        pieces = (pieces,)
    try:
        _write_utf8(stream, pieces)
    except (OSError, ValueError) as error:  # ValueError: a stream an embedder closed
        raise stdout_error(error) from error


def stdout_error(error: OSError | ValueError) -> FerrisOutputError:
    """A failed write to stdout (ours, or click's --help) as the error the command reports;
    stdout is silenced, so that Python's final flush does not fail again (exit 120)."""
    if isinstance(error, BrokenPipeError):
        silence_stdout()
        return FerrisOutputError(BROKEN_PIPE, quiet=True)
    if isinstance(error, OSError):
        silence_stdout()
        return FerrisOutputError(f"cannot write to stdout: {error.strerror or error}")
    return FerrisOutputError(f"cannot write to stdout: {error}")


def _write_utf8(stream: TextIO, pieces: Iterable[str]) -> None:
    stream.flush()
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # an embedder replaced sys.stdout with a text-only stream
        for piece in pieces:
            stream.write(piece)
        stream.flush()
        return
    buffer.flush()
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):  # an in-memory stream (tests, embedders)
        fd = None
    for chunk in _chunks(pieces, WRITE_CHUNK):
        data = chunk.encode("utf-8")
        if fd is None:
            buffer.write(data)
        else:
            _write_fd(fd, data)
    if fd is None:
        buffer.flush()


def _chunks(pieces: Iterable[str], size: int) -> Iterator[str]:
    """The pieces joined into strings of at most `size` characters, in order: small pieces are
    gathered into one write, a large one is cut."""
    batch: list[str] = []
    length = 0
    for piece in pieces:
        if len(piece) >= size:
            # A long line is cut where it lies: joining it to its neighbours first would copy it.
            if length:
                yield "".join(batch)
            batch, length = [], 0
            for start in range(0, len(piece), size):
                yield piece[start : start + size]
            continue
        batch.append(piece)
        length += len(piece)
        if length >= size:
            joined = "".join(batch)
            batch, length = [], 0
            for start in range(0, len(joined), size):
                yield joined[start : start + size]
    if length:
        yield "".join(batch)


def _write_fd(fd: int, data: bytes) -> None:
    """All of `data` to `fd`: short writes are continued, a non-blocking fd is waited on."""
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except BlockingIOError:  # O_NONBLOCK stdout (shared with a parent that set it): wait
            import select

            select.select([], [fd], [])
            continue
        view = view[written:]


def show_path(path: str | bytes) -> str:
    """A path as errors quote it; bytes (an OSError's filename) read as UTF-8."""
    text = path.decode("utf-8", "surrogateescape") if isinstance(path, bytes) else path
    return shown(text, PATH_SHOWN)


def utf8_argument(arg: str) -> str:
    """The argument's own bytes read as UTF-8, whatever the locale, as the Rust binary reads
    them. Python decodes argv with the locale's encoding: under LC_ALL=C with PYTHONUTF8=0
    'héllo' arrives as surrogate escapes, under ISO-8859-1 as 'hÃ©llo'. Bytes that are not
    UTF-8 stay surrogate escapes, which the words' check refuses and file names keep."""
    try:
        raw = os.fsencode(arg)
    except UnicodeEncodeError:  # not from argv: already text
        return arg
    return raw.decode("utf-8", "surrogateescape")


def check_utf8_argument(word: str) -> None:
    try:
        word.encode("utf-8")
    except UnicodeEncodeError:
        # POSIX argv bytes that are not UTF-8 arrive as surrogate escapes; clap refuses them too.
        raise FerrisUsageError(
            f"an argument is not valid UTF-8: {shown(word, VALUE_SHOWN)}"
        ) from None
