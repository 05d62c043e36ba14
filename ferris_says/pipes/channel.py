"""Where the messages go: dagster-pipes' default writer, and for a plain file an append channel.

Several processes may share one messages file. Each message line is appended with a single
``os.write`` on an ``O_APPEND`` descriptor, so lines never interleave, even 1 MB ones; a line
that fails part-way (disk full, file size limit) is taken back, so no reader sees half of it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
from typing import TYPE_CHECKING

from dagster_pipes import PipesDefaultMessageWriter, PipesMessageWriterChannel

from ferris_says.pipes import MESSAGES_VAR
from ferris_says.pipes.sources import FileId, check_messages_file, fail, messages_stream, show

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager
    from typing import Any

    from dagster_pipes import PipesMessage, PipesParams

    # What the session wraps around each message write: it holds signals until a line is whole.
    Guard = Callable[[], AbstractContextManager[None]]


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
                f"cannot write to messages file {show(self.path)} ({exc.strerror or exc})",
            ) from exc


class GuardedChannel(PipesMessageWriterChannel):
    """Every write inside ``guard()``: the session holds signals until a line is whole."""

    def __init__(self, inner: PipesMessageWriterChannel, guard: Guard) -> None:
        self._inner = inner
        self._guard = guard

    def write_message(self, message: PipesMessage) -> None:
        with self._guard():
            self._inner.write_message(message)

    def __getattr__(self, name: str) -> Any:  # flush() of the buffered stdio channel, ...
        return getattr(self._inner, name)


def open_append(path: str, where: str) -> int:
    """An O_APPEND descriptor on the messages file; every failure names the file."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    # O_NONBLOCK: a FIFO nobody reads fails at once (ENXIO) instead of hanging.
    nonblock = getattr(os, "O_NONBLOCK", 0)
    try:
        if os.path.isdir(path):
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        fd = os.open(path, flags | nonblock, 0o666)
        if nonblock:
            os.set_blocking(fd, True)
        return fd
    except FileNotFoundError:
        parent = os.path.dirname(os.path.abspath(path))
        raise fail(
            where, f"messages file {show(path)}: directory {show(parent)} does not exist"
        ) from None
    except IsADirectoryError:
        raise fail(where, f"messages file {show(path)} is a directory") from None
    except OSError as exc:
        why = "it is a FIFO that nobody reads" if _unread_fifo(path, exc) else exc.strerror or exc
        raise fail(where, f"messages file {show(path)} cannot be opened ({why})") from None


def _unread_fifo(path: str, exc: OSError) -> bool:
    """ENXIO from a non-blocking open: a FIFO with no reader, or a device with none behind it
    (/dev/tty without a terminal)."""
    if exc.errno != errno.ENXIO:
        return False
    try:
        return stat.S_ISFIFO(os.stat(path).st_mode)
    except OSError:
        return False


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
            yield channel if self._guard is None else GuardedChannel(channel, self._guard)

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
