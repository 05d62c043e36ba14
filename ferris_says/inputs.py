"""The input gate: every path or name a run reads, whatever brings it, comes through here.

* Names are UTF-8 bytes whatever the locale, as the Rust binary reads them: argv through
  ``cli.utf8_argument``, environment variables through `environ`, directory entries through
  `listdir`. Bytes that are not UTF-8 stay surrogate escapes (U+DC80..U+DCFF), so the file
  opened is the one named; a NUL or a lone surrogate (JSON's ``"\\ud800"``) is refused in one
  line by `checked_name`, as no file name can hold it.
* Files are opened by `open_file` alone: a non-blocking open, then ``fstat``; each surface's
  `Surface` says which kinds of file it reads and how many bytes, so a FIFO, a device or a
  directory is refused by name, and a file over the cap is "too large" before a byte of it is
  decoded. A write target (the messages file) is opened by the same function.
* Every file opened for reading is remembered by ``(st_dev, st_ino)`` in `RUN_FILES`; a file
  the run writes (the messages) must be none of them (`check_target`).

Plain Python (no click, no dagster), so the command line, the Pipes layer and the Dagster
component call the same checks.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys

from ferris_says.errors import PATH_SHOWN, FerrisError, FerrisUsageError, shown

# typing.TYPE_CHECKING would import typing; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import BinaryIO

MiB = 1024 * 1024

#: The words a run reads from --files and stdin, all together. The largest input the speed page
#: measures is 16 MB; at 16 MiB of mixed words the default path peaks at 137 MiB and `-w 40` at
#: 358 MiB (16 s of CPU), so a larger input is refused rather than left to fill the memory of a
#: container (the Kubernetes example's limit is 256 MiB). `< /dev/zero` ends here, at once.
WORDS_MAX_BYTES = 16 * MiB
#: A Pipes context file (Dagster's are a few KB; extras leave room far beyond that).
CONTEXT_MAX_BYTES = 64 * MiB
#: A .cow file: cowfile_syntax.MAX_COW_CHARS characters of up to 4 bytes each.
COW_MAX_BYTES = 1 * MiB
#: A messages file `show_messages` shows: a long run's, with 64 KiB metadata on each line.
MESSAGES_MAX_BYTES = 64 * MiB
#: How long --files waits for the first byte of a named FIFO, whose writer may never come.
FIFO_WAIT_SECONDS = 10.0

#: Bytes read at a time.
READ_CHUNK = 1 << 20


class Surface:
    """What one surface reads: which kinds of file, how many bytes, which error (exit code).

    ``streams``: a pipe, a FIFO with a writer and a character device (``/dev/null``,
    ``/dev/zero``) are read too, up to the cap, as ``cat`` would; else only a regular file
    (or a link to one) is.
    """

    def __init__(
        self, max_bytes: int, cap: str, error: type[FerrisError], streams: bool = False
    ) -> None:
        self.max_bytes = max_bytes
        self.cap = cap  # how "too large" explains the cap
        self.error = error
        self.streams = streams


#: --files PATH and stdin: the words.
WORDS = Surface(
    WORDS_MAX_BYTES,
    f"the words may be at most {WORDS_MAX_BYTES // MiB} MiB in all",
    FerrisError,
    streams=True,
)
#: A .cow file: --character PATH, a COWPATH name, the extras' or the component's character.
COW = Surface(
    COW_MAX_BYTES, f"a .cow file may be at most {COW_MAX_BYTES // MiB} MiB", FerrisUsageError
)
#: The Pipes context file: {"path": ...}, fake_temp/context.json, a volume's context.
CONTEXT = Surface(
    CONTEXT_MAX_BYTES, f"a context may be at most {CONTEXT_MAX_BYTES // MiB} MiB", FerrisError
)
#: The messages file `python -m ferris_says.show_messages FILE` shows.
MESSAGES = Surface(
    MESSAGES_MAX_BYTES,
    f"a messages file may be at most {MESSAGES_MAX_BYTES // MiB} MiB",
    FerrisError,
)
#: The messages file a run appends to (opened with ``append=True``): never one of its inputs.
MESSAGES_TARGET = Surface(0, "", FerrisError)


# ---- names ----------------------------------------------------------------------------------


def name_bytes(name: str) -> bytes:
    """A name's bytes: UTF-8, surrogate escapes back to the bytes they carry."""
    return name.encode("utf-8", "surrogateescape")


