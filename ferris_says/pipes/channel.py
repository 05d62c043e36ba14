"""Where the messages go: dagster-pipes' default writer, and for a plain file an append channel.

Several processes may share one messages file. Each message line is appended with a single
``os.write`` on an ``O_APPEND`` descriptor, so lines never interleave, even 1 MB ones; a line
that fails part-way (disk full, file size limit) is taken back, so no reader sees half of it.

Every message, whatever the channel, goes through `fitted` first: its JSON line is measured as
written (``\\uXXXX`` escapes and all) and, when longer than the channel's line limit, its
longest strings are cut, each with the length it had, until it fits. On stdio the limit is
under 8 KiB, one entry of a container's log; in a file or a chunk, 1 MiB.
"""

from __future__ import annotations

import contextlib
import copy
import json
import os
from typing import TYPE_CHECKING, Any

from dagster_pipes import PipesDefaultMessageWriter, PipesMessageWriterChannel

from ferris_says import inputs
from ferris_says.errors import PATH_SHOWN, shown
from ferris_says.pipes import MESSAGES_VAR
from ferris_says.pipes.metadata import Cap, capped
from ferris_says.pipes.sources import FileId, check_messages_file, fail, messages_stream

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from dagster_pipes import PipesMessage, PipesParams

    # What the session wraps around each message write: it holds signals until a line is whole.
    Guard = Callable[[], AbstractContextManager[None]]


#: The longest message line on stdio, its newline included: under the 8 KiB of one entry of
#: podman's log (Docker's is 16 KiB); a longer line would reach Dagster in pieces it cannot parse.
STDIO_LINE_MAX_BYTES = 8 * 1024 - 1
#: The longest message line in a file or a blob store's chunk, its newline included: the two
#: 64 KiB metadata values as JSON escapes (at most 6 bytes for each byte: 768 KiB), with room.
FILE_LINE_MAX_BYTES = 1024 * 1024


def take_back(fd: int, written: int) -> None:
    """Remove the ``written`` bytes of a line this process just appended to ``fd`` but could
    not finish, unless another writer has appended since (then end our part with a newline,
    so that at least their lines stay whole)."""
    try:
        end = os.lseek(fd, 0, os.SEEK_CUR)  # O_APPEND: just after our bytes
        if os.fstat(fd).st_size == end:
            os.ftruncate(fd, end - written)
        else:
            os.write(fd, b"\n")
    except OSError:
        pass  # nothing more can be done on this file


class AppendChannel(PipesMessageWriterChannel):
    """One whole line per message, appended to a file that others may append to as well."""

    line_limit = FILE_LINE_MAX_BYTES

    def __init__(self, fd: int, path: str, where: str) -> None:
        self._fd = fd
        self.path = path
        self.where = where

    def write_message(self, message: PipesMessage) -> None:
        line = (json.dumps(message) + "\n").encode("utf-8")
        view = memoryview(line)
        written = 0
        try:
            while view:  # a regular file takes it all at once; loop only on a short write
                count = os.write(self._fd, view)
                written += count
                view = view[count:]
        except OSError as exc:
            if written:
                take_back(self._fd, written)
            raise fail(
                self.where,
                f"cannot write to messages file {shown(self.path, PATH_SHOWN)}"
                f" ({exc.strerror or exc})",
            ) from exc


#: A string cut to fit a line keeps at least this many bytes of JSON.
KEPT_MIN_BYTES = 32
#: What a message is about, never cut: a cut asset key or check name would name another one
#: (the key's size is bounded where it is read: attributes.ASSET_KEY_MAX_BYTES).
ADDRESS_PARAMS = frozenset({"asset_key", "check_name"})
#: The key that says how many entries of an object were cut to fit a line.
CUT_ENTRIES = "…"


def file_size_limit() -> int | None:
    """RLIMIT_FSIZE's soft limit in bytes (``ulimit -f``), or None when there is none."""
    import resource  # the pipes path only

    try:
        soft, _ = resource.getrlimit(resource.RLIMIT_FSIZE)
    except (OSError, ValueError):
        return None
    return None if soft == resource.RLIM_INFINITY else soft


def line_size(message: object) -> int:
    """Bytes of the message's line as the channels write it (ASCII JSON, newline included)."""
    return len(json.dumps(message)) + 1


