"""`python -m ferris_says.show_messages` shows any messages file, however odd, without a traceback.

What the type checker made us look at: the decoded JSON is `object` until checked, so a message
whose params or metadata is not a JSON object is shown in red instead of crashing the viewer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.hostile_text import hostile_text
from support.hypothesis_profiles import examples
from support.hypothesis_runs import process_runs
from support.run_command import (
    CLEAN_ENV,
    RAW_CONTROLS,
)

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


# ---- class K: show_messages on anything ----------------------------------------------------------


def show_in_process(
    path: Path | str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "ferris_says.show_messages", str(path)],
        cwd=cwd,
        env={**CLEAN_ENV, **(env or {})},
        capture_output=True,
        timeout=30,
    )


def no_raw_control(data: bytes) -> None:
    for raw in RAW_CONTROLS:
        if raw != b"\n":
            assert raw not in data, (raw, data[:500])


RUNS = process_runs(20)



KINDS = ["fifo", "/dev/zero", "/dev/null", "directory", "missing", "deep", "esc", "huge line",
         "bytes", "markdown"]  # fmt: skip


@RUNS
@given(
    kind=st.sampled_from(KINDS),
    depth=st.integers(min_value=1000, max_value=100_000),
    value=hostile_text,
    columns=st.sampled_from(["80", "0", "abc"]),
)
def test_show_messages_shows_anything_as_one_line_or_a_table(
    tmp_path_factory: pytest.TempPathFactory, kind: str, depth: int, value: str, columns: str
) -> None:
    """A FIFO hung, /dev/zero was a MemoryError traceback, 100 K `[` a RecursionError
    traceback, ESC was printed raw: each is one line on stderr (exit 1) or a table (exit 0)."""
    cwd = tmp_path_factory.mktemp("show")
    path = cwd / "messages.json"
    line = {
        "__dagster_pipes_version": "0.1",
        "method": "log",
        "params": {"message": value, "level": value},
    }
    if kind == "fifo":
        os.mkfifo(path)
    elif kind in ("/dev/zero", "/dev/null"):
        path = Path(kind)
    elif kind == "directory":
        path.mkdir()
    elif kind == "deep":
        path.write_text("[" * depth + "\n" + json.dumps(line) + "\n")
    elif kind == "esc":
        path.write_text(json.dumps(line, ensure_ascii=False) + "\n", errors="surrogatepass")
    elif kind == "huge line":
        path.write_text(
            json.dumps({**line, "params": {"message": value * 50}}) + "\n" + "x" * depth
        )
    elif kind == "bytes":
        path.write_bytes(value.encode("utf-8", "surrogatepass") + b"\xff\x1b[31m\n")
    elif kind == "markdown":
        metadata = {"ferris": {"type": "md", "raw_value": f"```\n{value}\x1b[2J\n```\n"}}
        materialization = {
            "__dagster_pipes_version": "0.1",
            "method": "report_asset_materialization",
            "params": {"asset_key": value, "metadata": metadata, "data_version": value},
        }
        path.write_text(json.dumps(materialization) + "\n")
    done = show_in_process(path, cwd, {"COLUMNS": columns})
    assert b"Traceback" not in done.stderr
    no_raw_control(done.stdout)
    no_raw_control(done.stderr)
    if done.returncode == 1:
        assert done.stdout == b""
        assert done.stderr.count(b"\n") == 1, done.stderr
        assert kind in ("fifo", "/dev/zero", "/dev/null", "directory", "missing"), done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert done.stderr == b""
        assert kind not in ("fifo", "/dev/zero", "directory", "missing")
