"""A fork server for the tests: the installed commands, imported once, each run in a child
process of its own, as its console script would run it.

Starting Python and importing click, rich and dagster-pipes costs each run of the command 40 to
160 ms of CPU; forked from a process that has imported them, a run costs what the command's own
work costs. The surface table (`surface_table.run_forked`) always runs through it, and
`run_command.command` does in `make test` (FERRIS_SAYS_TESTS_FORKED=1); `make check` starts
every run afresh, and tests/test_surfaces.py and tests/test_fork_server.py compare the two.

The child is the command as the console script is, at the level of the process: the run's
working directory; its environment (cleared, then set as bytes); the client's own pipes (stdin
/dev/null where it gives none) as descriptors 0, 1 and 2, passed over a Unix socket, and no
other descriptor;
sys.stdin, sys.stdout and sys.stderr made for them as Python makes them at start-up; sys.argv;
then ``sys.exit(main())`` and what the interpreter's shutdown does but freeing its heap
(`shut_down`). What a running interpreter cannot become, a child cannot be: a run whose
environment differs from the server's in what Python reads at start-up (PYTHON*, the locale)
must be started afresh (`forkable`).

Protocol, on the socket: a request is 8 bytes of length, sent with the three descriptors, then
that many bytes of JSON: ``{"entry": a console script or "show_messages", "argv": [b64...],
"env": [[b64, b64]...], "cwd": str, "timeout": seconds, "address_space": bytes | null}``; the
reply is one JSON line: ``{"code": int | null (killed at the timeout), "seconds", "cpu"}``.
"""

from __future__ import annotations

import atexit
import base64
import functools
import importlib
import importlib.metadata
import io
import json
import os
import resource
import select
import selectors
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: The entry that is no console script: ``python -m ferris_says.show_messages``.
SHOW_MESSAGES = "show_messages"
#: Where the console scripts are: beside this Python.
BIN = Path(sys.executable).parent
LENGTH = struct.Struct("!Q")

#: What Python reads from the environment when it starts (its own PYTHON* settings, and the
#: locale that decides its encodings): a run that sets these otherwise than the server was
#: started with is started afresh.
STARTUP_PREFIXES = (b"PYTHON", b"LC_")
STARTUP_VARIABLES = (b"LANG", b"LANGUAGE", b"LOCPATH", b"TZ")


@functools.cache
def entry_points() -> dict[str, str]:
    """Each console script of the installed ferris-says, and show_messages: "module:function"
    (read once, before the first fork)."""
    scripts = importlib.metadata.distribution("ferris-says").entry_points
    found = {ep.name: ep.value for ep in scripts if ep.group == "console_scripts"}
    return {**found, SHOW_MESSAGES: "ferris_says.show_messages:main"}


def startup_environment(env: Mapping[bytes, bytes]) -> dict[bytes, bytes]:
    return {
        name: value
        for name, value in env.items()
        if name.startswith(STARTUP_PREFIXES) or name in STARTUP_VARIABLES
    }


def as_bytes(env: Mapping[str, str] | Mapping[bytes, bytes]) -> dict[bytes, bytes]:
    return {os.fsencode(name): os.fsencode(value) for name, value in env.items()}


# ---- the server -------------------------------------------------------------------------------


def preload() -> None:
    """Everything a run may import, imported before the first fork."""
    import ferris_says.command
    import ferris_says.completion
    import ferris_says.looks
    import ferris_says.pipes.reports
    import ferris_says.pipes.session  # noqa: F401

    for target in entry_points().values():
        importlib.import_module(target.partition(":")[0])


