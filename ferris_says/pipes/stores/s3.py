"""S3 (and S3-compatible stores): boto3, with the endpoint and credentials from AWS's standard
environment (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``, an instance role...).

Importing this module imports boto3: ``ferris_says.pipes.stores`` does it only for
``--pipes-store s3``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from botocore.config import Config  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from dagster_pipes import PipesS3ContextLoader, PipesS3MessageWriter

from ferris_says.pipes.stores.bounds import ObjectBuffer

TITLE = "S3"
BUCKET_WORD = "bucket"

#: Per attempt: a refused or black-holed endpoint fails within ATTEMPTS x CONNECT_TIMEOUT
#: seconds, with botocore's own error, before the call's deadline (bounds.CALL_SECONDS) ends it.
#: AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, when set, are botocore's to honour instead.
ATTEMPTS = 3
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20

#: Bytes read from the context object's body at a time.
READ_CHUNK = 1 << 20


def client() -> Any:
    settings: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT, "read_timeout": READ_TIMEOUT}
    if "AWS_MAX_ATTEMPTS" not in os.environ and "AWS_RETRY_MODE" not in os.environ:
        settings["retries"] = {"max_attempts": ATTEMPTS, "mode": "standard"}
    # A session of its own: boto3's default one is shared, and sessions are not thread-safe.
    return boto3.session.Session().client("s3", config=Config(**settings))


class CappedS3ContextLoader(PipesS3ContextLoader):
    """dagster-pipes' S3 loader (one GetObject), refusing an object over the context cap by its
    Content-Length before its body is read, or while reading when S3 states none."""

    @contextlib.contextmanager
    def load_context(self, params: Any) -> Iterator[Any]:
        answer = self._client.get_object(Bucket=params["bucket"], Key=params["key"])
        body = ObjectBuffer()
        with contextlib.closing(answer["Body"]) as stream:
            body.declare(answer.get("ContentLength"))
            body.read_from(stream.iter_chunks(READ_CHUNK))
        yield body.json()


def context_loader() -> CappedS3ContextLoader:
    return CappedS3ContextLoader(client())


def message_writer() -> PipesS3MessageWriter:
    return PipesS3MessageWriter(client())


def explain(exc: BaseException) -> str | None:
    """One line for boto3's errors: the service's code and message, or botocore's own."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "?")
        message = error.get("Message") or exc.response.get("ResponseMetadata", {}).get(
            "HTTPStatusCode", ""
        )
        return f"{code}: {message}" if message != "" else str(code)
    if isinstance(exc, BotoCoreError):
        return f"{type(exc).__name__}: {exc}"
    return None
