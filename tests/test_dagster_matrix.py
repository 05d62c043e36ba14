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
minors = st.tuples(st.integers(1, 2), st.integers(0, 20))


@given(releases, minors, minors)
def test_a_core_line_per_minor_from_the_floor_and_a_component_line_per_admitted_one(
    versions: list[Version], first: tuple[int, int], extra_floor: tuple[int, int]
) -> None:
    extra = Requirement(f"dagster>={extra_floor[0]}.{extra_floor[1]}")
    lines = matrix.plan(versions, first, extra)
    existing = {(v.major, v.minor) for v in versions}
    core = [line for line in lines if line.name.startswith("core-")]
    component = [line for line in lines if line.name.startswith("component-")]
    assert [line.minor for line in core] == sorted(m for m in existing if m >= first)
    assert {line.minor for line in component} == {
        m for m in existing if m >= first and m >= extra_floor
    }
    for line in lines:
        major, minor = line.minor
        assert line.requirements[0] == f"dagster=={major}.{minor}.*"
        assert {"pytest", "hypothesis"} <= set(line.requirements)
        assert ("six" in line.requirements) == (line.minor == (1, 8))
    for line in component:
        major, minor = line.minor
        assert f"dagster-dg-cli=={major}.{minor}.*" in line.requirements
        assert f"dagster-docker==0.{minor + 16}.*" in line.requirements
        assert line.project == ".[dagster]"
        assert line.tests == ["tests/test_component*.py"]


def test_the_floors_come_from_ferris_says_own_metadata() -> None:
    protocol = matrix.requirement_floor("dagster-pipes", None)
    assert matrix.lowest_admitted_minor(protocol) == (1, 8)
    extra = matrix.requirement_floor("dagster", "dagster")
    assert extra.specifier.contains("1.11.0") and not extra.specifier.contains("1.10.21")


def test_a_requirement_without_a_floor_is_refused() -> None:
    with pytest.raises(SystemExit, match="no lower bound"):
        matrix.lowest_admitted_minor(Requirement("dagster-pipes<2"))


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
