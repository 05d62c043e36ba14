"""Where the Pipes messages go (`ferris_says.pipes.channel`): a messages file that is full, fills
up mid-run or is a FIFO, stdio that is closed; every line whole, under 8 KiB on stdio, and a
message cut to fit its line (`fitted`) keeping what fits. Through the installed command, but
for `fitted`, which is tested as a function."""

from __future__ import annotations

import json
import os
import resource
import signal
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hostile_text import hostile_text
from support.hypothesis_runs import process_runs
from support.run_command import (
    BLOG_METHODS,
    CLEAN_ENV,
    FERRIS,
    closed_reason,
    dagster_env,
    encode,
    error_line,
    needs_dev_full,
    one_error_line,
    read_messages,
    run,
)

from ferris_says import say
from ferris_says.pipes.channel import fitted, line_size

if TYPE_CHECKING:
    from dagster_pipes import PipesMessage


# ---- messages file full or unwritable mid-run ------------------------------------------------


@needs_dev_full
def test_messages_on_dev_full_is_one_line_naming_the_file(cwd: Path) -> None:
    """Nothing can reach Dagster through the file: the line on stderr (which Dagster captures)
    and exit 1 say why, before any picture is printed."""
    done = run(["hi"], cwd, dagster_env("/dev/full"))
    assert done.returncode == 1
    assert done.stdout == b""
    one_error_line(done.stderr, "DAGSTER_PIPES_MESSAGES", "'/dev/full'", "No space left on device")


@needs_dev_full
def test_fake_temp_messages_on_dev_full_names_the_fallback(fake_temp: Path) -> None:
    (fake_temp / "fake_temp" / "messages.json").symlink_to("/dev/full")
    done = run(["hi"], fake_temp)
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "fake_temp/messages.json", "No space left on device")


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_messages_file_full_mid_run_leaves_no_half_line(cwd: Path) -> None:
    """The file takes `opened`, the logs and the checks, then fills up in the middle of the
    materialization (RLIMIT_FSIZE, like a full disk): that half line is taken back, `closed`
    says why, exit 1; the picture was already out."""
    messages = cwd / "messages.jsonl"
    words = "Say, say, say " * 2000  # a materialization line of ~60 KB
    done = run(
        ["-"], cwd, dagster_env(messages), input=words.encode(), preexec_fn=_file_size_limit(16384)
    )
    assert done.returncode == 1
    one_error_line(
        done.stderr, "DAGSTER_PIPES_MESSAGES", "cannot write to messages file", str(messages)
    )
    assert done.stdout == say(words).encode()
    msgs = read_messages(messages)
    assert [m["method"] for m in msgs] == BLOG_METHODS[:5] + ["closed"]
    assert "cannot write to messages file" in closed_reason(msgs)


# ---- FIFOs: never a hang ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_messages_path_a_fifo_nobody_reads_fails_at_once(cwd: Path) -> None:
    os.mkfifo(cwd / "messages.fifo")
    done = run(["hi"], cwd, dagster_env(cwd / "messages.fifo"), timeout=30)
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "DAGSTER_PIPES_MESSAGES", "a FIFO that nobody reads")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_messages_path_a_fifo_with_a_reader_gets_every_line(cwd: Path) -> None:
    fifo = cwd / "messages.fifo"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        done = run(["Say, say, say"], cwd, dagster_env(fifo), timeout=30)
        data = os.read(reader, 1 << 20)
    finally:
        os.close(reader)
    assert done.returncode == 0, done.stderr
    methods = [json.loads(line)["method"] for line in data.decode().splitlines()]
    assert methods == BLOG_METHODS


# ---- 4. stdio messages with the stream closed ------------------------------------------------


@pytest.mark.parametrize("key", ["stdio", "buffered_stdio"])
@pytest.mark.parametrize("stream", ["stdout", "stderr"])
def test_stdio_messages_to_a_closed_stream(cwd: Path, key: str, stream: str) -> None:
    import subprocess


    env = {
        **CLEAN_ENV,
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({key: stream}),
    }
    fd = 1 if stream == "stdout" else 2
    done = subprocess.run(
        ["/bin/sh", "-c", f'exec "$0" "$@" {fd}>&-', FERRIS, "hi"],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=30,
    )
    assert done.returncode == 1, done.stderr
    if stream == "stdout":
        error_line(done.stderr, f"the messages go to {stream}, and {stream} is closed")
    else:
        assert done.stdout == b""


# ---- class F: every message line on stdio is under 8 KiB ---------------------------------------

#: containers.md: every message line on stdio (its newline included) is under 8 KiB, one entry
#: of podman's log.
STDIO_LINE_UNDER = 8 * 1024


RUNS = process_runs(20)



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
    assert lines and json.loads(lines[0])["method"] == "opened"
    assert json.loads(lines[-1])["method"] == "closed"
    for line in lines:
        assert len(line) + 1 < STDIO_LINE_UNDER, (len(line), line[:200])
        json.loads(line)


json_leaves = st.one_of(st.none(), st.booleans(), st.integers(), hostile_text)


messages = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=30) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=40,
).map(lambda params: {"__dagster_pipes_version": "0.1", "method": "closed", "params": params})


@given(message=messages, limit=st.integers(min_value=1024, max_value=10_000))
def test_a_fitted_message_fits_its_line_and_keeps_what_fits(
    message: dict[str, Any], limit: int
) -> None:
    out = fitted(cast("PipesMessage", message), limit)
    assert line_size(out) <= limit
    if line_size(message) <= limit:
        assert out is message
    assert out["method"] == "closed"
