"""Pipes params in a blob store: S3, GCS, Azure Blob Storage, or a Databricks volume.

Dagster's blob-store injectors and readers (dagster-aws, dagster-gcp, dagster-azure,
dagster-databricks) put the context in one object (``{"bucket", "key"}``) and read the messages
back as numbered chunks (``{"bucket", "key_prefix"}``: ``PREFIX/1.json``, ``PREFIX/2.json``, ...,
each chunk JSON lines). dagster-pipes ships the loader and the writer for each store; this
package picks them (``--pipes-store``), and keeps failures ours:

- a store is a module (``stores/s3.py``, ...) that is a ``Store`` (mypy checks each one), and a
  line of ``SDKS``; the module is imported only when chosen: it is where the SDK is loaded, and
  a missing SDK is one line naming the extra to install;
- every call to a store goes through ``store_call``: under a deadline on the whole call and a
  cap on what it reads (``bounds``), and any failure is one line naming the store, the bucket
  and what failed (or the bound that ended it);
- dagster-pipes' blob writer uploads from a daemon thread, where an upload error is printed as
  a traceback and lost, and the process still exits 0. ``UploadChannel`` uploads from the
  command's own thread instead: ``opened`` at once (a broken messages bucket fails before
  anything is said), then the rest when the session closes (or every ``interval`` seconds on a
  long run), and a failed upload is the run's error;
- a context that cannot be loaded while the messages channel works reaches Dagster: the
  session opens on an empty context, and the failure is raised right after ``opened``, so
  ``closed`` carries it.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import time
from collections.abc import Iterator
from io import StringIO
from typing import TYPE_CHECKING, Any, Callable, Protocol, TypeVar, cast

from dagster_pipes import (
    PipesBlobStoreMessageWriter,
    PipesBlobStoreMessageWriterChannel,
    PipesContextLoader,
)

from ferris_says.errors import REASON_SHOWN, FerrisError, FerrisInterrupted, shown
from ferris_says.install_hints import extra_install
from ferris_says.pipes.channel import GuardedChannel
from ferris_says.pipes.sources import CONTEXT_DEFAULTS, short
from ferris_says.pipes.stores.bounds import Bound, bounded_call

T = TypeVar("T")


class Store(Protocol):
    """What a store's module provides."""

    @property
    def TITLE(self) -> str:
        """The store's name in errors: ``S3``, ``GCS``, ``Azure Blob Storage``."""

    @property
    def BUCKET_WORD(self) -> str | None:
        """What the store calls a bucket (``container``); None: the params hold a path."""

    def context_loader(self) -> PipesContextLoader:
        """dagster-pipes' loader for the store, reading the object within CONTEXT_MAX_BYTES."""

    def message_writer(self) -> PipesBlobStoreMessageWriter[Any]:
        """dagster-pipes' writer for the store."""

    def explain(self, exc: BaseException) -> str | None:
        """One line for an error of the store's SDK, or None for one it does not know."""


#: Every store --pipes-store offers (ferris_says.pipes.STORES names the same; a test keeps them
#: equal), with the extra that installs its SDK and the module the SDK is; None: no SDK.
SDKS: dict[str, tuple[str, str] | None] = {
    "s3": ("s3", "boto3"),
    "gcs": ("gcs", "google.cloud.storage"),
    "azure": ("azure", "azure.storage.blob"),
    "volumes": None,
}

if TYPE_CHECKING:  # mypy checks that each store's module is a Store
    from ferris_says.pipes.stores import azure, gcs, s3, volumes

    _MODULES: dict[str, Store] = {"s3": s3, "gcs": gcs, "azure": azure, "volumes": volumes}

#: Seconds between chunk uploads on a long run (dagster-pipes' writers use 10 too).
UPLOAD_INTERVAL = 10.0


def load_store(name: str, chosen_by: str) -> Store:
    """The store's module, which imports its SDK: one line naming the extra when it is missing."""
    try:
        return cast("Store", importlib.import_module(f"ferris_says.pipes.stores.{name}"))
    except ModuleNotFoundError as exc:
        extra, sdk = SDKS.get(name) or (name, name)
        # Only the SDK's own absence (boto3, google, azure, ...) is the extra's to fix.
        if (exc.name or "").split(".")[0] != sdk.split(".")[0]:
            raise
        raise FerrisError(
            f"{chosen_by} {name}: the {sdk} package is not installed; {extra_install(extra)}"
        ) from None


def store_call(store: Store, where: str, doing: str, call: Callable[[], T]) -> T:
    """``call()``, one call to the store's SDK, within the bounds (``bounds.bounded_call``);
    any failure is one FerrisError line: ``S3 bucket 'b': reading the context object 'k'
    failed: NoSuchBucket: ...``, or ``... did not finish within 20 s``."""
    try:
        return bounded_call(call)
    except FerrisError:
        raise  # a signal's FerrisInterrupted, or a line of ours
    except Bound as exc:
        raise FerrisError(f"{where}: {doing} {exc}") from exc
    except Exception as exc:
        reason = store.explain(exc)
        if reason is None:
            reason = f"{type(exc).__name__}: {exc}"
        reason = shown(reason, REASON_SHOWN, quote=False)
        raise FerrisError(f"{where}: {doing} failed: {reason}") from exc