def fitted(message: PipesMessage, limit: int) -> PipesMessage:
    """``message``, or a copy whose longest strings are cut (each saying how long it was) so
    that its line is at most ``limit`` bytes; then its longest lists lose their first items
    (a traceback keeps its innermost frames); then, never for ours, its largest objects their
    last entries (``"…": "N entries cut"``)."""
    if line_size(message) <= limit:
        return message
    message = copy.deepcopy(message)
    params = message.get("params")
    leaves = [
        (holder, key)
        for holder, key in _strings(message)
        if not (holder is params and key in ADDRESS_PARAMS)
    ]
    if leaves:
        sizes = [len(json.dumps(holder[key])) for holder, key in leaves]
        others = line_size(message) - sum(sizes)
        keep = _water_level(sizes, limit - others)
        for (holder, key), size in zip(leaves, sizes):
            if size > keep:
                holder[key] = capped(holder[key], Cap(keep - 2, escaped=True))  # its quotes
    while line_size(message) > limit:
        longest = max(_lists(message), key=len, default=None)
        if not longest:
            break
        del longest[: max(1, len(longest) // 2)]
    while line_size(message) > limit:
        largest = max(_objects(message), key=len, default=None)
        if largest is None or len(largest) <= 1:
            break  # the message's own three keys, each cut: within any limit of a line
        names = list(largest)
        for name in names[len(names) // 2 :]:
            del largest[name]
        largest[CUT_ENTRIES] = f"{len(names) - len(names) // 2} entries cut"
    return message


def _water_level(sizes: list[int], room: int) -> int:
    """The largest size each string may keep so that all of them fit in ``room`` bytes."""
    low, high = KEPT_MIN_BYTES, max(sizes)
    while low < high:
        middle = (low + high + 1) // 2
        if sum(min(size, middle) for size in sizes) <= room:
            low = middle
        else:
            high = middle - 1
    return low


def _strings(value: Any) -> Iterator[tuple[Any, Any]]:
    """(holder, key) of every string inside ``value`` (dicts and lists)."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        if isinstance(item, str):
            yield value, key
        elif isinstance(item, (dict, list)):
            yield from _strings(item)


def _objects(value: Any) -> Iterator[dict[str, Any]]:
    """The objects inside the message, not the message itself."""
    for item in value.values():
        if isinstance(item, dict):
            yield item
            yield from _objects(item)
        elif isinstance(item, list):
            for inner in item:
                if isinstance(inner, dict):
                    yield inner
                    yield from _objects(inner)


def _lists(value: Any) -> Iterator[list[Any]]:
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, list):
            yield item
        if isinstance(item, (dict, list)):
            yield from _lists(item)


class GuardedChannel(PipesMessageWriterChannel):
    """Every write inside ``guard()`` (the session holds signals until a line is whole), each
    message `fitted` to the line limit of the channel."""

    def __init__(
        self, inner: PipesMessageWriterChannel, guard: Guard, line_limit: int | None = None
    ) -> None:
        self._inner = inner
        self._guard = guard
        limit: int = getattr(inner, "line_limit", FILE_LINE_MAX_BYTES)
        if line_limit is not None:
            limit = line_limit
        # Under a file size limit (`ulimit -f`) a longer line could never be written whole.
        self.line_limit = min(limit, file_size_limit() or limit)

    def write_message(self, message: PipesMessage) -> None:
        message = fitted(message, self.line_limit)
        with self._guard():
            self._inner.write_message(message)

    def __getattr__(self, name: str) -> Any:  # flush() of the buffered stdio channel, ...
        return getattr(self._inner, name)


def open_append(path: str, where: str) -> int:
    """An O_APPEND descriptor on the messages file, opened by the input gate (a directory, a
    FIFO nobody reads or a missing directory refused at once, by name)."""
    where = f"{where}: messages file {shown(path, PATH_SHOWN)}"
    return inputs.open_file(path, inputs.MESSAGES_TARGET, where, append=True).fd


class FerrisMessageWriter(PipesDefaultMessageWriter):
    """dagster-pipes' default message writer, with an `AppendChannel` for a plain file.

    ``guard``, when given, is a context manager factory wrapped around every message write;
    ``context_file`` gives the context file's identity (read before the messages are opened),
    which the messages file must not share.
    """

    def __init__(
        self,
        sources: dict[str, str],
        guard: Guard | None = None,
        context_file: Callable[[], FileId | None] = lambda: None,
    ) -> None:
        super().__init__()
        self._sources = sources
        self._guard = guard
        self._context_file = context_file

    @contextlib.contextmanager
    def open(self, params: PipesParams) -> Iterator[PipesMessageWriterChannel]:
        with self._open(params) as channel:
            stdio = "path" not in params
            limit = STDIO_LINE_MAX_BYTES if stdio else FILE_LINE_MAX_BYTES
            yield GuardedChannel(channel, self._guard or contextlib.nullcontext, limit)

    @contextlib.contextmanager
    def _open(self, params: PipesParams) -> Iterator[PipesMessageWriterChannel]:
        where = self._sources.get(MESSAGES_VAR, MESSAGES_VAR)
        if "path" in params and not params.get("include_stdio_in_messages"):
            path = params["path"]
            fd = open_append(path, where)
            try:
                check_messages_file(fd, path, where, self._context_file())
                yield AppendChannel(fd, path, where)
            finally:
                os.close(fd)
        else:
            for key in ("stdio", "buffered_stdio"):
                if key in params:
                    messages_stream(params[key], where)  # closed (`>&-`): say so, at once
            # {"stdio": ...}, {"buffered_stdio": ...}, and dagster-pipes' stdio capture:
            # exactly what its default writer does.
            with super().open(params) as channel:
                yield channel
