"""The standard streams, as the command uses them.

stdout gets UTF-8 bytes whatever the locale, in pieces, through short writes and non-blocking
descriptors; stderr is best effort (a closed or full stderr never changes the exit status);
stdin and files are read whole and must be UTF-8. Every failure becomes a FerrisError that names
the stream or path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator

from ferris_says.color import color_decision
from ferris_says.errors import (
    QUOTE_MAX_CHARS,
    FerrisError,
    FerrisOutputError,
    FerrisUsageError,
    quoted,
)

#: The longest error line, in characters: whatever an error quotes, the line stays this short.
ERROR_LINE_MAX_CHARS = 4096
#: How much of a path an error shows (a path may be a whole JSON string from Dagster's context).
PATH_QUOTE_MAX_CHARS = 1024

TYPE_CHECKING = False  # `typing` is not loaded on the plain path: its cold start stays as it was
if TYPE_CHECKING:
    from typing import Any

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO, TextIO

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


def write_stderr(text: str) -> None:
    """Best effort: a closed or full stderr must not turn into an error of its own."""
    stream = sys.stderr
    if stream is None:
        return
    try:
        _write_text(stream, text)
        stream.flush()
    except (OSError, ValueError):
        silence(stream)  # so that Python's final flush does not fail (exit 120) either


def one_line(message: str) -> str:
    """The message as one bounded line with nothing a terminal would act on: whitespace runs
    are one space, other unprintable characters (ESC, NUL, lone surrogates) are escaped as
    repr escapes them, and the whole is cut at ERROR_LINE_MAX_CHARS with the count."""
    text = str(message)
    total = len(text)
    text = " ".join(text[: ERROR_LINE_MAX_CHARS + 1].split()) or "unknown error"
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    if total > ERROR_LINE_MAX_CHARS or len(text) > ERROR_LINE_MAX_CHARS:
        text = f"{text[:ERROR_LINE_MAX_CHARS]}... (error cut: {total} characters)"
    return text


def _write_text(stream: Any, text: str) -> None:
    """``text`` to a text stream; characters its encoding cannot hold (PYTHONIOENCODING=ascii,
    a Latin-1 locale) are backslash-escaped rather than losing the line."""
    try:
        stream.write(text)
    except UnicodeEncodeError:
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding, "replace"))


def report_error(message: str, color: str = "auto") -> None:
    """`ferris-says: error: <message>` on stderr, one line (the running command's name and label:
    `set_program`); `error:` in red on a terminal."""
    message = one_line(message)
    stream = sys.stderr
    if stream is None:
        return
    try:
        colored, _ = color_decision(color, stderr_is_terminal())
        if colored:
            from rich.console import Console
            from rich.text import Text

            console = Console(
                file=stream,
                force_terminal=True,
                no_color=False,
                highlight=False,
                markup=False,
                emoji=False,
                soft_wrap=True,
            )
            line = Text(f"{program}: ")
            if error_label:
                line.append(error_label.rstrip(), style="bold red")
                line.append(" ")
            line.append(message)
            console.print(line)
        else:
            _write_text(stream, f"{program}: {error_label}{message}\n")
        stream.flush()
    except (OSError, ValueError):
        silence(stream)  # stderr is gone too: the exit status is all that is left


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


def show_path(path: str | bytes | os.PathLike[str]) -> str:
    return quoted(os.fsdecode(path), PATH_QUOTE_MAX_CHARS)


def path_bytes(path: str | bytes | os.PathLike[str]) -> bytes:
    """A path's bytes: text is UTF-8 (argv is read as UTF-8 whatever the locale, non-UTF-8
    bytes kept as surrogate escapes), so the file opened is the one named, under any locale."""
    if isinstance(path, str):
        return path.encode("utf-8", "surrogateescape")
    return os.fsencode(path)


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FerrisError(
            f"{where} is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})"
        ) from None


OUT_OF_MEMORY = "out of memory before its end (the words must fit in memory)"


def read_stdin() -> str:
    stream = sys.stdin
    if stream is None:
        raise FerrisUsageError("nothing to say: stdin is closed")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:
            return stream.read()
        return _decode(_read_all(stream, buffer), "stdin")
    except OSError as error:
        raise FerrisError(f"cannot read stdin: {error.strerror or error}") from error
    except MemoryError:  # `< /dev/zero`: the words must fit in memory
        raise FerrisError(f"cannot read stdin: {OUT_OF_MEMORY}") from None


def _read_all(stream: TextIO, buffer: BinaryIO) -> bytes:
    """Every byte up to end of file; a non-blocking stdin (read() gives None) is waited on."""
    chunks = []
    while True:
        try:
            chunk = buffer.read()
        except BlockingIOError:
            chunk = None
        if chunk is None:
            import select

            select.select([stream.fileno()], [], [])
            continue
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)  # one chunk (the usual case) is returned as is, not copied


def read_file(path: str) -> str:
    try:
        with open(path_bytes(path), "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise FerrisError(f"cannot read {show_path(path)}: it is a directory") from None
    except OSError as error:
        raise FerrisError(f"cannot read {show_path(path)}: {error.strerror or error}") from None
    except ValueError:  # a NUL in the name: no file can have it
        raise FerrisError(f"cannot read {show_path(path)}: a file name holds no NUL") from None
    except MemoryError:  # `--files /dev/zero`
        raise FerrisError(f"cannot read {show_path(path)}: {OUT_OF_MEMORY}") from None
    return _decode(data, show_path(path))


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
        try:
            shown = word.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a lone surrogate no byte stands for (a Python caller's)
            shown = word.encode("utf-8", "backslashreplace").decode("utf-8")
        if len(shown) > QUOTE_MAX_CHARS:
            shown = f"{shown[:QUOTE_MAX_CHARS]}... ({len(shown)} characters)"
        raise FerrisUsageError(f"an argument is not valid UTF-8: '{shown}'") from None
