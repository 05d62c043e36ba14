"""Google Cloud Storage: google-cloud-storage, with credentials and endpoint from Google's
standard environment (``GOOGLE_APPLICATION_CREDENTIALS``, the metadata server on GCP,
``STORAGE_EMULATOR_HOST`` for an emulator, ``GOOGLE_CLOUD_PROJECT``).

dagster-pipes' GCS loader and writer call the client with its defaults, which retry a refused
connection for two minutes and wait 60 s on a silent one; these subclasses make the same calls
(same objects, same chunk names) with a bounded timeout and retry deadline, so that Google's
own error comes before the call's deadline (``bounds.CALL_SECONDS``) ends it. The loader reads
the object's size first, and refuses an object over the context cap before reading it.

Importing this module imports google-cloud-storage: only for ``--pipes-store gcs``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, Any

from dagster_pipes import (
    PipesBlobStoreMessageWriter,
    PipesBlobStoreMessageWriterChannel,
    PipesGCSContextLoader,
)
from google.api_core.exceptions import GoogleAPIError  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from google.auth.exceptions import GoogleAuthError  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from google.cloud import storage  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from google.cloud.storage.retry import DEFAULT_RETRY  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from requests.exceptions import RequestException  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK

from ferris_says.pipes.stores.bounds import ObjectBuffer

TITLE = "GCS"
BUCKET_WORD = "bucket"

#: (connect, read) seconds per request, and the deadline of all retries of one call.
TIMEOUT = (5, 20)
RETRY = DEFAULT_RETRY.with_deadline(15)


def client() -> storage.Client:
    return storage.Client()


class BoundedGCSContextLoader(PipesGCSContextLoader):
    @contextlib.contextmanager
    def load_context(self, params: Any) -> Iterator[Any]:
        blob = self._client.bucket(params["bucket"]).blob(params["key"])
        blob.reload(timeout=TIMEOUT, retry=RETRY)  # its metadata: the size, and the generation
        body = ObjectBuffer()
        body.declare(blob.size)
        blob.download_to_file(body, timeout=TIMEOUT, retry=RETRY)  # that generation, capped
        yield body.json()


class BoundedGCSMessageWriterChannel(PipesBlobStoreMessageWriterChannel):
    def __init__(self, client: storage.Client, bucket: str, key_prefix: str | None) -> None:
        super().__init__()
        self._key_prefix = key_prefix
        # As dagster-pipes' channel: the bucket is fetched first, so a missing one fails here.
        self._bucket = client.get_bucket(bucket, timeout=TIMEOUT, retry=RETRY)

    def upload_messages_chunk(self, payload: IO[str], index: int) -> None:
        key = f"{self._key_prefix}/{index}.json" if self._key_prefix else f"{index}.json"
        self._bucket.blob(key).upload_from_string(payload.read(), timeout=TIMEOUT, retry=RETRY)


class BoundedGCSMessageWriter(PipesBlobStoreMessageWriter[BoundedGCSMessageWriterChannel]):
    """dagster-pipes' PipesGCSMessageWriter, making the bounded channel."""

    def __init__(self, client: storage.Client) -> None:
        super().__init__()
        self._client = client

    def make_channel(self, params: Any) -> BoundedGCSMessageWriterChannel:
        return BoundedGCSMessageWriterChannel(
            self._client, params["bucket"], params.get("key_prefix")
        )


def context_loader() -> BoundedGCSContextLoader:
    return BoundedGCSContextLoader(client())


def message_writer() -> BoundedGCSMessageWriter:
    return BoundedGCSMessageWriter(client())


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, GoogleAPIError):
        return f"{type(exc).__name__}: {exc}"  # NotFound: 404 GET http://...: ...
    if isinstance(exc, (GoogleAuthError, RequestException)):
        return f"{type(exc).__name__}: {exc}"
    return None
