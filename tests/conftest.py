"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.docs_examples import checkout_snapshot
from support.run_command import (
    TESTS,
)

# The marker needs(...) and its hook: a test that needs a system tool (Perl cowsay, zsh, man...)
# is skipped without it, naming `make deps`, and fails under CI=true. The Dagster fixtures
# (instance, project, dagster_home) for the tests that run real Dagster. The hypothesis profiles
# `make test` and `make check` choose between, registered before any test module is imported.
pytest_plugins = ["support.system_tools", "support.dagster_fixtures", "support.hypothesis_profiles"]

# Modules another target runs, with what it provides: the image (make test-container), the
# blob-store servers (make test-stores). Elsewhere they are not collected, so that what make
# test skips is only what is missing; run alone, each module says which target runs it.
RUN_BY_TARGETS = {
    "test_container.py": "FERRIS_SAYS_IMAGE",
    "test_stores.py": "FERRIS_SAYS_STORE_TESTS",
}
collect_ignore = [module for module, given in RUN_BY_TARGETS.items() if not os.environ.get(given)]


@pytest.fixture(scope="session", autouse=True)
def the_checkout_is_left_as_it_was() -> Iterator[None]:
    """Set up before every other fixture, checked after all of them: no test may add or change
    a file in the checkout, ignored ones included (the command run in the checkout's root
    appends to fake_temp/messages.json, which git does not show). Run commands in tmp_path."""
    before = checkout_snapshot()
    yield
    after = checkout_snapshot()
    touched = sorted(name for name in after if before.get(name) != after[name])
    assert not touched, f"the tests added or changed files in the checkout: {touched}"


@pytest.fixture
def fake_temp(tmp_path: Path) -> Path:
    """A working directory with the committed fake_temp/context.json."""
    (tmp_path / "fake_temp").mkdir()
    shutil.copy(TESTS.parent / "fake_temp" / "context.json", tmp_path / "fake_temp")
    return tmp_path


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    """An empty working directory: no fake_temp/, so no session unless variables say so."""
    return tmp_path
