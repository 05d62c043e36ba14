"""The hypothesis profiles `make test` and `make check` choose between (tests/support)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import settings
from support.hypothesis_profiles import ALL, FLOOR, QUICK, examples

TESTS = Path(__file__).resolve().parent

COUNTING_MODULE = """
from hypothesis import given, settings, strategies as st
from support.hypothesis_profiles import examples

tried = {"default": 0, "explicit": 0}


@given(st.integers())
def test_default(n):
    tried["default"] += 1


@settings(max_examples=examples(1500), database=None)
@given(st.integers())
def test_explicit(n):
    tried["explicit"] += 1


def test_zz_report():
    print("TRIED", tried["default"], tried["explicit"])
"""


def tried(tmp_path: Path, *options: str) -> list[str]:
    """How many examples each test of COUNTING_MODULE tried, run by pytest with ``options``."""
    (tmp_path / "test_counting.py").write_text(COUNTING_MODULE)
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS")}
    env.update(PYTHONPATH=str(TESTS))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "support.hypothesis_profiles", "-s", "-q",
         "-p", "no:cacheprovider", "--rootdir", str(tmp_path), *options, str(tmp_path)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    (counts,) = re.findall(r"TRIED (\d+) (\d+)", done.stdout)
    return list(counts)


def test_quick_tries_a_tenth_of_every_count_all_tries_them_all(tmp_path: Path) -> None:
    """Through pytest itself: the profile is loaded before the test module is imported, so an
    explicit count, fixed when the module is, is scaled too. (Hypothesis stops early once a
    small strategy is exhausted: integers() never is.)"""
    assert tried(tmp_path, f"--hypothesis-profile={QUICK}") == ["10", "150"]
    assert tried(tmp_path, f"--hypothesis-profile={ALL}") == ["100", "1500"]


def test_explicit_counts_scale_down_to_a_floor() -> None:
    quick, everything = settings.get_profile(QUICK), settings.get_profile(ALL)
    assert [examples(n, quick) for n in (1500, 40, 20, 2)] == [150, 4, FLOOR, 2]
    assert [examples(n, everything) for n in (1500, 40, 20, 2)] == [1500, 40, 20, 2]
