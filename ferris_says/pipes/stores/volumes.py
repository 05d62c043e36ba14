"""Databricks Unity Catalog volumes: a directory under ``/Volumes`` that the cluster mounts.

The params are paths: the context ``{"path": FILE}`` is read like any context file (no store
needed for it), and the messages ``{"path": DIRECTORY}`` get numbered chunks (``1.json``,
``2.json``, ...) from dagster-pipes' ``PipesUnityCatalogVolumesMessageWriter``. No SDK: any
mounted directory works, which is how the tests drive it.
"""

from __future__ import annotations

from dagster_pipes import (
    PipesUnityCatalogVolumesContextLoader,
    PipesUnityCatalogVolumesMessageWriter,
)

TITLE = "Unity Catalog volume directory"
BUCKET_WORD = None  # the params hold a path, not a bucket


def context_loader() -> PipesUnityCatalogVolumesContextLoader:
    return PipesUnityCatalogVolumesContextLoader()


def message_writer() -> PipesUnityCatalogVolumesMessageWriter:
    return PipesUnityCatalogVolumesMessageWriter()


def explain(exc: BaseException) -> str | None:
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return None