def reopen_stdio() -> None:
    """sys.stdin, sys.stdout and sys.stderr for descriptors 0, 1 and 2, made as Python's
    start-up makes them (Python/pylifecycle.c, create_stdio): buffered, line-buffered on a
    terminal and for stderr, newlines as they are; the encoding and error handler the server's
    start-up chose, which the same environment gives (`forkable`)."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        old = getattr(sys, f"__{name}__")
        stream: io.TextIOWrapper | None = None
        try:
            size = os.fstat(fd).st_blksize  # what open(fd, buffering=-1) buffers
        except OSError:
            pass  # closed: Python makes it None
        else:
            raw = io.FileIO(fd, "wb" if fd else "rb", closefd=False)
            raw.name = f"<{name}>"
            buffer: io.BufferedWriter | io.BufferedReader = (
                io.BufferedWriter(raw, size) if fd else io.BufferedReader(raw, size)
            )
            line_buffering = raw.isatty() or fd == 2
            stream = io.TextIOWrapper(
                buffer, old.encoding, old.errors, "\n", line_buffering, False
            )
            stream.mode = "w" if fd else "r"  # type: ignore[misc]
        setattr(sys, name, stream)
        setattr(sys, f"__{name}__", stream)


def become(request: dict[str, Any], fds: list[int]) -> None:
    """In the forked child: become the command, run it, exit as the interpreter would."""
    try:
        os.chdir(request["cwd"])
        os.environ.clear()
        for name, value in request["env"]:
            os.environb[base64.b64decode(name)] = base64.b64decode(value)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # what subprocess's close_fds does
        if request["address_space"]:
            limit = request["address_space"]
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        reopen_stdio()
        entry = request["entry"]
        module, _, function = entry_points()[entry].partition(":")
        main = getattr(importlib.import_module(module), function)
        program = entry if entry == SHOW_MESSAGES else str(BIN / entry)
        sys.argv = [program, *(os.fsdecode(base64.b64decode(arg)) for arg in request["argv"])]
    except BaseException:
        traceback.print_exc()
        os._exit(125)
    os._exit(shut_down(main))


def shut_down(main: Callable[[], object]) -> int:
    """``sys.exit(main())`` and what the interpreter does then, but for freeing its heap: the
    status of SystemExit or of a traceback (a KeyboardInterrupt ends the process by SIGINT, as
    Python does), the non-daemon threads waited for, the atexit functions, the last flush of
    stdout and stderr (a failing one is said and is status 120, as Python does)."""
    interrupted = False
    try:
        code: object = main()
    except SystemExit as stop:
        code = stop.code
    except BaseException as error:
        traceback.print_exc()
        interrupted = isinstance(error, KeyboardInterrupt)
        code = 1
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    threading._shutdown()  # type: ignore[attr-defined]
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except Exception as error:
            if stream is sys.stdout and sys.stderr is not None:
                print(f"Exception ignored in: {stream!r}", file=sys.stderr)
                traceback.print_exception(type(error), error, None, file=sys.stderr)
            code = 120
    if interrupted:
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGINT)
    return code


def wait_within(pid: int, seconds: float) -> tuple[int, resource.struct_rusage] | None:
    """The child's status and usage once it ends, or None if it has not within ``seconds``."""
    if hasattr(os, "pidfd_open"):  # Linux: a descriptor that becomes readable at the end
        ended = os.pidfd_open(pid)
        try:
            if not select.select([ended], [], [], seconds)[0]:
                return None
        finally:
            os.close(ended)
        return os.wait4(pid, 0)[1:]
    deadline = time.monotonic() + seconds
    pause = 0.001
    while time.monotonic() < deadline:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            return status, usage
        time.sleep(pause)
        pause = min(pause * 2, 0.02)
    return None


def run_case(request: dict[str, Any], fds: list[int]) -> dict[str, Any]:
    started = time.monotonic()
    pid = os.fork()
    if pid == 0:
        become(request, fds)  # never returns: the child ends in os._exit
    for fd in fds:
        os.close(fd)
    ended = wait_within(pid, float(request["timeout"]))
    if ended is None:
        os.kill(pid, signal.SIGKILL)
    status, usage = ended or os.wait4(pid, 0)[1:]
    return {
        "code": None if ended is None else os.waitstatus_to_exitcode(status),
        "seconds": time.monotonic() - started,
        "cpu": usage.ru_utime + usage.ru_stime,
    }


