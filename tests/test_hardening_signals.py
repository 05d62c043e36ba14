"""Signals at random points: a run ends with one `interrupted by SIG...` line and 128 + N, and
a reader of the messages sees only whole JSON lines with `closed` last, whatever the signal
(errors.ENDING_SIGNAL_NAMES) and whenever it comes. SIGPIPE is ignored (a failed write says
why instead); an ignored signal (nohup) stays ignored."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from command import CLEAN_ENV, FERRIS, encode
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ferris_says.errors import ENDING_SIGNAL_NAMES

ENDING = [getattr(signal, name) for name in ENDING_SIGNAL_NAMES]
ALL = [*ENDING, signal.SIGINT, signal.SIGPIPE]

RUNS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


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


def check_status(done_code: int, err: bytes, signum: int, methods: list[str]) -> None:
    name = signal.Signals(signum).name
    lines = err.decode("utf-8", "replace").splitlines()
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
