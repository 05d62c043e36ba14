"""A Pipes volumes directory (`ferris_says.pipes.stores.volumes`), through the installed command:
its chunks never overwrite what is there, never follow a FIFO, and stay whole JSON lines with
`closed` last under `ulimit -f`.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_runs import process_runs
from support.run_command import (
    encode,
    error_line,
    run,
)

RUNS = process_runs(20)


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
