"""Ferris as a Dagster Pipes process, on top of the official ``dagster-pipes`` package.

The protocol itself (params decoding, context loading, the message format, ``opened`` /
``closed`` and the exception payload) is dagster-pipes' own. This package adds what the Rust
original adds, and fixes what it got wrong, one job a module:

- ``params``: where the params come from and what serves them. ``DAGSTER_PIPES_CONTEXT`` /
  ``DAGSTER_PIPES_MESSAGES``, each absent one falling back *on its own* to
  ``fake_temp/context.json`` / ``fake_temp/messages.json`` when ``./fake_temp`` exists (present
  but malformed is an error, never a fallback: Dagster would never read messages written to the
  fallback), or ``--dagster-pipes-context``/``-messages`` on the command line; then which context
  loader and message writer serve them: a file, inline data, stdio, or a blob store's.
- ``sources``: the files a session touches, opened and checked in one place.
- ``channel``: messages to a file are appended with one ``os.write`` per line on an
  ``O_APPEND`` descriptor, so concurrent writers never interleave inside a line; a write that
  fails part-way is taken back, so no reader ever sees half a line.
- ``session``: the lifecycle. ``opened``, then ``closed`` carrying the exception when something
  failed; SIGINT, SIGTERM, SIGHUP and the other ending signals end the session through
  ``closed``, never in the middle of a line.
- ``reports``: Ferris's own messages, the blog's ``run()``: two logs, two asset checks, the
  materialization (``metadata`` computes what goes in it).
- ``stores``: the blob stores (S3, GCS, Azure, Databricks volumes), each imported when chosen.

This module is all the plain shell path loads: with no variables and no ``./fake_temp``, the
check is two environment look-ups and one ``stat``, and dagster-pipes is never imported.
"""

from __future__ import annotations

import os

from ferris_says import environment

# typing.TYPE_CHECKING would import typing on the plain path; mypy honours this name too.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Literal

    from ferris_says.pipes.session import FerrisPipesSession
    from ferris_says.request import Request

CONTEXT_VAR = environment.PIPES_CONTEXT
MESSAGES_VAR = environment.PIPES_MESSAGES
#: The same params as arguments, as Dagster's ``get_bootstrap_cli_arguments()`` gives them to
#: the clients that cannot set variables (Glue, Dataproc, EMR on EKS, Databricks serverless):
#: dagster-pipes' ``_env_var_to_cli_argument`` of the two variable names.
CONTEXT_ARG = "--dagster-pipes-context"
MESSAGES_ARG = "--dagster-pipes-messages"
ARG_FOR_VAR = {CONTEXT_VAR: CONTEXT_ARG, MESSAGES_VAR: MESSAGES_ARG}
#: Which blob store holds ``{"bucket": ...}`` params (they look the same on S3, GCS and Azure).
STORE_OPTION = "--pipes-store"
STORE_VAR = environment.PIPES_STORE
#: Stores whose params are a bucket (or container) and a key: the SDK is an extra of the same
#: name. ``volumes``: Databricks Unity Catalog volumes, a mounted directory, no SDK.
STORES = ("s3", "gcs", "azure", "volumes")
FAKE_TEMP_DIR = "fake_temp"
FAKE_CONTEXT = os.path.join(FAKE_TEMP_DIR, "context.json")
FAKE_MESSAGES = os.path.join(FAKE_TEMP_DIR, "messages.json")


def pipes_requested() -> bool:
    """Whether a session would open: a Pipes variable is set, or ./fake_temp/ exists."""
    environ = os.environ
    return CONTEXT_VAR in environ or MESSAGES_VAR in environ or os.path.isdir(FAKE_TEMP_DIR)


def launched_by_dagster() -> bool:
    """Either variable means Dagster started us: its stdin is inherited and never written to."""
    return CONTEXT_VAR in os.environ or MESSAGES_VAR in os.environ


def pipes_session(request: Request | None = None) -> SessionManager:
    """``with pipes_session(request) as session:`` — ``session`` is None without Dagster.

    Raises FerrisError (on entering) for malformed configuration, naming the variable, path or
    key. Inside the block, any exception (FerrisError, KeyboardInterrupt, SystemExit with a
    non-zero code, ...) is reported to Dagster as ``closed`` with the exception, then re-raised.
    From ``request``: ``--asset-key``, and the Pipes params and store given on the command line.
    """
    return SessionManager(request)


class SessionManager:
    """Opens a FerrisPipesSession only when Dagster (or ./fake_temp/) is there."""

    def __init__(self, request: Request | None = None) -> None:
        self._request = request
        self._session: FerrisPipesSession | None = None

    def __enter__(self) -> FerrisPipesSession | None:
        from_command_line = self._request is not None and self._request.pipes_from_command_line
        if not (from_command_line or pipes_requested()):
            return None
        from ferris_says.pipes.session import FerrisPipesSession  # dagster-pipes starts here

        self._session = FerrisPipesSession.open(self._request)
        return self._session

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> Literal[False]:
        if self._session is not None:
            self._session.close(exc_type, exc, tb)
        return False  # never swallow
