"""Every call to a blob store ends within ``CALL_SECONDS`` and reads a bounded number of bytes.

The SDKs' timeouts bound one read of a socket, not a call: a server that answers and then sends
a byte every few seconds never trips a read timeout, and holds the call, retries included, as
long as it likes; and the SDKs read whatever body a server sends. ``bounded_call`` runs each
network call ferris-says makes to a store (reading the context object, opening the messages
channel, writing a chunk) under two bounds, the same for S3, GCS and Azure:

- **Time: a deadline on the whole call.** The call runs in a worker thread; the command's own
  thread waits for it at most ``CALL_SECONDS`` and then goes on without it. That ends the call
  at the deadline whatever the SDK is doing inside it: a dripping body, a retry's back-off
  sleep, a DNS lookup, a TLS handshake. The other ways were weighed and left:

  - SIGALRM (``signal.setitimer``) is one timer for the whole process, and the session
    already handles SIGALRM as a signal from outside that ends the run (exit 142): a deadline
    of ours could not be told from it, and a second owner of the signal would break the
    session's handling of signals.
  - Socket timeouts are set differently by each SDK, bound one read at a time, and a back-off
    sleep or a name lookup has none.

  The wait is an ``Event.wait``, which a signal interrupts: SIGINT, SIGTERM and the rest reach
  the session's handler as they do without a store (its exception ends the wait).

- **The worker left behind** when the deadline passes must neither hold the process nor print:
  it is a daemon thread (the interpreter does not wait for one at exit, and no executor's exit
  hook joins it); it keeps every exception to itself (``threading.excepthook`` never prints
  one); the records it logs are dropped (Python's last-resort handler would print an SDK's
  warning on stderr); and the sockets of its answers are shut down at the deadline, so that a
  blocked read returns at once, every later read of the call fails, and the SDK gives up.

- **Bytes: a cap on every answer.** Every HTTP answer the three SDKs read goes through the
  standard library's ``http.client.HTTPResponse`` (boto3 through urllib3, google-cloud-storage
  and azure-storage-blob through requests and urllib3). Inside a call, the answer class of
  ``http.client`` (its ``response_class``, set when the first call starts and left: outside a
  call it reads as http.client's own) counts the bytes read from the socket, headers included,
  and fails the call past ``ANSWER_MAX_BYTES``: a chunk write's answer, a bucket check's or an
  error's can no longer fill the memory. A compressed answer is refused by its headers, since
  the SDKs would inflate it past any cap on the bytes that came (the stores answer plain, but
  for an object stored compressed). The context object itself is capped more closely by
  ``ObjectBuffer``: at ``CONTEXT_MAX_BYTES``, as a context file is, refused before its body is
  read where the store states its size, and while reading where it does not, or where it lied.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import logging
import socket
import sys
import threading
from typing import IO, TYPE_CHECKING, Any, Callable, Generic, TypeVar

from ferris_says.pipes.sources import CONTEXT_MAX_BYTES, too_large

if TYPE_CHECKING:
    from collections.abc import Iterable

T = TypeVar("T")

#: Seconds one call to a store may take, all its retries included.
CALL_SECONDS = 20.0

#: Bytes of one HTTP answer (status line and headers included). The context object's own cap
#: is CONTEXT_MAX_BYTES; http.client reads at most 100 header lines of 64 KiB each (6.4 MiB),
#: so an answer past this cap always holds more than a context may.
ANSWER_MAX_BYTES = CONTEXT_MAX_BYTES + 8 * 1024 * 1024

#: The worker threads' name; their log records are dropped.
WORKER_NAME = "ferris-says-store-call"


class Bound(Exception):
    """A bound ended the call; its text follows what the call was doing."""


class TimedOut(Bound):
    def __init__(self, seconds: float) -> None:
        super().__init__(f"did not finish within {seconds:g} s")
        self.seconds = seconds


class TooLarge(Bound):
    """The context object is larger than a context may be."""

    def __init__(self, size: int) -> None:
        super().__init__(f"stopped: the object {too_large(size)}")
        self.size = size


class AnswerTooLarge(Bound):
    """An answer of the store is larger than any answer ferris-says needs."""

    def __init__(self, size: int) -> None:
        super().__init__(
            f"stopped: the store's answer is larger than the"
            f" {ANSWER_MAX_BYTES // (1024 * 1024)} MiB ferris-says reads ({size} bytes or more)"
        )
        self.size = size


class AnswerCompressed(Bound):
    """An answer the SDK would inflate: its cap counts the bytes on the wire, and 72 MiB of gzip
    can inflate past 70 GiB. The stores send plain answers, unless an object was stored
    compressed; such a context object is refused."""

    def __init__(self, encoding: str) -> None:
        super().__init__(
            f"stopped: the store's answer is compressed (Content-Encoding {encoding!r}),"
            " which ferris-says does not inflate"
        )


class ObjectBuffer:
    """The bytes of a context object, refused past CONTEXT_MAX_BYTES: at once when the store
    states a larger size (``declare``), else as they arrive (``write``; a file-like sink)."""

    def __init__(self, limit: int = CONTEXT_MAX_BYTES) -> None:
        self._limit = limit
        self._parts: list[bytes] = []
        self._size = 0

    def declare(self, size: int | None) -> None:
        if size is not None and size > self._limit:
            raise _ending(TooLarge(size))

    def write(self, data: bytes) -> int:
        self._size += len(data)
        if self._size > self._limit:
            raise _ending(TooLarge(self._size))
        self._parts.append(bytes(data))
        return len(data)

    def read_from(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            self.write(chunk)

    def json(self) -> Any:
        """The object's JSON value (as dagster-pipes' loaders read it: UTF-8)."""
        return json.loads(b"".join(self._parts).decode("utf-8"))


def _ending(bound: Bound) -> Bound:
    """``bound``, kept by the call it ends: an SDK may wrap it in an error of its own."""
    call: _Call[Any] | None = getattr(_local, "call", None)
    if call is not None and call.bound is None:
        call.bound = bound
    return bound


class _Call(Generic[T]):
    """One bounded call: its outcome, and the sockets of its answers."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.done = threading.Event()
        self.value: T | None = None
        self.error: BaseException | None = None
        self.bound: Bound | None = None  # a bound that ended it (the SDK may wrap our error)
        self.abandoned = False
        self._sockets: list[socket.socket] = []

    def run(self, fn: Callable[[], T]) -> None:
        _local.call = self
        try:
            self.value = fn()
        except BaseException as exc:  # kept for the waiting thread; a worker never prints
            self.error = exc
        finally:
            _local.call = None
            self.done.set()

    def watch(self, sock: socket.socket, fp: IO[bytes]) -> _CountedReader:
        self._sockets.append(sock)
        if self.abandoned:  # the deadline passed while the SDK was connecting
            self.abandon()
        return _CountedReader(fp, self)

    def check(self, size: int) -> None:
        if self.abandoned:
            raise self.bound or TimedOut(self.seconds)
        if size > ANSWER_MAX_BYTES:
            raise _ending(AnswerTooLarge(size))

    def abandon(self) -> None:
        self.abandoned = True
        for sock in list(self._sockets):
            # The socket class's own shutdown: on TLS too, without touching the TLS object.
            with contextlib.suppress(OSError, TypeError):  # closed, or not a socket itself
                socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _CountedReader:
    """An answer's file, as ``http.client.HTTPResponse`` reads it, counting what it reads. No
    read asks for more than one byte past the cap (a stated length of a terabyte makes
    http.client ask for all of it at once)."""

    def __init__(self, fp: IO[bytes], call: _Call[Any]) -> None:
        self._fp = fp
        self._call = call
        self._count = 0

    def _allowed(self, size: int | None) -> int:
        """``size`` (None or negative: to the end) cut to one byte past the cap."""
        self._call.check(self._count)
        past_cap = ANSWER_MAX_BYTES + 1 - self._count
        return past_cap if size is None or size < 0 or size > past_cap else size

    def _counted(self, size: int) -> None:
        self._count += size
        self._call.check(self._count)

    def read(self, size: int | None = -1) -> bytes:
        data = self._fp.read(self._allowed(size))
        self._counted(len(data))
        return data

    def read1(self, size: int = -1) -> bytes:
        data = bytes(self._fp.read1(self._allowed(size)))  # type: ignore[attr-defined]  # a BufferedReader's
        self._counted(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        count = int(self._fp.readinto(view[: self._allowed(len(view))]))  # type: ignore[attr-defined]  # a BufferedReader's
        self._counted(count)
        return count

    def readline(self, size: int | None = -1) -> bytes:
        line = self._fp.readline(self._allowed(size))
        self._counted(len(line))
        return line

    def __getattr__(self, name: str) -> Any:  # peek, close, closed, fileno, flush, ...
        return getattr(self._fp, name)


class _BoundedResponse(http.client.HTTPResponse):
    """``http.client``'s answer; inside a bounded call, its bytes are counted, and a compressed
    one is refused as soon as its headers say so."""

    def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self._call: _Call[Any] | None = getattr(_local, "call", None)
        if self._call is not None:
            self.fp = self._call.watch(sock, self.fp)

    def begin(self) -> None:
        super().begin()
        encoding = (self.getheader("Content-Encoding") or "identity").strip().lower()
        if self._call is not None and encoding != "identity":
            raise _ending(AnswerCompressed(encoding))


class _DropWorkerRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.threadName or "").startswith(WORKER_NAME)


