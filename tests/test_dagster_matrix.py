"""tools/dagster_matrix.py plans one line per Dagster minor in the range, over any release list.

The matrix itself (`make test-dagster-matrix`) installs every line; this checks its planning and
reading without the network: which lines exist for generated release histories and floors,
what each installs, and how a pytest log's closing line is read.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from packaging.requirements import Requirement
from packaging.version import Version

TOOL = Path(__file__).resolve().parent.parent / "tools" / "dagster_matrix.py"


def load_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dagster_matrix", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # dataclasses looks the module up by name while the class is made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


matrix = load_tool()

releases = st.lists(
    st.tuples(st.integers(1, 2), st.integers(0, 20), st.integers(0, 30)), min_size=1, max_size=40
).map(lambda parts: [Version(f"{a}.{b}.{c}") for a, b, c in parts])
floors = st.tuples(st.integers(1, 2), st.integers(0, 20), st.integers(0, 30)).map(
    lambda parts: Version("{}.{}.{}".format(*parts))
)


def minor_of(version: Version) -> tuple[int, int]:
    return version.major, version.minor


@given(releases, floors, floors)
def test_a_line_per_minor_from_the_floor_and_per_floor(
    versions: list[Version], first: Version, extra_floor: Version
) -> None:
    protocol = Requirement(f"dagster-pipes>={first}")
    extra = Requirement(f"dagster>={extra_floor}")
    lines = matrix.plan(versions, protocol, extra)
    newest = {minor_of(v): max(w for w in versions if minor_of(w) == minor_of(v)) for v in versions}
    in_range = sorted(m for m in newest if m >= minor_of(first))
    names = [line.name for line in lines]
    assert len(names) == len(set(names))
    # A core line per minor at its newest patch ...
    core = [line for line in lines if line.requirements[0].endswith(".*") and "core" in line.name]
    assert [line.minor for line in core] == in_range
    # ... a component line per minor the extra admits ...
    component = [
        line
        for line in lines
        if line.name.startswith("component-") and line.requirements[0].endswith(".*")
    ]
    admitted = {
        m
        for m in in_range
        if any(extra.specifier.contains(v) for v in versions if minor_of(v) == m)
    }
    assert {line.minor for line in component} == admitted
    # ... and the floors exactly, unless the floor is that minor's newest patch.
    expect_core_floor = minor_of(first) in newest and newest[minor_of(first)] != first
    assert (f"core-{first}" in names) == expect_core_floor
    expect_extra_floor = (
        minor_of(extra_floor) in in_range and newest[minor_of(extra_floor)] != extra_floor
    )
    assert (f"component-{extra_floor}" in names) == expect_extra_floor
    for line in lines:
        major, minor = line.minor
        pattern = (
            "*" if line.requirements[0].endswith(".*") else line.requirements[0].split(".")[-1]
        )
        assert line.requirements[0] == f"dagster=={major}.{minor}.{pattern}"
        assert {"pytest", "hypothesis"} <= set(line.requirements)
        assert ("six" in line.requirements) == (line.minor == (1, 8))
        if line.name.startswith("component-"):
            assert f"dagster-dg-cli=={major}.{minor}.{pattern}" in line.requirements
            assert f"dagster-docker==0.{minor + 16}.{pattern}" in line.requirements
            assert line.project == ".[dagster]"
            assert line.tests == matrix.COMPONENT_TESTS
        else:
            assert line.tests == matrix.CORE_TESTS


def test_the_floors_come_from_ferris_says_own_metadata() -> None:
    protocol = matrix.requirement_floor("dagster-pipes", None)
    assert matrix.lower_bound(protocol) == Version("1.8.4")
    extra = matrix.requirement_floor("dagster", "dagster")
    assert matrix.lower_bound(extra).release[:2] == (1, 11)


def test_a_requirement_without_a_floor_is_refused() -> None:
    with pytest.raises(SystemExit, match="no lower bound"):
        matrix.lower_bound(Requirement("dagster-pipes<2"))


@pytest.mark.parametrize(
    ("log", "summary"),
    [
        ("....\n161 passed in 83.68s (0:01:23)\n", "161 passed in 83.68s (0:01:23)"),
        (
            "F.\n2 failed, 35 passed, 1 warning in 112.80s\n",
            "2 failed, 35 passed, 1 warning in 112.80s",
        ),
        ("===== 3 passed, 1 skipped in 1.00s =====\n", "3 passed, 1 skipped in 1.00s"),
        ("ImportError while loading conftest\n", ""),
    ],
)
def test_the_closing_pytest_line_is_the_summary(tmp_path: Path, log: str, summary: str) -> None:
    path = tmp_path / "line.log"
    path.write_text("$ python -m pytest\n" + log)
    assert matrix.last_pytest_summary(path) == summary
