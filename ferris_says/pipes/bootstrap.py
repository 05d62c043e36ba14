"""How Dagster hands over the Pipes params: the environment, or the command line.

Dagster's clients that launch a job in someone else's cluster (Glue, Dataproc, EMR on EKS in
args mode, Databricks serverless) cannot set environment variables, so they pass the same two
params as arguments: ``--dagster-pipes-context B64 --dagster-pipes-messages B64``
(``PipesSession.get_bootstrap_cli_arguments()``). The command line wins over the environment,
as a whole: when either argument is given, both must be, the ``DAGSTER_PIPES_*`` variables are
ignored, and there is no ``./fake_temp/`` fallback (nor any reading of stdin for words).

Which blob store holds the params (``{"bucket": ...}`` looks the same on S3, GCS and Azure) is
``--pipes-store`` or, for images and pods, ``FERRIS_SAYS_PIPES_STORE``.

This module imports nothing heavy: ``command.py`` builds a ``PipesBootstrap`` on every run.
"""

from __future__ import annotations

import os
from typing import NamedTuple, Optional

from ferris_says.errors import FerrisError
from ferris_says.pipes import CONTEXT_VAR, MESSAGES_VAR

#: The arguments Dagster's ``get_bootstrap_cli_arguments()`` produces (dagster-pipes'
#: ``_env_var_to_cli_argument`` of the two variable names).
CONTEXT_ARG = "--dagster-pipes-context"
MESSAGES_ARG = "--dagster-pipes-messages"
ARG_FOR_VAR = {CONTEXT_VAR: CONTEXT_ARG, MESSAGES_VAR: MESSAGES_ARG}

STORE_OPTION = "--pipes-store"
STORE_VAR = "FERRIS_SAYS_PIPES_STORE"
#: Stores whose params are a bucket (or container) and a key: the SDK is an extra of the same
#: name. ``volumes``: Databricks Unity Catalog volumes, a mounted directory, no SDK.
STORES = ("s3", "gcs", "azure", "volumes")


class PipesBootstrap(NamedTuple):
    """What the command line says about Pipes; ``None`` everywhere means "ask the environment"."""

    context_arg: Optional[str] = None
    messages_arg: Optional[str] = None
    store: Optional[str] = None

    @property
    def from_command_line(self) -> bool:
        return self.context_arg is not None or self.messages_arg is not None


def chosen_store(bootstrap: PipesBootstrap | None) -> tuple[str | None, str]:
    """(store, where the choice came from): the option first, then FERRIS_SAYS_PIPES_STORE."""
    if bootstrap is not None and bootstrap.store is not None:
        return bootstrap.store, STORE_OPTION
    value = os.environ.get(STORE_VAR, "").strip()
    if not value:
        return None, STORE_VAR
    if value.lower() not in STORES:
        raise FerrisError(
            f"{STORE_VAR}: {value!r} is not a Pipes store; expected one of {', '.join(STORES)}"
        )
    return value.lower(), STORE_VAR