_local = threading.local()
_installed = threading.Lock()


def _install() -> None:
    """Once per process: count the bytes of answers read inside calls, and keep the workers'
    log records off stderr."""
    with _installed:
        if http.client.HTTPConnection.response_class is not _BoundedResponse:
            http.client.HTTPConnection.response_class = _BoundedResponse
            if logging.lastResort is not None:
                logging.lastResort.addFilter(_DropWorkerRecords())


def bounded_call(fn: Callable[[], T], seconds: float = CALL_SECONDS) -> T:
    """``fn()``, or TimedOut once ``seconds`` have passed, or AnswerTooLarge past the cap."""
    if sys.is_finalizing():  # a thread started now would never run, and never say so
        raise RuntimeError("the interpreter is exiting: no call to a store can start")
    _install()
    call: _Call[T] = _Call(seconds)
    worker = threading.Thread(target=call.run, args=(fn,), name=WORKER_NAME, daemon=True)
    worker.start()
    try:
        finished = call.done.wait(seconds)
    except BaseException:  # a signal's exception (the session's handler raised it)
        call.abandon()
        raise
    if not finished:
        call.abandon()
        raise TimedOut(seconds)
    if call.error is not None:
        if call.bound is not None and call.bound is not call.error:
            raise call.bound from call.error  # the SDK wrapped it, or failed because of it
        raise call.error
    return call.value  # type: ignore[return-value]  # fn returned it