def from_bytes(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def environ(variable: str) -> str | None:
    """An environment variable's bytes read as UTF-8, whatever the locale (os.environ decodes
    them with the locale's encoding: under ISO-8859-1, 'ö' arrives as 'Ã¶')."""
    environb = getattr(os, "environb", None)
    if environb is None:  # Windows: the environment is text already
        return os.environ.get(variable)
    raw = environb.get(variable.encode("ascii"))
    return None if raw is None else from_bytes(raw)


def environ_bytes(variable: str) -> bytes | None:
    """An environment variable's own bytes (a seed is its bytes, whatever the locale)."""
    value = environ(variable)
    return None if value is None else name_bytes(value)


def listdir(directory: str) -> list[str]:
    """A directory's entries, each name its bytes read as UTF-8 (OSError as os.listdir)."""
    return [from_bytes(entry) for entry in os.listdir(name_bytes(directory))]


def is_file(path: str) -> bool:
    """A regular file (or a link to one) at ``path``, its name read as UTF-8."""
    try:
        return stat.S_ISREG(os.stat(name_bytes(path)).st_mode)
    except (OSError, ValueError, UnicodeEncodeError):
        return False


def checked_name(name: str, where: str, error: type[FerrisError] = FerrisError) -> str:
    """``name`` if a file can be named so; a NUL or a lone surrogate is one line.

    A surrogate escape (U+DC80..U+DCFF) is a byte of a name that is not UTF-8 and is kept."""
    if "\0" in name:
        raise error(
            f"{where} {shown(name, PATH_SHOWN)} holds a NUL character (at character"
            f" {name.index(chr(0))}), which no file name can"
        )
    try:
        name_bytes(name)
    except UnicodeEncodeError as exc:
        raise error(
            f"{where} {shown(name, PATH_SHOWN)} is not a file name: a lone surrogate"
            f" U+{ord(name[exc.start]):04X} at character {exc.start}"
        ) from None
    return name


def checked_text(text: str, where: str, error: type[FerrisError] = FerrisUsageError) -> str:
    """``text`` if it is Unicode text that UTF-8 can carry: a lone surrogate (JSON's
    ``"\\ud800"``), or a surrogate escape of a byte that is not UTF-8, is one line."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise error(
            f"{where} is not valid Unicode text: a lone surrogate"
            f" U+{ord(text[exc.start]):04X} at character {exc.start}"
        ) from None
    return text


# ---- the run's files ------------------------------------------------------------------------


class RunFiles:
    """The files this run reads, by ``(st_dev, st_ino)``, each with how errors name it; and the
    ones opened ahead of their reading (`prepare`), so that a file the run writes can be
    checked against all of them before its first line."""

    def __init__(self) -> None:
        self._read: dict[tuple[int, int], str] = {}
        self._prepared: dict[tuple[str, int], Opened] = {}

    def add(self, st: os.stat_result, what: str) -> None:
        if carries_data(st.st_mode):
            self._read.setdefault((st.st_dev, st.st_ino), what)

    def add_fd(self, fd: int, what: str) -> None:
        with contextlib.suppress(OSError, ValueError):  # closed: nothing to read there
            self.add(os.fstat(fd), what)

    def reader_of(self, st: os.stat_result) -> str | None:
        """How the input ``st`` is names it, when the run reads that file."""
        return self._read.get((st.st_dev, st.st_ino))

    def prepare(self, path: str, surface: Surface, where: str, register: str = "") -> None:
        """Open ``path`` now, so that it is among the run's files before anything is written;
        `read_file` reads it later, where it always was read. A regular file is closed again
        (a thousand --files must not hold a thousand descriptors) and opened anew then; a FIFO
        stays open, as its writer may be waiting for a reader. A file that cannot be opened is
        left for `read_file` to report, where the reading is (under Dagster, after `opened`)."""
        key = (path, id(surface))
        if key in self._prepared:
            return
        try:
            opened = open_file(path, surface, where, register=register)
        except FerrisError:
            return
        if stat.S_ISREG(opened.stat.st_mode):
            opened.close()
        else:
            self._prepared[key] = opened

    def take(self, path: str, surface: Surface) -> Opened | None:
        """The FIFO or device `prepare` kept open for this surface, or None."""
        return self._prepared.pop((path, id(surface)), None)

    def clear(self) -> None:
        """A new run: nothing read yet; files opened ahead and never read are closed."""
        for prepared in self._prepared.values():
            prepared.close()
        self._prepared.clear()
        self._read.clear()


#: This run's. `speak` clears it when a run starts.
RUN_FILES = RunFiles()


def prepare(path: str, surface: Surface, where: str, register: str = "") -> None:
    """Open ``path`` ahead of its reading (see `RunFiles.prepare`)."""
    RUN_FILES.prepare(path, surface, where, register)


def carries_data(mode: int) -> bool:
    """A file someone reads data back from: a regular file, a FIFO, a socket. A terminal or
    /dev/null may be shared by an input and an output without harm."""
    return stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def check_target(fd: int, where: str) -> None:
    """Refuse to write to ``fd`` when it is a file this run reads (``where`` names the target)."""
    try:
        st = os.fstat(fd)
    except (OSError, ValueError):
        return
    reader = RUN_FILES.reader_of(st) if carries_data(st.st_mode) else None
    if reader is not None:
        raise FerrisError(
            f"{where} is {reader}, which this run reads: the messages would be written into it"
        )


# ---- opening ----------------------------------------------------------------------------------


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


class Opened:
    """A file `open_file` opened: its descriptor and what ``fstat`` said."""

    def __init__(self, fd: int, st: os.stat_result, where: str, surface: Surface) -> None:
        self.fd = fd
        self.stat = st
        self.where = where
        self.surface = surface

    def fail(self, reason: str) -> FerrisError:
        return self.surface.error(reason, where=self.where)

    def read(self, budget: int | None = None, before: int = 0) -> bytes:
        """Every byte, at most ``budget`` (default: the surface's cap less ``before``, what the
        surface read already) or "too large"; closes."""
        limit = self.surface.max_bytes - before if budget is None else budget
        try:
            if stat.S_ISFIFO(self.stat.st_mode) and named_fifo(self.fd):
                wait_for_writer(self.fd, self)
            os.set_blocking(self.fd, True)
            data = read_at_most(self.fd, limit + 1)
        except OSError as exc:
            raise self.fail(f"cannot be read ({exc.strerror or exc})") from None
        except MemoryError:
            raise self.fail("cannot be read: out of memory") from None
        finally:
            self.close()
        if len(data) > limit:
            raise self.fail(too_large(before + len(data), self.surface))
        return data

    def close(self) -> None:
        if self.fd >= 0:
            fd, self.fd = self.fd, -1
            os.close(fd)


def too_large(size: int, surface: Surface) -> str:
    """"too large", with the size found and the cap; said before anything is decoded."""
    return f"is too large ({size} bytes or more; {surface.cap})"


def decoded(data: bytes, where: str, error: type[FerrisError] = FerrisError) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise error(
            f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})", where=where
        ) from None


READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO with no writer opens at once instead of waiting
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)  # a terminal never becomes the controlling one
)
APPEND_FLAGS = (
    os.O_WRONLY
    | os.O_APPEND
    | os.O_CREAT
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO nobody reads fails at once (ENXIO)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_NOCTTY", 0)
)


def open_file(
    path: str, surface: Surface, where: str, *, append: bool = False, register: str = ""
) -> Opened:
    """Open ``path`` for ``surface``, or fail in one line ``WHERE: reason``.

    Reading: the kinds of file the surface takes, and a regular file no larger than its cap; the
    file is added to `RUN_FILES` as ``register`` (how a clash names it; default ``where``).
    ``append``: a write target, created if missing, which must be none of the run's inputs.
    """
    checked_name(path, where, surface.error)
    try:
        fd = os.open(name_bytes(path), APPEND_FLAGS if append else READ_FLAGS, 0o666)
    except OSError as exc:
        raise surface.error(open_failure(path, exc, append), where=where) from None
    try:
        st = os.fstat(fd)
        opened = Opened(fd, st, where, surface)
        reason = refusal(st, fd, surface, append)
        if reason is not None:
            raise opened.fail(reason)
        if stat.S_ISREG(st.st_mode) and st.st_size > surface.max_bytes and not append:
            raise opened.fail(too_large(st.st_size, surface))
        if append:
            check_target(fd, where)
            os.set_blocking(fd, True)
        else:
            RUN_FILES.add(st, register or where)
    except BaseException:
        os.close(fd)
        raise
    return opened


def refusal(st: os.stat_result, fd: int, surface: Surface, append: bool) -> str | None:
    """Why ``surface`` does not take this kind of file, or None."""
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a directory"
    if append:
        return None  # a FIFO with a reader, /dev/null, a terminal: written line by line
    if surface.streams and os.isatty(fd):
        return "is a terminal: nothing to read there without waiting for someone to type"
    if surface.streams and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        return None
    return f"is {kind(mode)}, not a regular file"


def open_failure(path: str, exc: OSError, append: bool) -> str:
    """What a failed open means, in our words."""
    code = exc.errno
    if code == errno.ENOENT:
        if append:
            parent = os.path.dirname(os.path.abspath(path))
            return f"directory {shown(parent, PATH_SHOWN)} does not exist"
        dangling = os.path.islink(name_bytes(path))
        return "is a dangling symbolic link" if dangling else "does not exist"
    if code == errno.EISDIR:
        return "is a directory"
    if code == errno.ENOTDIR:
        return "does not exist (a part of its path is not a directory)"
    if code == errno.ENXIO:  # a socket, a FIFO nobody reads, a device with no driver behind it
        try:
            mode = os.stat(name_bytes(path)).st_mode
        except OSError:
            mode = 0
        if append and stat.S_ISFIFO(mode):
            return "is a FIFO that nobody reads"
        if mode and not append:
            return f"is {kind(mode)}, not a regular file"
    return f"cannot be opened ({exc.strerror or exc})"


# ---- reading ----------------------------------------------------------------------------------


def named_fifo(fd: int) -> bool:
    """A FIFO in a directory, whose writer may never come; not a pipe that a shell made for
    process substitution (``<(cmd)``: its writer is there from the start)."""
    try:
        return not os.readlink(f"/proc/self/fd/{fd}").startswith("pipe:")
    except OSError:
        return True  # no /proc: wait as for a named FIFO


def wait_for_writer(fd: int, opened: Opened) -> None:
    """A named FIFO: wait at most FIFO_WAIT_SECONDS for its first byte (or its end)."""
    import select  # only for a FIFO

    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLHUP)
    if not poller.poll(int(FIFO_WAIT_SECONDS * 1000)):
        raise opened.fail(
            f"is a FIFO nothing was written to within {FIFO_WAIT_SECONDS:g} s"
            " (a FIFO needs its writer)"
        )


def read_at_most(fd: int, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fd``, to its end."""
    chunks = []
    total = 0
    while total < limit:
        chunk = os.read(fd, min(READ_CHUNK, limit - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)  # one chunk (the usual case) is returned as is, not copied


def read_stream(buffer: BinaryIO, fileno: int | None, limit: int) -> bytes:
    """Up to ``limit`` bytes of an open binary stream (stdin) to its end; a non-blocking one
    (read() gives None) is waited on."""
    chunks = []
    total = 0
    while total < limit:
        try:
            chunk = buffer.read(min(READ_CHUNK, limit - total))
        except BlockingIOError:
            chunk = None
        if chunk is None and fileno is not None:
            import select  # only for a non-blocking stdin

            select.select([fileno], [], [])
            continue
        if chunk is None:
            raise OSError(errno.EAGAIN, "a non-blocking stream with no descriptor to wait on")
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    return b"".join(chunks)


def read_file(
    path: str,
    surface: Surface,
    where: str,
    budget: int | None = None,
    register: str = "",
    before: int = 0,
) -> bytes:
    """``path``'s bytes, through `open_file` (or the file `prepare` opened): the one way a file
    is read. ``before``: bytes the surface read already (the words of earlier files)."""
    opened = RUN_FILES.take(path, surface) or open_file(path, surface, where, register=register)
    return opened.read(budget, before)


def read_stdin(budget: int = WORDS_MAX_BYTES, where: str = "stdin") -> bytes:
    """stdin's bytes, at most ``budget`` or "too large"; stdin is one of the run's files."""
    stream = sys.stdin
    if stream is None:
        raise FerrisUsageError("nothing to say: stdin is closed")
    try:
        fileno: int | None = stream.fileno()
    except (AttributeError, ValueError, OSError):
        fileno = None
    if fileno is not None:
        RUN_FILES.add_fd(fileno, "stdin")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is None:  # an embedder's text-only stream
            data = stream.read(budget + 1).encode("utf-8", "surrogateescape")
        else:
            data = read_stream(buffer, fileno, budget + 1)
    except OSError as exc:
        raise FerrisError(f"cannot be read ({exc.strerror or exc})", where=where) from None
    except MemoryError:
        raise FerrisError("cannot be read: out of memory", where=where) from None
    if len(data) > budget:
        raise FerrisError(too_large(len(data), WORDS), where=where)
    return data
