"""A fork server for `tests/test_surfaces.py`: the installed ferris-says, imported once, runs
each case in a child process of its own.

Hundreds of cases cost a second each if every one starts Python and imports click, rich and
dagster-pipes afresh; forked from a process that has imported them, a case costs what the
command's own work costs. The child is the command as its console script runs it: the case's
working directory, environment (cleared, then set as bytes), stdin, stdout and stderr (files on
descriptors 0, 1, 2), ``sys.argv`` decoded as Python decodes it, then ``sys.exit(main())`` and
what the interpreter's shutdown does but freeing its heap (`shut_down`). `test_surfaces.py` checks
a sample of cases against the console script run from scratch.

Protocol, one JSON object a line on stdin, one reply a line on stdout: ``{"argv": [b64...],
"env": [[b64, b64]...], "cwd": str, "stdin": str | null, "entry": "ferris-says" |
"show_messages", "timeout": seconds}`` -> ``{"code": int | null (killed when it hung),
"stderr": b64, "stdout_bytes": int}``.
"""

from __future__ import annotations

import atexit
import base64
import json
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

#: Address space of each case: far above what the command needs (about 200 MiB with
#: dagster-pipes), far below the machine's memory, so that `--files /dev/zero` ends in the
#: command's "out of memory" without taking the memory of everything else on the machine.
ADDRESS_SPACE = 1 << 30


def preload() -> None:
    """Everything a case may import, imported before the first fork."""
    import ferris_says.cli
    import ferris_says.command
    import ferris_says.completion
    import ferris_says.looks
    import ferris_says.pipes.reports
    import ferris_says.pipes.session
    import ferris_says.show_messages  # noqa: F401


def run_child(case: dict[str, Any]) -> None:
    """In the forked child: become the command, run it, exit through the interpreter."""
    os.chdir(case["cwd"])
    os.environ.clear()
    for name, value in case["env"]:
        os.environb[base64.b64decode(name)] = base64.b64decode(value)
    stdin = case["stdin"] or os.devnull
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    for fd, (path, mode) in enumerate(
        ((stdin, os.O_RDONLY), (case["stdout"], flags), (case["stderr"], flags))
    ):
        opened = os.open(path, mode, 0o644)
        os.dup2(opened, fd)
        os.close(opened)
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))
    argv = [os.fsdecode(base64.b64decode(arg)) for arg in case["argv"]]
    if case["entry"] == "show_messages":
        from ferris_says.show_messages import main

        sys.argv = ["show_messages", *argv]
    else:
        from ferris_says.cli import main

        sys.argv = ["ferris-says", *argv]
    os._exit(shut_down(main))


def shut_down(main: Callable[[], int]) -> int:
    """``sys.exit(main())`` and what the interpreter does then, but for freeing its heap (a
    tenth of a second in a process that has imported click, rich and dagster-pipes): the
    status of SystemExit or of a traceback, the atexit functions, the last flush of stdout and
    stderr (a failing one is status 120, as Python makes it)."""
    try:
        code: object = main()
    except SystemExit as stop:
        code = stop.code
    except BaseException:
        traceback.print_exc()
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            code = 120
    return code


def run_case(case: dict[str, Any]) -> dict[str, Any]:
    sys.stdout.flush()
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        run_child(case)  # never returns: the child ends in os._exit
    timeout = float(case["timeout"])
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            code: int | None = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            code, cpu = None, timeout
            break
        time.sleep(pause)
        pause = min(pause * 2, 0.02)
    with open(case["stderr"], "rb") as handle:
        stderr = handle.read()
    return {
        "code": code,
        "stderr": base64.b64encode(stderr).decode(),
        "stdout_bytes": os.path.getsize(case["stdout"]),
        "seconds": time.monotonic() - started,
        "cpu": cpu,
    }


def serve() -> None:
    preload()
    requests, replies = sys.stdin.buffer, sys.stdout.buffer
    while True:
        line = requests.readline()
        if not line:
            return
        reply = run_case(json.loads(line))
        replies.write(json.dumps(reply).encode() + b"\n")
        replies.flush()


if __name__ == "__main__":
    serve()
