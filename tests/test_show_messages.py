"""`python -m ferris_says.show_messages` shows any messages file, however odd, without a traceback.

What the type checker made us look at: the decoded JSON is `object` until checked, so a message
whose params or metadata is not a JSON object is shown in red instead of crashing the viewer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hypothesis_profiles import examples

from ferris_says import show_messages

PIPES_VERSION = "0.1"
METHODS = ["opened", "closed", "log", "report_asset_check", "report_asset_materialization"]
# The params keys show_messages reads, each given any JSON value.
PARAM_KEYS = [
    "extras", "exception", "level", "message", "passed", "severity", "check_name",
    "asset_key", "data_version", "metadata",
]  # fmt: skip

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
metadata_entries = st.fixed_dictionaries(
    {"type": st.sampled_from(["md", "text", "int", "bool", "json"]), "raw_value": json_values}
)
params = st.dictionaries(
    st.sampled_from(PARAM_KEYS),
    json_values | st.dictionaries(st.text(max_size=8), metadata_entries | json_values),
    max_size=4,
)
messages = st.fixed_dictionaries(
    {
        "__dagster_pipes_version": st.just(PIPES_VERSION),
        "method": st.sampled_from(METHODS) | json_values,
        "params": params | json_values,
    }
)


def show(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = show_messages.main([str(path)])
    return code, capsys.readouterr().out


@settings(
    max_examples=examples(150),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(lines=st.lists(messages | json_values, min_size=1, max_size=5))
def test_any_json_lines_are_shown_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[object]
) -> None:
    path = tmp_path / "messages.json"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    code, out = show(path, capsys)
    assert code == 0
    assert "Dagster Pipes messages in" in out


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("bad", [[1], "text", 5, True])
def test_params_that_are_no_object_are_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, bad: object
) -> None:
    path = tmp_path / "messages.json"
    line = {"__dagster_pipes_version": PIPES_VERSION, "method": method, "params": bad}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out = show(path, capsys)
    assert code == 0
    assert "params is not an object" in out


@pytest.mark.parametrize("method", ["report_asset_check", "report_asset_materialization"])
@pytest.mark.parametrize("bad", [[1], "text", 5])
def test_metadata_that_is_no_object_is_flagged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], method: str, bad: object
) -> None:
    path = tmp_path / "messages.json"
    line = {
        "__dagster_pipes_version": PIPES_VERSION,
        "method": method,
        "params": {"asset_key": "ferris", "metadata": bad},
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out = show(path, capsys)
    assert code == 0
    assert "metadata is not an object" in out


def test_markdown_metadata_is_rendered_among_the_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "messages.json"
    line = {
        "__dagster_pipes_version": PIPES_VERSION,
        "method": "report_asset_materialization",
        "params": {
            "asset_key": "ferris",
            "metadata": {
                "ferris": {"type": "md", "raw_value": "**bold** words"},
                "ferris_said": {"type": "text", "raw_value": "hi"},
            },
        },
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out = show(path, capsys)
    assert code == 0
    assert "bold words" in out and "**" not in out  # rendered, not shown as source
    assert "ferris_said (text): hi" in out


@pytest.mark.parametrize("flag", ["-h", "--help"])
@pytest.mark.parametrize("optimize", [[], ["-OO"]])
def test_help_works_even_without_docstrings(flag: str, optimize: list[str]) -> None:
    done = subprocess.run(
        [sys.executable, *optimize, "-m", "ferris_says.show_messages", flag],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "python -m ferris_says.show_messages [FILE]" in done.stdout
