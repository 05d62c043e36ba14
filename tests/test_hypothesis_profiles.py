"""The hypothesis profiles `make test` and `make check` choose between (tests/support)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import ALL, FLOOR, QUICK, examples

tried: dict[str, int] = {"default": 0, "explicit": 0}


# Two property tests of this session's own profile, called by the test below. Their counts are
# fixed when this module is imported: right only if the profile was loaded before it was.
@settings(database=None)
@given(st.integers())
def count_default(n: int) -> None:
    tried["default"] += 1


@settings(max_examples=examples(200), database=None)
@given(st.integers())
def count_explicit(n: int) -> None:
    tried["explicit"] += 1


def test_this_sessions_profile_sets_every_count(request: pytest.FixtureRequest) -> None:
    """`make test` passes --hypothesis-profile=quick (10 and 20 examples here), `make check`
    all (100 and 200): the profile is loaded before any test module is imported, so an explicit
    count, fixed when the module is, follows it too. (integers() is never exhausted early.)"""
    name = request.config.getoption("hypothesis_profile")
    profile = settings.get_profile(name) if name else settings()
    count_default()
    count_explicit()
    assert tried == {"default": profile.max_examples, "explicit": examples(200, profile)}


def test_explicit_counts_scale_down_to_a_floor() -> None:
    quick, everything = settings.get_profile(QUICK), settings.get_profile(ALL)
    assert (quick.max_examples, everything.max_examples) == (10, 100)
    assert [examples(n, quick) for n in (1500, 40, 20, 2)] == [150, 4, FLOOR, 2]
    assert [examples(n, everything) for n in (1500, 40, 20, 2)] == [1500, 40, 20, 2]