def receive(connection: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = connection.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def serve(connection: socket.socket) -> None:
    sys.path[0] = str(BIN)  # where a console script's Python looks first
    preload()
    while True:
        header, fds, _, _ = socket.recv_fds(connection, LENGTH.size, 3)
        if not header:
            return
        (size,) = LENGTH.unpack(header + receive(connection, LENGTH.size - len(header)))
        reply = run_case(json.loads(receive(connection, size)), fds)
        connection.sendall(json.dumps(reply).encode() + b"\n")


# ---- the client -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    code: int | None  # None: killed at the timeout
    stdout: bytes
    stderr: bytes
    seconds: float  # wall clock, in the server
    cpu: float  # the run's own CPU time


class ForkServer:
    """A fork server process, started with ``env``; one run at a time."""

    def __init__(self, env: Mapping[str, str] | Mapping[bytes, bytes]) -> None:
        self.env = as_bytes(env)
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, __file__, str(theirs.fileno())],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            env=self.env,
            cwd="/",
        )
        theirs.close()
        self.connection = ours

    def forkable(self, env: Mapping[bytes, bytes]) -> bool:
        """Whether a run in ``env`` starts as this server's Python started."""
        return startup_environment(env) == startup_environment(self.env)

    def run(
        self,
        entry: str,
        argv: Iterable[str | bytes],
        env: Mapping[str, str] | Mapping[bytes, bytes],
        cwd: str | os.PathLike[str],
        input: bytes | None = None,
        timeout: float = 60,
        address_space: int | None = None,
    ) -> Ran:
        """``entry`` run with ``argv`` in ``env``: stdin ``input`` through a pipe (None:
        /dev/null), stdout and stderr read through pipes, as subprocess.run does."""
        env = as_bytes(env)
        assert self.forkable(env), "Python would start otherwise: run it afresh"
        request = {
            "entry": entry,
            "argv": [base64.b64encode(os.fsencode(arg)).decode() for arg in argv],
            "env": [
                [base64.b64encode(name).decode(), base64.b64encode(value).decode()]
                for name, value in env.items()
            ],
            "cwd": os.fspath(cwd),
            "timeout": timeout,
            "address_space": address_space,
        }
        body = json.dumps(request).encode()
        stdin_read, stdin_write = os.pipe() if input is not None else (os.open(os.devnull, 0), -1)
        stdout_read, stdout_write = os.pipe()
        stderr_read, stderr_write = os.pipe()
        theirs = [stdin_read, stdout_write, stderr_write]
        try:
            socket.send_fds(self.connection, [LENGTH.pack(len(body))], theirs)
            self.connection.sendall(body)
        finally:
            for fd in theirs:
                os.close(fd)
        return self._exchange(input or b"", stdin_write, stdout_read, stderr_read)

    def _exchange(self, input: bytes, stdin: int, stdout: int, stderr: int) -> Ran:
        """What communicate() does, and the server's reply read beside it."""
        outputs: dict[int, list[bytes]] = {stdout: [], stderr: []}
        reply = b""
        with selectors.DefaultSelector() as selector:
            for fd in outputs:
                selector.register(fd, selectors.EVENT_READ)
            selector.register(self.connection, selectors.EVENT_READ)
            if stdin >= 0:
                os.set_blocking(stdin, False)
                selector.register(stdin, selectors.EVENT_WRITE)
            sent = 0
            while selector.get_map():
                for key, _ in selector.select():
                    if key.fileobj is self.connection:
                        reply += self.connection.recv(1 << 16)
                        if reply.endswith(b"\n") or not reply:
                            selector.unregister(self.connection)
                    elif key.fd == stdin:
                        try:
                            sent += os.write(stdin, input[sent : sent + (1 << 16)])
                        except BrokenPipeError:
                            sent = len(input)  # the command did not read it all
                        if sent >= len(input):
                            selector.unregister(stdin)
                            os.close(stdin)
                    else:
                        chunk = os.read(key.fd, 1 << 16)
                        if chunk:
                            outputs[key.fd].append(chunk)
                        else:
                            selector.unregister(key.fd)
                            os.close(key.fd)
        answer = json.loads(reply)
        return Ran(
            answer["code"],
            b"".join(outputs[stdout]),
            b"".join(outputs[stderr]),
            answer["seconds"],
            answer["cpu"],
        )

    def close(self) -> None:
        self.connection.close()
        self.process.wait(timeout=60)


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
