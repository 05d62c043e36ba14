"""Databricks Unity Catalog volumes: a directory under ``/Volumes`` that the cluster mounts.

The params are paths: the context ``{"path": FILE}`` is read like any context file (no store
needed for it), and the messages ``{"path": DIRECTORY}`` get numbered chunks (``1.json``,
``2.json``, ...), which Dagster's volumes reader reads in order. No SDK: any mounted directory
works, which is how the tests drive it.

dagster-pipes' own writer opens ``DIRECTORY/N.json`` for writing: it overwrites whatever is
there (the context file, the command's stdout), blocks forever on a FIFO of that name, and a
file size limit (``ulimit -f``) leaves a chunk cut in the middle of a line. Ours never writes
into a file that exists: a directory that holds a numbered chunk already is refused at once
(Dagster gives each run an empty one), and each chunk is written to a new hidden file
(``O_CREAT | O_EXCL``, no link followed), then linked to its name, which fails rather than
replaces: a reader sees a whole chunk or none. Under a file size limit a chunk is split into
several, each of whole lines (the lines themselves are fitted to the limit before they come
here), so ``closed`` still arrives, last.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import os
import re
import stat
import sys
from collections.abc import Iterator
from typing import IO, Any

from dagster_pipes import (
    PipesBlobStoreMessageWriter,
    PipesBlobStoreMessageWriterChannel,
    PipesContextLoader,
)

from ferris_says import inputs
from ferris_says.errors import PATH_SHOWN, shown
from ferris_says.pipes.channel import file_size_limit
from ferris_says.pipes.sources import parse_json, read_context_file

TITLE = "Unity Catalog volume directory"
BUCKET_WORD = None  # the params hold a path, not a bucket

#: What Dagster's volumes reader reads: 1.json, 2.json, ...
CHUNK_NAME = re.compile(r"[0-9]+\.json")
#: Errors of a filesystem without hard links, where a chunk is created under its own name.
NO_LINKS = {errno.EPERM, errno.EXDEV, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP}

CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL  # never a file that exists, nor a FIFO, nor through a symbolic link
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def context_loader() -> VolumeContextLoader:
    return VolumeContextLoader()


def message_writer() -> VolumeMessageWriter:
    return VolumeMessageWriter()


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, FileNotFoundError):
        return "does not exist"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return None


class VolumeContextLoader(PipesContextLoader):
    """The context file on the volume, through the input gate like any context file."""

    @contextlib.contextmanager
    def load_context(self, params: Any) -> Iterator[Any]:
        where = f"{TITLE} context file {shown(params['path'], PATH_SHOWN)}"
        data, _ = read_context_file(params["path"], where, sys.stdout)
        yield parse_json(data, where)


class VolumeMessageWriter(PipesBlobStoreMessageWriter["VolumeChannel"]):
    def make_channel(self, params: Any) -> VolumeChannel:
        return VolumeChannel(params["path"], interval=self.interval)


class VolumeChannel(PipesBlobStoreMessageWriterChannel):
    """Chunks written into the directory, each a new file; see the module's docstring."""

    def __init__(self, path: str, *, interval: float = 10) -> None:
        super().__init__(interval=interval)
        inputs.checked_name(path, TITLE)
        flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)
        self._dir = os.open(inputs.name_bytes(path), flags)  # FileNotFoundError, ... explained
        self._path = path
        self._next = 1  # our own numbering: a payload may take several chunks
        self._carried: list[str] = []  # lines of the pending payload already written
        self._temporaries = (f".{os.getpid()}.{n}.tmp" for n in itertools.count())
        self._refuse_chunks_there()

    def _refuse_chunks_there(self) -> None:
        names = sorted(n for n in inputs.listdir(self._path) if CHUNK_NAME.fullmatch(n))
        if names:
            what = self._what_is(names[0])
            raise FileExistsError(
                errno.EEXIST,
                f"it holds {names[0]} already ({what}), and a chunk is never written over;"
                " Dagster gives each run an empty directory",
            )

    def _what_is(self, name: str) -> str:
        try:
            st = os.stat(inputs.name_bytes(name), dir_fd=self._dir, follow_symlinks=False)
        except OSError:
            return "a file"
        reader = inputs.RUN_FILES.reader_of(st)
        if reader is not None:
            return reader
        for stream_name, fd in (("stdout", 1), ("stderr", 2)):
            try:
                other = os.fstat(fd)
            except OSError:
                continue
            if (other.st_dev, other.st_ino) == (st.st_dev, st.st_ino):
                return f"this command's {stream_name}"
        return "a file" if stat.S_ISREG(st.st_mode) else inputs.kind(st.st_mode)

    def upload_messages_chunk(self, payload: IO[str], index: int) -> None:
        lines = payload.read().split("\n")
        done = self._carried if lines[: len(self._carried)] == self._carried else []
        written = list(done)
        try:
            for group in split_lines(lines[len(done) :], file_size_limit()):
                self._publish("\n".join(group).encode("utf-8"))
                written += group
        except BaseException:
            self._carried = written  # tried again with the next payload: not written twice
            raise
        self._carried = []

    def _publish(self, data: bytes) -> None:
        """``data`` as the next chunk, whole or not at all, never over an existing file."""
        name = f"{self._next}.json"
        temporary = next(self._temporaries)
        try:
            fd = os.open(temporary, CREATE_FLAGS, 0o644, dir_fd=self._dir)
        except FileExistsError:
            temporary = next(self._temporaries)
            fd = os.open(temporary, CREATE_FLAGS, 0o644, dir_fd=self._dir)
        try:
            try:
                write_all(fd, data)
            finally:
                os.close(fd)
            try:
                os.link(temporary, name, src_dir_fd=self._dir, dst_dir_fd=self._dir)
            except FileExistsError:
                raise FileExistsError(
                    errno.EEXIST,
                    f"{name} appeared in the directory while ferris-says wrote it;"
                    " a chunk is never written over",
                ) from None
            except OSError as exc:
                if exc.errno not in NO_LINKS:
                    raise
                self._create(name, data)
        finally:
            os.unlink(temporary, dir_fd=self._dir)
        self._next += 1

    def _create(self, name: str, data: bytes) -> None:
        """A filesystem without hard links: the chunk created under its name, exclusively."""
        fd = os.open(name, CREATE_FLAGS, 0o644, dir_fd=self._dir)
        try:
            write_all(fd, data)
        except BaseException:
            os.unlink(name, dir_fd=self._dir)
            raise
        finally:
            os.close(fd)

    def __del__(self) -> None:
        fd, self._dir = getattr(self, "_dir", -1), -1
        if fd >= 0:
            os.close(fd)


def split_lines(lines: list[str], limit: int | None) -> list[list[str]]:
    """``lines`` in groups whose chunk ("\\n"-joined UTF-8) is at most ``limit`` bytes; a line
    alone over it makes a group of its own (its write then fails and says why)."""
    if limit is None:
        return [lines] if lines else []
    groups: list[list[str]] = []
    size = 0
    for line in lines:
        length = len(line.encode("utf-8")) + 1
        if groups and size + length <= limit + 1:
            groups[-1].append(line)
            size += length
        else:
            groups.append([line])
            size = length
    return groups


def write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
