"""The files a session touches, checked before anything is read or written.

One place opens the context (a ``{"path": ...}`` file or ``fake_temp/context.json``) and one
place turns its bytes into JSON, so every way it can go wrong ends as the same one-line error
naming the file: not a regular file (a FIFO would block, ``/dev/zero`` never ends), larger than
``CONTEXT_MAX_BYTES``, not UTF-8, not JSON, nested too deeply, a number too long for Python.
The same cap applies to an inline ``{"data": ...}`` once decompressed.

It also keeps the files apart: the messages file must not be the context file, nor the
command's stdout (the picture would be written between the message lines) or stderr (error
lines would land in it), and the context file must not be stdout.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from typing import Any, NamedTuple, Optional

from ferris_says.errors import FerrisError, quoted

#: The largest context ferris-says reads, as a file or as decompressed inline data. Dagster's
#: contexts are a few KB (the asset keys, partitions, extras); 64 MiB leaves room for extras
#: far beyond that, and keeps a runaway file from taking the machine's memory.
CONTEXT_MAX_BYTES = 64 * 1024 * 1024

#: How much of a path an error shows.
PATH_SHOWN_CHARS = 1024


def fail(where: str, what: str) -> FerrisError:
    """The error of ``what`` went wrong with ``where`` (a variable, an argument, a file)."""
    return FerrisError(what, where=where)


def show(path: str) -> str:
    return quoted(path, PATH_SHOWN_CHARS)


class FileId(NamedTuple):
    device: int
    inode: int
    mode: int


def file_id(fd: int) -> Optional[FileId]:
    try:
        st = os.fstat(fd)
    except (OSError, ValueError):
        return None
    return FileId(st.st_dev, st.st_ino, st.st_mode)


def stream_id(stream: Any) -> Optional[FileId]:
    """The file behind sys.stdout / sys.stderr, or None (closed, in memory)."""
    if stream is None:
        return None
    try:
        return file_id(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return None


def carries_data(ident: FileId) -> bool:
    """A file someone reads data back from: a regular file, a FIFO, a socket. A terminal or
    /dev/null may be shared by the picture and the messages without harm."""
    return stat.S_ISREG(ident.mode) or stat.S_ISFIFO(ident.mode) or stat.S_ISSOCK(ident.mode)


def same_file(a: Optional[FileId], b: Optional[FileId]) -> bool:
    return a is not None and b is not None and (a.device, a.inode) == (b.device, b.inode)


def kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def check_path(path: str, where: str, what: str) -> None:
    """A path from Dagster's JSON must name a file: no NUL, no lone surrogate (a surrogate
    escape, U+DC80..U+DCFF, is a byte of a non-UTF-8 name, as json.dumps writes one)."""
    if "\0" in path:
        raise fail(where, f"{what} {show(path)} holds a NUL character, which no file name can")
    try:
        os.fsencode(path)
    except UnicodeEncodeError as exc:
        raise fail(
            where,
            f"{what} {show(path)} is not a file name: a lone surrogate"
            f" U+{ord(path[exc.start]):04X} at character {exc.start}",
        ) from None


def read_context_file(path: str, where: str, stdout: Any = None) -> tuple[bytes, FileId]:
    """The context file's bytes, and its identity; every failure names the file and why.

    Opened non-blocking, so that a FIFO fails at once instead of waiting for a writer; only a
    regular file of at most CONTEXT_MAX_BYTES is read (a symbolic link to one is fine).
    """
    check_path(path, where, "context file")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        dangling = os.path.islink(path)
        raise fail(where, "is a dangling symbolic link" if dangling else "does not exist") from None
    except OSError as exc:  # a socket, a terminal we have none of (ENXIO), no permission, ...
        raise fail(where, _not_regular(path) or f"cannot be read ({exc.strerror or exc})") from None
    try:
        st = os.fstat(fd)
        ident = FileId(st.st_dev, st.st_ino, st.st_mode)
        if stat.S_ISDIR(st.st_mode):
            raise fail(where, "is a directory, not a JSON file")
        if not stat.S_ISREG(st.st_mode):
            raise fail(where, f"is {kind(st.st_mode)}, not a regular file: a context is a file")
        if same_file(ident, stream_id(stdout)):
            raise fail(
                where,
                "is also this command's stdout, where the picture goes: the picture would be"
                " written over the context",
            )
        if st.st_size > CONTEXT_MAX_BYTES:
            raise fail(where, too_large(st.st_size))
        os.set_blocking(fd, True)
        data = _read_at_most(fd, CONTEXT_MAX_BYTES + 1)
    except OSError as exc:
        raise fail(where, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > CONTEXT_MAX_BYTES:  # it grew while being read
        raise fail(where, too_large(len(data)))
    return data, ident


def _not_regular(path: str) -> Optional[str]:
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return f"is {kind(mode)}, not a regular file: a context is a file"


def too_large(size: int) -> str:
    return (
        f"is larger than the {CONTEXT_MAX_BYTES // (1024 * 1024)} MiB a context may be"
        f" ({size} bytes or more)"
    )


def _read_at_most(fd: int, limit: int) -> bytes:
    chunks = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(1 << 20, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def json_stage_error(exc: BaseException) -> str:
    """What went wrong turning text into JSON, for the error of the stage that did it."""
    if isinstance(exc, UnicodeDecodeError):
        return f"is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset {exc.start})"
    if isinstance(exc, json.JSONDecodeError):
        return f"is not JSON ({exc.msg}, line {exc.lineno} column {exc.colno})"
    if isinstance(exc, RecursionError):
        return "is JSON nested too deeply to read"
    if isinstance(exc, MemoryError):
        return "is JSON too large for the memory left"
    if isinstance(exc, ValueError) and "digits" in str(exc):
        return "holds a number of more digits than Python converts (4300)"
    return f"cannot be read as JSON ({type(exc).__name__}: {quoted(exc)})"


def parse_json(data: bytes, where: str) -> Any:
    """The JSON value of ``data``; any failure is one error naming ``where`` and the stage."""
    try:
        return json.loads(data.decode("utf-8"))
    except (ValueError, RecursionError, MemoryError) as exc:
        raise fail(where, json_stage_error(exc)) from None


def decompress_capped(data: bytes) -> bytes:
    """zlib-decompressed ``data``, or ValueError past CONTEXT_MAX_BYTES: a 128 KB variable
    can hold a zlib bomb of a hundred megabytes."""
    import zlib

    inflater = zlib.decompressobj()
    out = inflater.decompress(data, CONTEXT_MAX_BYTES + 1)
    if len(out) > CONTEXT_MAX_BYTES or inflater.unconsumed_tail:
        raise OverflowError(too_large(CONTEXT_MAX_BYTES + 1))
    if not inflater.eof:
        raise zlib.error("incomplete or truncated stream")
    return out


def check_messages_file(fd: int, path: str, where: str, context: Optional[FileId]) -> None:
    """Refuse a messages file that is also the context, stdout or stderr, before any line is
    written to it (the caller closes ``fd``)."""
    ident = file_id(fd)
    if ident is None:
        return
    if same_file(ident, context):
        raise fail(
            where,
            f"messages file {show(path)} is the context file: the messages would be appended"
            " to the context",
        )
    if not carries_data(ident):
        return
    if same_file(ident, stream_id(sys.stdout)):
        raise fail(
            where,
            f"messages file {show(path)} is also this command's stdout: the picture would be"
            " written between the message lines",
        )
    if same_file(ident, stream_id(sys.stderr)):
        # Saying so on stderr would put a line that is not JSON in the messages file: the exit
        # status is all this run can say.
        from ferris_says.streams import silence

        silence(sys.stderr)
        raise fail(
            where,
            f"messages file {show(path)} is also this command's stderr: error lines would land"
            " between the message lines",
        )


def messages_stream(name: str, where: str) -> Any:
    """sys.stdout / sys.stderr for ``{"stdio": name}``, or an error when it is closed."""
    stream = sys.stdout if name == "stdout" else sys.stderr
    if stream is None:
        raise fail(where, f"the messages go to {name}, and {name} is closed")
    return stream


# ---- JSON values in errors, and the context's defaults (params and the stores share them) ----

# What a hand-written context (like the blog's ``{"asset_keys": ["ferris"]}``) may leave out.
CONTEXT_DEFAULTS: dict[str, Any] = {
    "asset_keys": None,
    "code_version_by_asset_key": None,
    "provenance_by_asset_key": None,
    "partition_key": None,
    "partition_key_range": None,
    "partition_time_window": None,
    "run_id": "",
    "job_name": None,
    "retry_number": 0,
    "extras": {},
}


def json_kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def short(value: object, limit: int = 120) -> str:
    """A JSON value as an error quotes it: its JSON text, escaped and bounded like any quoted
    value (a value nested too deeply to serialise is named by its kind)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError, TypeError):
        text = f"a JSON {json_kind(value)}"
    return text if len(text) <= limit and text.isprintable() else quoted(text, limit)
