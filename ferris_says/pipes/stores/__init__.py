"""Pipes params in a blob store: S3, GCS, Azure Blob Storage, or a Databricks volume.

Dagster's blob-store injectors and readers (dagster-aws, dagster-gcp, dagster-azure,
dagster-databricks) put the context in one object (``{"bucket", "key"}``) and read the messages
back as numbered chunks (``{"bucket", "key_prefix"}``: ``PREFIX/1.json``, ``PREFIX/2.json``, ...,
each chunk JSON lines). dagster-pipes ships the loader and the writer for each store; this
package picks them (``--pipes-store``), and keeps failures ours:

- the store's module (``stores/s3.py``, ...) is imported only when chosen: it is where the SDK
  is loaded, and a missing SDK is one line naming the extra to install;
- each SDK call is bounded (the modules set their SDK's timeouts and retries), and any failure
  is one line naming the store, the bucket and what failed;
- dagster-pipes' blob writer uploads from a daemon thread, where an upload error is printed as
  a traceback and lost, and the process still exits 0. ``UploadChannel`` uploads in the
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
from contextlib import AbstractContextManager
from io import StringIO
from types import ModuleType
from typing import Any, Callable

from dagster_pipes import (
    PipesBlobStoreMessageWriter,
    PipesBlobStoreMessageWriterChannel,
    PipesContextLoader,
)

from ferris_says.errors import FerrisError
from ferris_says.install_hints import extra_install
from ferris_says.pipes.channel import GuardedChannel
from ferris_says.pipes.params import CONTEXT_DEFAULTS, short

#: What each store needs: the extra that installs it, and the module it imports.
EXTRAS = {
    "s3": ("s3", "boto3"),
    "gcs": ("gcs", "google.cloud.storage"),
    "azure": ("azure", "azure.storage.blob"),
}

#: Seconds between chunk uploads on a long run (dagster-pipes' writers use 10 too).
UPLOAD_INTERVAL = 10.0

#: A reason quoted from an SDK error is cut to this many characters (one line, still readable).
REASON_LIMIT = 300


def load_store(name: str, chosen_by: str) -> ModuleType:
    """The store's module, which imports its SDK: one line naming the extra when it is missing."""
    try:
        return importlib.import_module(f"ferris_says.pipes.stores.{name}")
    except ModuleNotFoundError as exc:
        extra, sdk = EXTRAS.get(name, (name, name))
        # Only the SDK's own absence (boto3, google, azure, ...) is the extra's to fix.
        if (exc.name or "").split(".")[0] != sdk.split(".")[0]:
            raise
        raise FerrisError(
            f"{chosen_by} {name}: the {sdk} package is not installed; {extra_install(extra)}"
        ) from None


def one_line(text: str) -> str:
    """An SDK's message on one line, cut to REASON_LIMIT characters."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= REASON_LIMIT else flat[: REASON_LIMIT - 3] + "..."


@contextlib.contextmanager
def failures(store: ModuleType, where: str, doing: str) -> Iterator[None]:
    """Any error of the store's SDK inside the block becomes one FerrisError line:
    ``S3 bucket 'b': reading the context object 'k' failed: NoSuchBucket: ...``."""
    try:
        yield
    except FerrisError:
        raise
    except Exception as exc:
        reason = store.explain(exc)
        if reason is None:
            reason = f"{type(exc).__name__}: {exc}"
        raise FerrisError(f"{where}: {doing} failed: {one_line(reason)}") from exc


def bucket_where(store: ModuleType, params: dict[str, Any]) -> str:
    return f"{store.TITLE} {store.BUCKET_WORD} {params['bucket']!r}"


class StoreContextLoader(PipesContextLoader):
    """The store's dagster-pipes context loader; a failure is kept for after ``opened``."""

    def __init__(self, store: ModuleType, origin: str) -> None:
        self._store = store
        self._origin = origin  # the variable or argument the params came from
        self.failure: FerrisError | None = None

    @contextlib.contextmanager
    def load_context(self, params: Any) -> Iterator[Any]:
        where = bucket_where(self._store, params)
        data: Any = None
        try:
            with failures(self._store, where, f"reading the context object {params['key']!r}"):
                loader = self._store.context_loader()
                with loader.load_context(params) as loaded:
                    data = loaded
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


def raise_deferred_failure(context_loader: PipesContextLoader) -> None:
    """Right after ``opened``: the context's failure, if it was kept (then ``closed`` has it)."""
    failure = getattr(context_loader, "failure", None)
    if failure is not None:
        raise failure


class UploadChannel(PipesBlobStoreMessageWriterChannel):
    """Chunks uploaded by the command's own thread, through the store's dagster-pipes channel.

    A chunk is one object, written whole or not at all: no reader ever sees half a line.
    """

    def __init__(
        self,
        inner: PipesBlobStoreMessageWriterChannel,
        uploading: Callable[[int], AbstractContextManager[None]],
        interval: float = UPLOAD_INTERVAL,
    ) -> None:
        super().__init__(interval=interval)
        self._inner = inner
        self._uploading = uploading
        self._pending: list[Any] = []
        self._last_upload: float | None = None

    def write_message(self, message: Any) -> None:
        self._pending.append(message)
        now = time.monotonic()
        if self._last_upload is None or now - self._last_upload >= self._interval:
            self.upload_pending()

    def upload_pending(self) -> None:
        if not self._pending:
            return
        payload = "\n".join(json.dumps(message) for message in self._pending)
        with self._uploading(self._counter):
            self._inner.upload_messages_chunk(StringIO(payload), self._counter)
        self._pending = []
        self._counter += 1
        self._last_upload = time.monotonic()

    def upload_messages_chunk(self, payload: Any, index: int) -> None:
        self._inner.upload_messages_chunk(payload, index)

    @contextlib.contextmanager
    def buffered_upload_loop(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            with contextlib.suppress(FerrisError):
                self.upload_pending()  # the run's own error stands
            raise
        self.upload_pending()


class StoreMessageWriter(PipesBlobStoreMessageWriter[UploadChannel]):
    """The store's dagster-pipes message writer, with its chunks uploaded by ``UploadChannel``
    (``include_stdio_in_messages`` works as in dagster-pipes: its ``open`` is used as is)."""

    def __init__(self, store: ModuleType, origin: str, guard: Any = None) -> None:
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
        with failures(self._store, where, "opening the messages channel"):
            self._inner = self._store.message_writer()
            inner_channel = self._inner.make_channel(params)
        prefix = params.get("key_prefix")

        def uploading(index: int) -> AbstractContextManager[None]:
            name = f"{prefix}/{index}.json" if prefix else f"{index}.json"
            return failures(self._store, where, f"writing messages chunk {name!r}")

        return UploadChannel(inner_channel, uploading, self.interval)

    @contextlib.contextmanager
    def open(self, params: Any) -> Iterator[Any]:
        with super().open(params) as channel:
            yield channel if self._guard is None else GuardedChannel(channel, self._guard)

    def get_opened_extras(self) -> Any:
        return {} if self._inner is None else self._inner.get_opened_extras()