def bucket_where(store: Store, params: dict[str, Any]) -> str:
    return f"{store.TITLE} {store.BUCKET_WORD} {params['bucket']!r}"


class StoreContextLoader(PipesContextLoader):
    """The store's dagster-pipes context loader; a failure is kept for after ``opened``."""

    def __init__(self, store: Store, origin: str) -> None:
        self._store = store
        self._origin = origin  # the variable or argument the params came from
        self.failure: FerrisError | None = None

    @contextlib.contextmanager
    def load_context(self, params: Any) -> Iterator[Any]:
        where = bucket_where(self._store, params)
        data: Any = None
        try:
            data = store_call(
                self._store,
                where,
                f"reading the context object {params['key']!r}",
                lambda: self._load(params),
            )
        except FerrisInterrupted:
            raise  # a signal ends the run at once: there is no session yet
        except FerrisError as exc:
            self.failure = FerrisError(f"{self._origin}: {exc}")
        if self.failure is None and not isinstance(data, dict):
            self.failure = FerrisError(
                f"{self._origin}: {where}: the context object {params['key']!r} holds"
                f" {short(data)}, expected a JSON object"
            )
        full = dict(CONTEXT_DEFAULTS)
        if self.failure is None:
            full.update(data)
        yield full

    def _load(self, params: Any) -> Any:
        with self._store.context_loader().load_context(params) as loaded:
            return loaded


class UploadChannel(PipesBlobStoreMessageWriterChannel):
    """Chunks uploaded by the command's own thread, through the store's dagster-pipes channel.

    A chunk is one object, written whole or not at all: no reader ever sees half a line. After
    an upload that a bound ended (``bounds``: out of time, or an answer too large) no other
    upload is tried: each would cost the bound again, and a chunk given up on may still land
    later, so its name is never written twice.
    """

    def __init__(
        self,
        upload: Callable[[int, str], None],
        interval: float = UPLOAD_INTERVAL,
    ) -> None:
        super().__init__(interval=interval)
        self._upload = upload  # (index, payload): one bounded call
        self._pending: list[Any] = []
        self._last_upload: float | None = None
        self._ended: FerrisError | None = None  # the upload a bound ended

    def write_message(self, message: Any) -> None:
        self._pending.append(message)
        now = time.monotonic()
        if self._last_upload is None or now - self._last_upload >= self._interval:
            self.upload_pending()

    def upload_pending(self) -> None:
        if self._ended is not None:
            raise FerrisError(str(self._ended))
        if not self._pending:
            return
        payload = "\n".join(json.dumps(message) for message in self._pending)
        try:
            self._upload(self._counter, payload)
        except FerrisError as exc:
            if isinstance(exc.__cause__, Bound):
                self._ended = exc
            raise
        self._pending = []
        self._counter += 1
        self._last_upload = time.monotonic()

    def upload_messages_chunk(self, payload: Any, index: int) -> None:
        self._upload(index, payload.read())

    @contextlib.contextmanager
    def buffered_upload_loop(self) -> Iterator[None]:
        try:
            yield
        except GeneratorExit:
            # Never closed, and now collected: PipesContext leaves its writer open when writing
            # `opened` failed, and the collector may run at the interpreter's exit, where no
            # upload (nor the thread of one) can run any more.
            raise
        except BaseException:
            with contextlib.suppress(FerrisError):
                self.upload_pending()  # the run's own error stands
            raise
        self.upload_pending()


class StoreMessageWriter(PipesBlobStoreMessageWriter[UploadChannel]):
    """The store's dagster-pipes message writer, with its chunks uploaded by ``UploadChannel``
    (``include_stdio_in_messages`` works as in dagster-pipes: its ``open`` is used as is)."""

    def __init__(self, store: Store, origin: str, guard: Any = None) -> None:
        super().__init__(interval=UPLOAD_INTERVAL)
        self._store = store
        self._origin = origin
        self._guard = guard
        self._inner: PipesBlobStoreMessageWriter[Any] | None = None

    def _where(self, params: Any) -> str:
        if self._store.BUCKET_WORD is None:
            return f"{self._origin}: {self._store.TITLE} {params['path']!r}"
        prefix = params.get("key_prefix")
        under = f" (messages under {prefix + '/'!r})" if prefix else ""
        return f"{self._origin}: {bucket_where(self._store, params)}{under}"

    def make_channel(self, params: Any) -> UploadChannel:
        where = self._where(params)

        def open_channel() -> PipesBlobStoreMessageWriterChannel:
            self._inner = self._store.message_writer()
            channel: PipesBlobStoreMessageWriterChannel = self._inner.make_channel(params)
            return channel

        inner = store_call(self._store, where, "opening the messages channel", open_channel)
        prefix = params.get("key_prefix")

        def upload(index: int, payload: str) -> None:
            name = f"{prefix}/{index}.json" if prefix else f"{index}.json"
            store_call(
                self._store,
                where,
                f"writing messages chunk {name!r}",
                lambda: inner.upload_messages_chunk(StringIO(payload), index),
            )

        return UploadChannel(upload, self.interval)

    @contextlib.contextmanager
    def open(self, params: Any) -> Iterator[Any]:
        with super().open(params) as channel:
            yield channel if self._guard is None else GuardedChannel(channel, self._guard)

    def get_opened_extras(self) -> Any:
        return {} if self._inner is None else self._inner.get_opened_extras()
