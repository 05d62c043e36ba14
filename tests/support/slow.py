"""The `slow` marker (registered in pyproject.toml): `make test` leaves out what it marks, and
`make test-slow` (part of `make check`, so of CI) runs exactly that.

Where a parametrized test is slow because it is run many times, `make test` keeps a sample of
its parameters, so that the fast loop still tries the promise: `sample(values, keep)`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

import pytest

if TYPE_CHECKING:
    from _pytest.mark import ParameterSet

T = TypeVar("T")

slow = pytest.mark.slow


def sample(values: Iterable[T], keep: Callable[[T], bool]) -> list[ParameterSet]:
    """Every value as a parameter (its id unchanged), those ``keep`` refuses marked slow."""
    return [pytest.param(value, marks=() if keep(value) else slow) for value in values]
