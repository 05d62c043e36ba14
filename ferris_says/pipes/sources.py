"""The files a session touches, checked before anything is read or written.

The context (a ``{"path": ...}`` file or ``fake_temp/context.json``) is read through the input
gate (``ferris_says.inputs``): a regular file of at most ``CONTEXT_MAX_BYTES``, anything else
refused by name, and remembered among the run's files, which the messages may be none of. One
place here turns its bytes into JSON, so every way it can go wrong ends as the same one-line
error naming the file: not UTF-8, not JSON, nested too deeply, a number too long for Python.
The same cap applies to an inline ``{"data": ...}`` once decompressed.

It also keeps the files apart: the messages target must not be a file the run reads (the
context, ``--files``, stdin, the ``.cow`` file), nor the command's stdout (the picture would be
written between the message lines) or stderr (error lines would land in it), and the context
file must not be stdout.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any, NamedTuple, Optional

from ferris_says import inputs
from ferris_says.errors import JSON_SHOWN, PATH_SHOWN, VALUE_SHOWN, FerrisError, shown
from ferris_says.inputs import CONTEXT_MAX_BYTES, carries_data, kind

__all__ = ["CONTEXT_MAX_BYTES", "carries_data", "kind"]

#: How the run's files name the context, when the messages would be written into it.
CONTEXT_FILE = "the context file"


def fail(where: str, what: str) -> FerrisError:
    """The error of ``what`` went wrong with ``where`` (a variable, an argument, a file)."""
    return FerrisError(what, where=where)


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


def same_file(a: Optional[FileId], b: Optional[FileId]) -> bool:
    return a is not None and b is not None and (a.device, a.inode) == (b.device, b.inode)


def check_path(path: str, where: str, what: str) -> None:
    """A path from Dagster's JSON must name a file: no NUL, no lone surrogate (a surrogate
    escape, U+DC80..U+DCFF, is a byte of a non-UTF-8 name, as json.dumps writes one)."""
    inputs.checked_name(path, f"{where}: {what}")


def read_context_file(path: str, where: str, stdout: Any = None) -> tuple[bytes, FileId]:
    """The context file's bytes, and its identity; every failure names the file and why.

    Through the input gate: a regular file (a symbolic link to one is fine) of at most
    CONTEXT_MAX_BYTES, a FIFO refused at once instead of waiting for a writer; the file joins
    the run's files, so the messages can never be appended to it.
    """
    opened = inputs.open_file(path, inputs.CONTEXT, where, register=CONTEXT_FILE)
    st = opened.stat
    ident = FileId(st.st_dev, st.st_ino, st.st_mode)
    if same_file(ident, stream_id(stdout)):
        opened.close()
        raise fail(
            where,
            "is also this command's stdout, where the picture goes: the picture would be"
            " written over the context",
        )
    return opened.read(), ident


def too_large(size: int) -> str:
    return inputs.too_large(size, inputs.CONTEXT)


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
    return f"cannot be read as JSON ({type(exc).__name__}: {shown(exc, VALUE_SHOWN)})"


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
    """Refuse a messages file that is a file the run reads (the context, --files, stdin, the
    .cow file), stdout or stderr, before any line is written to it (the caller closes ``fd``)."""
    ident = file_id(fd)
    if ident is None:
        return
    if same_file(ident, context):  # read by a loader other than the gate's
        raise fail(
            where,
            f"messages file {shown(path, PATH_SHOWN)} is {CONTEXT_FILE}: the messages would be"
            " appended to the context",
        )
    inputs.check_target(fd, f"{where}: messages file {shown(path, PATH_SHOWN)}")
    if not carries_data(ident.mode):
        return
    check_not_stdio(ident, f"{where}: messages file {shown(path, PATH_SHOWN)}")


def check_not_stdio(ident: FileId, where: str) -> None:
    """The messages target must not be stdout (the picture) or stderr (error lines)."""
    if same_file(ident, stream_id(sys.stdout)):
        raise FerrisError(
            f"{where} is also this command's stdout: the picture would be written between the"
            " message lines"
        )
    if same_file(ident, stream_id(sys.stderr)):
        # Saying so on stderr would put a line that is not JSON in the messages file: the exit
        # status is all this run can say.
        from ferris_says.streams import silence

        silence(sys.stderr)
        raise FerrisError(
            f"{where} is also this command's stderr: error lines would land between the"
            " message lines"
        )


def messages_stream(name: str, where: str) -> Any:
    """sys.stdout / sys.stderr for ``{"stdio": name}``, or an error when it is closed or is a
    file the run reads (``2>> notes.txt`` with ``--files notes.txt``)."""
    stream = sys.stdout if name == "stdout" else sys.stderr
    if stream is None:
        raise fail(where, f"the messages go to {name}, and {name} is closed")
    try:
        fd = stream.fileno()
    except (AttributeError, ValueError, OSError):
        return stream  # an embedder's in-memory stream
    inputs.check_target(fd, f"{where}: {name}")
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


def short(value: object, limit: int = JSON_SHOWN) -> str:
    """A JSON value as an error quotes it: its JSON text, escaped and bounded like any quoted
    value (a value nested too deeply to serialise is named by its kind)."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (ValueError, RecursionError, TypeError):
        text = f"a JSON {json_kind(value)}"
    return text if len(text) <= limit and text.isprintable() else shown(text, limit)
