"""Hardening: every way a user, a shell or Dagster can hand ``ferris-says`` something wrong ends
well, through the real installed command.

Each failure must give one line on stderr (``ferris-says: error: ...``) naming what was wrong,
a documented exit code (README, "Exit codes and errors"), no traceback without ``--verbose``,
nothing on stdout unless the picture was already out, and, when a Pipes session was open,
``closed`` carrying the reason, with every line of the messages file whole JSON.

What the other test files already cover (malformed DAGSTER_PIPES_* at every stage, an invalid
fake_temp/context.json, asset keys, bad --width and --files, non-UTF-8 arguments, ``| head -c``,
an ASCII locale, a terminal stdin, 16 concurrent writers, signals while waiting on stdin) is not
repeated here; this file adds the rest.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from command import BLOG_METHODS, CLEAN_ENV, FERRIS, encode, read_messages, run, sha256
from hypothesis import given, settings
from hypothesis import strategies as st

from ferris_says import say
from ferris_says.bubble import MAX_WIDTH
from ferris_says.bubble import default_width as utf8_length
from ferris_says.pipes import metadata

needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")


# ---- helpers --------------------------------------------------------------------------------


def dagster_env(messages: Path | str, data: dict[str, Any] | None = None) -> dict[str, str]:
    """A run as PipesEnvContextInjector + PipesTempFileMessageReader would set it up."""
    return {
        "DAGSTER_PIPES_CONTEXT": encode({"data": data or {"asset_keys": ["ferris"]}}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }


def in_shell(
    redirect: str,
    args: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    input: bytes | None = b"",
) -> subprocess.CompletedProcess[bytes]:
    """The command with a shell redirection applied to it, e.g. ``>&-`` or ``<&-``."""
    script = f'exec "$0" "$@" {redirect}'
    return subprocess.run(
        ["/bin/sh", "-c", script, FERRIS, *args],
        cwd=cwd,
        env={**CLEAN_ENV, **(env or {})},
        input=input,
        capture_output=True,
        timeout=60,
    )


def one_error_line(stderr: bytes, *fragments: str) -> str:
    text = stderr.decode("utf-8", "replace")
    lines = text.splitlines()
    assert len(lines) == 1, text
    assert lines[0].startswith("ferris-says: error: "), text
    assert "Traceback" not in text
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def closed_reason(messages: list[dict[str, Any]]) -> str:
    assert messages[0]["method"] == "opened"
    assert messages[-1]["method"] == "closed", [m["method"] for m in messages]
    assert [m["method"] for m in messages].count("closed") == 1
    reason: str = messages[-1]["params"]["exception"]["message"]
    return reason


def wait_blocked_on_stdin(process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
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


@pytest.fixture
def cwd(tmp_path: Path) -> Path:
    """An empty working directory: no fake_temp/, so no session unless variables say so."""
    return tmp_path


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


# ---- stdin: closed, a directory, not UTF-8, non-blocking, huge -------------------------------


@pytest.mark.parametrize("args", [[], ["-"]], ids=["no-words", "dash"])
def test_stdin_closed_is_nothing_to_say(cwd: Path, args: Sequence[str]) -> None:
    done = in_shell("<&-", args, cwd)
    assert done.returncode == 2
    assert done.stdout == b""
    one_error_line(done.stderr, "nothing to say", "stdin is closed")


@pytest.mark.parametrize("args", [[], ["-"]], ids=["no-words", "dash"])
def test_stdin_a_directory_is_refused_by_python_itself(cwd: Path, args: Sequence[str]) -> None:
    """Documented limitation: CPython refuses a directory on fd 0 before any of our code runs
    ("Fatal Python error: init_sys_streams: <stdin> is a directory"). Exit 1, nothing on
    stdout; the message is Python's, not ours."""
    root = os.open("/", os.O_RDONLY)
    try:
        done = run(args, cwd, stdin=root)
    finally:
        os.close(root)
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"<stdin> is a directory" in done.stderr


@pytest.mark.parametrize("args", [[], ["-"], ["-w", "5"]])
def test_stdin_not_utf8_names_the_byte_and_offset(cwd: Path, args: Sequence[str]) -> None:
    good = "ferris はなす ".encode() * 1000
    done = run(args, cwd, input=good + b"\xc3\x28 tail")
    assert done.returncode == 1
    assert done.stdout == b""
    one_error_line(done.stderr, "stdin: is not valid UTF-8", "0xc3", f"offset {len(good)}")


