"""The line writer (issue 23): every line the program writes is bounded once encoded, escaped,
whole, and never written into a file that exists.

Each class of the issue, through the installed command (the cutters themselves are tested as
functions in test_gates_units.py): D (a volumes directory: chunks never overwrite, never follow a
FIFO, stay whole under `ulimit -f`), F (stdio message lines under 8 KiB whatever carries the long
text), H (the error line under any COLUMNS, TERM, FORCE_COLOR), K (`show_messages` on anything).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from command import CLEAN_ENV, RAW_CONTROLS, encode, error_line, run
from hostile import hostile_text
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ferris_says.attributes import PATH_MAX_BYTES

RUNS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# ---- class D: a volumes directory --------------------------------------------------------------


def volume_env(cwd: Path, context: Path) -> dict[str, str]:
    return {
        "DAGSTER_PIPES_CONTEXT": encode({"path": str(context)}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(cwd / "vol")}),
        "FERRIS_SAYS_PIPES_STORE": "volumes",
    }


def chunks(volume: Path) -> list[list[dict[str, Any]]]:
    """Every chunk, 1.json on, each whole JSON lines; none missing in between."""
    names = sorted(p.name for p in volume.iterdir())
    assert names == [f"{n}.json" for n in range(1, len(names) + 1)], names
    return [
        [json.loads(line) for line in (volume / name).read_text().split("\n")] for name in names
    ]


THERE_ALREADY = ["context", "regular file", "fifo", "symlink to the context", "stdout"]


@RUNS
@given(what=st.sampled_from(THERE_ALREADY), number=st.integers(min_value=1, max_value=3))
def test_a_volume_chunk_never_overwrites_or_follows_what_is_there(
    tmp_path_factory: pytest.TempPathFactory, what: str, number: int
) -> None:
    """Context at vol/1.json was overwritten on main, `> vol/2.json` lost the picture, a FIFO
    vol/1.json hung: whatever holds a chunk's name is left alone, and the run says so at once."""
    cwd = tmp_path_factory.mktemp("vol")
    volume = cwd / "vol"
    volume.mkdir()
    taken = volume / f"{number}.json"
    context = cwd / "context.json"
    context.write_text('{"asset_keys": ["ferris"]}')
    if what == "context":
        context = taken
        context.write_text('{"asset_keys": ["ferris"]}')
    elif what == "regular file":
        taken.write_text("someone's")
    elif what == "fifo":
        os.mkfifo(taken)
    elif what == "symlink to the context":
        taken.symlink_to(context)
    before = {
        p.name: (p.lstat().st_mode, p.read_bytes() if p.is_file() else b"")
        for p in volume.iterdir()
    }
    if what == "stdout":
        with open(taken, "wb") as stdout:
            done = run(["hi"], cwd, volume_env(cwd, context), timeout=30, stdout=stdout)
        before = {taken.name: (taken.lstat().st_mode, taken.read_bytes())}
        assert done.returncode == 1
        error_line(done.stderr, "holds", "already")
    else:
        done = run(["hi"], cwd, volume_env(cwd, context), timeout=30)
        assert done.returncode == 1 and done.stdout == b""
        error_line(done.stderr, "Unity Catalog volume directory", f"{number}.json")
    after = {
        p.name: (p.lstat().st_mode, p.read_bytes() if p.is_file() else b"")
        for p in volume.iterdir()
    }
    assert after == before


def file_size_limit(limit: int) -> Any:
    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))

    return limited


