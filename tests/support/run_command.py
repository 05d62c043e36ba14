"""Running the installed ferris-says as Dagster would, shared by the subprocess tests."""

from __future__ import annotations

import atexit
import base64
import hashlib
import json
import locale
import os
import random
import shutil
import subprocess
import sys
import zlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from support.fork_server import ForkServer, as_bytes

# The tests' folder (this module lives in its support/ package).
TESTS = Path(__file__).resolve().parent.parent


def _installed_command() -> str:
    beside = Path(sys.executable).with_name("ferris-says")
    found = str(beside) if beside.exists() else shutil.which("ferris-says")
    assert found is not None, "ferris-says is not installed: `make test` installs it"
    return found


FERRIS = _installed_command()

# Variables that would change what the command does: a run inherits none of them by accident.
SCRUBBED = (
    "NO_COLOR",
    "FORCE_COLOR",
    "COLORTERM",
    "PYTHONUNBUFFERED",
    "PYTHONIOENCODING",
    "COWPATH",
    "FERRIS_SAYS_SEED",
)
CLEAN_ENV = {
    k: v for k, v in os.environ.items() if not k.startswith("DAGSTER_PIPES_") and k not in SCRUBBED
}

BLOG_METHODS = [
    "opened",
    "log",
    "log",
    "report_asset_check",
    "report_asset_check",
    "report_asset_materialization",
    "closed",
]


def encode(value: object) -> str:
    """What Dagster does: base64(zlib(JSON))."""
    return base64.b64encode(zlib.compress(json.dumps(value).encode())).decode()


def run(
    args: Sequence[str],
    cwd: Path | str | None,
    env: dict[str, str] | None = None,
    input: bytes | None = b"",
    timeout: int = 60,
    **popen: Any,
) -> subprocess.CompletedProcess[bytes]:
    """The installed command; stdin is `input` unless `stdin=` is given."""
    if "stdin" in popen:
        input = None
    return command(
        [FERRIS, *args], cwd=cwd, env={**CLEAN_ENV, **(env or {})}, input=input, timeout=timeout,
        **popen,
    )  # fmt: skip


# ---- the installed commands, forked in `make test` ---------------------------------------------

#: `make test` sets FERRIS_SAYS_TESTS_FORKED=1 (`make check` does not): a run that needs no
#: process of its own is forked from a server that has imported the package once
#: (support/fork_server.py), which saves each run Python's start and its imports.
FORKED = os.environ.get("FERRIS_SAYS_TESTS_FORKED") == "1"
_servers: list[ForkServer] = []


def fork_server() -> ForkServer:
    """This session's fork server, started with the clean environment at its first use."""
    if not _servers:
        _servers.append(ForkServer(CLEAN_ENV))
        atexit.register(_servers[0].close)
    return _servers[0]


def command(
    argv: Sequence[str | bytes],
    cwd: Path | str | None = None,
    env: Mapping[str, str] | Mapping[bytes, bytes] = CLEAN_ENV,
    input: bytes | None = b"",
    timeout: float = 60,
    **popen: Any,
) -> subprocess.CompletedProcess[bytes]:
    """``subprocess.run(argv, capture_output=True)`` of one of the installed commands (argv[0]
    beside this Python), stdin ``input`` (None: as ``popen`` says, /dev/null by default).

    Forked (FORKED) unless the run asks for a process of its own: a ``popen`` argument (its
    own stdin or stdout, a pre-exec function), or an environment that Python reads at start-up
    otherwise than the server did (PYTHON*, the locale)."""
    program = Path(os.fsdecode(argv[0]))
    if FORKED and not popen and program.parent == Path(sys.executable).parent:
        server = fork_server()
        if server.forkable(as_bytes(env)):
            where = os.getcwd() if cwd is None else cwd
            ran = server.run(program.name, argv[1:], env, where, input, timeout)
            if ran.code is None:
                raise subprocess.TimeoutExpired(argv, timeout, ran.stdout, ran.stderr)
            return subprocess.CompletedProcess(argv, ran.code, ran.stdout, ran.stderr)
    if input is None:
        popen.setdefault("stdin", subprocess.DEVNULL)
    popen.setdefault("stdout", subprocess.PIPE)
    popen.setdefault("stderr", subprocess.PIPE)
    done: subprocess.CompletedProcess[bytes] = subprocess.run(
        argv, check=False, cwd=cwd, env=env, input=input, timeout=timeout, **popen
    )
    return done


