"""Fixtures shared by the test modules."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from command import HERE
from docs_examples import checkout_snapshot

# A test that needs a system tool (Perl cowsay, zsh, man...) is skipped without it, naming
# `make deps`, and fails under CI=true: the marker `needs(...)` and its hook live there.
pytest_plugins = ["support.system_tools"]


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
    shutil.copy(HERE.parent / "fake_temp" / "context.json", tmp_path / "fake_temp")
    return tmp_path