@RUNS
@given(
    words=st.text(st.sampled_from("ab é日😀\x01"), min_size=1, max_size=6000),
    limit=st.integers(min_value=600, max_value=20_000),
)
def test_volume_chunks_stay_whole_with_closed_last_under_a_file_size_limit(
    tmp_path_factory: pytest.TempPathFactory, words: str, limit: int
) -> None:
    """Under `ulimit -f 3` a chunk was cut in the middle of a line with no `closed`: every
    chunk is whole JSON lines within the limit, and `closed` comes last."""
    cwd = tmp_path_factory.mktemp("fsize")
    (cwd / "vol").mkdir()
    context = cwd / "context.json"
    context.write_text('{"asset_keys": ["ferris"]}')
    done = run(
        ["--", words],
        cwd,
        volume_env(cwd, context),
        timeout=60,
        preexec_fn=file_size_limit(limit),
        stdout=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    got = chunks(cwd / "vol")
    for path in (cwd / "vol").iterdir():
        assert path.stat().st_size <= limit
    methods = [m["method"] for chunk in got for m in chunk]
    assert methods[0] == "opened" and methods[-1] == "closed" and methods.count("closed") == 1
    assert "report_asset_materialization" in methods


# ---- class F: every message line on stdio is under 8 KiB ---------------------------------------

#: containers.md: every message line on stdio (its newline included) is under 8 KiB, one entry
#: of podman's log.
STDIO_LINE_UNDER = 8 * 1024

LONG_SURFACES = ["--character NAME", "--files PATH", ".cow path", "extras words", "asset key",
                 "partition key", "--asset-key", "extras eyes"]  # fmt: skip


@RUNS
@given(
    surface=st.sampled_from(LONG_SURFACES),
    unit=st.sampled_from(["é", "\x01", "😀", "\\", '"', "日", "a"]),
    count=st.integers(min_value=1000, max_value=6000),
    stream=st.sampled_from(["stderr", "stdout"]),
)
def test_every_message_line_on_stdio_is_under_8_kib(
    tmp_path_factory: pytest.TempPathFactory, surface: str, unit: str, count: int, stream: str
) -> None:
    """`-c` of 5,000 `é` gave a 24,906-byte `closed`; a --files name of 3,000 \\x01 an 11 KB
    line; a 3.9 K .cow path a 10 KB materialization. Whatever carries long text into a message,
    every line Dagster's log reader gets is whole JSON under 8 KiB."""
    cwd = tmp_path_factory.mktemp("stdio")
    long = unit * count
    context: dict[str, Any] = {"asset_keys": ["ferris"]}
    args = ["hi"]
    if surface == "--character NAME":
        args = ["-c", long, "hi"]
    elif surface == "--files PATH":
        args = ["--files", long[:200]]
    elif surface == ".cow path":
        cows = cwd.joinpath(*["d" * 200] * 19)
        cows.mkdir(parents=True)
        (cows / "x.cow").write_text("$the_cow = <<EOC;\n $thoughts\nEOC\n")
        args = ["-c", str(cows / "x.cow"), "hi"]
    elif surface == "extras words":
        context["extras"] = {"words": long}
        args = []
    elif surface == "asset key":
        context["asset_keys"] = [long]
    elif surface == "partition key":
        context["partition_key"] = long
    elif surface == "--asset-key":
        args = ["--asset-key", long, "hi"]
    else:
        context["extras"] = {"eyes": long}
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"data": context}),
        "DAGSTER_PIPES_MESSAGES": encode({"stdio": stream}),
    }
    done = run(args, cwd, env, timeout=60)
    out = done.stdout if stream == "stdout" else done.stderr
    lines = [line for line in out.split(b"\n") if line.startswith(b'{"__dagster_pipes_version"')]
    if surface == "--character NAME" and len(long.encode()) > PATH_MAX_BYTES:
        # No name is longer than a path: refused with the other options, before `opened`.
        assert done.returncode == 2 and lines == [], done.stderr[-300:]
        assert done.stderr.count(b"\n") == 1 and b"longer than any path" in done.stderr
        return
    assert lines and json.loads(lines[0])["method"] == "opened"
    assert json.loads(lines[-1])["method"] == "closed"
    for line in lines:
        assert len(line) + 1 < STDIO_LINE_UNDER, (len(line), line[:200])
        json.loads(line)


# ---- class H: the error line survives any terminal settings ------------------------------------


@RUNS
@example(columns="0", term="xterm-256color", force=None, color="always", lines=None)  # the issue's
@example(columns="0", term="dumb", force="1", color="auto", lines=None)
@given(
    columns=st.sampled_from(["0", "-1", "1", "abc", "", "100000", "99999999999999999999"]),
    term=st.sampled_from(["dumb", "xterm-256color", "unknown", "", "vt100"]),
    force=st.sampled_from([None, "1", "0", ""]),
    color=st.sampled_from(["always", "auto", "never"]),
    lines=st.sampled_from([None, "0", "abc"]),
)
def test_the_error_line_survives_any_columns_term_or_force_color(
    tmp_path_factory: pytest.TempPathFactory,
    columns: str,
    term: str,
    force: str | None,
    color: str,
    lines: str | None,
) -> None:
    """`COLUMNS=0 ferris-says --color always -c nobody hi` exited 2 with empty stderr on main
    (rich's Console): the line is ours to write, whatever the terminal's settings."""
    cwd = tmp_path_factory.mktemp("term")
    env = {"COLUMNS": columns, "TERM": term}
    if force is not None:
        env["FORCE_COLOR"] = force
    if lines is not None:
        env["LINES"] = lines
    done = run(["--color", color, "-c", "nobody", "hi"], cwd, env)
    assert done.returncode == 2 and done.stdout == b""
    plain = done.stderr.replace(b"\x1b[1;31m", b"").replace(b"\x1b[0m", b"")
    error_line(plain, "unknown character 'nobody'")
    picture = run(["--color", color, "hi"], cwd, env)
    assert picture.returncode == 0 and b"< hi >" in picture.stdout, picture.stderr


# ---- class K: show_messages on anything ----------------------------------------------------------


def show(
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
    done = show(path, cwd, {"COLUMNS": columns})
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
