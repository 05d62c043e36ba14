"""Signals at random points: a run ends with one `interrupted by SIG...` line and 128 + N, and
a reader of the messages sees only whole JSON lines with `closed` last, whatever the signal
(errors.ENDING_SIGNAL_NAMES) and whenever it comes: waiting on stdin, wrapping megabytes, or in
the middle of a message line. SIGPIPE is ignored (a failed write says why instead); an ignored
signal (nohup) stays ignored."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support.hypothesis_runs import process_runs
from support.run_command import (
    CLEAN_ENV,
    FERRIS,
    big_text,
    closed_reason,
    dagster_env,
    encode,
    one_error_line,
    read_messages,
)
from support.slow import sample

from ferris_says.errors import ENDING_SIGNAL_NAMES

ENDING = [getattr(signal, name) for name in ENDING_SIGNAL_NAMES]
ALL = [*ENDING, signal.SIGINT, signal.SIGPIPE]

RUNS = process_runs(30)
PACKAGE_MAIN = re.compile(r'/ferris_says/\w+\.py", line \d+, in \w*main$')


class Reader(threading.Thread):
    """Reads a FIFO to its end, as Dagster's message reader would."""

    def __init__(self, fd: int):
        super().__init__(daemon=True)
        self.fd = fd
        self.data = b""
        self.writer_gone = threading.Event()  # set once the process has exited

    def run(self) -> None:
        import select

        while True:
            select.select([self.fd], [], [], 0.1)
            try:
                chunk = os.read(self.fd, 1 << 20)
            except BlockingIOError:  # no writer yet, or nothing written yet
                chunk = None
            if chunk:
                self.data += chunk
            elif self.writer_gone.is_set():
                return


def whole_lines(data: bytes) -> list[str]:
    assert data == b"" or data.endswith(b"\n"), data[-200:]
    methods = [json.loads(line)["method"] for line in data.splitlines()]
    if methods:
        assert methods[0] == "opened" and methods[-1] == "closed", methods
        assert methods.count("closed") == 1
    return methods


def interrupted_python_starting(signum: int, lines: list[str]) -> bool:
    """Python's own KeyboardInterrupt while the interpreter starts (site, the script's path) or
    imports the command's module, before `main` (which catches it) is running: documented in
    errors.md as Python's."""
    frames = [line.strip() for line in lines if line.lstrip().startswith('File "')]
    return (
        signum == signal.SIGINT
        and "KeyboardInterrupt" in lines
        and bool(frames)
        and not any(PACKAGE_MAIN.search(frame) for frame in frames)
    )


def check_status(done_code: int, err: bytes, signum: int, methods: list[str]) -> None:
    name = signal.Signals(signum).name
    lines = err.decode("utf-8", "replace").splitlines()
    if interrupted_python_starting(signum, lines):
        # Python stops while starting (exit 1) or importing (it ends itself by SIGINT), nothing
        # sent; or it only warns (the script's path check) and the run goes on to its end.
        stopped = done_code in (1, -signum) and methods == []
        assert stopped or (done_code == 0 and methods[-1:] == ["closed"]), (done_code, err)
        return
    if signum == signal.SIGPIPE and done_code != -signum:
        assert done_code == 0 and lines == [], (done_code, err)
        return
    if done_code == 0:  # the signal came after the run's end
        assert lines == []
        return
    if done_code == -signum:
        # Before any handler (Python still starting, SIGPIPE not yet ignored, the package
        # importing): nothing was sent. Or after the run, once the handlers are restored on
        # the way out: everything was sent, `closed` last (whole_lines checks it).
        assert methods == [] or methods[-1] == "closed", methods
        return
    assert done_code == 128 + signum, (done_code, err)
    assert len(lines) == 1 and lines[0] == f"ferris-says: error: interrupted by {name}", err
    if methods:
        assert methods[-1] == "closed"


