"""Fixtures shared by the test modules."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from command import HERE


@pytest.fixture
def fake_temp(tmp_path: Path) -> Path:
    """A working directory with the committed fake_temp/context.json."""
    (tmp_path / "fake_temp").mkdir()
    shutil.copy(HERE.parent / "fake_temp" / "context.json", tmp_path / "fake_temp")
    return tmp_path
