"""S3 (and S3-compatible stores): boto3, with the endpoint and credentials from AWS's standard
environment (``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_PROFILE``, an instance role...).

Importing this module imports boto3: ``ferris_says.pipes.stores`` does it only for
``--pipes-store s3``.
"""

from __future__ import annotations

import os
from typing import Any

import boto3  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from botocore.config import Config  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-not-found, import-untyped, unused-ignore]  # an extra's SDK
from dagster_pipes import PipesS3ContextLoader, PipesS3MessageWriter

TITLE = "S3"
BUCKET_WORD = "bucket"

#: Bounded time: a black-holed endpoint costs at most ATTEMPTS x (CONNECT + READ) seconds.
#: AWS_MAX_ATTEMPTS / AWS_RETRY_MODE, when set, are botocore's to honour instead.
ATTEMPTS = 3
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 20


def client() -> Any:
    settings: dict[str, Any] = {"connect_timeout": CONNECT_TIMEOUT, "read_timeout": READ_TIMEOUT}
    if "AWS_MAX_ATTEMPTS" not in os.environ and "AWS_RETRY_MODE" not in os.environ:
        settings["retries"] = {"max_attempts": ATTEMPTS, "mode": "standard"}
    return boto3.client("s3", config=Config(**settings))


def context_loader() -> PipesS3ContextLoader:
    return PipesS3ContextLoader(client())


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
