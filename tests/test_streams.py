"""The standard streams (`ferris_says.streams`), through the real installed command: stdout
closed, full or non-blocking, stderr closed or full, and the error line whatever the terminal.

Each failure gives one line on stderr (``ferris-says: error: ...``) naming what was wrong, a
documented exit code (README, "Exit codes and errors"), no traceback without ``--verbose``,
nothing on stdout unless the picture was already out, and, when a Pipes session was open,
``closed`` carrying the reason. `line_bytes`, which bounds every stderr line, is tested as a
function too.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support.hostile_text import hostile_text
from support.hypothesis_runs import process_runs
from support.run_command import (
    CLEAN_ENV,
    FERRIS,
    closed_reason,
    dagster_env,
    error_line,
    in_shell,
    needs_dev_full,
    one_error_line,
    read_messages,
    run,
)

from ferris_says import say
from ferris_says.streams import line_bytes

if TYPE_CHECKING:
    pass


# ---- stdout: closed entirely, full -----------------------------------------------------------

OUTPUTS = [
    ["hi"],
    ["-w", "3", "hi"],
    ["-c", "cow", "hi"],
    ["--list-characters"],
    ["--help"],
    ["--version"],
]


@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_stdout_closed_entirely(cwd: Path, args: Sequence[str]) -> None:
    done = in_shell(">&-", args, cwd)
    assert done.returncode == 1
    one_error_line(done.stderr, "stdout is closed")


@needs_dev_full
@pytest.mark.parametrize("args", OUTPUTS, ids=" ".join)
def test_stdout_full(cwd: Path, args: Sequence[str]) -> None:
    """ENOSPC: one line, exit 1, and no "Exception ignored" / exit 120 from Python's final flush."""
    done = in_shell(">/dev/full", args, cwd)
    assert done.returncode == 1
    one_error_line(done.stderr, "cannot write to stdout", "No space left on device")


@needs_dev_full
def test_stdout_full_under_a_session_is_closed_with_the_reason(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    done = in_shell(">/dev/full", ["hi"], cwd, dagster_env(messages))
    assert done.returncode == 1
    one_error_line(done.stderr, "cannot write to stdout")
    assert "cannot write to stdout" in closed_reason(read_messages(messages))


def test_stdout_closed_under_a_session_fails_before_reading_stdin(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    done = in_shell(">&-", ["-"], cwd, dagster_env(messages), input=b"never read")
    assert done.returncode == 1
    one_error_line(done.stderr, "stdout is closed")
    msgs = read_messages(messages)
    assert "stdout is closed" in closed_reason(msgs)
    assert [m["method"] for m in msgs] == ["opened", "closed"]  # not even "will now speak"


def test_reader_leaving_under_a_session_is_quiet_but_reaches_dagster(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    process = subprocess.Popen(
        [FERRIS, "-w", "40", "-"],
        cwd=cwd,
        env={**CLEAN_ENV, **dagster_env(messages)},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdin.write(b"word " * 400_000)
    process.stdin.close()
    assert process.stdout.read(10) == b" " + b"_" * 9
    process.stdout.close()
    assert process.wait(timeout=120) == 1
    assert process.stderr.read() == b""
    process.stderr.close()
    assert "broken pipe" in closed_reason(read_messages(messages))


def test_nonblocking_stdout_gets_the_whole_picture(cwd: Path) -> None:
    """A parent that set O_NONBLOCK on the pipe (node does): wait for room, never EAGAIN."""
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETFL, fcntl.fcntl(write_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    text = "word " * 100_000
    process = subprocess.Popen(
        [FERRIS, "-w", "40", "-"],
        cwd=cwd,
        env=CLEAN_ENV,
        stdin=subprocess.PIPE,
        stdout=write_end,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stderr is not None
    os.close(write_end)
    process.stdin.write(text.encode())
    process.stdin.close()
    chunks = []
    with os.fdopen(read_end, "rb") as reader:
        time.sleep(0.5)  # let the pipe fill up first
        while chunk := reader.read(65536):
            chunks.append(chunk)
    assert process.wait(timeout=120) == 0, process.stderr.read()
    process.stderr.close()
    assert b"".join(chunks) == say(text, 40).encode()


# ---- stderr closed or full: never changes the outcome ----------------------------------------


@pytest.mark.parametrize("redirect", ["2>&-", "2>/dev/full"])
@pytest.mark.parametrize(
    "args,code", [(["-v", "hi"], 0), (["-c", "nobody", "hi"], 2), (["-w", "x", "hi"], 2)]
)
def test_stderr_closed_or_full_keeps_the_exit_code(
    cwd: Path, redirect: str, args: Sequence[str], code: int
) -> None:
    if "full" in redirect and not os.path.exists("/dev/full"):
        pytest.skip("needs /dev/full")
    done = in_shell(redirect, args, cwd)
    assert done.returncode == code  # not 1 for a failed trace, not 120 from the final flush
    if code == 0:
        assert done.stdout == say("hi").encode()


RUNS = process_runs(20)



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


@given(
    text=hostile_text,
    encoding=st.sampled_from(["utf-8", "ascii", "latin-1", "cp1252", "euc-jp"]),
    head=st.sampled_from(["ferris-says: error: ", "ferris-says: \x1b[1;31merror:\x1b[0m ", ""]),
)
def test_a_stderr_line_is_one_line_within_4_kib_in_any_encoding(
    text: str, encoding: str, head: str
) -> None:
    data = line_bytes(head, text * 3, encoding)
    assert len(data) <= 4096
    assert data.endswith(b"\n")
    body = data[len(head.encode(encoding)) :].decode(encoding)[:-1]
    assert body.isprintable() and "\n" not in body