def as_text(done: subprocess.CompletedProcess[bytes]) -> subprocess.CompletedProcess[str]:
    """``done`` as subprocess.run(..., text=True) gives it: decoded in the locale's encoding,
    newlines universal."""
    encoding = locale.getpreferredencoding(False)

    def text(data: bytes) -> str:
        return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")

    return subprocess.CompletedProcess(
        done.args, done.returncode, text(done.stdout), text(done.stderr)
    )


def bytes_env(env: dict[str, str], **extra: bytes) -> dict[bytes, bytes]:
    """``env`` with variables whose values are bytes (not UTF-8, as POSIX allows)."""
    return {
        **{os.fsencode(k): os.fsencode(v) for k, v in env.items()},
        **{k.encode(): v for k, v in extra.items()},
    }


def read_messages(path: Path | str) -> list[dict[str, Any]]:
    """Every line whole JSON (a half-written line fails here), the last one ending in \\n."""
    data = Path(path).read_bytes()
    assert data == b"" or data.endswith(b"\n"), data[-200:]
    return [json.loads(line) for line in data.decode().splitlines()]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- what every failure looks like ---------------------------------------------------------------

#: An error line is one line of at most a few KB, whatever the input.
ERROR_LINE_MAX_BYTES = 8 * 1024
#: `closed` carries a bounded exception.
CLOSED_MAX_BYTES = 32 * 1024

# Bytes a terminal acts on: C0 controls but newline, DEL, and C1 controls (in UTF-8).
RAW_CONTROLS = (
    [bytes([c]) for c in range(0x20) if c != 0x0A]
    + [b"\x7f"]
    + [chr(c).encode() for c in range(0x80, 0xA0)]
)


def error_line(stderr: bytes, *fragments: str) -> str:
    """stderr is exactly one error line, bounded, escaped, naming every fragment."""
    assert stderr.count(b"\n") == 1 and stderr.endswith(b"\n"), stderr[:2000]
    assert len(stderr) <= ERROR_LINE_MAX_BYTES, len(stderr)
    for raw in RAW_CONTROLS:
        assert raw not in stderr[:-1], (raw, stderr[:2000])
    line = stderr.decode("utf-8")
    assert line.startswith("ferris-says: error: "), line
    assert "Traceback" not in line and "unexpected" not in line, line
    for fragment in fragments:
        assert fragment in line, (fragment, line)
    return line


def whole_messages(path: Path) -> list[dict[str, Any]]:
    """Every line of the messages file whole JSON; `closed` last and once, if `opened` is there."""
    if not path.exists():
        return []
    data = path.read_bytes()
    assert data == b"" or data.endswith(b"\n"), data[-300:]
    messages = [json.loads(line) for line in data.splitlines()]
    methods = [m["method"] for m in messages]
    if methods:
        assert methods[0] == "opened" and methods[-1] == "closed", methods
        assert methods.count("closed") == 1, methods
        assert len(data.splitlines()[-1]) <= CLOSED_MAX_BYTES, len(data.splitlines()[-1])
    return messages


def fails(done: subprocess.CompletedProcess[bytes], code: int, *fragments: str) -> str:
    assert done.returncode == code, (done.returncode, done.stderr[:2000])
    assert done.stdout == b"", done.stdout[:300]
    return error_line(done.stderr, *fragments)


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


def big_text(megabytes: int) -> str:
    rng = random.Random(4)
    words = ["ferris", "says", "crab", "パイプ", "言葉", "wrap-around", "🦀", "naïve"]
    out, size = [], 0
    while size < megabytes * 1_000_000:
        line = " ".join(rng.choice(words) for _ in range(12))
        out.append(line)
        size += len(line.encode()) + 1
    return "\n".join(out)


def messages_env(cwd: Path, context_params: dict[str, Any]) -> tuple[dict[str, str], Path]:
    messages = cwd / "messages.jsonl"
    return {
        "DAGSTER_PIPES_CONTEXT": encode(context_params),
        "DAGSTER_PIPES_MESSAGES": encode({"path": str(messages)}),
    }, messages