def test_stdin_not_utf8_under_dagster_reaches_closed(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    done = run(["-"], cwd, dagster_env(messages), input=b"\xff")
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "stdin: is not valid UTF-8")
    assert "stdin: is not valid UTF-8" in closed_reason(read_messages(messages))


def test_nonblocking_stdin_is_waited_on(cwd: Path) -> None:
    read_end, write_end = os.pipe()
    fcntl.fcntl(read_end, fcntl.F_SETFL, fcntl.fcntl(read_end, fcntl.F_GETFL) | os.O_NONBLOCK)
    process = subprocess.Popen(
        [FERRIS, "-"],
        cwd=cwd,
        env=CLEAN_ENV,
        stdin=read_end,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    os.close(read_end)
    for part in (b"slow ", b"words ", b"arrive"):
        time.sleep(0.2)
        os.write(write_end, part)
    os.close(write_end)
    out, err = process.communicate(timeout=60)
    assert (process.returncode, out, err) == (0, say("slow words arrive").encode(), b"")


def _big_text(megabytes: int) -> str:
    rng = random.Random(4)
    words = ["ferris", "says", "crab", "パイプ", "言葉", "wrap-around", "🦀", "naïve"]
    out, size = [], 0
    while size < megabytes * 1_000_000:
        line = " ".join(rng.choice(words) for _ in range(12))
        out.append(line)
        size += len(line.encode()) + 1
    return "\n".join(out)


def test_ten_megabytes_through_stdin_under_a_session(fake_temp: Path) -> None:
    """The whole picture on stdout, the data version over every byte, and the messages small:
    metadata is capped, so no message line grows with the input."""
    text = _big_text(10)
    done = run(["-"], fake_temp, input=text.encode(), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout == say(text).encode()
    messages_file = fake_temp / "fake_temp" / "messages.json"
    assert messages_file.stat().st_size < 3 * metadata.METADATA_CAP_BYTES
    messages = read_messages(messages_file)
    assert [m["method"] for m in messages] == BLOG_METHODS
    materialization = messages[5]["params"]
    assert materialization["data_version"] == sha256(text)
    said = materialization["metadata"]["ferris_said"]["raw_value"]
    assert said.startswith(text[:1000]) and f"of {len(text.encode())} bytes" in said
    count = messages[4]["params"]["metadata"]["number_of_words_spoken_by_ferris"]["raw_value"]
    assert count == len(text.split())


def _peak_rss_mb(args: Sequence[str], cwd: Path, input_path: Path) -> float:
    """Peak RSS of one run of the command, measured by a fresh parent that has no other child."""
    probe = (
        "import resource, subprocess, sys\n"
        "with open(sys.argv[1], 'rb') as stdin:\n"
        "    code = subprocess.call(sys.argv[2:], stdin=stdin, stdout=subprocess.DEVNULL)\n"
        "assert code == 0, code\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, str(input_path), FERRIS, *args],
        cwd=cwd,
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return int(done.stdout) / 1024


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss in KiB is Linux's")
def test_memory_grows_with_the_input_not_faster(fake_temp: Path) -> None:
    """Peak RSS at 2 MB and 8 MB of stdin, under a session: the extra for 4x the input is at
    most ~4x the extra of the first (generous: 6x), never a quadratic blow-up."""
    small, big = fake_temp / "2mb.txt", fake_temp / "8mb.txt"
    small.write_text(_big_text(2), encoding="utf-8")
    big.write_text(_big_text(8), encoding="utf-8")
    baseline = _peak_rss_mb(["hi"], fake_temp, small)
    at_2 = _peak_rss_mb(["-"], fake_temp, small) - baseline
    at_8 = _peak_rss_mb(["-"], fake_temp, big) - baseline
    assert at_8 < 6 * max(at_2, 1), (baseline, at_2, at_8)


# ---- the helpers behind the caps: same answers as the whole-text versions --------------------


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300), st.integers(min_value=0, max_value=64))
def test_cap_and_hash_in_chunks_equal_the_whole_text(
    monkeypatch_chunk: None, text: str, limit: int
) -> None:
    encoded = text.encode("utf-8", "surrogatepass")
    assert utf8_length(text) == len(encoded)
    shown, total, cut = metadata.cap(text, limit)
    if len(encoded) <= limit:
        assert shown == text and not cut
    else:
        assert cut and total == len(encoded)
        assert shown == encoded[:limit].decode("utf-8", "ignore")
    assert metadata.data_version(text, None) == hashlib.sha256(encoded).hexdigest()


@pytest.fixture(scope="module")
def monkeypatch_chunk() -> Iterator[None]:
    """Tiny chunks, so that a few hundred characters cross many chunk boundaries."""
    saved = metadata.CHUNK
    metadata.CHUNK = 7
    yield
    metadata.CHUNK = saved


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


# ---- extras --------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["a\ud800b", ["ok", "\udfff"]], ids=["string", "list"])
def test_extras_words_with_a_lone_surrogate_are_a_usage_error(cwd: Path, words: object) -> None:
    messages = cwd / "messages.jsonl"
    # json.dumps writes the lone surrogate as the escape "\ud800", as any JSON producer may.
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": words}})
    done = run([], cwd, env)
    assert done.returncode == 2
    assert done.stdout == b""
    line = one_error_line(done.stderr, 'extras "words"', "lone surrogate")
    assert "U+D800" in line or "U+DFFF" in line
    assert "lone surrogate" in closed_reason(read_messages(messages))


@pytest.mark.parametrize("words", [42, 1.5, True, {"a": 1}, [1, 2], ["a", None], [["a"]]], ids=repr)
def test_extras_words_of_the_wrong_type_are_a_usage_error(cwd: Path, words: object) -> None:
    messages = cwd / "messages.jsonl"
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": words}})
    done = run([], cwd, env)
    assert done.returncode == 2 and done.stdout == b""
    one_error_line(done.stderr, 'extras "words" must be a string or a list of strings')
    assert "words" in closed_reason(read_messages(messages))


def test_words_given_win_over_the_extras(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": "from extras"}})
    done = run(["-v", "from", "arguments"], cwd, env)
    assert done.returncode == 0
    assert done.stdout == say("from arguments").encode()
    assert b"extras" in done.stderr and b"not used" in done.stderr
    said = read_messages(messages)[5]["params"]["metadata"]["ferris_said"]["raw_value"]
    assert said == "from arguments"


def test_bad_extras_words_are_ignored_when_words_are_given(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    env = dagster_env(messages, {"asset_keys": ["ferris"], "extras": {"words": 42}})
    done = run(["a", "b", "c"], cwd, env)
    assert done.returncode == 0, done.stderr


# ---- options: enormous --width, --asset-key without Dagster ----------------------------------


def test_width_up_to_rusts_usize_max_is_accepted(cwd: Path) -> None:
    done = run(["--width", str(MAX_WIDTH), "big", "width"], cwd)
    assert (done.returncode, done.stdout) == (0, say("big width", MAX_WIDTH).encode())
    assert MAX_WIDTH == 2**64 - 1


@pytest.mark.parametrize("value", [str(2**64), str(10**30), "9" * 5000, "-" + "9" * 5000])
def test_width_beyond_rusts_usize_is_a_usage_error(cwd: Path, value: str) -> None:
    done = run(["--width", value, "hi"], cwd)
    assert done.returncode == 2 and done.stdout == b""
    line = one_error_line(done.stderr, "--width", "is not in the range 0<=x<=18446744073709551615")
    assert len(line) < 300  # thousands of digits are not echoed back


def test_width_with_thousands_of_leading_zeros_is_still_a_width(cwd: Path) -> None:
    done = run(["--width", "0" * 5000 + "3", "big width"], cwd)  # past Python's int() digit limit
    assert (done.returncode, done.stdout) == (0, say("big width", 3).encode())


def test_asset_key_without_dagster_is_ignored(cwd: Path) -> None:
    done = run(["--asset-key", "ferris", "hi"], cwd)
    assert (done.returncode, done.stdout, done.stderr) == (0, say("hi").encode(), b"")
    verbose = run(["-v", "--asset-key", "ferris", "hi"], cwd)
    assert b"--asset-key 'ferris' ignored" in verbose.stderr
    assert list(cwd.iterdir()) == []  # and nothing written anywhere


# ---- Dagster with nothing to say and a silent, open stdin: never a hang ----------------------


@pytest.mark.parametrize("which", ["both", "context-only", "messages-only"])
def test_dagster_with_no_words_and_a_silent_open_stdin_is_a_usage_error(
    fake_temp: Path, which: str
) -> None:
    messages = fake_temp / "messages.jsonl"
    env = dagster_env(messages)
    if which == "context-only":  # messages fall back to fake_temp/
        del env["DAGSTER_PIPES_MESSAGES"]
        messages = fake_temp / "fake_temp" / "messages.json"
    elif which == "messages-only":  # context falls back to fake_temp/
        del env["DAGSTER_PIPES_CONTEXT"]
    read_end, write_end = os.pipe()  # nobody ever writes, nobody closes: a read would hang
    try:
        done = run([], fake_temp, env, stdin=read_end, timeout=30)
    finally:
        os.close(read_end)
        os.close(write_end)
    assert done.returncode == 2 and done.stdout == b""
    one_error_line(done.stderr, "nothing to say", "Dagster")
    assert "nothing to say" in closed_reason(read_messages(messages))


# ---- signals during a long run, interrupts while reading stdin -------------------------------


@pytest.mark.parametrize("signum,code", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
@pytest.mark.parametrize("where", ["fake_temp", "env"])
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
    process.stdin.write(_big_text(2).encode())
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
    wait_blocked_on_stdin(process)
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


# ---- context fields of the wrong type, --asset-key for an op: after `opened`, so in `closed` --


@pytest.mark.parametrize(
    "data,why",
    [
        ({"asset_keys": ["ferris"], "run_id": 7}, '"run_id" must be a string'),
        ({"asset_keys": ["ferris"], "job_name": ["j"]}, '"job_name" must be a string'),
        ({"asset_keys": ["ferris", ""]}, '"asset_keys" must be a list of asset key strings'),
        (
            {"asset_keys": ["ferris"], "partition_key_range": {"start": "a"}},
            '"partition_key_range" must be',
        ),
        (
            {
                "asset_keys": ["ferris"],
                "partition_key": 3,
                "partition_key_range": {"start": "a", "end": "a"},
            },
            '"partition_key" must be a string',
        ),
        ({"asset_keys": ["ferris"], "extras": "words"}, '"extras" must be an object'),
    ],
    ids=["run_id", "job_name", "empty-key", "range", "partition_key", "extras"],
)
def test_context_fields_of_the_wrong_type(cwd: Path, data: dict[str, Any], why: str) -> None:
    messages = cwd / "messages.jsonl"
    done = run(["hi"], cwd, dagster_env(messages, data))
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "DAGSTER_PIPES_CONTEXT", why)
    assert why in closed_reason(read_messages(messages))


def test_asset_key_for_an_op_is_an_error_reported_to_dagster(cwd: Path) -> None:
    messages = cwd / "messages.jsonl"
    done = run(["--asset-key", "ferris", "hi"], cwd, dagster_env(messages, {"asset_keys": None}))
    assert done.returncode == 1 and done.stdout == b""
    one_error_line(done.stderr, "--asset-key 'ferris'", "targets no assets")
    assert "targets no assets" in closed_reason(read_messages(messages))


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


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_context_fifo_nobody_writes_is_refused_at_once(cwd: Path) -> None:
    """Opening a context FIFO nobody writes would block: it is refused at once instead (not a
    regular file), with no `opened` (nothing had been sent). tests/test_hardening_sources.py
    covers every kind of file."""
    os.mkfifo(cwd / "context.fifo")
    messages = cwd / "messages.jsonl"
    env = {
        "DAGSTER_PIPES_CONTEXT": encode({"path": str(cwd / "context.fifo")}),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }
    done = run(["hi"], cwd, env, timeout=30)
    assert (done.returncode, done.stdout) == (1, b"")
    one_error_line(done.stderr, "context.fifo", "is a FIFO, not a regular file")
    assert not messages.exists() or read_messages(messages) == []


@pytest.mark.parametrize("width", ["1_000", " 5", "5 ", "５", "-0", "0x10", "", "+"])
def test_width_must_be_what_rusts_usize_parser_takes(cwd: Path, width: str) -> None:
    done = run(["--width", width, "hi"], cwd)
    assert done.returncode == 2 and done.stdout == b""
    one_error_line(done.stderr, "--width")


def test_width_may_carry_a_plus_sign_as_in_rust(cwd: Path) -> None:
    done = run(["--width", "+5", "hi there"], cwd)
    assert (done.returncode, done.stdout) == (0, say("hi there", 5).encode())
