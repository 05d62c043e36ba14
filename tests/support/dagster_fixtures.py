"""The Dagster fixtures the tests that run real Dagster share; tests/conftest.py loads this module
as a plugin. Dagster is imported by the fixtures, when a test asks for one, so that a run of the
tests that need no Dagster never imports it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import dagster as dg

    from support.dagster_project import Project


@pytest.fixture(scope="module")
def instance() -> Iterator[dg.DagsterInstance]:
    """An ephemeral Dagster instance, one per test module."""
    import dagster as dg

    with dg.DagsterInstance.ephemeral() as instance:
        yield instance


@pytest.fixture
def dagster_home(tmp_path: Path) -> Path:
    """A DAGSTER_HOME with telemetry off, for the dg and dagster commands."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return home


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Project:
    """A fresh Dagster components project in tmp_path."""
    from support.dagster_project import Project

    return Project(tmp_path / "project", monkeypatch)