@RUNS
@given(
    signum=st.sampled_from(ALL),
    delay=st.floats(0.0, 0.8),
    to_fifo=st.booleans(),
)
def test_a_signal_at_any_point_of_a_session(
    tmp_path_factory: pytest.TempPathFactory, signum: int, delay: float, to_fifo: bool
) -> None:
    cwd = tmp_path_factory.mktemp("sig")
    words = cwd / "words.txt"
    words.write_text("Say, say, say " * 30_000)  # ~ 420 KB: the session lasts half a second
    messages = cwd / ("messages.fifo" if to_fifo else "messages.jsonl")
    reader = None
    if to_fifo:
        os.mkfifo(messages)
        fd = os.open(messages, os.O_RDONLY | os.O_NONBLOCK)
        reader = Reader(fd)
        reader.start()
    env = {
        **CLEAN_ENV,
        "DAGSTER_PIPES_CONTEXT": encode({"data": {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }
    process = subprocess.Popen(
        [FERRIS, "--width", "40", "--files", str(words)],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    time.sleep(delay)
    if process.poll() is None:
        process.send_signal(signum)
    _, err = process.communicate(timeout=120)
    if reader is not None:
        reader.writer_gone.set()
        reader.join()
        os.close(reader.fd)
        data = reader.data
    else:
        data = messages.read_bytes() if messages.exists() else b""
    methods = whole_lines(data)
    check_status(process.returncode, err, signum, methods)


def wait_blocked_on_stdin(process: subprocess.Popen[bytes]) -> None:
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if "pipe" in wchan.read_text():
                time.sleep(0.05)
                return
        except OSError:
            break
        time.sleep(0.01)
    time.sleep(1)


@pytest.mark.parametrize("signum", ENDING, ids=lambda n: signal.Signals(n).name)
@pytest.mark.parametrize("session", [False, True])
def test_each_ending_signal_gives_its_line_and_status(
    tmp_path: Path, signum: int, session: bool
) -> None:
    """Outside a session (the shell) as inside one: one line, 128 + N; the README says so."""
    env = dict(CLEAN_ENV)
    messages = tmp_path / "m.jsonl"
    args = [FERRIS, "-"]
    if session:  # `-` read from stdin: a session waiting on stdin
        env["DAGSTER_PIPES_CONTEXT"] = encode({"data": {"asset_keys": ["ferris"]}})
        env["DAGSTER_PIPES_MESSAGES"] = encode({"path": str(messages)})
    process = subprocess.Popen(
        args,
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_blocked_on_stdin(process)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    name = signal.Signals(signum).name
    assert process.returncode == 128 + signum, (process.returncode, err)
    assert err.decode() == f"ferris-says: error: interrupted by {name}\n"
    assert out == b""
    if session:
        methods = whole_lines(messages.read_bytes())
        assert methods == ["opened", "closed"]
        closed = json.loads(messages.read_bytes().splitlines()[-1])
        assert f"interrupted by {name}" in closed["params"]["exception"]["message"]


@pytest.mark.parametrize("session", [False, True])
def test_an_ignored_sighup_stays_ignored(tmp_path: Path, session: bool) -> None:
    """nohup: SIGHUP ignored before the command starts is not taken over."""
    env = dict(CLEAN_ENV)
    if session:
        env["DAGSTER_PIPES_CONTEXT"] = encode({"data": {"asset_keys": ["ferris"]}})
        env["DAGSTER_PIPES_MESSAGES"] = encode({"path": str(tmp_path / "m.jsonl")})

    def ignore_hup() -> None:
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    process = subprocess.Popen(
        [FERRIS, "-"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=ignore_hup,
    )
    wait_blocked_on_stdin(process)
    process.send_signal(signal.SIGHUP)
    out, err = process.communicate(b"still here", timeout=60)
    assert process.returncode == 0, err
    assert b"still here" in out


def wait_until_reading_stdin(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    """Until the process sleeps in a read of its (empty) stdin pipe: past start-up for sure."""
    wchan = Path(f"/proc/{process.pid}/wchan")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return
        try:
            if "pipe" in wchan.read_text():
                time.sleep(0.05)
                return
        except OSError:
            time.sleep(2)  # no /proc: give start-up time
            return
        time.sleep(0.01)


def wait_for_line(
    path: Path, needle: str, process: subprocess.Popen[bytes], timeout: float = 60.0
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and needle in path.read_text(errors="replace"):
            return
        time.sleep(0.01)
    raise AssertionError(f"{needle!r} never reached {path}")


def test_a_signal_in_the_middle_of_a_message_line_waits_for_the_line(fake_temp: Path) -> None:
    """SIGTERM lands between two partial writes of one line: the line is finished first, then
    the run ends with `closed` (without the hold, half a line would precede `closed`)."""
    script = (
        "import os, signal, sys\n"
        "from ferris_says.errors import FerrisInterrupted\n"
        "from ferris_says.pipes import pipes_session\n"
        "real_write = os.write\n"
        "def dribble(fd, data):\n"
        "    if fd <= 2:\n"
        "        return real_write(fd, data)\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return real_write(fd, bytes(data[:16]))\n"
        "try:\n"
        "    with pipes_session() as session:\n"
        "        os.write = dribble\n"
        "        session.context.log.info('ferris will now speak')\n"
        "        sys.exit(0)\n"
        "except FerrisInterrupted as error:\n"
        "    sys.exit(error.exit_code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=fake_temp,
        env=CLEAN_ENV,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 143, done.stderr
    msgs = read_messages(fake_temp / "fake_temp" / "messages.json")
    assert [m["method"] for m in msgs] == ["opened", "log", "closed"]
    assert "SIGTERM" in closed_reason(msgs)


# ---- signals during a long run, interrupts while reading stdin -------------------------------


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
# Megabytes wrapped each time: `make test` sends the signals to a session from the environment.
@pytest.mark.parametrize("where", sample(["fake_temp", "env"], lambda where: where == "env"))
def test_signal_while_wrapping_megabytes(
    fake_temp: Path, signum: int, code: int, where: str
) -> None:
    """The signal lands while Ferris wraps 2 MB (seconds of work): `closed` with the reason,
    exit 128 + signal, one line on stderr, no picture, every message line whole."""
    if where == "env":
        messages = fake_temp / "messages.jsonl"
        env = dagster_env(messages)
        shutil.rmtree(fake_temp / "fake_temp")
    else:
        messages, env = fake_temp / "fake_temp" / "messages.json", {}
    process = subprocess.Popen(
        [FERRIS, "-w", "40", "-"],
        cwd=fake_temp,
        env={**CLEAN_ENV, **env},
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdin.write(big_text(2).encode())
    process.stdin.close()
    process.stdin = None  # so that communicate() does not flush it
    wait_for_line(messages, "ferris will now speak", process)  # stdin read; wrapping now
    time.sleep(0.2)
    process.send_signal(signum)
    out, err = process.communicate(timeout=60)
    assert process.returncode == code
    assert out == b""
    one_error_line(err, f"interrupted by {signal.Signals(signum).name}")
    msgs = read_messages(messages)
    assert [m["method"] for m in msgs] == ["opened", "log", "closed"]
    assert signal.Signals(signum).name in closed_reason(msgs)


@pytest.mark.parametrize("args", [[], ["-"], ["-w", "5", "-"]])
def test_ctrl_c_while_reading_stdin_without_dagster(cwd: Path, args: Sequence[str]) -> None:
    process = subprocess.Popen(
        [FERRIS, *args],
        cwd=cwd,
        env=CLEAN_ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    process.stdin.write(b"half a sentence")
    process.stdin.flush()
    wait_until_reading_stdin(process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert out == b""
    one_error_line(err, "interrupted by SIGINT")


def test_sigterm_at_any_moment_leaves_only_whole_lines(fake_temp: Path) -> None:
    """SIGTERM at staggered moments of a run on 1 MB (start-up, reading, wrapping, writing the
    messages): every line in the file is whole JSON and a run that opened also closed."""
    words = ("ferris " * 150_000).encode()
    for delay in (0.0, 0.05, 0.1, 0.2, 0.3, 0.5):
        messages = fake_temp / "fake_temp" / "messages.json"
        messages.unlink(missing_ok=True)
        process = subprocess.Popen(
            [FERRIS, "-"],
            cwd=fake_temp,
            env=CLEAN_ENV,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        assert process.stdin is not None and process.stderr is not None
        process.stdin.write(words)
        process.stdin.close()
        time.sleep(delay)
        process.send_signal(signal.SIGTERM)
        err = process.stderr.read()
        process.stderr.close()
        code = process.wait(timeout=60)
        assert code in (0, 143, -signal.SIGTERM), (delay, code, err)
        assert b"Traceback" not in err
        msgs = read_messages(messages) if messages.exists() else []
        if msgs:
            methods = [m["method"] for m in msgs]
            assert methods[0] == "opened" and methods[-1] == "closed", (delay, methods)
            if code == 143:
                assert "SIGTERM" in closed_reason(msgs)
