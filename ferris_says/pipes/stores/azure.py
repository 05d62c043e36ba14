"""Azure Blob Storage: azure-storage-blob, with the account from Azure's standard environment:
``AZURE_STORAGE_CONNECTION_STRING`` (an account key or a SAS, Azurite's too), else
``AZURE_STORAGE_ACCOUNT_URL`` with azure-identity's ``DefaultAzureCredential`` when it is
installed (a managed identity on Azure ML), or a SAS in the URL.

Dagster's Azure injector and reader name the container ``bucket`` in the params, as the other
stores do. Importing this module imports azure-storage-blob: only for ``--pipes-store azure``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from azure.core.exceptions import AzureError, HttpResponseError  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from azure.storage.blob import BlobServiceClient, LinearRetry  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from dagster_pipes import (
    PipesAzureBlobStorageContextLoader,
    PipesAzureBlobStorageMessageWriter,
)

try:  # a managed identity or `az login`, when the azure-identity package is there
    from azure.identity import DefaultAzureCredential  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
except ImportError:  # pragma: no cover - depends on what is installed
    DefaultAzureCredential = None  # type: ignore[assignment, misc, unused-ignore]  # absent

from ferris_says.pipes.stores.bounds import ObjectBuffer

TITLE = "Azure Blob Storage"
BUCKET_WORD = "container"
CONNECTION_STRING_VAR = "AZURE_STORAGE_CONNECTION_STRING"
ACCOUNT_URL_VAR = "AZURE_STORAGE_ACCOUNT_URL"

#: Per attempt: the SDK's default waits 15 s, then 18 s, ... between up to 10 retries; these
#: let Azure's own error come before the call's deadline (bounds.CALL_SECONDS) ends it.
RETRIES = 2
RETRY_BACKOFF = 1
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20


class AzureSettingsError(Exception):
    """Neither variable says which account to use."""


def client() -> BlobServiceClient:
    connection_string = os.environ.get(CONNECTION_STRING_VAR)
    if connection_string:
        return BlobServiceClient.from_connection_string(
            connection_string,
            retry_policy=LinearRetry(
                backoff=RETRY_BACKOFF, random_jitter_range=0, retry_total=RETRIES
            ),
            connection_timeout=CONNECT_TIMEOUT,
            read_timeout=READ_TIMEOUT,
        )
    account_url = os.environ.get(ACCOUNT_URL_VAR)
    if not account_url:
        raise AzureSettingsError(
            f"no account: set {CONNECTION_STRING_VAR}, or {ACCOUNT_URL_VAR} (with a SAS in it,"
            " or azure-identity installed for DefaultAzureCredential)"
        )
    credential = DefaultAzureCredential() if DefaultAzureCredential is not None else None
    return BlobServiceClient(
        account_url,
        credential=credential,
        retry_policy=LinearRetry(backoff=RETRY_BACKOFF, random_jitter_range=0, retry_total=RETRIES),
        connection_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
    )


class CappedAzureContextLoader(PipesAzureBlobStorageContextLoader):
    """dagster-pipes' Azure loader, reading the blob's properties first: one over the context
    cap is refused before its body is read (and any body is capped while reading)."""

    @contextlib.contextmanager
    def load_context(self, params: Any) -> Iterator[Any]:
        body = ObjectBuffer()
        with self._client.get_blob_client(params["bucket"], params["key"]) as blob:
            body.declare(blob.get_blob_properties().size)
            download = blob.download_blob()  # its first range, and the size as it says now
            body.declare(download.size)
            body.read_from(download.chunks())
        yield body.json()


def context_loader() -> CappedAzureContextLoader:
    return CappedAzureContextLoader(client())


def message_writer() -> PipesAzureBlobStorageMessageWriter:
    return PipesAzureBlobStorageMessageWriter(client())


def first_line(text: str) -> str:
    """Azure's messages run on with RequestId and Time lines; the first says what failed."""
    lines = text.strip().splitlines()
    return lines[0] if lines else ""


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, HttpResponseError):
        code = getattr(exc, "error_code", None)  # set by azure-storage-blob on its errors
        code = getattr(code, "value", code)  # an enum, or a plain string
        code = code or (exc.status_code and f"HTTP {exc.status_code}")
        first = first_line(exc.message or str(exc))
        return f"{code}: {first}" if code else first
    if isinstance(exc, AzureError):
        return f"{type(exc).__name__}: {first_line(str(exc))}"
    if isinstance(exc, (AzureSettingsError, ValueError)):
        return str(exc)  # ValueError: a malformed connection string or URL
    return None
