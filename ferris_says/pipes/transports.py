"""Which context loader and message writer serve this run's params.

A file, inline data or stdio: ferris-says' own loader and writer (``params``, ``channel``).
A bucket (``{"bucket": ...}``), or with ``--pipes-store volumes`` a messages directory: the
chosen store's, from ``stores``. The params alone cannot tell S3 from GCS from Azure, so a
bucket with no store chosen is an error, never a guess.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster_pipes import PipesContextLoader, PipesMessageWriter

from ferris_says.errors import FerrisError
from ferris_says.pipes import CONTEXT_VAR, MESSAGES_VAR
from ferris_says.pipes.bootstrap import (
    STORE_OPTION,
    STORE_VAR,
    STORES,
    PipesBootstrap,
    chosen_store,
)
from ferris_says.pipes.channel import FerrisMessageWriter
from ferris_says.pipes.params import FerrisContextLoader, short
from ferris_says.pipes.stores import StoreContextLoader, StoreMessageWriter, load_store

BUCKET_STORES = tuple(store for store in STORES if store != "volumes")


def transports(
    bootstrap: PipesBootstrap | None,
    context_params: Mapping[str, Any],
    messages_params: Mapping[str, Any],
    sources: dict[str, str],
    guard: Any,
) -> tuple[PipesContextLoader, PipesMessageWriter[Any], str | None]:
    """(context loader, message writer, the store in use or None)."""
    store, chosen_by = chosen_store(bootstrap)
    context_in_store = "bucket" in context_params
    messages_in_store = "bucket" in messages_params or (
        store == "volumes" and "path" in messages_params
    )
    for var, params in ((CONTEXT_VAR, context_params), (MESSAGES_VAR, messages_params)):
        if "bucket" in params and store not in BUCKET_STORES:
            now = f"; {chosen_by} says {store}" if store is not None else ""
            raise FerrisError(
                f"{sources.get(var, var)}: {short(params)} names a bucket{now}; say which store"
                f" holds it: {STORE_OPTION} {'|'.join(BUCKET_STORES)} (or {STORE_VAR})"
            )
    if store is None or not (context_in_store or messages_in_store):
        file_loader = FerrisContextLoader(sources)
        return file_loader, file_messages(sources, guard, file_loader), None
    module = load_store(store, chosen_by)  # the SDK is imported here, and only here
    context_loader: PipesContextLoader = (
        StoreContextLoader(module, sources.get(CONTEXT_VAR, CONTEXT_VAR))
        if context_in_store
        else FerrisContextLoader(sources)
    )
    message_writer: PipesMessageWriter[Any] = (
        StoreMessageWriter(module, sources.get(MESSAGES_VAR, MESSAGES_VAR), guard)
        if messages_in_store
        else file_messages(sources, guard, context_loader)
    )
    return context_loader, message_writer, store


def file_messages(
    sources: dict[str, str], guard: Any, context_loader: PipesContextLoader
) -> FerrisMessageWriter:
    """The messages writer for a file or stdio, which must not share the context file (known
    once a FerrisContextLoader has read it)."""
    if isinstance(context_loader, FerrisContextLoader):
        file_loader = context_loader
        return FerrisMessageWriter(sources, guard, lambda: file_loader.file_id)
    return FerrisMessageWriter(sources, guard)
